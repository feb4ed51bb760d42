from django.urls import path

from . import views

urlpatterns = [
    path("<str:public_id>/", views.verify, name="certificate-verify"),
    path("<str:public_id>/certificate.pdf", views.pdf, name="certificate-pdf"),
]
