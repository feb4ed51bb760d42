from django.urls import path

from . import views

urlpatterns = [
    path("courses/<slug:course>/", views.course_detail, name="course"),
    path("courses/<slug:course>/<slug:lesson>/", views.lesson_detail, name="lesson"),
    path(
        "courses/<slug:course>/<slug:lesson>/<slug:section>/read/",
        views.mark_read,
        name="mark-read",
    ),
]
