"""An answered question's review: its choices marked (chosen, right, why wrong), in the order the
attempt showed them. The feedback after an answer shows one; the result page one per question.

Only ever built for answered questions, so it may hold the right answers. Drawn by the
templates each time (templates/quizzes/_choice_review.html): an instructor's edit shows at once.
"""

from dataclasses import dataclass
from typing import TypedDict

from .models import Attempt, Choice, Question, Response
from .question_sets import attempt_questions


class ChoiceRow(TypedDict):
    """One choice as shown after answering.

    A dict, not an object: a template finds a dict's keys at its first try (an object's
    attributes after a failed key lookup).
    """

    text: str
    yaml_html: str
    is_correct: bool
    chosen: bool
    why: str
    line: int  # its place, from 1 (a `line` question's line number)


def choice_rows(choices: list[Choice], chosen_ids: set[int]) -> list[ChoiceRow]:
    return [
        ChoiceRow(
            text=c.text,
            yaml_html=c.yaml_html,
            is_correct=c.is_correct,
            chosen=c.id in chosen_ids,
            why=c.why,
            line=n,
        )
        for n, c in enumerate(choices, start=1)
    ]


@dataclass(frozen=True)
class ReviewItem:
    """One question of a finished attempt's review; `response` None if it was not answered."""

    question: Question
    response: Response | None
    rows: list[ChoiceRow]


def attempt_review(attempt: Attempt, *, reveal_unanswered: bool = False) -> list[ReviewItem]:
    """Every question the attempt asks, in order, with its answer marked (four queries: the
    responses, their choices, the questions, theirs)."""
    responses = {r.question_id: r for r in attempt.responses.prefetch_related("choices")}
    review = []
    for question in attempt_questions(attempt, with_choices=True):
        response = responses.get(question.id)
        # A question added after this attempt was not answered in it: its answer stays hidden.
        rows = []
        if response is not None or reveal_unanswered:  # a finished exam shows them all
            shown = attempt.in_shown_order(
                question.id, list(question.choices.all()), kind=question.kind
            )
            chosen = {c.id for c in response.choices.all()} if response is not None else set()
            rows = choice_rows(shown, chosen)
        review.append(ReviewItem(question, response, rows))
    return review
