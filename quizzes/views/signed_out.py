"""Replies to a requester who owns no such attempt: a signed-in learner gets a 404; a visitor
(most often a learner who signed out in another tab, or whose session expired, mid-quiz) is told
so, with the way back in through the login page. Each reply reads the same whether the attempt
exists and whose it is.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode

from shared.htmx import wants_part

from ..learners import visitor_id
from ..models import Quiz
from .lookups import quiz_or_404, see_other
from .taking import TAKE


def signed_out(request: HttpRequest) -> bool:
    """No account and no visitor id: no attempt can be theirs. Mid-quiz, that is a learner who
    signed out in another tab, or whose session expired (logging out ends the session)."""
    return not request.user.is_authenticated and not visitor_id(request.session)


def login_url(quiz: Quiz, next_url: str = "") -> str:
    return f"{reverse('login')}?{urlencode({'next': next_url or quiz.get_absolute_url()})}"


def signed_out_reply(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    """To htmx, the words for a visitor mid-quiz who owns no such attempt: a 401 carrying the
    quiz panel (static/js/site.js swaps it in, as it does the whole page htmx asks for on Back),
    with the way back in through the login page to the quiz."""
    context = {
        "quiz": quiz,
        "login_url": login_url(quiz),
        "answering": request.method == "POST",
        "mode": "signed-out",
        "oob_header": wants_part(request),  # a whole page draws its own header
    }
    template = f"{TAKE}#signed-out" if wants_part(request) else TAKE
    response = render(request, template, context, status=401)
    response["HX-Push-Url"] = "false"  # a refusal is no place to go Back to
    return response


def answer_not_theirs(request: HttpRequest, slug: str) -> HttpResponse:
    """An answer to an attempt the requester does not own, at a quiz they may take: a 404 for a
    signed-in learner; for a visitor, the signed-out panel (htmx) or, for a plain form, the
    quiz's page with the same words."""
    quiz = quiz_or_404(request, slug)
    if request.user.is_authenticated:
        raise Http404("No such attempt.")
    if request.htmx:
        return signed_out_reply(request, quiz)
    # The quiz's page, not a page drawn for this POST: its own header's "Log in" returns there.
    messages.warning(
        request,
        format_html(
            "<strong>You are signed out</strong> (in another tab, or your session expired), "
            'so this answer was not saved. <a href="{}">Sign in again to keep answering</a>.',
            login_url(quiz),
        ),
    )
    return see_other(quiz.get_absolute_url())


def attempt_page_not_theirs(request: HttpRequest, quiz: Quiz) -> HttpResponse:
    """An attempt's page (feedback, result) that is not the requester's, at a quiz they may take.

    A signed-in learner gets a 404. A visitor gets, with htmx, the signed-out panel; without, a
    404 that offers the login page, back to this address (logged in, it may be theirs).
    """
    if request.user.is_authenticated:
        raise Http404("No such attempt.")
    if request.htmx:
        return signed_out_reply(request, quiz)
    context = {"quiz": quiz, "login_url": login_url(quiz, request.get_full_path())}
    return render(request, "quizzes/attempt_not_found.html", context, status=404)
