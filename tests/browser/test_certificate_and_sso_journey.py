"""A signed-out visitor verifies a certificate (1280 px light, 390 px dark, then revoked), and a
learner signs in through the real test provider's own login form (tests/oidc_provider/).

Screenshots: artifacts/screenshots/certificate-*.png and sso-*.png.
"""

import pytest
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificates_revoke
from tests.conftest import OIDC_PASSWORD

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot


@pytest.fixture(scope="session")
def oidc_callback_urls(live_server):
    """The provider sends people back to the live server here (tests/conftest.py's fixture)."""
    return [f"{live_server.url}/sso/callback/"]


def test_a_signed_out_visitor_verifies_a_certificate(
    live_server, course, new_page, django_user_model
):
    ada = django_user_model.objects.create_user("ada", "ada@example.com", first_name="Ada")
    ada.last_name = "Lovelace"
    ada.save()
    certificate = Certificate.objects.create(
        user=ada, course=course, issued_at=timezone.now(), score=92
    )
    url = f"{live_server.url}{certificate.get_absolute_url()}"

    page = new_page(scheme="light", viewport=DESKTOP)
    page.goto(url)
    main = page.inner_text("main")
    for shown in ("Ada Lovelace", course.title, "92%", "Valid"):
        assert shown in main
    assert "ada@example.com" not in page.content()
    assert page.locator("meta[name=robots]").get_attribute("content").startswith("noindex")
    assert_accessible(page, "certificate page")
    screenshot(page, "certificate-light-desktop")
    pdf = page.request.get(f"{live_server.url}{certificate.get_pdf_url()}")
    assert pdf.ok and pdf.body().startswith(b"%PDF")

    certificates_revoke(certificates=Certificate.objects.all(), reason="Test")
    phone = new_page(scheme="dark", viewport=PHONE)
    phone.goto(url)
    assert "Revoked since" in phone.inner_text("main")
    assert not phone.locator("a:has-text('Download the PDF')").count()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(phone, "revoked certificate page, phone")
    screenshot(phone, "certificate-revoked-dark-phone")


def test_signing_in_through_the_company_provider(
    live_server, oidc_settings, new_page, transactional_db
):
    base = live_server.url
    page = new_page(scheme="light", viewport=DESKTOP)
    page.goto(f"{base}/accounts/login/?next=/me/")
    screenshot(page, "sso-login-light-desktop")
    page.click("a:has-text('Sign in with Example SSO')")
    page.wait_for_url(f"{oidc_settings.MESHLEARN_OIDC_ISSUER.rsplit('/', 1)[0]}/accounts/login/**")
    page.fill("#id_username", "newbie")
    page.fill("#id_password", OIDC_PASSWORD)
    page.click("button:has-text('Sign in to the provider')")
    page.wait_for_url(f"{base}/me/")
    assert "Signed in as newbie" in page.inner_text("main")
    screenshot(page, "sso-signed-in-me")
