"""An answered question's review, drawn in pieces that are kept in the process.

The review is the part of an answer's feedback that shows the question again: the verdict, the
prompt, every choice marked (chosen, right, why it is wrong) and the explanation. Profiling the
answer POST in-process, drawing it was about a third of the request. Each attempt lists the
choices in its own order (quizzes/choice_order.py), so the review is kept as pieces that do not
depend on that order: the verdict with the prompt, each marked choice, and the explanation, each
the same HTML for every learner who gives the same answer; the feedback lays the choices out in
the attempt's order. A piece's key is a digest of everything it shows and of the templates that
draw it, so an instructor's edit or a deploy makes a new key: a kept copy is never stale, and
keeping it in the process is a memo, not state.
"""

import hashlib
from collections.abc import Callable
from typing import NamedTuple, TypedDict

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from meshlearn import fragments

from .models import Choice, Question

TEMPLATE = "quizzes/take.html"
CHOICE_TEMPLATE = "quizzes/_choice_review.html"
RECENT_REVIEWS = 2048  # pieces of 0.2-2 KB: a course's prompts, explanations and marked choices
_recent: fragments.Recent = fragments.Recent()


class ChoiceRow(TypedDict):
    """One choice as shown after answering: only ever built for an answered question.

    A dict, not an object: a template finds a dict's keys at its first try (an object's
    attributes after a failed key lookup), a quarter of this list's rendering time.
    """

    text: str
    is_correct: bool
    chosen: bool
    why: str


class Review(NamedTuple):
    """A review's pieces, for the feedback template to lay out (rows in the attempt's order)."""

    head: SafeString  # the verdict and the prompt
    rows: list[SafeString]  # each choice, marked
    tail: SafeString  # the explanation


def choice_rows(choices: list[Choice], chosen_ids: set[int]) -> list[ChoiceRow]:
    return [
        ChoiceRow(text=c.text, is_correct=c.is_correct, chosen=c.id in chosen_ids, why=c.why)
        for c in choices
    ]


@fragments.per_deploy
def shape_digest() -> str:
    return fragments.shape_digest([TEMPLATE, CHOICE_TEMPLATE])


def review_of(question: Question, rows: list[ChoiceRow], correct: bool, htmx: bool) -> Review:
    """The review of an answer whose choices, in the attempt's order, are `rows`."""
    head = _kept(
        ("head", correct, htmx, question.prompt_html),
        lambda: render_to_string(
            f"{TEMPLATE}#review-head",
            {"correct": correct, "htmx": htmx, "prompt_html": question.prompt_html},
        ),
    )
    marked = [
        _kept(
            ("row", *row.values()),
            lambda row=row: render_to_string(f"{CHOICE_TEMPLATE}#row", {"row": row}),
        )
        for row in rows
    ]
    tail = _kept(
        ("tail", question.explanation_html),
        lambda: render_to_string(
            f"{TEMPLATE}#review-tail", {"explanation_html": question.explanation_html}
        ),
    )
    return Review(head, marked, tail)


def _kept(parts: tuple, draw: Callable[[], str]) -> SafeString:
    digest = hashlib.blake2b(digest_size=20)
    for part in (shape_digest(), *parts):
        digest.update(repr(part).encode())
    key = digest.hexdigest()
    html = _recent.get(key)
    if html is None:
        # Sanitised at save (prompt, explanation) or escaped by the template (choices).
        html = _recent.keep(key, mark_safe(draw()), RECENT_REVIEWS)
    return html
