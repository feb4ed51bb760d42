from django.apps import AppConfig


class PracticeConfig(AppConfig):
    name = "practice"
    verbose_name = "Practice tasks"

    def ready(self) -> None:
        from lessons.requirements import register_task_counter

        from . import signals  # noqa: F401  (merges a visitor's task progress at login)
        from .reporting import lesson_task_counts

        # Lessons sit below practice in the import layers: it asks its tasks through this.
        register_task_counter(lesson_task_counts)
