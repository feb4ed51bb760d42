"""While the database cannot be reached, answer 503 with Retry-After and a calm page.

A PostgreSQL restart (or a network cut) made every request a 500 and a traceback in the log.
A connection failure is not a bug of the site: the request is answered "try again shortly",
and the log gets one line. Other database errors (a failed query on a working connection)
stay 500s with their traceback, since those are bugs.

A connection counts as failed when Django could not open it (`connection` is None) or the
backend says it is no longer usable (PostgreSQL: a `SELECT 1` on it fails; SQLite, whose
"connection" is a file, fails only to open).
"""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Set on the request so that django.request's own "Service Unavailable" line is not a second one.
LOGGED = "meshlearn_database_unavailable"


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if not a_connection_failed():
            return None
        reason = str(exception).strip().splitlines()[0] if str(exception).strip() else ""
        logger.warning(
            "Database unavailable, answered 503: %s %s (%s: %s)",
            request.method,
            request.path,
            type(exception).__name__,
            reason,
        )
        setattr(request, LOGGED, True)
        return unavailable(as_json=request.path.endswith(".json"))


def a_connection_failed() -> bool:
    for connection in connections.all(initialized_only=True):
        if connection.connection is None or not connection.is_usable():
            return True
    return False


def unavailable(*, as_json: bool) -> HttpResponse:
    if as_json:
        response = JsonResponse(
            {"error": "MeshLearn cannot reach its database; try again in a moment."}, status=503
        )
    else:
        # Standalone page: base.html would ask the database who is signed in.
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class SkipLoggedUnavailable(logging.Filter):
    """On django.request: drop its line for a 503 this middleware has already logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(getattr(record, "request", None), LOGGED, False)
