"""The config lab's URLs (mounted at the site root by meshlearn/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("lab/", views.lab_page, name="lab"),
    path("lab/check.json", views.lab_check_json, name="lab-check-json"),
]
