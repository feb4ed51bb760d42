"""A certificate as a PDF, drawn by WeasyPrint from an HTML template.

WeasyPrint needs Pango (Debian's libpango-1.0-0 and libpangoft2-1.0-0; the Makefile installs
them when missing). The template carries its own CSS and no external resource: the fetcher
below refuses every URL, so drawing a PDF never reaches the network or the disk.
"""

from django.template.loader import render_to_string

from .models import Certificate


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"certificate PDFs load no resources ({url[:80]})")


def certificate_pdf(certificate: Certificate, verify_url: str) -> bytes:
    # Imported when a PDF is first drawn, not with the URLs: WeasyPrint with fontTools and
    # Pillow is ~40 MB that every worker held from its first request (issue 25's 150 MB).
    from weasyprint import HTML

    html = render_to_string(
        "certificates/certificate_pdf.html",
        {"certificate": certificate, "verify_url": verify_url},
    )
    return HTML(string=html, url_fetcher=_no_fetching).write_pdf()
