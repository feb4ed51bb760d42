"""The quiz URLs (mounted at /quizzes/ by meshlearn/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/", views.quiz_detail, name="quiz"),
]
