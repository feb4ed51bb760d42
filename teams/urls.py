"""Team URLs (mounted at /teams/). Fixed paths come first: a team slug cannot be "new" or "join"."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.team_list, name="team-list"),
    path("new/", views.team_new, name="team-new"),
    path("join/<str:token>/", views.join, name="team-join"),
    path("<slug:slug>/", views.dashboard, name="team-dashboard"),
    path("<slug:slug>/export.csv", views.export_csv, name="team-export"),
    path("<slug:slug>/invite/", views.regenerate_invite, name="team-regenerate-invite"),
    path("<slug:slug>/members/<str:username>/", views.member, name="team-member"),
]
