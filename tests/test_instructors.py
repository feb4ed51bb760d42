"""Instructors: the group's exact permissions, `createinstructor`, and authoring in the admin."""

import re

import pytest
from django.contrib.admin.models import LogEntry  # noqa: F401  (the admin's models are loaded)
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Section
from teams.instructors import (
    GROUP_NAME,
    ensure_instructors_group,
    instructor_permission_codes,
    is_instructor,
)

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-instructor-passphrase"
AUTHORED = {
    "lessons": {"course", "lesson", "section", "configexample"},
    "quizzes": {"quiz", "question", "choice"},
    "teams": {"team", "membership"},
    "practice": {"task"},  # practice/migrations/0002_instructors_author_tasks.py
}


def group_codes(group: Group) -> set[tuple[str, str]]:
    return set(group.permissions.values_list("content_type__app_label", "codename"))


def test_migration_creates_the_group_with_exactly_the_authoring_permissions():
    group = Group.objects.get(name=GROUP_NAME)
    expected = {
        (app, f"{action}_{model}")
        for app, models in AUTHORED.items()
        for model in models
        for action in ("add", "change", "delete", "view")
    }
    assert group_codes(group) == expected
    assert len(expected) == 40
    assert instructor_permission_codes() == expected  # the live list agrees with the migration


@pytest.mark.parametrize(
    ("app", "codename"),
    [
        ("lessons", "view_sectionprogress"),
        ("lessons", "change_sectionprogress"),
        ("quizzes", "view_attempt"),
        ("quizzes", "change_attempt"),
        ("quizzes", "view_response"),
        ("auth", "view_user"),
        ("auth", "change_user"),
        ("auth", "change_group"),
    ],
)
def test_group_cannot_touch_learners_records_or_accounts(app, codename):
    assert (app, codename) not in group_codes(Group.objects.get(name=GROUP_NAME))


def test_ensure_group_is_idempotent_and_removes_drift():
    group = Group.objects.get(name=GROUP_NAME)
    stray = Permission.objects.get(
        content_type=ContentType.objects.get(app_label="auth", model="user"), codename="view_user"
    )
    group.permissions.add(stray)
    ensure_instructors_group()
    ensure_instructors_group()
    assert Group.objects.filter(name=GROUP_NAME).count() == 1
    assert group_codes(group) == instructor_permission_codes()


# --- createinstructor ---------------------------------------------------------------------------


def test_createinstructor_makes_a_staff_user_in_the_group(monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", PASSWORD)
    call_command("createinstructor", "ines", "--email", "ines@example.com", "--no-input")
    user = django_user_model.objects.get(username="ines")
    assert user.is_staff and not user.is_superuser
    assert user.email == "ines@example.com"
    assert user.check_password(PASSWORD)
    assert list(user.groups.values_list("name", flat=True)) == [GROUP_NAME]
    assert is_instructor(user)
    assert user.has_perm("lessons.add_lesson") and user.has_perm("quizzes.delete_choice")
    assert not user.has_perm("quizzes.view_attempt")


def test_createinstructor_prompts_for_the_password(monkeypatch, django_user_model):
    monkeypatch.delenv("DJANGO_INSTRUCTOR_PASSWORD", raising=False)
    answers = iter(["first-try-mismatch", "nope", PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createinstructor", "ines")
    assert django_user_model.objects.get(username="ines").check_password(PASSWORD)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["ines", "--no-input"], None, "DJANGO_INSTRUCTOR_PASSWORD"),
        (["ines", "--email", "not-an-email"], PASSWORD, "not a valid email"),
        (["ines"], "123", "Password refused"),
        (["bad name!"], PASSWORD, "Username"),
    ],
)
def test_createinstructor_refuses_with_a_reason(monkeypatch, django_user_model, args, env, message):
    if env is None:
        monkeypatch.delenv("DJANGO_INSTRUCTOR_PASSWORD", raising=False)
    else:
        monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", env)
    with pytest.raises(CommandError, match=message):
        call_command("createinstructor", *args)
    assert not django_user_model.objects.exists()


def test_createinstructor_promotes_an_existing_user_and_keeps_their_password(monkeypatch, learner):
    monkeypatch.delenv("DJANGO_INSTRUCTOR_PASSWORD", raising=False)
    call_command("createinstructor", learner.username, "--no-input")
    learner.refresh_from_db()
    assert learner.is_staff and is_instructor(learner)
    assert learner.check_password("correct-horse-9")


def test_is_instructor_needs_staff_and_the_group_or_superuser(django_user_model, learner):
    assert not is_instructor(learner)
    learner.groups.add(Group.objects.get(name=GROUP_NAME))
    assert not is_instructor(learner)  # not staff: cannot open the admin
    learner.is_staff = True
    assert is_instructor(learner)
    root = django_user_model.objects.create_superuser("root", "r@example.com", PASSWORD)
    assert is_instructor(root)


# --- the admin, as an instructor sees it ----------------------------------------------------------


@pytest.fixture
def instructor_client(monkeypatch, mini_course, django_user_model):
    monkeypatch.setenv("DJANGO_INSTRUCTOR_PASSWORD", PASSWORD)
    call_command("createinstructor", "ines", "--no-input")
    client = Client()
    client.force_login(django_user_model.objects.get(username="ines"))
    return client


AUTHORING_PAGES = [
    f"admin:{app}_{model}_{page}"
    for app, models in AUTHORED.items()
    for model in sorted(models)  # one order in every process (pytest-xdist collects in each)
    if model not in {"membership", "choice"}  # edited inline (team, question), no page of own
    for page in ("changelist", "add")
]


@pytest.mark.parametrize("url_name", AUTHORING_PAGES)
def test_instructor_opens_every_authoring_page(instructor_client, url_name):
    assert instructor_client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:lessons_sectionprogress_changelist",
        "admin:quizzes_attempt_changelist",
        "admin:auth_user_changelist",
        "admin:auth_group_changelist",
    ],
)
def test_instructor_is_refused_learners_records_and_accounts(instructor_client, url_name):
    assert instructor_client.get(reverse(url_name)).status_code == 403


def test_admin_index_lists_only_authoring(instructor_client):
    html = instructor_client.get(reverse("admin:index")).content.decode()
    for label in ["Lessons", "Sections", "Config examples", "Quizzes", "Questions", "Teams"]:
        assert f">{label}<" in html, label
    for label in ["Section progress", "Attempts", "Users", "Groups"]:
        assert f">{label}<" not in html, label


def test_view_on_site_previews_a_draft_lesson_for_staff_only(instructor_client, client):
    lesson = Lesson.objects.get(slug="second")
    lesson.published = False
    lesson.save()
    change = instructor_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    view_on_site = re.search(
        r'href="(/admin/r/\d+/\d+/)" class="viewsitelink"', change.content.decode()
    )
    assert view_on_site, "the change page has a View on site link"
    redirect = instructor_client.get(view_on_site.group(1))
    assert redirect.status_code == 302
    assert redirect["Location"].endswith("/courses/mini-mesh/second/")
    preview = instructor_client.get(redirect["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "Draft preview" in html and "Just one paragraph about meshes." in html
    assert client.get(redirect["Location"]).status_code == 404  # learners: not yet


def test_view_on_site_of_a_section_lands_on_its_anchor(instructor_client):
    section = Section.objects.get(slug="routing")
    response = instructor_client.get(
        reverse("admin:view_on_site", args=[_content_type_id(Section), section.pk])
    )
    assert response["Location"].endswith("/courses/mini-mesh/first/#routing")


def _content_type_id(model) -> int:
    return ContentType.objects.get_for_model(model).pk


def test_lesson_changelist_filters_search_and_edits_order_inline(instructor_client):
    Lesson.objects.filter(slug="second").update(published=False)
    url = reverse("admin:lessons_lesson_changelist")
    drafts = instructor_client.get(url, {"published__exact": "0"}).content.decode()
    assert "Second lesson" in drafts and "First lesson" not in drafts
    found = instructor_client.get(url, {"q": "Routing"}).content.decode()  # a section's title
    assert "First lesson" in found and "Second lesson" not in found
    assert 'name="form-0-order"' in instructor_client.get(url).content.decode()


def test_section_body_field_explains_markdown(instructor_client):
    lesson = Lesson.objects.get(slug="first")
    html = instructor_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    assert "Markdown: **bold**" in html.content.decode()


def test_duplicate_lesson_slug_says_what_to_fix(instructor_client, mini_course):
    response = instructor_client.post(
        reverse("admin:lessons_lesson_add"),
        _lesson_form(instructor_client, course=mini_course.pk, slug="first", title="Again"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "already uses the slug" in html and "first" in html
    assert Lesson.objects.filter(slug="first").count() == 1


def _lesson_form(client, **values) -> dict:
    """The add form's fields with every inline formset empty, plus `values`."""
    html = client.get(reverse("admin:lessons_lesson_add")).content.decode()
    data = {}
    for prefix in set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', html)):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data |= {"order": "5", "summary": "", "published": "on", **values}
    return data
