"""Pages whose htmx swaps push their URL come back whole on Back, Forward and reload: the
calculator (live results) and the team dashboard (sort links), as the quiz does
(tests/test_quiz_attempts.py). The browser side is tests/browser/test_history.py.

htmx restores a history entry it has no snapshot of by asking for the URL with HX-Request and
HX-History-Restore-Request, and puts the answer into <body>: it must be the whole page.
"""

import pytest
from django.test import Client
from django.urls import reverse

from shared.htmx import wants_part
from teams.services import membership_join, team_create

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
RESTORE = {**HX, "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}
SITE_HEADER = '<header class="site-header">'


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def assert_varies_both_ways(response) -> None:
    vary = response["Vary"]
    assert "HX-Request" in vary and "HX-History-Restore-Request" in vary


@pytest.mark.parametrize(
    ("headers", "part"),
    [
        ({}, False),
        (HX, True),
        (RESTORE, False),
        ({"HTTP_HX_HISTORY_RESTORE_REQUEST": "true"}, False),
    ],
)
def test_wants_part_only_for_an_htmx_swap(rf, headers, part):
    from django_htmx.middleware import HtmxDetails

    request = rf.get("/", **headers)
    request.htmx = HtmxDetails(request)
    assert wants_part(request) is part


# --- the calculator ---------------------------------------------------------------------------

CALC = "/calculator/"
PUSHED = {"services": "40", "rps": "2500"}  # an address a live update pushed


def test_calculator_history_restore_gets_the_whole_page_for_the_pushed_address(client):
    page = html_of(client.get(CALC, PUSHED, **RESTORE))
    assert page.startswith("<!doctype html>") and SITE_HEADER in page
    assert "css/calculator.css" in page
    # the inputs and the results of that address, together
    assert 'name="services" value="40"' in page and 'name="rps" value="2500"' in page
    assert "services=40&amp;" in page and "rps=2500" in page  # the share link


def test_calculator_live_update_is_still_only_the_result_block(client):
    part = html_of(client.get(CALC, PUSHED, **HX))
    assert part.lstrip().startswith('<div id="calc-live"') and SITE_HEADER not in part
    compact = html_of(client.get(CALC, {**PUSHED, "view": "compact"}, **HX))
    assert SITE_HEADER not in compact and "<html" not in compact


def test_the_calculator_page_varies_on_both_htmx_headers(client):
    for headers in ({}, RESTORE):
        assert_varies_both_ways(client.get(CALC, PUSHED, **headers))
    # The live block, cached and served alike to everyone, varies on HX-Request
    # (tests/test_calculator_cache.py): never fresh in the browser's cache, it is not reused for
    # a restore request without asking the server.
    block = client.get(CALC, PUSHED, **HX)
    assert "HX-Request" in block["Vary"]
    assert "max-age" not in block.get("Cache-Control", "") and not block.has_header("ETag")
    assert not block.has_header("Last-Modified") and not block.has_header("Expires")


def test_a_reloaded_calculator_address_is_the_whole_page(client):
    """A reload asks without htmx's headers; Vary keeps the browser from answering it with the
    live update it stored for the same URL."""
    client.get(CALC, PUSHED, **HX)
    page = html_of(client.get(CALC, PUSHED))
    assert SITE_HEADER in page and 'name="services" value="40"' in page


def test_the_calculator_keeps_out_of_htmx_history_snapshots(client):
    """A snapshot holds each input's first value (typed values are not in the markup) beside
    the results of later ones: on Back htmx must ask the server instead."""
    assert 'hx-history="false"' in html_of(client.get(CALC))
    assert 'hx-push-url="true"' in html_of(client.get(CALC))


# --- the team dashboard -----------------------------------------------------------------------


@pytest.fixture
def dashboard_url(mini_course, learner, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-1234567")
    team = team_create(name="Platform", slug="platform", courses=[mini_course], creator=boss)
    membership_join(team=team, user=learner)
    return reverse("team-dashboard", args=[team.slug])


@pytest.fixture
def boss_client(dashboard_url, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.get(username="boss"))
    return client


def test_dashboard_history_restore_gets_the_whole_page_sorted_as_pushed(boss_client, dashboard_url):
    page = html_of(boss_client.get(dashboard_url, {"sort": "completion"}, **RESTORE))
    assert page.startswith("<!doctype html>") and SITE_HEADER in page
    assert "css/teams.css" in page and "Invite link" in page
    assert "Sorted by completion." in page


def test_dashboard_sort_link_still_gets_only_the_table(boss_client, dashboard_url):
    part = html_of(boss_client.get(dashboard_url, {"sort": "completion"}, **HX))
    assert part.lstrip().startswith('<div id="member-table"') and SITE_HEADER not in part


def test_dashboard_varies_on_both_htmx_headers_and_is_never_stored(boss_client, dashboard_url):
    for headers in ({}, HX, RESTORE):
        response = boss_client.get(dashboard_url, {"sort": "name"}, **headers)
        assert_varies_both_ways(response)
        cache_control = response["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control


def test_the_dashboard_keeps_out_of_htmx_history_snapshots(boss_client, dashboard_url):
    page = html_of(boss_client.get(dashboard_url))
    assert 'hx-history="false"' in page and 'hx-push-url="true"' in page
