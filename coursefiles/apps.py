from django.apps import AppConfig


class CoursefilesConfig(AppConfig):
    name = "coursefiles"
    verbose_name = "Course files"
