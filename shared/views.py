"""Site-wide pages that belong to no one app: the health check, /favicon.ico and the page for a
refused CSRF token or a request that cannot be read."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@require_safe
@cache_control(max_age=24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers, feed readers and crawlers ask for /favicon.ico whatever a page links: send them
    to the icon base.html links (a temporary redirect: the static file's name changes with it)."""
    return redirect(static("favicon.svg"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW. A form from a page opened before signing in or out (in this tab or
    another: both replace the token), or an expired session: say so, and lead back to a fresh
    copy of the page the form came from."""
    back_url = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back_url, {request.get_host()}, request.is_secure()):
        back_url = ""
    return render(request, "403_csrf.html", {"back_url": back_url}, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400. Django's own bad_request is wrapped in requires_csrf_token, which runs the
    CSRF check and so parses the body again: for a form body that is not UTF-8 (or has too
    many fields) the parse raises the same BadRequest a second time, and the visitor got a
    500. This view reads nothing of the body; the page's token comes from the cookie."""
    if request.path.endswith(".json"):  # /lab/check.json and the calculator answer in JSON
        return JsonResponse(
            {"error": "The request could not be read; send UTF-8 JSON or form text."}, status=400
        )
    encoding = (request.encoding or "utf-8").lower()
    context = {"charset": request.encoding if encoding not in ("utf-8", "utf8") else ""}
    return render(request, "400.html", context, status=400)
