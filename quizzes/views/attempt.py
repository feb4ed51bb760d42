"""An attempt's own pages: the feedback on one answered question, and the finished attempt's
result with its review."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from shared.htmx import answers_both_ways

from ..answer_review import attempt_review
from ..models import Response
from .exam_result import render_exam_result
from .lookups import find_owned, latest_history, never_stored, quiz_or_404
from .signed_out import attempt_page_not_theirs
from .taking import render_feedback, stored_sheet


@require_safe
@never_stored
@answers_both_ways
def quiz_feedback(
    request: HttpRequest, slug: str, attempt_id: int, question_id: int
) -> HttpResponse:
    """The feedback on one answered question, as a full page: the no-JavaScript path, and the
    address of the feedback htmx swapped in, for reload and Back."""
    quiz = quiz_or_404(request, slug)
    attempt = find_owned(request, quiz, attempt_id)
    if attempt is None:
        return attempt_page_not_theirs(request, quiz)
    response = (
        Response.objects.filter(attempt=attempt, question_id=question_id)
        .select_related("question")
        .first()
    )
    if response is None:  # not answered (yet): never show the answer before it is given
        return redirect(quiz.get_absolute_url())
    if quiz.is_exam and attempt.finished_at is None:  # an exam is marked only once it ends
        return redirect(quiz.get_absolute_url())
    return render_feedback(request, stored_sheet(attempt, response.question, response))


@require_safe
@never_stored
@answers_both_ways  # a signed-out visitor's htmx request gets the quiz panel's 401
def quiz_result(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    quiz = quiz_or_404(request, slug)
    attempt = find_owned(request, quiz, attempt_id)
    if attempt is None:
        return attempt_page_not_theirs(request, quiz)
    if attempt.finished_at is None:  # no review of an attempt still being taken
        return redirect(quiz.get_absolute_url())
    if quiz.is_exam:
        return render_exam_result(request, quiz, attempt)
    context = {
        "quiz": quiz,
        "attempt": attempt,
        "review": attempt_review(attempt),
        "entry": latest_history(request, quiz),
    }
    return render(request, "quizzes/result.html", context)
