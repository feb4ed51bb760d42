"""Deleting content learners' work hangs on, in the admin: an instructor who may delete a section
deletes it from its own page as from the lesson's inline, and both say what learners' work
went with it (counted, never listed: instructors do not see whose it is)."""

import html
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lessons.models import ConfigExample, Lesson, Section, SectionProgress
from quizzes import services
from quizzes.models import Attempt, Question, Quiz, Response
from teams.instructors import GROUP_NAME

from .admin_forms import lesson_with_section

pytestmark = pytest.mark.django_db

REFUSED = "your account doesn't have permission to delete"


@pytest.fixture
def instructor(django_user_model):
    user = django_user_model.objects.create_user("ines", password="a-long-passphrase")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=GROUP_NAME))
    return user


@pytest.fixture
def instructor_client(instructor):
    client = Client()
    client.force_login(instructor)
    return client


def read(section: Section, *users) -> None:
    for user in users:
        SectionProgress.objects.create(user=user, section=section, read_at=timezone.now())


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def delete_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])


def test_an_instructor_deletes_a_read_section_from_its_own_page(
    instructor_client, mini_course, learner, other_learner
):
    section = Section.objects.get(slug="intro")
    read(section, learner, other_learner)
    read(Section.objects.get(slug="routing"), learner)  # another section's mark stays
    page = instructor_client.get(delete_url(section))
    assert page.status_code == 200
    html = text_of(page)
    assert REFUSED not in html
    assert "Learners' work goes with this section: 2 read marks of 2 learners" in html
    assert "Learners' read marks: 2, by 2 learners" in html  # the Summary
    assert "ada" not in html and "bob" not in html  # whose marks: not the instructor's to see
    assert 'value="Yes, I’m sure"' in html
    done = instructor_client.post(delete_url(section), {"post": "yes"})
    assert done.status_code == 302
    assert not Section.objects.filter(pk=section.pk).exists()
    assert list(SectionProgress.objects.values_list("section__slug", flat=True)) == ["routing"]


def test_a_section_nobody_read_says_so(instructor_client, mini_course):
    html = text_of(instructor_client.get(delete_url(Section.objects.get(slug="routing"))))
    assert "No learner's read marks, quiz attempts or answers go with it." in html
    assert "Config example: <a" in html  # the rest is listed as Django lists it


def test_the_lesson_inline_says_afterwards_what_went(
    instructor_client, mini_course, learner, other_learner
):
    lesson = Lesson.objects.get(slug="second")
    (section,) = lesson.sections.all()
    read(section, learner, other_learner)
    data = lesson_with_section(lesson, section, sources="", DELETE="on")
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    response = instructor_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert not SectionProgress.objects.exists()
    html = text_of(response)
    assert "Deleted section “The only section” and, with it, 2 read marks of 2 learners" in html


def test_the_changelist_s_delete_selected_is_allowed_and_counts_too(
    instructor_client, mini_course, learner
):
    sections = Section.objects.filter(slug__in=["intro", "wrap-up"])
    for section in sections:
        read(section, learner)
    data = {
        "action": "delete_selected",
        "_selected_action": [s.pk for s in sections],
    }
    url = reverse("admin:lessons_section_changelist")
    page = text_of(instructor_client.post(url, data))
    assert REFUSED not in page and "Learners' read marks: 2, by 1 learner" in page
    instructor_client.post(url, {**data, "post": "yes"})
    assert not Section.objects.filter(slug__in=["intro", "wrap-up"]).exists()
    assert not SectionProgress.objects.exists()


def test_a_quiz_with_attempts_counts_learners_visitors_and_previews(
    instructor_client, instructor, mini_course, learner
):
    quiz = Quiz.objects.get(slug="first-check")
    services.attempt_start(quiz=quiz, user=learner)
    services.attempt_start(quiz=quiz, anon_id="visitor-token-0123456789")
    services.attempt_start(quiz=quiz, user=instructor, preview=True)
    html = text_of(instructor_client.get(delete_url(quiz)))
    assert REFUSED not in html
    assert "2 quiz attempts of 1 learner and 1 visitor, with their scores" in html
    assert "Staff preview attempts: 1" in html
    instructor_client.post(delete_url(quiz), {"post": "yes"})
    assert not Attempt.objects.exists()


def test_a_lesson_and_a_course_delete_from_their_pages(
    instructor_client, mini_course, learner, other_learner
):
    read(Section.objects.get(slug="intro"), learner, other_learner)
    services.attempt_start(quiz=Quiz.objects.get(slug="first-check"), user=learner)
    lesson_page = text_of(instructor_client.get(delete_url(Lesson.objects.get(slug="first"))))
    assert REFUSED not in lesson_page
    assert (
        "2 read marks of 2 learners" in lesson_page and "1 quiz attempt of 1 learner" in lesson_page
    )
    course_page = text_of(instructor_client.get(delete_url(mini_course)))
    assert REFUSED not in course_page and "2 read marks of 2 learners" in course_page


def test_a_deleted_question_s_answers_are_counted(instructor_client, mini_course, learner):
    quiz = Quiz.objects.get(slug="first-check")
    question = Question.objects.get(quiz=quiz)
    attempt = services.attempt_start(quiz=quiz, user=learner)
    choice = question.choices.filter(is_correct=True).first()
    services.attempt_answer(attempt=attempt, question=question, choice_ids=[choice.id])
    html = text_of(instructor_client.get(delete_url(question)))
    assert "1 answer in learners' attempts (the attempts keep their scores)" in html
    instructor_client.post(delete_url(question), {"post": "yes"})
    assert not Response.objects.exists() and Attempt.objects.filter(pk=attempt.pk).exists()


# --- what stays refused -------------------------------------------------------------------------


def test_learners_records_stay_out_of_reach_on_their_own(instructor_client, mini_course, learner):
    read(Section.objects.get(slug="intro"), learner)
    mark = SectionProgress.objects.get()
    assert instructor_client.get(delete_url(mark)).status_code == 403
    assert instructor_client.post(delete_url(mark), {"post": "yes"}).status_code == 403
    assert SectionProgress.objects.exists()


def test_without_delete_permission_on_the_section_itself_it_is_refused(
    instructor, instructor_client, mini_course
):
    instructor.groups.clear()
    instructor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_section", "change_section"])
    )
    section = Section.objects.get(slug="intro")
    assert instructor_client.get(delete_url(section)).status_code == 403
    assert instructor_client.post(delete_url(section), {"post": "yes"}).status_code == 403
    assert Section.objects.filter(pk=section.pk).exists()


def test_other_related_rows_are_still_checked_as_django_checks_them(
    instructor, instructor_client, mini_course, learner
):
    """Only learners' records are waived: an example the user may not delete still refuses."""
    instructor.groups.clear()
    instructor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_section", "delete_section", "view_configexample"]
        )
    )
    section = Section.objects.get(slug="routing")
    read(section, learner)
    html = text_of(instructor_client.get(delete_url(section)))
    assert REFUSED in html and "<li>config example</li>" in html
    assert "section progress" not in html
    assert instructor_client.post(delete_url(section), {"post": "yes"}).status_code == 403
    assert ConfigExample.objects.filter(section=section).exists()
