"""The public verification page and the PDF: anyone with the unguessable URL, signed in or
not, sees the holder's name, the course, the date, the score and whether it still stands;
nothing else of the learner. Search engines are asked not to index either."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Certificate
from .pdf import certificate_pdf

NOINDEX = "noindex, nofollow"


def _certificate(public_id: str) -> Certificate:
    rows = Certificate.objects.select_related("user", "course")
    return get_object_or_404(rows, public_id=public_id)


@require_safe
def verify(request: HttpRequest, public_id: str) -> HttpResponse:
    certificate = _certificate(public_id)
    response = render(request, "certificates/verify.html", {"certificate": certificate})
    response["X-Robots-Tag"] = NOINDEX
    return response


@require_safe
def pdf(request: HttpRequest, public_id: str) -> HttpResponse:
    certificate = _certificate(public_id)
    verify_url = request.build_absolute_uri(certificate.get_absolute_url())
    response = HttpResponse(certificate_pdf(certificate, verify_url), "application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.public_id}.pdf"'
    response["X-Robots-Tag"] = NOINDEX
    return response
