from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice tasks"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (merges a visitor's task progress at login)
