"""Refuse a request body larger than any form of the site needs, before anything reads it.

DATA_UPLOAD_MAX_MEMORY_SIZE bounds form fields but not file parts: without this, any POST
endpoint parsed a multipart body of any size and spooled its files to disk. Every page but the
admin takes text only (the biggest is a lab config, 256 KB); the admin's course import takes
one YAML file of up to 16 MB (course_format/yamlfile.py says why). A body that declares more is
answered 413 at once. Django reads no further than CONTENT_LENGTH, so a body that declares
nothing is read as empty.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.MESHLEARN_MAX_BODY_BYTES
        self.admin_limit = settings.MESHLEARN_MAX_ADMIN_BODY_BYTES
        self.admin_prefix = "/admin/"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = self.admin_limit if request.path.startswith(self.admin_prefix) else self.limit
        if declared_length(request) > limit:
            return too_large(limit, as_json=request.path.endswith(".json"))
        return self.get_response(request)


def declared_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large(limit: int, *, as_json: bool) -> HttpResponse:
    if as_json:  # /lab/check.json answers its callers in JSON
        message = f"The request is larger than {limit // 1024} KB; send less at a time."
        return JsonResponse({"error": message}, status=413)
    # Standalone page: the request is refused before sessions, so no signed-in header.
    html = render_to_string("413.html", {"limit_kb": limit // 1024})
    return HttpResponse(html, status=413)
