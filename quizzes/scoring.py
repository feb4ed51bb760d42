"""Quiz scoring, pure Python: no Django, no database, so the rules can be read and tested alone.

A single-choice question scores when the one correct choice is chosen. A multiple-choice
question scores only when every correct choice and no wrong one is chosen (no partial credit).
Pass/fail compares exact fractions, never a rounded percent, so 4 of 6 (66.7%) cannot pass a
67% pass mark by rounding up.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from fractions import Fraction

from course_format.questions import MULTIPLE, SINGLE, authoring_problems  # noqa: F401

DEFAULT_PASS_PERCENT = 70

# Shown to the learner when an answer cannot be scored; none of them changes a stored score.
EMPTY_ANSWER = "Choose an answer before you submit."
TOO_MANY_FOR_SINGLE = "This question takes exactly one answer: choose just one."
FOREIGN_CHOICE = "That answer is not one of this question's choices. Reload the page and try again."


def answer_problem(
    kind: str, question_choice_ids: Collection[int], chosen_ids: Collection[int]
) -> str | None:
    """Why `chosen_ids` is not a valid answer to the question, or None when it can be scored."""
    chosen = set(chosen_ids)
    if not chosen:
        return EMPTY_ANSWER
    if not chosen <= set(question_choice_ids):
        return FOREIGN_CHOICE
    if kind == SINGLE and len(chosen) > 1:
        return TOO_MANY_FOR_SINGLE
    return None


def is_correct(kind: str, correct_ids: Collection[int], chosen_ids: Collection[int]) -> bool:
    """Whether the chosen choices answer the question right (see the module docstring)."""
    correct, chosen = set(correct_ids), set(chosen_ids)
    if not correct:  # a question without a right answer can score no one
        return False
    if kind == SINGLE:
        return len(correct) == 1 and chosen == correct
    return chosen == correct


def percent(score: int, total: int) -> int:
    """Whole percent, rounded down so the figure shown never claims more than was scored."""
    return 100 * score // total if total else 0


def passed(score: int, total: int, pass_percent: int = DEFAULT_PASS_PERCENT) -> bool:
    return total > 0 and 100 * score >= pass_percent * total


@dataclass(frozen=True)
class Tally:
    """Where an attempt stands: answers right, questions asked, questions answered."""

    score: int
    total: int
    answered: int

    @property
    def complete(self) -> bool:
        return self.answered >= self.total


def tally(answers: Iterable[bool | None]) -> Tally:
    """Count an attempt from one entry per question it asks: right, wrong, or None (open).

    Counted from the answers each time, never incremented, so a score cannot drift from them.
    """
    marks = list(answers)
    score = sum(1 for mark in marks if mark)
    return Tally(score, len(marks), sum(1 for mark in marks if mark is not None))


@dataclass(frozen=True)
class Result:
    score: int
    total: int

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.score, self.total) if self.total else Fraction(0)


def best(results: Iterable[Result]) -> Result | None:
    """The best result by share of questions right; on a tie, the one with more questions."""
    return max(results, key=lambda r: (r.fraction, r.total), default=None)
