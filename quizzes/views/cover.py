"""A quiz's own address: its cover, or the open attempt's next question; and starting one."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseClientRedirect

from lessons.progress import mark_quiz_sections_read_for_visitor
from shared.htmx import answers_both_ways, wants_part

from .. import services
from ..exam_tasks import open_task, tasks_available
from ..learners import owned_attempts, owner
from ..models import Quiz
from ..question_sets import attempt_questions, question_count
from .exam import close_if_overdue, render_exam_question, render_exam_task
from .lookups import is_preview, latest_history, never_stored, quiz_or_404, result_url, see_other
from .signed_out import signed_out, signed_out_reply
from .taking import render_question


@require_safe
@never_stored
@answers_both_ways
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Resume the open attempt at its first unanswered question, or show the cover."""
    quiz = quiz_or_404(request, slug)
    attempt = owned_attempts(request).filter(quiz=quiz, finished_at__isnull=True).first()
    if attempt is None:
        # Only a page htmx drew asks with htmx ("Next question", Back): a requester with no
        # account and no visitor id was signed out meanwhile. A plain visit is a visitor's cover.
        if request.htmx and signed_out(request):
            return signed_out_reply(request, quiz)
        if wants_part(request):  # e.g. "Next" in a tab whose attempt was finished in another one
            return HttpResponseClientRedirect(quiz.get_absolute_url())
        return _cover(request, quiz)
    attempt.quiz = quiz
    if quiz.is_exam and (closed := close_if_overdue(request, attempt)) is not None:
        return HttpResponseClientRedirect(closed.url) if wants_part(request) else closed
    questions = attempt_questions(attempt)
    answered = set(attempt.responses.values_list("question_id", flat=True))
    question = next((q for q in questions if q.id not in answered), None)
    if question is None and quiz.is_exam:  # the questions are answered: then the tasks
        item = open_task(attempt)
        if item is not None:
            return render_exam_task(request, attempt, item, len(questions))
    if question is None:  # nothing left open (its last open question was deleted meanwhile)
        attempt = services.attempt_settle(attempt=attempt)
        mark_quiz_sections_read_for_visitor(request, attempt)
        url = result_url(attempt)
        return HttpResponseClientRedirect(url) if wants_part(request) else redirect(url)
    asked = [q.id for q in questions]
    if quiz.is_exam:
        return render_exam_question(request, attempt, question, asked, len(answered))
    return render_question(request, attempt, question, asked, len(answered))


def _cover(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    drafts = is_preview(quiz)
    context = {
        "quiz": quiz,
        "count": question_count(quiz, drafts=drafts),
        "tasks": tasks_available(quiz, drafts=drafts),
        "entry": latest_history(request, quiz),
    }
    return render(request, "quizzes/quiz.html", context)


@require_POST
def quiz_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start (or, when one is open, resume) an attempt; also the result page's "Retake"."""
    quiz = quiz_or_404(request, slug)
    # Only staff reach a draft here: their attempt is a preview.
    preview = is_preview(quiz)
    if not question_count(quiz, drafts=preview):
        messages.info(request, "This quiz has no questions yet.")
        return see_other(quiz.get_absolute_url())
    services.attempt_start(quiz=quiz, preview=preview, **owner(request, create=True))
    return see_other(quiz.get_absolute_url())
