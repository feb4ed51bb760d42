"""The overhead calculator's URLs (mounted at the site root by meshlearn/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("calculator/", views.calculator_page, name="calculator"),
    path("calculator.json", views.calculator_json, name="calculator-json"),
    path("calculator/scenarios/", views.scenario_save, name="calculator-scenario-save"),
    path(
        "calculator/scenarios/<int:pk>/delete/",
        views.scenario_delete,
        name="calculator-scenario-delete",
    ),
]
