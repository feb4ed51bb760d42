"""Review fixes: quiz rules the admin keeps, which attempt counts as best, which course-level
quizzes completion waits for, and the team admin's member count.

- The admin keeps a quiz within the course file's rules (pass mark 1 to 100; draw per lesson
  0 to 20, on a course-level quiz without questions of its own), so an export imports again.
- A quiz is passed when any finished attempt passed by the mark it kept; "Best score" shows a
  passed attempt first, so /me/, the quiz cover and "Course completed" agree.
- A course-level quiz with nothing to ask does not block "Course completed".
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, Question, Quiz
from quizzes.question_sets import question_count
from quizzes.results import best_attempt, final_quizzes_to_pass, quiz_history
from teams.services import membership_join

from . import test_teams
from .test_quiz_admin import management, question_data
from .test_quiz_attempts import html_of, make_quiz, read_everything
from .test_teams import PASSWORD, client_for

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/lessons/course/import/"

# The teams tests' fixtures, bound here so that pytest finds them for this module.
team, instructor, superuser = test_teams.team, test_teams.instructor, test_teams.superuser


# --- 1. the admin keeps a quiz within the course file's rules ----------------------------------


def quiz_form(quiz: Quiz, **changes) -> dict:
    """POST data for the quiz's admin page, its questions inline unchanged."""
    data = {
        "slug": quiz.slug,
        "title": quiz.title,
        "course": str(quiz.course_id),
        "lesson": str(quiz.lesson_id or ""),
        "order": str(quiz.order),
        "pass_percent": str(quiz.pass_percent),
        "draw_per_lesson": str(quiz.draw_per_lesson),
    }
    questions = list(quiz.questions.all())
    data.update(management("questions", len(questions), len(questions)))
    for index, question in enumerate(questions):
        prefix = f"questions-{index}"
        data[f"{prefix}-id"] = str(question.id)
        data[f"{prefix}-quiz"] = str(quiz.id)
        data[f"{prefix}-order"] = str(question.order)
        data[f"{prefix}-prompt"] = question.prompt
        data[f"{prefix}-kind"] = question.kind
        data[f"{prefix}-explanation"] = question.explanation
    data.update({key: str(value) for key, value in changes.items()})
    return data


def change_url(quiz: Quiz) -> str:
    return reverse("admin:quizzes_quiz_change", args=[quiz.id])


@pytest.mark.parametrize("mark", [0, 150])
def test_admin_refuses_a_pass_mark_outside_1_to_100(admin_client, mini_course, mark):
    quiz = Quiz.objects.get(slug="mini-final")
    response = admin_client.post(change_url(quiz), quiz_form(quiz, pass_percent=mark))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["pass_percent"] == [
        "The pass mark must be between 1 and 100 (percent of the questions)."
    ]
    assert Quiz.objects.get(pk=quiz.pk).pass_percent == 70


@pytest.mark.parametrize("mark", [1, 100])
def test_admin_takes_the_pass_marks_at_the_ends_of_the_range(admin_client, mini_course, mark):
    quiz = Quiz.objects.get(slug="mini-final")
    assert (
        admin_client.post(change_url(quiz), quiz_form(quiz, pass_percent=mark)).status_code == 302
    )
    assert Quiz.objects.get(pk=quiz.pk).pass_percent == mark


def test_admin_refuses_drawing_more_than_20_per_lesson(admin_client, mini_course):
    quiz = Quiz.objects.get(slug="mini-final")
    quiz.questions.all().delete()
    response = admin_client.post(change_url(quiz), quiz_form(quiz, draw_per_lesson=21))
    assert response.context["adminform"].form.errors["draw_per_lesson"] == [
        "Draw at most 20 questions from each lesson quiz."
    ]


def test_admin_refuses_drawing_on_a_lesson_quiz(admin_client, mini_course):
    quiz = Quiz.objects.get(slug="first-check")
    response = admin_client.post(change_url(quiz), quiz_form(quiz, draw_per_lesson=1))
    (error,) = response.context["adminform"].form.errors["draw_per_lesson"]
    assert "Only a course-level quiz (one with no lesson)" in error
    assert Quiz.objects.get(pk=quiz.pk).draw_per_lesson == 0


def test_admin_refuses_a_drawn_quiz_that_keeps_its_own_questions(admin_client, mini_course):
    quiz = Quiz.objects.get(slug="mini-final")  # one question of its own
    response = admin_client.post(change_url(quiz), quiz_form(quiz, draw_per_lesson=1))
    assert response.status_code == 200
    assert "asks none of its own questions. Delete its 1 question below" in html_of(response)
    assert Quiz.objects.get(pk=quiz.pk).draw_per_lesson == 0
    # Deleting the question in the same save is fine.
    data = quiz_form(quiz, draw_per_lesson=1)
    data["questions-0-DELETE"] = "on"
    assert admin_client.post(change_url(quiz), data).status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).draw_per_lesson == 1
    assert not quiz.questions.exists()


def test_admin_refuses_a_question_for_a_drawn_quiz(admin_client, mini_course):
    exam = Quiz.objects.create(slug="exam", title="Exam", course=mini_course, draw_per_lesson=1)
    data = question_data(exam, "single", [("istiod", True), ("Mixer", False)])
    response = admin_client.post(reverse("admin:quizzes_question_add"), data)
    (error,) = response.context["adminform"].form.errors["quiz"]
    assert "Add the question to a lesson quiz instead." in error
    assert not exam.questions.exists()


def test_quizzes_saved_in_the_admin_export_and_import_again(admin_client, mini_course):
    final = Quiz.objects.get(slug="mini-final")
    assert (
        admin_client.post(change_url(final), quiz_form(final, pass_percent=100)).status_code == 302
    )
    add = {
        **quiz_form(final, slug="mini-exam", title="Exam", draw_per_lesson=3, order=1),
        **management("questions", 0, 0),
    }
    assert admin_client.post(reverse("admin:quizzes_quiz_add"), add).status_code == 302
    exported = admin_client.get(f"/admin/lessons/course/{mini_course.pk}/export/").content
    assert b"draw_per_lesson: 3" in exported and b"pass_percent: 100" in exported
    response = admin_client.post(IMPORT_URL, {"file": SimpleUploadedFile("c.yaml", exported)})
    assert response.status_code == 302  # imported (a refused file renders the form again)
    page = html_of(admin_client.get(response["Location"]))
    assert "Course &#x27;mini-mesh&#x27;: updated 2 quizzes." in page  # their order renumbered
    finals = Quiz.objects.filter(course=mini_course, lesson__isnull=True)
    assert set(finals.values_list("slug", "pass_percent", "draw_per_lesson")) == {
        ("mini-final", 100, 0),
        ("mini-exam", 70, 3),
    }


@pytest.mark.django_db(transaction=True)
def test_the_migration_clamps_stored_marks_before_adding_the_constraint():
    before = [("quizzes", "0004_attempt_keeps_its_pass_mark")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    course = old.get_model("lessons", "Course").objects.create(slug="c", title="C")
    old_quiz = old.get_model("quizzes", "Quiz")
    for slug, mark in [("zero", 0), ("over", 150), ("fine", 70)]:
        old_quiz.objects.create(slug=slug, title=slug, course=course, pass_percent=mark)
    executor = MigrationExecutor(connection)  # a fresh graph, as `migrate` would read it
    executor.migrate(executor.loader.graph.leaf_nodes())
    marks = dict(Quiz.objects.values_list("slug", "pass_percent"))
    assert marks == {"zero": 1, "over": 100, "fine": 70}


# --- 2. a passed quiz is shown as passed ------------------------------------------------------


def finished(score: int, total: int, mark: int) -> Attempt:
    return Attempt(score=score, total=total, pass_percent=mark, finished_at=timezone.now())


def test_best_attempt_prefers_a_pass_then_the_larger_share():
    passed, failed_higher = finished(7, 10, 70), finished(8, 10, 90)
    assert best_attempt([passed, failed_higher]) is passed
    assert best_attempt([failed_higher, passed]) is passed
    low, high = finished(7, 10, 70), finished(9, 10, 70)
    assert best_attempt([low, high]) is high
    assert best_attempt([finished(1, 2, 50), finished(3, 6, 50)]).total == 6  # tie: more asked
    newest, older = finished(5, 10, 70), finished(5, 10, 70)
    assert best_attempt([newest, older]) is newest
    assert best_attempt([]) is None


def record(user, quiz, attempts) -> list[Attempt]:
    """Finished attempts, oldest first, each with the mark it was judged by."""
    now = timezone.now()
    return [
        Attempt.objects.create(
            user=user, quiz=quiz, score=score, total=10, pass_percent=mark, finished_at=now
        )
        for score, mark in attempts
    ]


@pytest.mark.parametrize(
    "attempts",
    [[(7, 70), (8, 90)], [(8, 90), (7, 70)]],
    ids=["pass-then-higher-fail", "higher-fail-then-pass"],
)
def test_a_quiz_passed_once_reads_passed_everywhere(
    learner_client, learner, mini_course, team, instructor, attempts
):
    quiz = Quiz.objects.get(slug="mini-final")
    record(learner, quiz, attempts)
    (entry,) = quiz_history(Attempt.objects.filter(user=learner))
    assert entry.passed and (entry.best.score, entry.best.pass_mark) == (7, 70)

    best = 'Best score: <strong>7/10</strong> (70%) <span class="status status-completed">Passed'
    for page in (reverse("me"), quiz.get_absolute_url()):
        html = html_of(learner_client.get(page))
        assert best in html and "Not passed yet" not in html, page
    failed = Attempt.objects.get(user=learner, score=8)
    result = html_of(learner_client.get(reverse("quiz-result", args=[quiz.slug, failed.id])))
    assert "Your best passing score is 7/10." in result

    # The team member page marks the attempt that passed, and completion counts it too.
    member = reverse("team-member", args=[team.slug, learner.username])
    assert html_of(client_for(instructor).get(member)).count(">passed</span>") == 1
    read_everything(learner, mini_course)
    assert "Course completed" in html_of(learner_client.get("/"))


# --- 3. a course-level quiz with nothing to ask does not block completion ---------------------


def completed_home(client) -> str:
    home = html_of(client.get("/"))
    assert "Take the final quiz" not in home
    return home


def test_an_empty_course_level_quiz_does_not_block_completion(learner_client, learner, mini_course):
    record(learner, Quiz.objects.get(slug="mini-final"), [(10, 70)])
    read_everything(learner, mini_course)
    assert "Course completed" in completed_home(learner_client)
    Quiz.objects.create(slug="extra-final", title="Extra", course=mini_course)
    assert "Course completed" in completed_home(learner_client)
    assert "Course completed" in html_of(learner_client.get(reverse("me")))


def test_a_drawn_exam_with_empty_pools_does_not_block_completion(
    learner_client, learner, mini_course
):
    record(learner, Quiz.objects.get(slug="mini-final"), [(10, 70)])
    read_everything(learner, mini_course)
    Question.objects.filter(quiz__lesson__isnull=False).delete()  # nothing left to draw
    exam = Quiz.objects.create(slug="exam", title="Exam", course=mini_course, draw_per_lesson=2)
    assert question_count(exam) == 0
    assert "Course completed" in completed_home(learner_client)


def test_completion_waits_for_exactly_the_quizzes_that_have_questions(learner, mini_course):
    """final_quizzes_to_pass leaves a quiz out exactly when question_count() is 0."""
    Quiz.objects.create(slug="empty", title="Empty", course=mini_course, order=1)
    make_quiz(mini_course, slug="own", order=2)
    Quiz.objects.create(slug="exam", title="Exam", course=mini_course, draw_per_lesson=1)
    finals = list(Quiz.objects.filter(course=mini_course, lesson__isnull=True))
    for quiz in finals:
        record(learner, quiz, [(10, 70)])

    def blocking() -> set[str]:
        """The quizzes completion would wait for, each tried as the only one not passed."""
        slugs = set()
        for quiz in finals:
            others_passed = Attempt.objects.filter(user=learner).exclude(quiz=quiz)
            to_pass = final_quizzes_to_pass(others_passed, [mini_course.id])
            if to_pass:
                assert to_pass == {mini_course.id: quiz}
                slugs.add(quiz.slug)
        return slugs

    def askable() -> set[str]:
        return {quiz.slug for quiz in finals if question_count(quiz) > 0}

    assert blocking() == askable() == {"mini-final", "own", "exam"}
    Question.objects.filter(quiz__lesson__isnull=False).delete()  # the exam's pools empty
    assert blocking() == askable() == {"mini-final", "own"}


# --- 4. the team admin counts every member ----------------------------------------------------


def member_counts(client, **query) -> list[str]:
    html = html_of(client.get(reverse("admin:teams_team_changelist"), query))
    return re.findall(r'<td class="field-member_count">(\d+)</td>', html)


def test_team_admin_counts_every_member_for_instructors_and_superusers(
    team, instructor, superuser, django_user_model
):
    for name in ("m1", "m2"):
        user = django_user_model.objects.create_user(name, password=PASSWORD)
        membership_join(team=team, user=user)
    assert team.memberships.count() == 4  # ines (instructor), ada, m1, m2
    assert member_counts(client_for(instructor)) == ["4"]
    assert member_counts(client_for(superuser)) == ["4"]
    assert member_counts(client_for(instructor), q="m1") == ["4"]  # search joins members too
