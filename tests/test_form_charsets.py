"""A form body the site cannot read is a 400 page, on every POST URL, never a 500.

Django refuses an application/x-www-form-urlencoded body that declares a charset other than
UTF-8 (and one with too many fields) with BadRequest; its default 400 view then ran the CSRF
check again, which parsed the body again, raised again, and the visitor got a server error.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from .endpoints import discover, row_counts, some_paths

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def every_path() -> list[str]:
    """One URL of every page of the site (with rows that exist), and Django's admin login."""
    return [path for endpoint in discover() for path in some_paths(endpoint, limit=1)] + [
        "/admin/login/"
    ]


def signed_in_strict_client(learner) -> tuple[Client, str]:
    """A browser-like client: CSRF checks on, a CSRF cookie, and its token to post."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    client.get(reverse("login"))
    return client, client.cookies[settings.CSRF_COOKIE_NAME].value


def form_body(token: str, encoding: str) -> bytes:
    fields = {"csrfmiddlewaretoken": token, "username": "ada", "config": "kind: Gateway\n"}
    return urlencode(fields).encode(encoding)


@pytest.mark.parametrize("charset", ["utf-16", "latin-1", "shift_jis"])
def test_a_form_in_another_charset_is_a_400_page_everywhere(charset, mini_course, learner):
    client, token = signed_in_strict_client(learner)
    before = row_counts()
    statuses = {}
    for path in every_path():
        response = client.generic(
            "POST", path, form_body(token, charset), content_type=f"{FORM}; charset={charset}"
        )
        statuses[path] = response.status_code
        if response.status_code == 400 and not path.endswith(".json"):
            html = response.content.decode()
            assert "Could not read what was sent" in html and charset in html, path
    assert set(statuses.values()) == {400}, statuses
    assert row_counts() == before


def test_the_json_endpoint_answers_its_400_in_json(learner):
    client, token = signed_in_strict_client(learner)
    response = client.generic(
        "POST",
        "/lab/check.json",
        form_body(token, "utf-16"),
        content_type=f"{FORM}; charset=utf-16",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.json()["error"]


def test_an_unknown_charset_is_read_as_utf8(mini_course, learner):
    client, token = signed_in_strict_client(learner)
    for path in ("/lab/", "/accounts/login/", "/admin/login/"):
        response = client.generic(
            "POST", path, form_body(token, "utf-8"), content_type=f"{FORM}; charset=no-such-one"
        )
        assert response.status_code in (200, 302), path  # the form was read, token and all


def test_too_many_fields_with_the_csrf_check_on_is_a_400(mini_course, learner):
    client, token = signed_in_strict_client(learner)
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 5)}
    body = urlencode({"csrfmiddlewaretoken": token, **fields})
    for path in ("/lab/", "/accounts/login/", "/admin/login/"):
        response = client.generic("POST", path, body, content_type=FORM)
        assert response.status_code == 400, path


def test_a_multipart_form_in_utf16_is_refused_without_a_500(mini_course, learner):
    client, token = signed_in_strict_client(learner)
    boundary = "b0undary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n--{boundary}--\r\n"
    ).encode()
    for path in ("/lab/", "/accounts/login/"):
        response = client.generic(
            "POST",
            path,
            body,
            content_type=f"multipart/form-data; boundary={boundary}; charset=utf-16",
        )
        assert response.status_code in (400, 403), path
