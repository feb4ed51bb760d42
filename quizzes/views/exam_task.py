"""A practice exam task's submission: a plain POST (the exam's forms work without JavaScript),
graded at once and answered only with "submitted": the verdict per check, the hints and the
reference solution wait for the result page, once the exam has ended."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from lessons.progress import mark_quiz_sections_read_for_visitor

from ..exam_task_answers import TaskRefused, task_submit
from ..learners import owner
from ..models import Attempt
from .lookups import owned_attempt_or_404, previews_drafts, result_url, see_other
from .signed_out import answer_not_theirs


@require_POST
def exam_task_submit(
    request: HttpRequest, slug: str, attempt_id: int, item_id: int
) -> HttpResponse:
    who = owner(request)
    if not any(who.values()):  # signed out, or a visitor whose session has no attempt
        return answer_not_theirs(request, slug)
    config = request.POST.get("config", "").replace("\r\n", "\n")  # a textarea sends CRLF
    try:
        done = task_submit(
            slug=slug,
            attempt_id=attempt_id,
            item_id=item_id,
            config=config,
            drafts=previews_drafts(request),
            **who,
        )
    except Attempt.DoesNotExist:
        return answer_not_theirs(request, slug)
    except TaskRefused as refused:
        attempt = refused.attempt or owned_attempt_or_404(request, slug, attempt_id)
        messages.warning(request, refused.message)
        if refused.code in {"finished", "time-up"}:
            return see_other(result_url(attempt))
        return see_other(attempt.quiz.get_absolute_url())
    attempt = done.attempt
    if attempt.finished_at is not None:  # the last open item: a visitor's marks live in the session
        mark_quiz_sections_read_for_visitor(request, attempt)
        return see_other(result_url(attempt))
    messages.success(
        request, f"Task {done.number} submitted. It is marked with the rest when the exam ends."
    )
    return see_other(attempt.quiz.get_absolute_url())
