"""Password guessing is throttled by django-axes: per username + address, shared by every server."""

from datetime import timedelta

import pytest
from axes.helpers import get_client_ip_address as client_ip
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from .conftest import run_python

pytestmark = pytest.mark.django_db

# What settings.py makes of DJANGO_TRUSTED_PROXY_COUNT=1 (checked below in a fresh process).
ONE_TRUSTED_PROXY = {
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"],
    "AXES_IPWARE_PROXY_COUNT": 0,
}

RIGHT = "correct-horse-9"  # the learner fixture's password
LIMIT = settings.AXES_FAILURE_LIMIT


def login(client, password, username="ada", url=None, address="203.0.113.7"):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def is_signed_in(client) -> bool:
    return client.get("/me/").status_code == 200


def test_the_limit_is_small_and_the_lockout_is_by_username_and_address():
    assert 3 <= LIMIT <= 10
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_after_the_limit_even_the_right_password_is_refused(client, learner):
    for _ in range(LIMIT):
        response = login(client, "wrong-guess")
        assert response.status_code in (200, 429)
    response = login(client, RIGHT)
    assert response.status_code == 429
    assert "Too many login attempts" in response.content.decode()
    assert not is_signed_in(client)


def test_the_limit_is_not_reached_one_guess_early(client, learner):
    for _ in range(LIMIT - 1):
        assert login(client, "wrong-guess").status_code == 200
    assert login(client, RIGHT).status_code == 302
    assert is_signed_in(client)


def test_a_success_resets_the_count(client, learner):
    for _ in range(LIMIT - 1):
        login(client, "wrong-guess")
    assert login(client, RIGHT).status_code == 302
    client.post(reverse("logout"))
    for _ in range(LIMIT - 1):
        login(client, "wrong-guess")
    assert login(client, RIGHT).status_code == 302


def test_the_same_user_from_another_address_can_still_log_in(client, learner):
    for _ in range(LIMIT):
        login(client, "wrong-guess", address="203.0.113.7")
    assert login(client, RIGHT, address="203.0.113.7").status_code == 429
    assert login(client, RIGHT, address="198.51.100.20").status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, learner):
    for _ in range(LIMIT):
        login(client, "wrong-guess")
    assert login(client, RIGHT).status_code == 429
    past = settings.AXES_COOLOFF_TIME + timedelta(minutes=1)
    for attempt in AccessAttempt.objects.all():
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - past)
    assert login(client, RIGHT).status_code == 302


def test_the_admin_login_is_throttled_too(client, admin_user):
    url = reverse("admin:login")
    for _ in range(LIMIT):
        login(client, "wrong-guess", username="admin", url=url)
    response = login(client, "password", username="admin", url=url)  # pytest-django's admin
    assert response.status_code == 429
    assert client.get(reverse("admin:index")).status_code == 302  # still not signed in


def test_force_login_still_works_for_tests(client, learner):
    client.force_login(learner)
    assert is_signed_in(client)


def test_client_address_is_the_socket_without_trusted_proxies(rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert client_ip(request) == "192.0.2.1"  # a client cannot pick its own address


@override_settings(**ONE_TRUSTED_PROXY)
def test_client_address_behind_one_proxy_is_the_last_forwarded_hop(rf):
    forged_then_real = "10.9.9.9, 198.51.100.4"
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forged_then_real)
    assert client_ip(request) == "198.51.100.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


@override_settings(**ONE_TRUSTED_PROXY)
def test_a_malformed_address_is_never_passed_on(rf):
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="not-an-ip")) == (
        "192.0.2.1"
    )
    request = rf.get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) is None  # e.g. force_login's request: axes stores no address


@override_settings(**ONE_TRUSTED_PROXY)
def test_behind_a_proxy_the_lockout_follows_the_forwarded_learner(client, learner):
    def via_proxy(password, forwarded):
        form = {"username": "ada", "password": password}
        return client.post(
            reverse("login"), form, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
        )

    for _ in range(LIMIT):
        via_proxy("wrong-guess", "203.0.113.7")
    assert via_proxy(RIGHT, "203.0.113.7").status_code == 429
    # an address the client wrote in front of the proxy's entry does not get it out
    assert via_proxy(RIGHT, "198.51.100.1, 203.0.113.7").status_code == 429
    # another learner behind the same proxy is not locked out with it
    assert via_proxy(RIGHT, "203.0.113.8").status_code == 302


# Behind two proxies: the learner's address, then the outer proxy's, as the proxies appended them.
CLIENT_BEHIND_PROXIES = """
import django
django.setup()
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.test import RequestFactory
request = RequestFactory().get(
    "/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.4, 192.0.2.9"
)
print(get_client_ip_address(request), settings.AXES_IPWARE_PROXY_COUNT)
"""


@pytest.mark.parametrize(
    "proxies, address",
    [("0", "192.0.2.10"), ("1", "192.0.2.9"), ("2", "198.51.100.4"), ("3", "203.0.113.66")],
)
def test_the_trusted_proxy_count_picks_the_nth_forwarded_address_from_the_right(proxies, address):
    env = {
        "DJANGO_SETTINGS_MODULE": "meshlearn.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "a-long-random-production-like-key-" + "p4Xy" * 12,
        "DJANGO_TRUSTED_PROXY_COUNT": proxies,
    }
    result = run_python(["-c", CLIENT_BEHIND_PROXIES], env)
    assert result.stdout.split()[0] == address, result.stderr
    if proxies == "1":
        assert result.stdout.split()[1] == str(ONE_TRUSTED_PROXY["AXES_IPWARE_PROXY_COUNT"])
