from django.urls import path

from . import views
from .password_reset import ThrottledPasswordResetView

urlpatterns = [
    path("", views.home, name="home"),
    path("me/", views.me, name="me"),
    path("accounts/signup/", views.signup, name="signup"),
    # Before Django's own (meshlearn/urls.py includes these first): the same URL and name,
    # with the e-mails bounded.
    path(
        "accounts/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="password_reset",
    ),
]
