"""An answered question's review, drawn once per distinct answer and kept in the process.

The review is the part of an answer's feedback that shows the question again: the verdict, the
prompt, every choice marked (chosen, right, why it is wrong) and the explanation. Profiling the
answer POST in-process, drawing it was about a third of the request, and it is the same HTML for
every learner who picks the same choices of the same question. The key is a digest of everything
the review shows and of the templates that draw it, so an instructor's edit or a deploy makes a
new key: a kept copy is never stale, and keeping it in the process is a memo, not state.
"""

import hashlib
from typing import TypedDict

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from meshlearn import fragments

from .models import Choice, Question

TEMPLATE = "quizzes/take.html"
RECENT_REVIEWS = 512  # ~2-4 KB each: a course's questions times their common answers
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


def choice_rows(choices: list[Choice], chosen_ids: set[int]) -> list[ChoiceRow]:
    return [
        ChoiceRow(text=c.text, is_correct=c.is_correct, chosen=c.id in chosen_ids, why=c.why)
        for c in choices
    ]


@fragments.per_deploy
def shape_digest() -> str:
    return fragments.shape_digest([TEMPLATE, "quizzes/_choice_review.html"])


def review_html(question: Question, rows: list[ChoiceRow], correct: bool, htmx: bool) -> SafeString:
    key = _key(question, rows, correct, htmx)
    html = _recent.get(key)
    if html is None:
        context = {
            "correct": correct,
            "htmx": htmx,
            "prompt_html": question.prompt_html,
            "explanation_html": question.explanation_html,
            "rows": rows,
        }
        # Sanitised at save (prompt, explanation) or escaped by the template (choices).
        html = mark_safe(render_to_string(f"{TEMPLATE}#review", context))
        _recent.keep(key, html, RECENT_REVIEWS)
    return html


def _key(question: Question, rows: list[ChoiceRow], correct: bool, htmx: bool) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (shape_digest(), correct, htmx, question.prompt_html, question.explanation_html):
        digest.update(repr(part).encode())
    for row in rows:
        digest.update(repr(tuple(row.values())).encode())
    return digest.hexdigest()
