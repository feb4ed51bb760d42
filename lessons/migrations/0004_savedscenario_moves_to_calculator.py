from django.db import migrations


class Migration(migrations.Migration):
    """SavedScenario now belongs to the calculator app; its table is kept (calculator 0001)."""

    dependencies = [
        ("lessons", "0003_help_texts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SavedScenario")],
            database_operations=[],
        ),
    ]
