"""Guessing by place: a learner who always ticks the same place in the list scores about chance.

Issue 20: every shipped question listed its right answer first and the page showed choices in
that order, so always ticking the first choice passed 9 of the 10 quizzes with questions of
their own (85% of their questions) and scored 88% on the final exam (every question but the
multiple-answer ones it drew). Here every shipped quiz (the lesson quizzes, the final quiz and
the drawn final exam) is played ATTEMPTS times per strategy through the real pages, and each
strategy's mean must sit near chance. Run with -s for the figures.

Chance is computed from the loaded course, as the project scores: a single-answer question with
n choices scores 1/n for one ticked choice; a multiple-answer question scores only with every
right choice and no wrong one, so one ticked choice scores 1/n when it has exactly one right
choice and never otherwise (every shipped one has two or three: 0). Over the shipped course
that is 40 × 1/4 of 47 questions, 21.3%, on the quizzes; on the exam, which draws two of each
lesson quiz's questions, 21.9% (each question drawn with probability 2 / its quiz's size). The
test sums each attempt's own questions' odds.
"""

import re
from dataclasses import dataclass, field
from fractions import Fraction

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz

pytestmark = pytest.mark.django_db

ATTEMPTS = 30
HX = {"HTTP_HX_REQUEST": "true"}
# Near chance: within 8 points. One standard deviation at ATTEMPTS is ~1.1 points on the
# quizzes' 1410 answers and ~1.8 on the exam's 540, so a fair page fails this by bad luck
# about once in 10^5 runs.
TOLERANCE = 0.08
FORM_QUESTION = re.compile(r'name="question" value="(\d+)"')
FORM_CHOICE = re.compile(r'name="choice" value="([^"]+)"')


def first_shown(values, value_of):
    return values[0]


def last_shown(values, value_of):
    return values[-1]


def lowest_choice_id(values, value_of):
    """The choice written first, where ids follow the authoring order: what a reader of the
    course file or the admin would tick, or a cheater who could tell the ids apart."""
    return value_of[min(value_of)]


STRATEGIES = [first_shown, last_shown, lowest_choice_id]


def values_by_choice(attempt: Attempt, question_id: int, ids: list[int], values) -> dict:
    """choice id → the value the page sends for it: the attempt's token (before issue 20 the
    page sent the ids themselves, which this reads too, to measure that code as well)."""
    if all(value.isdigit() for value in values):
        return {int(value): value for value in values}
    from quizzes import choice_order

    return choice_order.tokens(attempt.choice_seed, question_id, ids)


def chance(question: Question) -> Fraction:
    """The expected score of one ticked choice at a random place (see the module docstring)."""
    choices = list(question.choices.all())
    right = sum(c.is_correct for c in choices)
    return Fraction(1, len(choices)) if right == 1 else Fraction(0)


@dataclass
class Tally:
    score: int = 0
    asked: int = 0
    passed: int = 0
    expected: Fraction = field(default_factory=Fraction)

    @property
    def mean(self) -> float:
        return self.score / self.asked

    @property
    def chance(self) -> float:
        return float(self.expected / self.asked)


def play(client, quiz: Quiz, pick, choice_ids: dict[int, list[int]]) -> Attempt:
    """One attempt through the pages: read each question as shown, tick what `pick` says."""
    started = client.post(reverse("quiz-start", args=[quiz.slug]))
    assert started.status_code == 303
    attempt = Attempt.objects.get(quiz=quiz, finished_at__isnull=True)
    for _ in range(attempt.total):
        page = client.get(quiz.get_absolute_url(), **HX).content.decode()
        question_id = int(FORM_QUESTION.search(page)[1])
        values = FORM_CHOICE.findall(page)
        assert len(values) == len(choice_ids[question_id])
        value_of = values_by_choice(attempt, question_id, choice_ids[question_id], values)
        assert sorted(value_of.values()) == sorted(values)
        data = {"attempt": attempt.id, "question": question_id, "choice": pick(values, value_of)}
        answered = client.post(reverse("quiz-answer", args=[quiz.slug]), data, **HX)
        assert answered.status_code == 200 and "feedback-verdict" in answered.content.decode()
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    return attempt


def test_ticking_the_same_place_every_time_scores_about_chance(shipped_course, learner_client):
    questions = Question.objects.filter(quiz__course=shipped_course).prefetch_related("choices")
    choice_ids = {q.id: sorted(c.id for c in q.choices.all()) for q in questions}
    odds = {q.id: chance(q) for q in questions}
    own = Quiz.objects.filter(
        course=shipped_course, draw_per_lesson=0, exam_questions=0, bank=False
    )
    own = list(own.order_by("id"))
    exam = Quiz.objects.get(course=shipped_course, draw_per_lesson__gt=0)
    assert len(own) == 10 and sum(len(q.questions.all()) for q in own) == 47

    report, failures = [], []
    for pick in STRATEGIES:
        quizzes, drawn = Tally(), Tally()
        for _ in range(ATTEMPTS):
            for quiz in own + [exam]:
                attempt = play(learner_client, quiz, pick, choice_ids)
                tally = drawn if quiz == exam else quizzes
                asked = attempt.question_ids or list(quiz.questions.values_list("id", flat=True))
                tally.score += attempt.score
                tally.asked += attempt.total
                tally.passed += attempt.passed
                tally.expected += sum(odds[qid] for qid in asked)
        report.append(
            f"{pick.__name__}: quizzes {quizzes.mean:.1%} (chance {quizzes.chance:.1%}),"
            f" {quizzes.passed / ATTEMPTS:.1f} of {len(own)} passed per round;"
            f" exam {drawn.mean:.1%} (chance {drawn.chance:.1%}),"
            f" passed {drawn.passed} of {ATTEMPTS}"
        )
        for name, tally in (("quizzes", quizzes), ("exam", drawn)):
            if abs(tally.mean - tally.chance) > TOLERANCE:
                failures.append(f"{pick.__name__} on the {name}: {tally.mean:.1%}")
    print("\n" + "\n".join(report))
    assert not failures, f"scores far from chance: {failures}\n" + "\n".join(report)
