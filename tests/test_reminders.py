"""Reminder emails: which go out and when, idempotence (a second run, a run racing the first,
a failed send), the one-click unsubscribe (signed out, RFC 8058, no CSRF token but a signed
one), and delivery through a real SMTP server (aiosmtpd) started by the test."""

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from lessons.models import Lesson
from quizzes.models import Quiz
from teams.assignment_models import ReminderSent, ReminderSettings
from teams.instructors import TEAM_LEADS_GROUP
from teams.reminders import Sender, unsubscribe_token, user_for_token, week_start
from teams.services import membership_join, team_create

from .assignment_helpers import assign
from .servers import free_port
from .smtp_server import smtp_server, smtp_settings
from .test_teams import PASSWORD, finish_attempt

pytestmark = pytest.mark.django_db

SITE = "https://learn.example.org"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.MESHLEARN_SITE_URL = SITE
    settings.MESHLEARN_REMINDER_DAYS_BEFORE = 3


@pytest.fixture
def lead(django_user_model):
    user = django_user_model.objects.create_user("lea", "lea@example.com", PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=TEAM_LEADS_GROUP)[0])
    return user


@pytest.fixture
def team(mini_course, lead, learner):
    team = team_create(name="Platform", slug="platform", courses=[mini_course], creator=lead)
    membership_join(team=team, user=learner)
    return team


def run() -> str:
    out = StringIO()
    call_command("sendreminders", stdout=out, stderr=StringIO())
    return out.getvalue()


def to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_due_soon_then_nothing_twice(team, learner, lead, mini_course):
    assign(team, mini_course, due_in=timedelta(days=2), tz="Europe/Berlin")
    assign(team, mini_course, due_in=timedelta(days=10))  # not yet
    assert "sent 2 (before 1, overdue 0, digest 1)" in run()
    (reminder,) = to("ada@example.com")
    assert reminder.subject == "Due soon: A small mesh course (Platform)"
    assert "(Europe/Berlin)" in reminder.body and f"{SITE}/courses/" in reminder.body
    unsubscribe = reminder.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith(f"<{SITE}/assignments/unsubscribe/")
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (digest,) = to("lea@example.com")
    assert "0 done, 1 due, 0 overdue" in digest.body and "List-Unsubscribe" in digest.extra_headers
    assert "sent 0 (before 0, overdue 0, digest 0); already sent 2" in run()
    assert len(mail.outbox) == 2 and ReminderSent.objects.count() == 2


def test_overdue_once_and_not_for_the_done_or_the_long_past(team, learner, other_learner):
    membership_join(team=team, user=other_learner)
    quiz = Quiz.objects.get(slug="mini-final")
    assign(team, quiz, due_in=timedelta(hours=-2))
    assign(team, Lesson.objects.get(slug="second"), due_in=timedelta(days=-30))
    finish_attempt(other_learner, "mini-final", 3, 3)
    run()
    (overdue,) = to("ada@example.com")
    assert overdue.subject == "Overdue: Mini final (Platform)" and "was due" in overdue.body
    assert to("bob@example.com") == []  # done
    digest = to("lea@example.com")[0].body
    assert "1 done, 0 due, 1 overdue" in digest and "Overdue: ada" in digest
    run()
    assert len(to("ada@example.com")) == 1


def test_moving_the_due_date_allows_a_new_reminder(team, learner, mini_course):
    assignment = assign(team, mini_course, due_in=timedelta(days=1))
    run()
    assignment.due_at += timedelta(days=1)
    assignment.save()
    run()
    assert len(to("ada@example.com")) == 2


def test_a_run_racing_another_sends_nothing_the_other_claimed(team, learner, mini_course):
    """The second run starts while the first is sending (inside its send): the first's claim is
    already a row, so the second finds it and sends nothing for it."""
    assign(team, mini_course, due_in=timedelta(days=1))
    real_send = mail.EmailMessage.send
    second: dict = {}

    def send_with_a_second_run_inside(message, *args, **kwargs):
        if "started" not in second:
            second["started"] = True
            second["outcome"] = Sender(now=timezone.now(), days_before=3).run()
        return real_send(message, *args, **kwargs)

    with mock.patch.object(mail.EmailMessage, "send", send_with_a_second_run_inside):
        first = Sender(now=timezone.now(), days_before=3).run()
    # The first run had claimed ada's reminder when the second began: the second sent only the
    # digest, which the first then found claimed.
    assert (first.sent["before"], first.sent["digest"], first.already) == (1, 0, 1)
    assert (second["outcome"].sent["digest"], second["outcome"].already) == (1, 1)
    assert len(to("ada@example.com")) == 1 and len(to("lea@example.com")) == 1


def test_the_database_refuses_a_second_claim(team, learner, mini_course):
    assignment = assign(team, mini_course)
    key = {
        "assignment": assignment,
        "user": learner,
        "kind": "before",
        "on_date": timezone.localdate(),
    }
    ReminderSent.objects.create(team=team, **key)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(team=team, **key)
    digest = {
        "team": team,
        "user": learner,
        "kind": "digest",
        "on_date": week_start(timezone.localdate()),
    }
    ReminderSent.objects.create(**digest)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(**digest)


def test_a_failed_send_is_not_recorded_and_the_next_run_sends_it(
    team, learner, mini_course, settings
):
    assign(team, mini_course, due_in=timedelta(days=1))
    for name, value in smtp_settings(free_port()).items():  # nothing listens there
        setattr(settings, name, value)
    out = StringIO()
    err = StringIO()
    call_command("sendreminders", stdout=out, stderr=err)
    assert "failed 2" in out.getvalue() and "next run retries" in err.getvalue()
    assert not ReminderSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    assert len(to("ada@example.com")) == 1


def test_unsubscribe_works_signed_out_with_the_one_click_post(team, learner, mini_course):
    assign(team, mini_course, due_in=timedelta(days=1))
    run()
    link = to("ada@example.com")[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = link.removeprefix(SITE)
    client = Client(enforce_csrf_checks=True)  # a mail provider: no cookie, no CSRF token
    page = client.get(path)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert not ReminderSettings.objects.filter(emails_off_at__isnull=False).exists()  # GET: no
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200 and "Done" in response.content.decode()
    assert ReminderSettings.objects.get(user=learner).emails_off_at is not None
    mail.outbox.clear()
    assign(team, Quiz.objects.get(slug="mini-final"), due_in=timedelta(days=1))
    run()
    assert (
        to("ada@example.com") == [] and len(to("lea@example.com")) == 0
    )  # digest: already this week


@pytest.mark.parametrize("token", ["1", "not-a-token", "MQ:forged:signature", "x" * 5000])
def test_a_forged_unsubscribe_token_changes_nothing(team, learner, token):
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/assignments/unsubscribe/{token}/").status_code == 404
    assert client.get(f"/assignments/unsubscribe/{token}/").status_code == 404
    assert not ReminderSettings.objects.exists()


def test_tokens_name_their_user_only():
    assert user_for_token(unsubscribe_token(123456)) is None  # no such user
    assert user_for_token(unsubscribe_token(1)[:-2] + "xx") is None


def test_the_learner_switches_emails_back_on_from_me(team, learner, mini_course):
    client = Client()
    client.force_login(learner)
    client.post("/assignments/emails/", {"on": "0"})
    assert ReminderSettings.objects.get(user=learner).emails_off_at is not None
    assert "Reminder emails are off" in client.get("/me/").content.decode()
    client.post("/assignments/emails/", {"on": "1"})
    assert ReminderSettings.objects.get(user=learner).emails_off_at is None


def test_reminders_arrive_through_a_real_smtp_server(team, learner, lead, mini_course, settings):
    assign(team, mini_course, due_in=timedelta(days=2), tz="Asia/Kolkata")
    with smtp_server() as (inbox, port):
        for name, value in smtp_settings(port).items():
            setattr(settings, name, value)
        settings.DEFAULT_FROM_EMAIL = "training@example.org"
        assert "sent 2" in run()
    by_rcpt = {
        rcpt[0]: message for (_, rcpt), message in zip(inbox.envelopes, inbox.messages, strict=True)
    }
    reminder = by_rcpt["ada@example.com"]
    assert reminder["From"] == "training@example.org"
    assert reminder["Subject"] == "Due soon: A small mesh course (Platform)"
    assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = reminder.get_content()
    assert "IST (Asia/Kolkata)" in body
    link = re.search(r"<(https://\S+)>", reminder["List-Unsubscribe"]).group(1)
    assert link in body
    response = Client(enforce_csrf_checks=True).post(link.removeprefix(SITE))
    assert response.status_code == 200
    assert ReminderSettings.objects.get(user=learner).emails_off_at is not None
    assert "This week in Platform" in by_rcpt["lea@example.com"]["Subject"]


def test_a_line_break_in_a_team_name_does_not_stop_its_reminders(team, learner, mini_course):
    team.name = "Platform\r\nBcc: everyone@example.com"
    team.save()
    assign(team, mini_course, due_in=timedelta(days=1))
    run()
    (reminder,) = to("ada@example.com")
    assert "\n" not in reminder.subject and "Platform Bcc:" in reminder.subject
    assert reminder.message()["Bcc"] is None
