"""The learner's private calendar feed: RFC 5545 text (escaping, folding at 75 octets, CRLF),
only their own assignments, and a token that a new one revokes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from quizzes.models import Quiz
from teams import ical
from teams.assignment_models import ReminderSettings
from teams.services import membership_join, team_create

from .assignment_helpers import assign


def test_text_values_are_escaped():
    assert ical.escape_text("a,b;c\\d\nnext\r\nthird") == "a\\,b\\;c\\\\d\\nnext\\nthird"


@pytest.mark.parametrize("text", ["x" * 200, "é" * 100, "日本語のテキスト" * 12, "a" + "🙂" * 40])
def test_lines_fold_at_75_octets_never_inside_a_character(text):
    folded = ical.fold(f"SUMMARY:{text}")
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(p[1:] for p in parts[1:])]) == f"SUMMARY:{text}"


def test_calendar_is_crlf_lines_with_utc_times():
    event = ical.Event("a-1@x", datetime(2026, 12, 18, 16, 0, tzinfo=UTC), "Due: A, B")
    text = ical.calendar("Mine", [event], now=datetime(2026, 12, 1, tzinfo=UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and text.endswith(
        "END:VCALENDAR\r\n"
    )
    assert "\r\nDTSTART:20261218T160000Z\r\n" in text and "SUMMARY:Due: A\\, B\r\n" in text
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.django_db
def test_feed_lists_the_learners_own_due_dates_until_revoked(
    client, learner, other_learner, mini_course, django_user_model
):
    lead = django_user_model.objects.create_user("lea", "lea@example.com", "x")
    team = team_create(name="Ops; on call", slug="ops", courses=[mini_course], creator=lead)
    membership_join(team=team, user=learner)
    membership_join(team=team, user=other_learner)
    assign(team, mini_course, due_in=timedelta(days=3))
    assign(team, Quiz.objects.get(slug="mini-final"), members=[other_learner])
    client.force_login(learner)
    assert client.post("/assignments/calendar-link/").status_code == 302
    token = ReminderSettings.objects.get(user=learner).calendar_token
    assert token in client.get("/me/").content.decode()
    feed = Client().get(f"/assignments/calendar/{token}.ics")  # signed out: the token suffices
    assert feed.status_code == 200 and feed["Content-Type"] == "text/calendar; charset=utf-8"
    body = feed.content.decode()
    assert body.count("BEGIN:VEVENT") == 1 and "A small mesh course (Ops\\; on call)" in body
    assert "Mini final" not in body  # assigned to bob only
    client.post("/assignments/calendar-link/")  # revoke: a new address
    assert Client().get(f"/assignments/calendar/{token}.ics").status_code == 404
    new = ReminderSettings.objects.get(user=learner).calendar_token
    assert new != token and Client().get(f"/assignments/calendar/{new}.ics").status_code == 200
    assert Client().get("/assignments/calendar/guess.ics").status_code == 404
