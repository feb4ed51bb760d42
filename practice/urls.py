"""Practice tasks' URLs (mounted at /practice/ by meshlearn/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.task_list, name="practice"),
    path("<slug:slug>.json", views.task_json, name="practice-task-json"),
    path("<slug:slug>/", views.task_page, name="practice-task"),
    path("<slug:slug>/hint/", views.reveal_hint, name="practice-hint"),
    path("<slug:slug>/solution/", views.give_up, name="practice-give-up"),
    path("<slug:slug>/check.json", views.check_json, name="practice-check-json"),
]
