"""A session cookie that Django cannot have made is read as no session at all.

Django's session keys are 32 lowercase letters and digits. A forged cookie can carry anything,
including a NUL (a quoted cookie's "\\000" escape), which PostgreSQL refuses in a lookup: the
stock session store would then fail with a server error. Runs before SessionMiddleware and
empties such a value, so no lookup happens and SessionMiddleware deletes the cookie (as it
does for any session that turns out empty).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ForgedSessionCookieMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cookie_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.COOKIES.get(self.cookie_name)
        if key and not (key.isascii() and key.isalnum()):
            request.COOKIES[self.cookie_name] = ""
        return self.get_response(request)
