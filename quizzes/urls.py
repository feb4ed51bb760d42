"""The quiz URLs (mounted at /quizzes/ by meshlearn/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<slug:slug>/", views.quiz_detail, name="quiz"),
    path("<slug:slug>/start/", views.quiz_start, name="quiz-start"),
    path("<slug:slug>/answer/", views.quiz_answer, name="quiz-answer"),
    path("<slug:slug>/attempts/<int:attempt_id>/", views.quiz_result, name="quiz-result"),
    path("<slug:slug>/attempts/<int:attempt_id>/end/", views.exam_end, name="exam-end"),
    path(
        "<slug:slug>/attempts/<int:attempt_id>/tasks/<int:item_id>/",
        views.exam_task_submit,
        name="exam-task-submit",
    ),
    path(
        "<slug:slug>/attempts/<int:attempt_id>/questions/<int:question_id>/",
        views.quiz_feedback,
        name="quiz-feedback",
    ),
]
