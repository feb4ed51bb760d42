"""The answer POST. With htmx it returns the feedback partial, and puts the feedback's own URL
into the address bar (reload and Back show it); without JavaScript it redirects there
(POST-redirect-GET). A refused answer says why and shows where the learner really is.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from lessons.progress import mark_quiz_sections_read_for_visitor
from shared.ids import parse_id

from .. import services
from ..learners import owner
from ..models import Attempt
from ..question_sets import attempt_answers
from ..services import AnswerRefused
from .lookups import (
    feedback_url,
    owned_attempt_or_404,
    previews_drafts,
    result_url,
    see_other,
)
from .signed_out import answer_not_theirs
from .taking import TAKE, render_feedback, render_question, stored_sheet


@require_POST
def quiz_answer(request: HttpRequest, slug: str) -> HttpResponse:
    attempt_id = parse_id(request.POST.get("attempt"))
    if attempt_id is None:
        raise Http404("No such attempt.")
    who = owner(request)
    if not any(who.values()):  # signed out, or a visitor whose session has no attempt
        return answer_not_theirs(request, slug)
    try:
        # The service finds the attempt itself (the requester's own, at this published quiz;
        # for staff, at this quiz whether published or not) in the query that locks it. It
        # reads the chosen values with the attempt's tokens: a value that names no choice of
        # the question is refused as foreign, after the other checks.
        sheet = services.attempt_answer_as(
            slug=slug,
            attempt_id=attempt_id,
            question_id=parse_id(request.POST.get("question")),
            values=request.POST.getlist("choice"),
            drafts=previews_drafts(request),
            **who,
        )
    except Attempt.DoesNotExist:
        return answer_not_theirs(request, slug)
    except AnswerRefused as refused:
        attempt = refused.attempt or owned_attempt_or_404(request, slug, attempt_id)
        return _refused(request, attempt, refused)
    if sheet.attempt.finished_at is not None:  # a visitor's marks live in the session
        mark_quiz_sections_read_for_visitor(request, sheet.attempt)
    if sheet.attempt.quiz.is_exam:  # no feedback while the exam runs: on to the next question
        finished = sheet.attempt.finished_at is not None
        return see_other(
            result_url(sheet.attempt) if finished else sheet.attempt.quiz.get_absolute_url()
        )
    its_url = feedback_url(slug, attempt_id, sheet.question.id)
    if request.htmx:
        return push_url(render_feedback(request, sheet), its_url)
    return see_other(its_url)


def _refused(request: HttpRequest, attempt: Attempt, refused: AnswerRefused) -> HttpResponse:
    """Say why the answer was not taken, and show where the learner really is."""
    quiz, question = attempt.quiz, refused.question
    if refused.code == "answered" and question is not None and quiz.is_exam:
        target = quiz.get_absolute_url()  # no feedback page while an exam runs
    elif refused.code == "answered" and question is not None:
        target = feedback_url(quiz.slug, attempt.id, question.id)
    elif refused.code in {"finished", "time-up"}:
        target = result_url(attempt)
    else:
        target = quiz.get_absolute_url()
    if not request.htmx or quiz.is_exam:  # the exam's forms are plain ones
        messages.warning(request, refused.message)
        return see_other(target)
    if refused.code == "answered" and refused.response is not None:
        sheet = stored_sheet(attempt, question, refused.response)
        return push_url(render_feedback(request, sheet, notice=refused.message), target)
    if refused.code in {"empty", "foreign", "too-many"}:
        answers = attempt_answers(attempt)
        answered = sum(1 for mark in answers.values() if mark is not None)
        return render_question(
            request, attempt, question, list(answers), answered, error=refused.message
        )
    context = {"quiz": quiz, "message": refused.message, "link": target, "mode": "notice"}
    finished = refused.code in {"finished", "time-up"}
    context["link_text"] = "See your result" if finished else "Back to the quiz"
    return render(request, f"{TAKE}#notice", context)
