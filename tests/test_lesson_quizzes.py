"""A lesson has one quiz, in its own course, so whatever the admin saves exports whole.

The lead review found the admin accepting a second quiz on a lesson (the export then wrote one
and dropped the other, with its attempts) and a lesson moved to another course leaving its quiz
behind (neither course's export imported again).
"""

import pytest
import yaml
from django.urls import reverse

from course_format.schema import read_course
from coursefiles.dumping import dump_course
from coursefiles.loading import load_course
from lessons.models import Course, Lesson
from quizzes import services
from quizzes.models import Attempt, Quiz

from .test_quiz_admin import management

pytestmark = pytest.mark.django_db


def quiz_form(course, lesson, slug: str) -> dict:
    return {
        "slug": slug,
        "title": "A bonus check",
        "course": str(course.id),
        "lesson": str(lesson.id) if lesson else "",
        "order": "0",
        "pass_percent": "70",
        "draw_per_lesson": "0",
        **management("questions", 0, 0),
    }


def load_text(text: str, tmp_path, *, name: str = "course.yaml"):
    """Load a course file the way the admin import does: refusing to delete learners' work."""
    path = tmp_path / name
    path.write_text(text)
    return load_course(read_course(path), delete_learner_work=False)


def reload(course: Course, tmp_path):
    """Load the course's own export back (what an instructor's re-import does)."""
    return load_text(dump_course(course), tmp_path, name=f"{course.slug}.yaml")


def test_the_admin_refuses_a_second_quiz_on_a_lesson_and_names_the_first(admin_client, mini_course):
    first = Lesson.objects.get(slug="first")
    response = admin_client.post(
        reverse("admin:quizzes_quiz_add"), quiz_form(mini_course, first, "bonus-check")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "already has a quiz, &#x27;Check the first lesson&#x27;" in html
    assert not Quiz.objects.filter(slug="bonus-check").exists()
    # As a course-level quiz it is fine.
    response = admin_client.post(
        reverse("admin:quizzes_quiz_add"), quiz_form(mini_course, None, "bonus-check")
    )
    assert response.status_code == 302
    assert Quiz.objects.get(slug="bonus-check").lesson is None


def test_an_older_second_quiz_on_a_lesson_is_exported_as_a_course_quiz(
    mini_course, learner, tmp_path
):
    # Data from before the admin refused it: nothing may be left out of the file.
    first = Lesson.objects.get(slug="first")
    extra = Quiz.objects.create(
        slug="bonus", title="Bonus", course=mini_course, lesson=first, order=99
    )
    question = extra.questions.create(prompt="P?", explanation="E.")
    question.choices.create(text="a", is_correct=True)
    question.choices.create(text="b", is_correct=False)
    extra.refresh_from_db()
    services.attempt_start(quiz=extra, user=learner)
    data = yaml.safe_load(dump_course(mini_course))
    lesson = next(item for item in data["lessons"] if item["slug"] == "first")
    assert lesson["quiz"]["slug"] == "first-check"
    assert "bonus" in [quiz["slug"] for quiz in data["quizzes"]]
    reload(mini_course, tmp_path)  # no learner work at stake: nothing is left out
    extra.refresh_from_db()
    assert extra.lesson is None and extra.attempts.count() == 1


def test_the_admin_refuses_a_lesson_of_another_course(admin_client, mini_course):
    other = Course.objects.create(slug="other", title="Other course")
    lesson = Lesson.objects.create(course=other, slug="elsewhere", title="Elsewhere")
    response = admin_client.post(
        reverse("admin:quizzes_quiz_add"), quiz_form(mini_course, lesson, "crossed")
    )
    assert response.status_code == 200
    assert "belongs to another course" in response.content.decode()
    assert not Quiz.objects.filter(slug="crossed").exists()


def test_a_lesson_moved_to_another_course_takes_its_quiz_and_both_export_whole(
    mini_course, learner, tmp_path
):
    quiz = Quiz.objects.get(slug="first-check")
    services.attempt_start(quiz=quiz, user=learner)
    other = Course.objects.create(slug="envoy", title="Envoy for Istio users", published=True)
    lesson = Lesson.objects.get(slug="first")
    lesson.course = other
    lesson.save()
    quiz.refresh_from_db()
    assert quiz.course == other and quiz.lesson == lesson
    assert "first-check" in dump_course(other)
    assert "first-check" not in dump_course(mini_course)
    # Each course's own export loads back without losing the attempt or refusing the file.
    reload(other, tmp_path)
    reload(mini_course, tmp_path)
    assert Attempt.objects.filter(quiz__slug="first-check", user=learner).exists()


def test_an_import_can_give_a_lesson_another_quiz(mini_course, learner, tmp_path):
    # The file makes the old lesson quiz a course-level one and gives the lesson a new quiz.
    old = Quiz.objects.get(slug="first-check")
    services.attempt_start(quiz=old, user=learner)
    data = yaml.safe_load(dump_course(mini_course))
    first = next(lesson for lesson in data["lessons"] if lesson["slug"] == "first")
    moved = first["quiz"]
    first["quiz"] = {**moved, "slug": "first-check-v2", "title": "Check the first lesson, again"}
    data["quizzes"].append(moved)
    load_text(yaml.safe_dump(data, sort_keys=False), tmp_path)
    old.refresh_from_db()
    assert old.lesson is None and old.attempts.count() == 1
    assert Quiz.objects.get(slug="first-check-v2").lesson.slug == "first"


def test_the_migration_moves_misfiled_quizzes_to_their_lessons_course(mini_course):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("quizzes.migrations.0006_lesson_quizzes_in_their_lessons_course")
    other = Course.objects.create(slug="other", title="Other course")
    second = Lesson.objects.get(slug="second")
    stray = Quiz.objects.create(slug="stray", title="Stray", course=other, lesson=second)
    migration.move_to_lessons_course(apps, None)
    stray.refresh_from_db()
    assert stray.course == mini_course and stray.lesson == second
