"""What every quiz view looks up first: the quiz the requester may take, their own attempts at
it, and the addresses of an attempt's pages.

Learners and visitors find published quizzes only: every URL of a draft quiz is a 404 for them.
Staff, who see draft lessons to preview them, may take a draft quiz too; their attempts there
are previews (Attempt.preview), which count nowhere learners' results are reported.
"""

from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.cache import cache_control

from ..learners import owned_attempts
from ..models import Attempt, Quiz
from ..results import QuizHistory, quiz_history

# A quiz page shows one learner's attempt as it is now, and the next answer changes it.
# "no-store", not "private, no-cache": Back shows whatever page the browser kept, without asking
# the server, no-cache or not (Chromium does; tests/browser/test_quiz_journey.py); only a page
# it never kept comes back current.
never_stored = cache_control(private=True, no_store=True)


def previews_drafts(request: HttpRequest) -> bool:
    """Whether the requester may take draft quizzes: whoever sees draft lessons (staff)."""
    return request.user.is_staff  # False for a visitor (AnonymousUser)


def quiz_or_404(request: HttpRequest, slug: str) -> Quiz:
    """The quiz `slug` if the requester may take it (a published one; for staff, any), or 404."""
    quizzes = Quiz.objects.select_related("course", "lesson__course").filter(bank=False)
    if not previews_drafts(request):
        quizzes = quizzes.published()
    return get_object_or_404(quizzes, slug=slug)


def is_preview(quiz: Quiz) -> bool:
    """Whether an attempt started at `quiz` now is a staff preview (only staff reach a draft),
    which for a drawn exam draws from draft lessons too (question_sets._pooled)."""
    return not quiz.is_published


def latest_history(request: HttpRequest, quiz: Quiz) -> QuizHistory | None:
    """The requester's attempts at `quiz`, newest first, as its pages list them: a draft's
    page lists its previews; a published quiz's only the attempts that count."""
    attempts = owned_attempts(request).filter(quiz=quiz)
    history = quiz_history(attempts.counted() if quiz.is_published else attempts)
    return history[0] if history else None


def find_owned(request: HttpRequest, quiz: Quiz, attempt_id: int) -> Attempt | None:
    """The requester's attempt `attempt_id` at `quiz` (with the quiz), or None."""
    attempt = owned_attempts(request).filter(quiz=quiz, pk=attempt_id).first()
    if attempt is not None:
        attempt.quiz = quiz
    return attempt


def owned_attempt_or_404(request: HttpRequest, slug: str, attempt_id: int) -> Attempt:
    """The requester's attempt `attempt_id` at the quiz `slug` they may take, with the quiz; or
    404."""
    attempt = find_owned(request, quiz_or_404(request, slug), attempt_id)
    if attempt is None:
        raise Http404("No such attempt.")
    return attempt


def see_other(url: str) -> HttpResponseRedirect:
    """POST-redirect-GET: 303 tells the browser to follow with a GET."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def result_url(attempt: Attempt) -> str:
    return reverse("quiz-result", args=[attempt.quiz.slug, attempt.id])


def feedback_url(slug: str, attempt_id: int, question_id: int) -> str:
    return reverse("quiz-feedback", args=[slug, attempt_id, question_id])
