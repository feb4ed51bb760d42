from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "Quizzes"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (moves a visitor's attempts to their account at login)
