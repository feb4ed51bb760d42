from django.contrib import admin
from django.urls import include, path

from . import views
from .password_reset import ThrottledPasswordResetView

# Django's default 400 view parses the body again (see views.bad_request).
handler400 = "meshlearn.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/signup/", views.signup, name="signup"),
    # Before Django's own: the same URL and name, with the e-mails bounded.
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("quizzes/", include("quizzes.urls")),
    path("teams/", include("teams.urls")),
    path("", include("lessons.calculator_urls")),
    path("", include("lessons.lab_urls")),
    path("", include("lessons.urls")),
]
