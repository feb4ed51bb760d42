import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Takes over lessons' SavedScenario table (lessons 0004 let go of it), then renames it."""

    initial = True

    dependencies = [
        ("lessons", "0004_savedscenario_moves_to_calculator"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SavedScenario",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=80)),
                        ("params", models.JSONField(help_text="Calculator inputs as query-string values, validated when saved.")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="calculator_scenarios", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "ordering": ["-created_at", "-id"],
                        "constraints": [models.UniqueConstraint(fields=("user", "name"), name="scenario_name_unique_per_user")],
                        "db_table": "lessons_savedscenario",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="savedscenario", table=None),
    ]
