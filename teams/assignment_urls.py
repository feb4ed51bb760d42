"""Assignment URLs, mounted at the site's root: the team pages under /teams/<slug>/assignments/,
the learner's feed and switches, and the unsubscribe page, whose paths no team slug can shadow."""

from django.urls import path

from . import assignment_views as views

urlpatterns = [
    path("teams/<slug:slug>/assignments/", views.assignment_list, name="team-assignments"),
    path("teams/<slug:slug>/assignments/new/", views.assignment_new, name="team-assignment-new"),
    path(
        "teams/<slug:slug>/assignments/<int:pk>/",
        views.assignment_edit,
        name="team-assignment-edit",
    ),
    path(
        "teams/<slug:slug>/assignments/<int:pk>/delete/",
        views.assignment_delete,
        name="team-assignment-delete",
    ),
    path("assignments/calendar-link/", views.calendar_link, name="assignments-calendar-link"),
    path("assignments/emails/", views.email_switch, name="assignments-emails"),
    path("assignments/calendar/<slug:token>.ics", views.calendar_feed, name="assignments-calendar"),
    path("assignments/unsubscribe/<str:token>/", views.unsubscribe, name="reminders-unsubscribe"),
]
