"""The members × domains page and its CSV, mounted at /teams/ before teams/urls.py."""

from django.urls import path

from . import domain_views

urlpatterns = [
    path("<slug:slug>/domains/", domain_views.team_domains, name="team-domains"),
    path("<slug:slug>/domains.csv", domain_views.team_domains_csv, name="team-domains-csv"),
]
