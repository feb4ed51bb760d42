from django.apps import AppConfig


class MeshlearnConfig(AppConfig):
    name = "meshlearn"
    verbose_name = "MeshLearn site"

    def ready(self) -> None:
        from . import signals

        signals.connect()
