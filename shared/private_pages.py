"""Cache-Control for pages that depend on who asks them.

A signed-in learner's pages show their name, progress and saved scenarios: they must not be
kept by a shared cache (a proxy or CDN in front of the site), so they are sent `private`.
Pages that hold personal data (the dashboard, teams, quiz attempts, account pages) are also
`no-store`: the browser does not even keep them on disk after the tab is closed, and Back
loads them afresh. A view that chose its own Cache-Control (quiz pages, team dashboards,
never_cache views) keeps it; anonymous public pages are left as they are. SessionMiddleware
still adds `Vary: Cookie` whenever the page read the session.
"""

from collections.abc import Callable

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# URL routes (as in the URLconf, from the site root) whose pages hold personal data.
PERSONAL_ROUTES = ("me/", "teams/", "accounts/", "quizzes/<slug:slug>/attempts/")


class PrivatePagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        if is_personal(request):
            patch_cache_control(response, private=True, no_store=True)
        elif is_signed_in(request):
            patch_cache_control(response, private=True)
        return response


def is_personal(request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.route.startswith(PERSONAL_ROUTES)


def is_signed_in(request: HttpRequest) -> bool:
    """Whether the page was built for a signed-in user. A page that never read the session
    cannot depend on who asked (and reading it here would cost a query)."""
    session = getattr(request, "session", None)
    return session is not None and session.accessed and SESSION_KEY in session
