"""Password-reset e-mails are bounded per address and per client, counted in the database;
the page answers the same whether or not an e-mail went out, and for unknown addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from shared.models import ThrottleCount

pytestmark = pytest.mark.django_db

DONE = reverse("password_reset_done")


def ask(email: str, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(reverse("password_reset"), {"email": email})


def test_twelve_requests_for_one_address_send_three_emails(learner):
    answers = [ask("ada@example.com") for _ in range(12)]
    assert [(r.status_code, r["Location"]) for r in answers] == [(302, DONE)] * 12
    assert len(mail.outbox) == 3
    assert {tuple(m.to) for m in mail.outbox} == {("ada@example.com",)}


def test_the_address_limit_holds_from_every_client_and_any_spelling(learner):
    for index, spelling in enumerate(["ada@example.com", "ADA@example.com", " Ada@Example.com"]):
        ask(spelling, address=f"198.51.100.{index + 1}")
    ask("ada@example.com", address="192.0.2.50")
    assert len(mail.outbox) == 3


def test_one_client_gets_ten_emails_an_hour_whatever_the_addresses(django_user_model):
    for index in range(12):
        django_user_model.objects.create_user(f"user{index}", f"u{index}@example.com", "pw-long-1")
    answers = [ask(f"u{index}@example.com") for index in range(12)]
    assert {r["Location"] for r in answers} == {DONE}
    assert len(mail.outbox) == 10
    ask("u11@example.com", address="192.0.2.99")  # another client: its own ten
    assert len(mail.outbox) == 11


def test_an_unknown_address_gets_the_same_answer_within_and_over_the_limit(learner):
    known = [ask("ada@example.com") for _ in range(4)]
    unknown = [ask("nobody@example.com", address="192.0.2.8") for _ in range(4)]
    assert [(r.status_code, r["Location"]) for r in known + unknown] == [(302, DONE)] * 8
    assert len(mail.outbox) == 3


def test_the_limit_opens_again_after_an_hour(learner):
    for _ in range(4):
        ask("ada@example.com")
    assert len(mail.outbox) == 3
    for row in ThrottleCount.objects.all():  # the windows began more than an hour ago
        row.window_start -= timedelta(hours=1, seconds=1)
        row.save()
    ask("ada@example.com")
    assert len(mail.outbox) == 4


def test_no_email_or_address_is_stored_in_clear(learner):
    ask("ada@example.com", address="203.0.113.7")
    stored = " ".join(f"{row.scope} {row.key}" for row in ThrottleCount.objects.all())
    assert ThrottleCount.objects.count() == 2
    assert "ada" not in stored and "203.0.113.7" not in stored
