"""Staff may try a draft quiz; such an attempt is marked a preview and counts in no learner's
results. Every attempt before this was a learner's (drafts could not be taken): all stay False."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('quizzes', '0006_lesson_quizzes_in_their_lessons_course'),
    ]

    operations = [
        migrations.AddField(
            model_name='attempt',
            name='preview',
            field=models.BooleanField(default=False, editable=False, help_text="A staff member's try of a draft quiz: not counted in any learner's results."),
        ),
    ]
