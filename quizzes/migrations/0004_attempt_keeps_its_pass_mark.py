from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def judge_finished_attempts_by_todays_mark(apps, schema_editor):
    # Attempts finished before this migration were judged by the quiz's current mark; keep that.
    Attempt = apps.get_model("quizzes", "Attempt")
    Quiz = apps.get_model("quizzes", "Quiz")
    mark = Quiz.objects.filter(pk=OuterRef("quiz_id")).values("pass_percent")[:1]
    Attempt.objects.filter(finished_at__isnull=False, pass_percent__isnull=True).update(
        pass_percent=Subquery(mark)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_exam_drawn_from_lesson_quizzes"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="pass_percent",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(judge_finished_attempts_by_todays_mark, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="quiz",
            name="pass_percent",
            field=models.PositiveSmallIntegerField(
                default=70,
                help_text=(
                    "Score needed to pass, in percent of the questions. Attempts finished"
                    " before a change keep the mark they were judged by."
                ),
            ),
        ),
    ]
