"""Sign-in with the company's OpenID provider, against a real one (django-oidc-provider in its
own process, tests/oidc_provider/): login, logout, linking only by a verified address, a refused
domain, team admission by domain, and a provider that is down (a message, never a 500)."""

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model

from sso.accounts import username_for
from sso.models import ProviderIdentity, TeamEmailDomain
from teams.models import Membership
from teams.services import team_create
from tests.conftest import OIDC_PASSWORD
from tests.servers import free_port

pytestmark = pytest.mark.django_db
User = get_user_model()


def provider_round_trip(client, issuer: str, username: str) -> str:
    """Start at MeshLearn, sign in at the provider's own login form (over HTTP, as a browser
    would), and return the callback URL the provider sends the person back to."""
    start = client.get("/sso/start/?next=/me/")
    assert start.status_code == 302 and start["Location"].startswith(issuer + "/authorize")
    browser = requests.Session()
    login_page = browser.get(start["Location"], timeout=10)
    assert "Test identity provider" in login_page.text  # the provider's form, not MeshLearn's
    token = browser.cookies["provider_csrftoken"]
    form = {"username": username, "password": OIDC_PASSWORD, "csrfmiddlewaretoken": token}
    answer = browser.post(login_page.url, data=form, allow_redirects=False, timeout=10)
    location = answer.headers["Location"]
    while not location.startswith("http://testserver/"):
        answer = browser.get(urljoin(answer.url, location), allow_redirects=False, timeout=10)
        location = answer.headers["Location"]
    return location.removeprefix("http://testserver")


def sign_in(client, issuer: str, username: str):
    return client.get(provider_round_trip(client, issuer, username), follow=True)


def signed_in_user(client):
    response = client.get("/me/")
    return response.context["user"] if response.status_code == 200 else None


def test_the_login_page_offers_the_provider_only_when_configured(client, settings):
    settings.MESHLEARN_OIDC_ISSUER = ""
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/sso/start/").status_code == 404
    settings.MESHLEARN_OIDC_ISSUER = "http://127.0.0.1:9/openid"
    settings.OIDC_RP_CLIENT_ID = "x"
    settings.MESHLEARN_OIDC_PROVIDER_NAME = "Acme SSO"
    html = client.get("/accounts/login/?next=/me/").content.decode()
    assert "Sign in with Acme SSO" in html and 'href="/sso/start/?next=/me/"' in html


def test_a_verified_address_links_the_existing_account_then_logout(client, oidc_settings):
    alice = User.objects.create_user("alice-local", "Alice@Example.com", "local-pw-123")
    response = sign_in(client, oidc_settings.MESHLEARN_OIDC_ISSUER, "alice")
    assert response.redirect_chain[-1][0] == "/me/"
    assert signed_in_user(client) == alice
    assert ProviderIdentity.objects.get().user == alice
    client.post("/accounts/logout/")
    assert signed_in_user(client) is None
    # Signing in again finds the account by the provider's id: no second account.
    sign_in(client, oidc_settings.MESHLEARN_OIDC_ISSUER, "alice")
    assert signed_in_user(client) == alice and User.objects.count() == 1


def test_a_new_person_gets_an_account_and_joins_the_domains_team(client, oidc_settings, learner):
    team = team_create(name="Example Corp", slug="example", courses=[], creator=learner)
    TeamEmailDomain.objects.create(team=team, domain="Example.COM")
    sign_in(client, oidc_settings.MESHLEARN_OIDC_ISSUER, "newbie")
    user = signed_in_user(client)
    assert (user.username, user.email, user.last_name) == ("newbie", "newbie@example.com", "Newman")
    assert Membership.objects.filter(team=team, user=user, role="learner").exists()


def test_an_unverified_address_is_never_linked(client, oidc_settings, learner, learner_client):
    # mallory's provider account claims ada@example.com, which the provider never verified.
    team = team_create(name="Example Corp", slug="example", courses=[], creator=learner)
    TeamEmailDomain.objects.create(team=team, domain="example.com")
    client.logout()
    sign_in(client, oidc_settings.MESHLEARN_OIDC_ISSUER, "mallory")
    user = signed_in_user(client)
    assert user is not None and user != learner
    assert user.username == "mallory" and user.email == ""  # the unverified address is not kept
    assert not Membership.objects.filter(user=user).exists()


def test_a_refused_domain_signs_nobody_in(client, oidc_settings):
    response = sign_in(client, oidc_settings.MESHLEARN_OIDC_ISSUER, "eve")
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "open to addresses at example.com only" in response.content.decode()
    assert signed_in_user(client) is None and not User.objects.exists()


def test_a_provider_that_is_down_gets_a_message_not_a_500(client, oidc_settings):
    # Down before the start: discovery cannot be read.
    down = f"http://127.0.0.1:{free_port()}/openid"
    issuer, oidc_settings.MESHLEARN_OIDC_ISSUER = oidc_settings.MESHLEARN_OIDC_ISSUER, down
    response = client.get("/sso/start/", follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Example SSO is not answering" in response.content.decode()
    # Down between the provider's answer and the callback: the code cannot be exchanged.
    oidc_settings.MESHLEARN_OIDC_ISSUER = issuer
    callback = provider_round_trip(client, issuer, "alice")
    oidc_settings.MESHLEARN_OIDC_ISSUER = down
    response = client.get(callback, follow=True)
    assert (
        response.status_code == 200 and "Example SSO is not answering" in response.content.decode()
    )
    assert signed_in_user(client) is None
    assert "state" in parse_qs(urlsplit(callback).query)


def test_usernames_follow_the_sign_up_rules(db, django_user_model):
    django_user_model.objects.create_user("bob", "bob@example.com", "pw-bob-123")
    assert username_for({"preferred_username": "b0b"}) == "b0b-2"  # "b0b" looks like "bob"
    assert username_for({"email": "Admin@example.com"}) == "learner"  # reserved
    assert username_for({"preferred_username": "Zoë Smith!"}) == "zosmith"
    assert username_for({"preferred_username": "ßß"}) == "learner"
