"""A lead assigns a course with a due time; the learner sees it on /me/ with the date and the
time zone; `sendreminders` mails them through a real SMTP server (aiosmtpd, started here); the
unsubscribe link in that email works signed out. 1280 px light for the journey, 390 px dark for
the learner's /me/ and the unsubscribe page. Screenshots: artifacts/screenshots/assignment-*.png.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from teams.assignment_models import Assignment, ReminderSettings
from teams.instructors import TEAM_LEADS_GROUP
from teams.services import membership_join, team_create
from tests.smtp_server import smtp_server, smtp_settings

from .conftest import DESKTOP, PASSWORD, PHONE, assert_accessible, log_in, screenshot


def test_lead_assigns_learner_sees_it_and_unsubscribes_from_the_reminder(
    live_server, course, new_page, django_user_model, settings
):
    base = live_server.url
    settings.MESHLEARN_SITE_URL = base
    lead = django_user_model.objects.create_user("lena", "lena@example.com", PASSWORD)
    lead.groups.add(Group.objects.get_or_create(name=TEAM_LEADS_GROUP)[0])
    learner = django_user_model.objects.create_user("kofi", "kofi@example.com", PASSWORD)
    team = team_create(name="Mesh guild", slug="mesh-guild", courses=[course], creator=lead)
    membership_join(team=team, user=learner)

    # The lead assigns the course, due in two days at 17:00 Berlin time.
    page = new_page(scheme="light", viewport=DESKTOP)
    log_in(page, base, "lena")
    page.goto(f"{base}/teams/mesh-guild/")
    page.click("a:has-text('Assignments')")
    page.click("a:has-text('Assign work')")
    page.wait_for_url(f"{base}/teams/mesh-guild/assignments/new/")
    due = (timezone.now() + timedelta(days=2)).astimezone(ZoneInfo("Europe/Berlin"))
    page.select_option("#id_item", f"course:{course.pk}")
    page.fill("#id_due_local", due.strftime("%Y-%m-%dT17:00"))
    page.select_option("#id_time_zone", "Europe/Berlin")
    assert_accessible(page, "assignment form")
    screenshot(page, "assignment-form-light-desktop")
    page.click("button[type=submit]:has-text('Assign')")
    page.wait_for_url(f"{base}/teams/mesh-guild/assignments/")
    assert "0 done · 1 due · 0 overdue" in page.inner_text("main")
    screenshot(page, "assignment-list-light-desktop")
    assignment = Assignment.objects.get()
    expected = f"{due:%a %d %b %Y}, 17:00 "

    # The learner sees it on /me/, with its date and zone, at both widths.
    for scheme, viewport, name in (("light", DESKTOP, "desktop"), ("dark", PHONE, "phone")):
        learner_page = new_page(scheme=scheme, viewport=viewport)
        log_in(learner_page, base, "kofi")
        learner_page.goto(f"{base}/me/")
        block = learner_page.inner_text("#assignments")
        assert course.title in block and expected in block and "(Europe/Berlin)" in block
        assert learner_page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        assert_accessible(learner_page, f"/me/ {name}")
        screenshot(learner_page, f"assignment-me-{scheme}-{name}")

    # The reminder goes out through a real SMTP server, once.
    with smtp_server() as (inbox, port):
        for key, value in smtp_settings(port).items():
            setattr(settings, key, value)
        call_command("sendreminders")
        call_command("sendreminders")
    mails = [
        m
        for (_, rcpt), m in zip(inbox.envelopes, inbox.messages, strict=True)
        if rcpt == ["kofi@example.com"]
    ]
    assert len(mails) == 1 and mails[0]["Subject"] == f"Due soon: {course.title} (Mesh guild)"
    assert expected in mails[0].get_content() and assignment.reminders.count() == 1
    link = re.search(r"<(\S+)>", mails[0]["List-Unsubscribe"]).group(1)
    assert link.startswith(f"{base}/assignments/unsubscribe/")

    # Signed out, on a phone in the dark: the link asks, one click unsubscribes.
    visitor = new_page(scheme="dark", viewport=PHONE)
    visitor.goto(link)
    assert_accessible(visitor, "unsubscribe")
    screenshot(visitor, "assignment-unsubscribe-dark-phone")
    visitor.click("button:has-text('Unsubscribe')")
    assert "Done: you will get no more" in visitor.inner_text("main")
    assert ReminderSettings.objects.get(user=learner).emails_off_at is not None
