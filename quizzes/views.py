"""Taking a quiz: the cover, one question at a time, feedback after each answer, the result.

Thin views: look up (attempts only through `owned_attempts`, so another learner's id is a 404),
call a service, render. With htmx the answer POST returns the feedback partial; without
JavaScript it redirects (POST-redirect-GET) to the same feedback as a full page. Nothing about
a question's right answer or explanation is rendered until the learner has answered it.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from . import services
from .learners import owned_attempts, owner
from .models import Attempt, Choice, Question, Quiz, Response
from .question_sets import attempt_question_ids, attempt_questions, question_count
from .results import quiz_history
from .services import AnswerRefused

TAKE = "quizzes/take.html"


def _published_quiz(slug: str) -> Quiz:
    quizzes = Quiz.objects.published().select_related("course", "lesson__course")
    return get_object_or_404(quizzes, slug=slug)


def _see_other(url: str) -> HttpResponseRedirect:
    """POST-redirect-GET: 303 tells the browser to follow with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _to_int(value) -> int | None:
    # Bounded so a 40-digit "id" is a bad request, not an overflow in the database driver.
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    return None


def _result_url(attempt: Attempt) -> str:
    return reverse("quiz-result", args=[attempt.quiz.slug, attempt.id])


@dataclass(frozen=True)
class ChoiceRow:
    """One choice as shown after answering: only ever built for an answered question."""

    text: str
    is_correct: bool
    chosen: bool
    why: str


def _choice_rows(choices: list[Choice], chosen_ids: set[int]) -> list[ChoiceRow]:
    return [ChoiceRow(c.text, c.is_correct, c.id in chosen_ids, c.why) for c in choices]


# --- pages ------------------------------------------------------------------------------------


@require_safe
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Resume the open attempt at its first unanswered question, or show the cover."""
    quiz = _published_quiz(slug)
    attempt = owned_attempts(request).filter(quiz=quiz, finished_at__isnull=True).first()
    if attempt is None:
        if request.htmx:  # e.g. "Next" in a tab whose attempt was finished in another one
            return HttpResponseClientRedirect(quiz.get_absolute_url())
        return _cover(request, quiz)
    attempt.quiz = quiz
    questions = attempt_questions(attempt)
    answered = set(attempt.responses.values_list("question_id", flat=True))
    question = next((q for q in questions if q.id not in answered), None)
    if question is None:  # its last open question was deleted meanwhile
        attempt = services.attempt_settle(attempt=attempt)
        url = _result_url(attempt)
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    return _render_question(request, attempt, question, questions, len(answered))


def _cover(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    history = quiz_history(owned_attempts(request).filter(quiz=quiz))
    context = {
        "quiz": quiz,
        "count": question_count(quiz),
        "entry": history[0] if history else None,
    }
    return render(request, "quizzes/quiz.html", context)


def _render_question(
    request,
    attempt: Attempt,
    question: Question,
    questions: list[Question],
    answered: int,
    *,
    error: str = "",
) -> HttpResponse:
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "question": question,
        # Only ids and texts: whether a choice is right is not even read for this page.
        "choices": list(question.choices.values("id", "text")),
        "number": [q.id for q in questions].index(question.id) + 1,
        "count": len(questions),
        "answered": answered,
        "error": error,
        "mode": "question",
    }
    return render(request, f"{TAKE}#question" if request.htmx else TAKE, context)


def _render_feedback(
    request, attempt: Attempt, question: Question, response: Response, *, notice: str = ""
) -> HttpResponse:
    question_ids = attempt_question_ids(attempt)
    chosen = set(response.choices.values_list("id", flat=True))
    answered = attempt.responses.count() if attempt.finished_at is None else len(question_ids)
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "question": question,
        "response": response,
        "rows": _choice_rows(list(question.choices.all()), chosen),
        "number": question_ids.index(question.id) + 1 if question.id in question_ids else 0,
        "count": len(question_ids),
        "answered": answered,
        "notice": notice,
        "next_url": _result_url(attempt)
        if attempt.finished_at
        else attempt.quiz.get_absolute_url(),
        "mode": "feedback",
    }
    return render(request, f"{TAKE}#feedback" if request.htmx else TAKE, context)


@require_POST
def quiz_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start (or, when one is open, resume) an attempt; also the result page's "Retake"."""
    quiz = _published_quiz(slug)
    if not question_count(quiz):
        messages.info(request, "This quiz has no questions yet.")
        return _see_other(quiz.get_absolute_url())
    services.attempt_start(quiz=quiz, **owner(request, create=True))
    return _see_other(quiz.get_absolute_url())


@require_POST
def quiz_answer(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _published_quiz(slug)
    attempt = get_object_or_404(
        owned_attempts(request).filter(quiz=quiz), pk=_to_int(request.POST.get("attempt"))
    )
    attempt.quiz = quiz
    question_id = _to_int(request.POST.get("question"))
    question = Question.objects.filter(pk=question_id).first() if question_id else None
    # An unreadable id is no choice of any question: the service refuses it as foreign, after
    # its other checks (finished attempt, question answered already).
    parsed = (_to_int(value) for value in request.POST.getlist("choice"))
    choice_ids = {-1 if value is None else value for value in parsed}
    try:
        if question is None:
            raise AnswerRefused(services.NOT_IN_QUIZ, code="not-in-quiz")
        response = services.attempt_answer(
            attempt=attempt, question=question, choice_ids=choice_ids
        )
    except AnswerRefused as refused:
        return _refused(request, attempt, question, refused)
    if request.htmx:
        return _render_feedback(request, attempt, question, response)
    return _see_other(reverse("quiz-feedback", args=[quiz.slug, attempt.id, question.id]))


def _refused(
    request, attempt: Attempt, question: Question | None, refused: AnswerRefused
) -> HttpResponse:
    """Say why the answer was not taken, and show where the learner really is."""
    quiz = attempt.quiz
    if refused.code == "answered" and question is not None:
        target = reverse("quiz-feedback", args=[quiz.slug, attempt.id, question.id])
    elif refused.code == "finished":
        target = _result_url(attempt)
    else:
        target = quiz.get_absolute_url()
    if not request.htmx:
        messages.warning(request, refused.message)
        return _see_other(target)
    if refused.code == "answered" and refused.response is not None:
        return _render_feedback(
            request, attempt, question, refused.response, notice=refused.message
        )
    if refused.code in {"empty", "foreign", "too-many"}:
        attempt.refresh_from_db(fields=["score", "total"])
        questions = attempt_questions(attempt)
        answered = attempt.responses.count()
        return _render_question(
            request, attempt, question, questions, answered, error=refused.message
        )
    context = {"quiz": quiz, "message": refused.message, "link": target, "mode": "notice"}
    context["link_text"] = "See your result" if refused.code == "finished" else "Back to the quiz"
    return render(request, f"{TAKE}#notice", context)


@require_safe
def quiz_feedback(
    request: HttpRequest, slug: str, attempt_id: int, question_id: int
) -> HttpResponse:
    """The feedback on one answered question, as a full page (the no-JavaScript path)."""
    quiz = _published_quiz(slug)
    attempt = get_object_or_404(owned_attempts(request).filter(quiz=quiz), pk=attempt_id)
    attempt.quiz = quiz
    response = (
        Response.objects.filter(attempt=attempt, question_id=question_id)
        .select_related("question")
        .first()
    )
    if response is None:  # not answered (yet): never show the answer before it is given
        return redirect(quiz.get_absolute_url())
    return _render_feedback(request, attempt, response.question, response)


@dataclass(frozen=True)
class ReviewItem:
    question: Question
    response: Response | None
    rows: list[ChoiceRow]


@require_safe
def quiz_result(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    quiz = _published_quiz(slug)
    attempt = get_object_or_404(owned_attempts(request).filter(quiz=quiz), pk=attempt_id)
    attempt.quiz = quiz
    if attempt.finished_at is None:  # no review of an attempt still being taken
        return redirect(quiz.get_absolute_url())
    responses = {r.question_id: r for r in attempt.responses.prefetch_related("choices")}
    review = []
    for question in attempt_questions(attempt, with_choices=True):
        response = responses.get(question.id)
        # A question added after this attempt was not answered in it: its answer stays hidden.
        rows = (
            _choice_rows(list(question.choices.all()), {c.id for c in response.choices.all()})
            if response
            else []
        )
        review.append(ReviewItem(question, response, rows))
    history = quiz_history(owned_attempts(request).filter(quiz=quiz))
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "review": review,
        "entry": history[0] if history else None,
    }
    return render(request, "quizzes/result.html", context)
