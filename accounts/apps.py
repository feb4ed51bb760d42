from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and the learner's pages"

    def ready(self) -> None:
        from . import signals

        signals.connect()
