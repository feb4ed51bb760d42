"""URLs for `make bench` only: the site's URLs plus a bare view, the throughput ceiling.

settings.py mounts this URLconf instead of meshlearn/urls.py when MESHLEARN_BENCH=1, so the
bare view does not exist on a normal deployment.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import path
from django.views.decorators.http import require_POST

from .urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """Goes through every middleware like a page, then does no work of its own."""
    return HttpResponse("ok\n", content_type="text/plain")


def bare_signed_in(request: HttpRequest) -> HttpResponse:
    """The bare view plus what every signed-in page pays first: the session and user lookups."""
    who = "user" if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"ok {who}\n", content_type="text/plain")


# The largest body page_floor sends (a lesson page is ~60 KB): one filler, sliced per request.
FLOOR_MAX_BYTES = 1 << 20
_FILLER = b"x" * FLOOR_MAX_BYTES


def page_floor(request: HttpRequest) -> HttpResponse:
    """What any signed-in page of `?bytes=N` bytes with a form pays before its own work.

    The session and user lookups, a CSRF token for its forms (masked anew on each request, and
    the cookie it renews) and a body of that many bytes. `make bench` asks for the lesson page's
    size: the lesson page cannot be faster than this without skipping one of them, so its
    ratio to the bare view is the most any lesson page can reach on the machine measured.
    """
    try:
        size = min(max(int(request.GET.get("bytes", "0")), 0), FLOOR_MAX_BYTES)
    except ValueError:
        size = 0
    who = b"user" if request.user.is_authenticated else b"anonymous"
    token = get_token(request).encode()
    head = b"ok " + who + b" " + token + b"\n"
    return HttpResponse(head + _FILLER[: max(size - len(head), 0)], content_type="text/plain")


@require_POST
def write_floor(request: HttpRequest) -> HttpResponse:
    """What any signed-in form POST that stores something pays before its own work.

    The session and user lookups, the CSRF check (the middleware's, as for every POST), and
    one write transaction that commits: the learner's own row rewritten unchanged, so the
    database does a real write and flushes it at commit but nothing is stored. `make bench`
    posts it for different learners in turn, as it posts quiz answers.
    """
    if not request.user.is_authenticated:
        return HttpResponse("anonymous\n", content_type="text/plain", status=403)
    users = get_user_model().objects
    with transaction.atomic():
        users.filter(pk=request.user.pk).update(last_login=request.user.last_login)
    return HttpResponse("ok written\n", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/bare-signed-in/", bare_signed_in, name="bench-bare-signed-in"),
    path("bench/page-floor/", page_floor, name="bench-page-floor"),
    path("bench/write-floor/", write_floor, name="bench-write-floor"),
    *site_urlpatterns,
]
