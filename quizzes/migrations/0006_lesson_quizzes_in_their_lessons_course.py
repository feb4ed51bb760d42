"""A lesson quiz belongs to its lesson's course.

The admin used to accept a quiz whose lesson was in another course, and a lesson moved to
another course left its quiz behind; neither course's export then imported again. Both are
refused or mended now (Quiz.clean, Lesson.save); this moves the quizzes already misfiled to
their lesson's course, with their questions and attempts. Nothing is deleted.
"""

from django.db import migrations
from django.db.models import F


def move_to_lessons_course(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    misfiled = Quiz.objects.filter(lesson__isnull=False).exclude(course_id=F("lesson__course_id"))
    for quiz in misfiled.select_related("lesson"):
        quiz.course_id = quiz.lesson.course_id
        quiz.save(update_fields=["course"])


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0003_help_texts"),
        ("quizzes", "0005_quiz_marks_within_the_course_file_bounds"),
    ]

    operations = [migrations.RunPython(move_to_lessons_course, migrations.RunPython.noop)]
