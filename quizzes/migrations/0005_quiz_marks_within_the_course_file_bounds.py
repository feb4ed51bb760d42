"""A quiz's pass mark stays between 1 and 100, as the course file requires.

The admin used to accept any mark, so the data step first clamps the marks already stored
(0 becomes 1, anything above 100 becomes 100) and only then adds the check constraint, which
would otherwise fail on such a database. Finished attempts keep the mark they were judged by
(Attempt.pass_percent), so no verdict changes; attempts still open are judged by the clamped
mark. The validators on pass_percent and draw_per_lesson are form checks only (no schema change).
"""

import django.core.validators
from django.db import migrations, models

PASS_PERCENT_RANGE = "The pass mark must be between 1 and 100 (percent of the questions)."


def clamp_pass_marks(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    Quiz.objects.filter(pass_percent__lt=1).update(pass_percent=1)
    Quiz.objects.filter(pass_percent__gt=100).update(pass_percent=100)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0004_attempt_keeps_its_pass_mark"),
    ]

    operations = [
        migrations.RunPython(clamp_pass_marks, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="quiz",
            name="draw_per_lesson",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text=(
                    "For a course exam (no lesson): draw this many questions (at most 20) at"
                    " random from each lesson quiz of the course, anew for every attempt. 0 means"
                    " the quiz asks its own questions."
                ),
                validators=[
                    django.core.validators.MaxValueValidator(
                        20, "Draw at most 20 questions from each lesson quiz."
                    )
                ],
            ),
        ),
        migrations.AlterField(
            model_name="quiz",
            name="pass_percent",
            field=models.PositiveSmallIntegerField(
                default=70,
                help_text=(
                    "Score needed to pass, in percent of the questions (1 to 100). Attempts"
                    " finished before a change keep the mark they were judged by."
                ),
                validators=[
                    django.core.validators.MinValueValidator(1, PASS_PERCENT_RANGE),
                    django.core.validators.MaxValueValidator(100, PASS_PERCENT_RANGE),
                ],
            ),
        ),
        migrations.AddConstraint(
            model_name="quiz",
            constraint=models.CheckConstraint(
                condition=models.Q(("pass_percent__gte", 1), ("pass_percent__lte", 100)),
                name="quiz_pass_percent_1_to_100",
                violation_error_message=PASS_PERCENT_RANGE,
            ),
        ),
    ]
