"""URLs for `make bench` only: the site's URLs plus a bare view, the throughput ceiling.

settings.py mounts this URLconf instead of meshlearn/urls.py when MESHLEARN_BENCH=1, so the
bare view does not exist on a normal deployment.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from .urls import urlpatterns as site_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    """Goes through every middleware like a page, then does no work of its own."""
    return HttpResponse("ok\n", content_type="text/plain")


def bare_signed_in(request: HttpRequest) -> HttpResponse:
    """The bare view plus what every signed-in page pays first: the session and user lookups."""
    who = "user" if request.user.is_authenticated else "anonymous"
    return HttpResponse(f"ok {who}\n", content_type="text/plain")


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("bench/bare-signed-in/", bare_signed_in, name="bench-bare-signed-in"),
    *site_urlpatterns,
]
