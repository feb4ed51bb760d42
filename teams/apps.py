from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deploy check)
        from .export import EXTRA_COLUMN_GROUPS
        from .task_columns import task_columns

        # The CSV's practice tasks (issue 24), after the export's own groups.
        if task_columns not in EXTRA_COLUMN_GROUPS:
            EXTRA_COLUMN_GROUPS.append(task_columns)
