from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = "Courses and lessons"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (merges a visitor's read marks at login)
