"""The page a quiz is taken on (templates/quizzes/take.html): a question, or the feedback on an
answer. With htmx only the panel's partial is drawn; without, the whole page.

Nothing about a question's right answer or explanation is drawn until it is answered: the
question panel reads only its choices' ids and texts.
"""

from operator import itemgetter

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from shared.htmx import wants_part

from .. import choice_order
from ..answer_review import choice_rows
from ..models import Attempt, Question, Response
from ..question_sets import attempt_answers
from ..services import AnswerSheet
from .lookups import result_url

TAKE = "quizzes/take.html"


def render_question(
    request: HttpRequest,
    attempt: Attempt,
    question: Question,
    asked: list[int],
    answered: int,
    *,
    error: str = "",
) -> HttpResponse:
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "question": question,
        "choices": shown_choices(attempt, question),
        "number": asked.index(question.id) + 1,
        "count": len(asked),
        "score": attempt.score,
        "answered": answered,
        "error": error,
        "mode": "question",
    }
    return render(request, f"{TAKE}#question" if wants_part(request) else TAKE, context)


def shown_choices(attempt: Attempt, question: Question) -> list[dict]:
    """The question's choices in the attempt's order, each with the token its form sends.

    Only ids and texts are read (whether a choice is right is not even read for this page), and
    only the tokens and texts are shown: ids follow the authoring order (choice_order.py).
    """
    rows = attempt.in_shown_order(
        question.id,
        list(question.choices.values("id", "text", "yaml_html")),
        itemgetter("id"),
        kind=question.kind,
    )
    tokens = choice_order.tokens(attempt.choice_seed, question.id, [row["id"] for row in rows])
    return [
        {"token": tokens[row["id"]], "text": row["text"], "yaml_html": row["yaml_html"], "line": n}
        for n, row in enumerate(rows, start=1)
    ]


def render_feedback(request: HttpRequest, sheet: AnswerSheet, *, notice: str = "") -> HttpResponse:
    attempt, question, asked = sheet.attempt, sheet.question, sheet.asked
    finished = attempt.finished_at is not None
    htmx = wants_part(request)
    context = {
        "quiz": attempt.quiz,
        "htmx": htmx,
        "correct": sheet.response.is_correct,
        "question": question,
        "rows": choice_rows(sheet.choices, sheet.chosen),
        "number": asked.index(question.id) + 1 if question.id in asked else 0,
        "count": len(asked),
        "score": attempt.score,
        "answered": len(asked) if finished else sheet.answered,
        "finished": finished,
        "notice": notice,
        "next_url": result_url(attempt) if finished else attempt.quiz.get_absolute_url(),
        "mode": "feedback",
    }
    if htmx:
        # The partial needs nothing from the request, so no context processors run for it.
        return HttpResponse(render_to_string(f"{TAKE}#feedback", context))
    return render(request, TAKE, context)


def stored_sheet(attempt: Attempt, question: Question, response: Response) -> AnswerSheet:
    """The feedback on an answer stored earlier, read back (a page reload, a replayed POST)."""
    answers = attempt_answers(attempt)
    through = Response.choices.through.objects.filter(response=response)
    return AnswerSheet(
        attempt=attempt,
        question=question,
        choices=attempt.in_shown_order(
            question.id, list(question.choices.all()), kind=question.kind
        ),
        response=response,
        chosen=set(through.values_list("choice_id", flat=True)),
        asked=list(answers),
        answered=sum(1 for mark in answers.values() if mark is not None),
    )
