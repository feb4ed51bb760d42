"""Staff try a draft quiz as learners will take it: every quiz URL of a draft is a 404 for
learners and visitors, a preview for staff, and a preview attempt counts nowhere learners'
results are reported (/me/, team dashboards, "Course completed", read marks, import's stakes)."""

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coursefiles.row_plans import learner_work_of
from lessons.models import Course, Lesson, Section, SectionProgress
from quizzes import services
from quizzes.learners import SESSION_KEY as VISITOR_KEY
from quizzes.models import Attempt, Quiz, Response
from teams.instructors import GROUP_NAME
from teams.models import Membership, Team
from teams.reporting import member_detail, team_report

from .test_quiz_answer_path import BUDGET
from .test_quiz_attempts import (
    HX,
    answer,
    html_of,
    make_quiz,
    questions_of,
    right,
    start,
    wrong,
)

pytestmark = pytest.mark.django_db

BANNER = "Draft preview — learners cannot see this quiz"


@pytest.fixture
def instructor(django_user_model):
    """A staff member in the Instructors group, as `createinstructor` makes one."""
    user = django_user_model.objects.create_user("ines", "ines@example.com", "a-long-passphrase")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name=GROUP_NAME))
    return user


@pytest.fixture
def staff_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.fixture
def quiz(mini_course):
    """A quiz of the lesson 'first', which the tests make a draft; its last section sends
    learners to it."""
    wrap_up = Section.objects.get(slug="wrap-up")
    wrap_up.kind = Section.Kind.QUIZ
    wrap_up.save()
    return make_quiz(mini_course, lesson=Lesson.objects.get(slug="first"))


def unpublish(what: str) -> None:
    if what == "lesson":
        Lesson.objects.filter(slug="first").update(published=False)
    else:
        Course.objects.filter(slug="mini-mesh").update(published=False)


def take_all(client, quiz, attempt, *, correct=True, **extra):
    for question in questions_of(quiz):
        choices = right(question) if correct else wrong(question)
        response = answer(client, quiz, attempt, question, choices, **extra)
        assert response.status_code in (200, 303)
    attempt.refresh_from_db()
    return attempt


def quiz_urls(quiz: Quiz, attempt: Attempt) -> list[tuple[str, str]]:
    question = questions_of(quiz)[0]
    return [
        ("get", reverse("quiz", args=[quiz.slug])),
        ("post", reverse("quiz-start", args=[quiz.slug])),
        ("get", reverse("quiz-result", args=[quiz.slug, attempt.id])),
        ("get", reverse("quiz-feedback", args=[quiz.slug, attempt.id, question.id])),
    ]


# --- learners and visitors: every URL of a draft quiz is a 404 -----------------------------------


@pytest.mark.parametrize("draft", ["lesson", "course"])
@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_every_url_of_a_draft_quiz_is_404_for_learners_and_visitors(
    client, learner, instructor, quiz, draft, who
):
    # Attempts that exist: the learner's own (taken while published) and a staff preview.
    own = services.attempt_start(quiz=quiz, user=learner)
    unpublish(draft)
    preview = services.attempt_start(quiz=quiz, user=instructor, preview=True)
    if who == "learner":
        client.force_login(learner)
    else:  # a visitor with an id of their own, guessing others' attempt ids
        session = client.session
        session[VISITOR_KEY] = "visitor-token-0123456789"
        session.save()
    for attempt in (own, preview):
        for method, url in quiz_urls(quiz, attempt):
            assert getattr(client, method)(url).status_code == 404, (method, url)
        question = questions_of(quiz)[0]
        for extra in ({}, HX):  # the answer POST, with a guessed attempt id
            response = answer(client, quiz, attempt, question, right(question), **extra)
            assert response.status_code == 404
    assert not Response.objects.exists()
    assert Attempt.objects.count() == 2


def test_a_course_level_quiz_of_a_draft_course_is_404_for_learners(learner_client, mini_course):
    unpublish("course")
    assert learner_client.get(reverse("quiz", args=["mini-final"])).status_code == 404
    assert learner_client.post(reverse("quiz-start", args=["mini-final"])).status_code == 404


# --- staff: the whole quiz, as a preview ---------------------------------------------------------


@pytest.mark.parametrize("draft", ["lesson", "course"])
@pytest.mark.parametrize("htmx", [True, False])
def test_staff_take_a_draft_quiz_from_start_to_result(staff_client, quiz, draft, htmx):
    unpublish(draft)
    cover = staff_client.get(reverse("quiz", args=[quiz.slug]))
    assert cover.status_code == 200
    assert BANNER in html_of(cover) and "Start the quiz" in html_of(cover)
    attempt = start(staff_client, quiz)
    assert attempt.preview
    page = staff_client.get(reverse("quiz", args=[quiz.slug]))
    assert BANNER in html_of(page) and "Question 1 of 3" in html_of(page)
    extra = HX if htmx else {}
    first, *rest = questions_of(quiz)
    response = answer(staff_client, quiz, attempt, first, right(first), **extra)
    if htmx:
        assert response.status_code == 200 and "Correct" in html_of(response)
    else:
        assert response.status_code == 303
        feedback = staff_client.get(response["Location"])
        assert feedback.status_code == 200 and BANNER in html_of(feedback)
    for question in rest:
        answer(staff_client, quiz, attempt, question, right(question), **extra)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.score == 3 and attempt.passed
    result = staff_client.get(reverse("quiz-result", args=[quiz.slug, attempt.id]))
    assert result.status_code == 200
    assert BANNER in html_of(result) and "Passed" in html_of(result)
    # A second preview, and the first one listed on the draft's cover.
    assert start(staff_client, quiz).id != attempt.id
    assert "Your attempts" in html_of(staff_client.get(reverse("quiz", args=[quiz.slug])))


def test_the_banner_names_what_is_unpublished(staff_client, quiz):
    url = reverse("quiz", args=[quiz.slug])
    assert "Draft preview" not in html_of(staff_client.get(url))
    unpublish("lesson")
    assert "until its lesson is published" in html_of(staff_client.get(url))
    unpublish("course")
    assert "until its lesson and course are published" in html_of(staff_client.get(url))
    assert "until its course is published" in html_of(
        staff_client.get(reverse("quiz", args=["mini-final"]))
    )


def test_the_draft_lesson_preview_s_quiz_link_works_for_staff(staff_client, quiz):
    unpublish("lesson")
    lesson = staff_client.get("/courses/mini-mesh/first/")
    # The lesson's first quiz: `quiz` (order 0) before the file's first-check (order 10).
    url = quiz.get_absolute_url()
    assert lesson.status_code == 200 and f'href="{url}"' in html_of(lesson)
    assert BANNER in html_of(staff_client.get(url))
    assert Client().get(url).status_code == 404  # a visitor


def test_staff_may_not_answer_someone_else_s_preview(client, instructor, django_user_model, quiz):
    unpublish("lesson")
    theirs = services.attempt_start(quiz=quiz, user=instructor, preview=True)
    colleague = django_user_model.objects.create_user("ivo", password="x-long-pass-1")
    colleague.is_staff = True
    colleague.save()
    client.force_login(colleague)
    question = questions_of(quiz)[0]
    assert answer(client, quiz, theirs, question, right(question), **HX).status_code == 404
    assert client.get(reverse("quiz-result", args=[quiz.slug, theirs.id])).status_code == 404
    assert not Response.objects.exists()


def test_staff_taking_a_published_quiz_make_an_ordinary_attempt(staff_client, instructor, quiz):
    attempt = start(staff_client, quiz)
    assert not attempt.preview
    take_all(staff_client, quiz, attempt, **HX)
    assert Attempt.objects.counted().filter(user=instructor, finished_at__isnull=False).exists()
    read = SectionProgress.objects.filter(user=instructor)
    assert list(read.values_list("section__slug", flat=True)) == ["wrap-up"]  # its quiz section


# --- the answer path: staff find their drafts, learners still do not ------------------------------


def test_the_staff_query_finds_drafts_and_the_learners_query_still_does_not(
    quiz, learner, instructor
):
    unpublish("lesson")
    preview = services.attempt_start(quiz=quiz, user=instructor, preview=True)

    def locked(attempt, user, **flags):
        with transaction.atomic():
            return services.locked_attempt(
                attempt_id=attempt.id, slug=quiz.slug, user_id=user.id, **flags
            )

    assert locked(preview, instructor, drafts=True) == preview
    with pytest.raises(Attempt.DoesNotExist):
        locked(preview, instructor)  # the learners' query: published quizzes only
    with pytest.raises(Attempt.DoesNotExist):
        locked(preview, learner, drafts=True)  # still only the owner's own


def test_a_preview_answer_costs_what_a_learner_s_answer_costs(
    staff_client, quiz, django_assert_num_queries
):
    unpublish("lesson")
    attempt = start(staff_client, quiz)
    first = questions_of(quiz)[0]
    with django_assert_num_queries(BUDGET["learner"]):
        response = answer(staff_client, quiz, attempt, first, right(first), **HX)
    assert response.status_code == 200 and "feedback-verdict" in html_of(response)


# --- previews count nowhere learners' results are reported --------------------------------------


def test_previews_are_not_on_me_nor_the_team_dashboard_once_published(
    staff_client, instructor, learner, quiz
):
    team = Team.objects.create(slug="preview-team", name="Preview team")
    team.courses.add(quiz.course)
    Membership.objects.create(team=team, user=instructor, role=Membership.Role.INSTRUCTOR)
    Membership.objects.create(team=team, user=learner, role=Membership.Role.LEARNER)
    unpublish("lesson")
    take_all(staff_client, quiz, start(staff_client, quiz), **HX)
    Lesson.objects.filter(slug="first").update(published=True)

    me = html_of(staff_client.get(reverse("me")))
    assert quiz.title not in me
    report = team_report(team)
    index = [q.id for q in report.quizzes].index(quiz.id)
    for row in report.rows:
        assert row.quizzes[index].attempts == 0 and row.score.percent is None
    membership = Membership.objects.get(user=instructor)
    assert member_detail(team, membership).attempts == []
    # The cover of the published quiz lists the attempts that count: none yet.
    cover = html_of(staff_client.get(quiz.get_absolute_url()))
    assert "Your attempts" not in cover and "Draft preview" not in cover


def test_a_passed_preview_marks_nothing_read_even_if_published_meanwhile(
    staff_client, instructor, quiz
):
    unpublish("lesson")
    attempt = start(staff_client, quiz)
    *firsts, last = questions_of(quiz)
    for question in firsts:
        answer(staff_client, quiz, attempt, question, right(question), **HX)
    Lesson.objects.filter(slug="first").update(published=True)
    page = html_of(staff_client.get(quiz.get_absolute_url()))
    assert "Preview attempt — started while this quiz was a draft" in page
    answer(staff_client, quiz, attempt, last, right(last), **HX)
    attempt.refresh_from_db()
    assert attempt.passed and attempt.preview
    assert not SectionProgress.objects.filter(user=instructor).exists()


def test_a_passed_preview_of_the_final_quiz_does_not_complete_the_course(
    staff_client, instructor, mini_course
):
    final = Quiz.objects.get(slug="mini-final")
    unpublish("course")
    take_all(staff_client, final, start(staff_client, final), **HX)
    assert Attempt.objects.get(quiz=final).passed
    Course.objects.filter(pk=mini_course.pk).update(published=True)
    for section in Section.objects.filter(lesson__course=mini_course):
        SectionProgress.objects.create(user=instructor, section=section, read_at=timezone.now())
    me = html_of(staff_client.get(reverse("me")))
    assert "Course completed" not in me
    assert "take the final quiz to complete the course" in me


def test_previews_are_no_learners_work_at_stake_on_import(instructor, quiz):
    unpublish("lesson")
    attempt = services.attempt_start(quiz=quiz, user=instructor, preview=True)
    first = questions_of(quiz)[0]
    services.attempt_answer(attempt=attempt, question=first, choice_ids=right(first))
    assert not learner_work_of(quiz)
    assert not learner_work_of(first)


def test_only_a_signed_in_user_starts_a_preview(quiz):
    with pytest.raises(ValueError):
        services.attempt_start(quiz=quiz, anon_id="visitor-token-0123456789", preview=True)
