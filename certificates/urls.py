from django.urls import path

from . import views

urlpatterns = [
    # A public id is secrets.token_urlsafe: slug characters only. Anything else (a NUL byte,
    # which PostgreSQL refuses in a text parameter) is a 404 before the database is asked.
    path("<slug:public_id>/", views.verify, name="certificate-verify"),
    path("<slug:public_id>/certificate.pdf", views.pdf, name="certificate-pdf"),
]
