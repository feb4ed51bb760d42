"""The shipped course's question bank meets issue 23's bar (BANK_FORMAT.md): at least 240
questions, the ICA exam's domain shares within 5 points, every question sourced and explained
with the why of each wrong choice, and each domain's bank file with its share of every format.

Read with the pure course reader (no database): this is about the content, not the site.
"""

from collections import Counter

import pytest

from course_format.bank import COMPETENCIES, WEIGHTS
from course_format.schema import read_course

from .conftest import SHIPPED_COURSE

# Per domain file (BANK_FORMAT.md): at least this many questions of each format.
FORMAT_MINIMUMS = {"line": 4, "output": 4, "yaml choices": 4, "multiple": 8}


@pytest.fixture(scope="module")
def course():
    return read_course(SHIPPED_COURSE)


def formats(question) -> set[str]:
    found = {question.kind}
    if question.output.strip():
        found.add("output")
    if any(choice.yaml.strip() for choice in question.choices):
        found.add("yaml choices")
    return found


def test_the_bank_has_at_least_240_questions(course):
    assert len(course.all_questions()) >= 240


def test_every_question_has_a_domain_and_the_shares_follow_the_exam_weights(course):
    questions = course.all_questions()
    assert all(q.domain for q in questions)
    shares = Counter(q.domain for q in questions)
    for domain, weight in WEIGHTS.items():
        share = 100 * shares[domain] / len(questions)
        assert abs(share - weight) <= 5, f"{domain}: {share:.1f} % (want {weight} ± 5)"


def test_every_question_is_sourced_explained_and_says_why_each_wrong_choice_is_wrong(course):
    for question in course.all_questions():
        label = question.key or question.prompt[:60]
        assert question.source.startswith("https://"), label
        assert question.explanation.strip(), label
        assert question.competency in COMPETENCIES[question.domain], label
        for choice in question.choices:
            assert choice.correct or choice.why.strip(), label


def test_each_domain_file_has_its_share_of_every_format(course):
    assert sorted(bank.domain for bank in course.bank) == sorted(WEIGHTS)
    for bank in course.bank:
        counts = Counter(f for question in bank.questions for f in formats(question))
        for name, minimum in FORMAT_MINIMUMS.items():
            assert counts[name] >= minimum, f"{bank.domain}: {counts[name]} {name} (want {minimum})"
        assert all(question.key for question in bank.questions)


def test_the_practice_exam_is_set(course):
    exam = course.practice_exam
    assert exam is not None and exam.minutes == 60
    # Issue 24: four hands-on tasks take the time of 16 questions (course.yaml says why).
    assert (exam.questions, exam.tasks) == (24, 4)
