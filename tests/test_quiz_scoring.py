"""The scoring rules, pure: no database, no Django."""

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizzes import scoring
from quizzes.scoring import MULTIPLE, SINGLE, Result

# A question with choices 1..4: 2 is the right one for single; 1 and 3 for multiple.
CHOICES = {1, 2, 3, 4}


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [({2}, True), ({1}, False), ({4}, False), (set(), False)],
)
def test_single_choice_scores_only_the_correct_choice(chosen, expected):
    assert scoring.is_correct(SINGLE, {2}, chosen) is expected


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        ({1, 3}, True),
        ({1}, False),  # missing a correct one: no partial credit
        ({3}, False),
        ({1, 3, 4}, False),  # a wrong one added
        ({1, 2, 3, 4}, False),  # ticking everything never scores
        (set(), False),
    ],
)
def test_multiple_choice_needs_all_correct_and_no_wrong(chosen, expected):
    assert scoring.is_correct(MULTIPLE, {1, 3}, chosen) is expected


def test_a_question_without_a_correct_choice_scores_nobody():
    assert scoring.is_correct(SINGLE, set(), set()) is False
    assert scoring.is_correct(MULTIPLE, set(), set()) is False


def test_a_broken_single_question_with_two_correct_choices_scores_nobody():
    assert scoring.is_correct(SINGLE, {1, 2}, {1}) is False
    assert scoring.is_correct(SINGLE, {1, 2}, {1, 2}) is False


def test_answer_problems_name_each_refusal():
    assert scoring.answer_problem(SINGLE, CHOICES, []) == scoring.EMPTY_ANSWER
    assert scoring.answer_problem(SINGLE, CHOICES, [1, 2]) == scoring.TOO_MANY_FOR_SINGLE
    assert scoring.answer_problem(SINGLE, CHOICES, [99]) == scoring.FOREIGN_CHOICE
    assert scoring.answer_problem(MULTIPLE, CHOICES, [1, 99]) == scoring.FOREIGN_CHOICE
    assert scoring.answer_problem(MULTIPLE, CHOICES, [1, 2, 3]) is None
    assert scoring.answer_problem(SINGLE, CHOICES, [3]) is None
    # The same choice sent twice is still one answer.
    assert scoring.answer_problem(SINGLE, CHOICES, [3, 3]) is None


@pytest.mark.parametrize(
    ("score", "total", "pass_percent", "expected"),
    [
        (5, 6, 70, True),
        (4, 6, 70, False),
        (7, 10, 70, True),  # exactly on the mark passes
        (69, 100, 70, False),
        (4, 6, 67, False),  # 66.67% must not round up to 67
        (2, 3, 66, True),
        (0, 0, 70, False),  # an empty quiz passes no one
        (1, 1, 100, True),
    ],
)
def test_pass_compares_exact_fractions(score, total, pass_percent, expected):
    assert scoring.passed(score, total, pass_percent) is expected


def test_pass_mark_defaults_to_70_percent():
    assert scoring.DEFAULT_PASS_PERCENT == 70
    assert scoring.passed(7, 10) and not scoring.passed(6, 10)


@pytest.mark.parametrize(
    ("score", "total", "expected"), [(5, 6, 83), (4, 6, 66), (6, 6, 100), (0, 6, 0), (0, 0, 0)]
)
def test_percent_rounds_down(score, total, expected):
    assert scoring.percent(score, total) == expected


@given(
    total=st.integers(min_value=1, max_value=200),
    data=st.data(),
    pass_percent=st.integers(min_value=1, max_value=100),
)
def test_shown_percent_agrees_with_pass_or_fail(total, data, pass_percent):
    score = data.draw(st.integers(min_value=0, max_value=total))
    shown = scoring.percent(score, total)
    assert (shown >= pass_percent) == scoring.passed(score, total, pass_percent)


@given(chosen=st.sets(st.sampled_from(sorted(CHOICES))), correct=st.sets(st.sampled_from([1, 3])))
def test_multiple_choice_scores_exactly_the_correct_set(chosen, correct):
    assert scoring.is_correct(MULTIPLE, correct, chosen) == (bool(correct) and chosen == correct)


def test_best_prefers_the_higher_share_then_the_longer_quiz():
    assert scoring.best([]) is None
    assert scoring.best([Result(2, 6), Result(5, 6), Result(4, 6)]) == Result(5, 6)
    assert scoring.best([Result(1, 2), Result(3, 6)]) == Result(3, 6)
    assert scoring.best([Result(0, 0), Result(0, 6)]) == Result(0, 6)


def test_scoring_imports_nothing_from_django():
    source = Path(scoring.__file__).read_text()
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module or "")
    assert modules, "expected the parser to find the module's imports"
    assert not any(name.split(".")[0] == "django" for name in modules)


@pytest.mark.parametrize(
    ("kind", "choices", "correct", "fragment"),
    [
        (SINGLE, 1, 1, "at least two choices"),
        (MULTIPLE, 0, 0, "at least two choices"),
        (SINGLE, 3, 0, "none is marked correct"),
        (SINGLE, 3, 2, "2 are marked correct"),
        (MULTIPLE, 3, 0, "at least one correct choice"),
    ],
)
def test_authoring_problems_explain_what_to_fix(kind, choices, correct, fragment):
    problems = scoring.authoring_problems(kind, choices, correct)
    assert any(fragment in p for p in problems), problems


@pytest.mark.parametrize(
    ("kind", "choices", "correct"),
    [(SINGLE, 2, 1), (SINGLE, 5, 1), (MULTIPLE, 4, 4), (MULTIPLE, 3, 1)],
)
def test_well_formed_questions_have_no_authoring_problems(kind, choices, correct):
    assert scoring.authoring_problems(kind, choices, correct) == []


@pytest.mark.parametrize(
    ("answers", "score", "total", "answered", "complete"),
    [
        ([], 0, 0, 0, True),
        ([None, None], 0, 2, 0, False),
        ([True, False, None], 1, 3, 2, False),
        ([True, False, True], 2, 3, 3, True),
    ],
)
def test_tally_counts_right_answers_and_open_questions(answers, score, total, answered, complete):
    count = scoring.tally(iter(answers))  # any iterable, read once
    assert (count.score, count.total, count.answered) == (score, total, answered)
    assert count.complete is complete


@given(st.lists(st.sampled_from([True, False, None])))
def test_tally_never_scores_more_than_it_answered(answers):
    count = scoring.tally(answers)
    assert count.score <= count.answered <= count.total == len(answers)
    assert count.score == answers.count(True)
