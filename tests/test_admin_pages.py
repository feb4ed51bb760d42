"""Every admin page a superuser can reach renders, on SQLite and on PostgreSQL.

The admin builds its own queries (filters, search, inlines, counts); this walks all of them
with data in every table, so a query one database refuses shows up here as a failure.
"""

import re
from html import unescape

import pytest
from axes.models import AccessFailureLog
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from coursefiles.loading import load_course_file
from lessons.models import Section, SectionProgress
from practice.models import Task, TaskProgress
from quizzes import services
from quizzes.models import Quiz
from sso.models import ProviderIdentity, TeamEmailDomain
from teams.models import ReminderSent
from teams.services import membership_join, team_create
from tests.conftest import ROOT

pytestmark = pytest.mark.django_db


@pytest.fixture
def everything(mini_course, learner, django_user_model):
    """At least one row in every registered model's table."""
    section = Section.objects.first()
    SectionProgress.objects.create(user=learner, section=section, read_at=timezone.now())
    quiz = Quiz.objects.filter(course=mini_course).first()
    attempt = services.attempt_start(quiz=quiz, user=learner)
    for question in quiz.questions.prefetch_related("choices"):
        chosen = [c.id for c in question.choices.all() if c.is_correct]
        services.attempt_answer(attempt=attempt, question=question, choice_ids=chosen)
    root = django_user_model.objects.create_superuser("root", "root@example.com", "pw-Root-123")
    team = team_create(name="Platform team", slug="platform", courses=[mini_course], creator=root)
    membership_join(team=team, user=learner)
    Certificate.objects.create(user=learner, course=mini_course, issued_at=timezone.now())
    TeamEmailDomain.objects.create(team=team, domain="example.com")
    ProviderIdentity.objects.create(user=learner, issuer="https://id.example.com", subject="1")
    ReminderSent.objects.create(
        kind="digest", user=root, team=team, on_date=timezone.localdate()
    )  # what `sendreminders` records
    # A wrong password: django-axes records the attempt and the failure.
    Client().post(reverse("login"), {"username": learner.username, "password": "wrong"})
    # Its failure log is off by default (AXES_ENABLE_ACCESS_FAILURE_LOG); the page still exists.
    AccessFailureLog.objects.create(
        username=learner.username, ip_address="192.0.2.1", user_agent="test", path_info="/"
    )
    # Practice tasks (a course of their own) and a learner's progress on one.
    load_course_file(ROOT / "tests" / "fixtures" / "practice-course")
    TaskProgress.objects.create(user=learner, task=Task.objects.first(), hints_shown=1)
    return root


def admin_pages() -> list:
    pages = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        pages.append(pytest.param(model, model_admin, base, id=base.removeprefix("admin:")))
    return pages


@pytest.mark.parametrize(("model", "model_admin", "base"), admin_pages())
def test_every_admin_page_renders(everything, model, model_admin, base):
    client = Client()
    client.force_login(everything)
    changelist = reverse(f"{base}_changelist")
    listing = client.get(changelist)
    assert listing.status_code == 200
    # Every filter, sort and search link the list page offers, as the admin builds them.
    links = sorted(set(re.findall(r'href="(\?[^"#]*)"', listing.content.decode())))
    pages = [changelist + unescape(link) for link in links] + [changelist + "?q=a"]
    first = model._default_manager.order_by("pk").first()
    assert first is not None, f"no {model.__name__} row to open"
    pages += [
        reverse(f"{base}_add"),
        reverse(f"{base}_change", args=[first.pk]),
        reverse(f"{base}_history", args=[first.pk]),
    ]
    for url in pages:
        response = client.get(url)
        # 403: adding is refused for records learners make (attempts, progress); never a 500.
        assert response.status_code in {200, 403}, (url, response.status_code)
    assert client.get(reverse(f"{base}_change", args=[first.pk])).status_code == 200


def test_section_rows_on_the_lesson_page_make_their_slug_from_the_title(admin_client, mini_course):
    import json

    from lessons.models import Lesson

    lesson = Lesson.objects.get(slug="first")
    html = admin_client.get(
        reverse("admin:lessons_lesson_change", args=[lesson.pk])
    ).content.decode()
    # Django's prepopulate script reads its fields from this attribute; a new section row
    # (the "__prefix__" template row) takes its slug from its title.
    found = re.search(r'data-prepopulated-fields="([^"]*)"', html)
    fields = json.loads(unescape(found.group(1)))
    assert {
        "id": "#id_sections-__prefix__-slug",
        "dependency_ids": ["#id_sections-__prefix__-title"],
    }.items() <= next(f for f in fields if f["name"] == "slug" and "sections" in f["id"]).items()
