from django.contrib import admin
from django.urls import include, path

from shared import views as shared_views

# Django's default 400 view parses the body again (see shared.views.bad_request).
handler400 = "shared.views.bad_request"

urlpatterns = [
    path("healthz/", shared_views.healthz, name="healthz"),
    path("favicon.ico", shared_views.favicon, name="favicon"),
    path("", include("accounts.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("quizzes/", include("quizzes.urls")),
    path("", include("teams.assignment_urls")),  # before teams.urls: /teams/<slug>/assignments/
    path("teams/", include("teams.domain_urls")),  # members × domains (issue 23)
    path("teams/", include("teams.urls")),
    path("certificates/", include("certificates.urls")),
    path("sso/", include("sso.urls")),
    path("", include("calculator.urls")),
    path("", include("lab.urls")),
    path("practice/", include("practice.urls")),
    path("", include("lessons.urls")),
]
