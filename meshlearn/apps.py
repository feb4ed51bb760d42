from django.apps import AppConfig


class MeshlearnConfig(AppConfig):
    name = "meshlearn"
    verbose_name = "MeshLearn site"
