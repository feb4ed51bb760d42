"""Health check, the favicon, settings safety, and every admin page opening."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib import admin
from django.db import DatabaseError
from django.urls import reverse

from .conftest import run_python

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_the_database_is_unreachable(client, monkeypatch):
    from shared import views

    class BrokenCursor:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *exc):
            return False

    with monkeypatch.context() as patch:  # undone before the test database is flushed
        patch.setattr(views.connection, "cursor", lambda: BrokenCursor())
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


@pytest.fixture
def static_served(settings):
    """WhiteNoise serving from the finders, as in development (tests collect no static files)."""
    settings.WHITENOISE_USE_FINDERS = True  # read when the test client loads the middleware


@pytest.mark.parametrize("url", ["/", "/calculator/", "/accounts/login/"])
def test_pages_link_a_small_svg_favicon_that_answers(client, static_served, mini_course, url):
    href = re.search(r'<link rel="icon" href="([^"]+)"', client.get(url).content.decode())[1]
    icon = client.get(href)
    assert icon.status_code == 200 and icon["Content-Type"].startswith("image/svg+xml")
    svg = b"".join(icon.streaming_content)
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
    assert len(svg) < 1024  # `make bench` counts it in the lesson page's weight


def test_favicon_ico_leads_to_the_linked_icon_instead_of_a_404(client, static_served):
    # Browsers, feed readers and crawlers ask for it whatever the page links.
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert (
        response["Location"]
        == re.search(r'<link rel="icon" href="([^"]+)"', client.get("/").content.decode())[1]
    )
    assert client.get(response["Location"]).status_code == 200
    assert client.head("/favicon.ico").status_code == 302


def _import_settings(env: dict):
    return run_python(["-c", "import meshlearn.settings as s; print(s.DEBUG)"], env)


def test_settings_refuse_to_start_without_a_secret_when_debug_is_off():
    result = _import_settings({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_settings_start_with_a_secret_or_in_debug():
    assert _import_settings({"DJANGO_DEBUG": "1"}).stdout.strip() == "True"
    result = _import_settings({"DJANGO_SECRET_KEY": "x" * 50})
    assert result.returncode == 0 and result.stdout.strip() == "False"


def _admin_pages():
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        yield f"{prefix}_changelist"
        yield f"{prefix}_add"


@pytest.mark.parametrize("url_name", sorted(_admin_pages()))
def test_every_admin_changelist_and_add_page_opens(
    admin_client, rf, admin_user, mini_course, url_name
):
    response = admin_client.get(reverse(url_name))
    expected = 200
    if url_name.endswith("_add"):
        model = next(
            m
            for m in admin.site._registry
            if url_name.startswith(f"admin:{m._meta.app_label}_{m._meta.model_name}_")
        )
        request = rf.get("/")
        request.user = admin_user
        # Records only learners create (attempts, read marks) may have adding switched off.
        if not admin.site._registry[model].has_add_permission(request):
            expected = 403
    assert response.status_code == expected


@pytest.mark.parametrize("url", ["/healthz/", "/", "/calculator/", "/lab/"])
def test_head_requests_are_answered_like_get(client, mini_course, url):
    """Load balancers often probe with HEAD: pages answer it as they answer GET."""
    assert client.head(url).status_code == 200
