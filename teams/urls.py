"""Team URLs (mounted at /teams/). Fixed paths come first: a team slug cannot be "new" or "join"."""

from django.urls import path, register_converter

from . import views


class UsernameConverter:
    """Django's `str` converter without NUL: PostgreSQL refuses a NUL in a query, which made
    `/members/a%00b/` a server error. As permissive as `str` otherwise, so any stored
    username (not only those the sign-up validator allows) still has a URL."""

    regex = "[^/\x00]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UsernameConverter, "username")

urlpatterns = [
    path("", views.team_list, name="team-list"),
    path("new/", views.team_new, name="team-new"),
    path("join/<slug:token>/", views.join, name="team-join"),
    path("<slug:slug>/", views.dashboard, name="team-dashboard"),
    path("<slug:slug>/export.csv", views.export_csv, name="team-export"),
    path("<slug:slug>/courses/", views.team_courses, name="team-courses"),
    path("<slug:slug>/progress/<slug:course_slug>/", views.course_progress, name="team-course"),
    path("<slug:slug>/invite/", views.regenerate_invite, name="team-regenerate-invite"),
    path("<slug:slug>/leave/", views.leave, name="team-leave"),
    path("<slug:slug>/members/<username:username>/", views.member, name="team-member"),
    path(
        "<slug:slug>/members/<username:username>/remove/",
        views.remove_member,
        name="team-remove-member",
    ),
]
