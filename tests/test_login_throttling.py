"""Password guessing is throttled by django-axes: per username + address, shared by every server."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from shared.client_ip import client_ip

pytestmark = pytest.mark.django_db

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


@override_settings(MESHLEARN_TRUSTED_PROXY_COUNT=1)
def test_client_address_behind_one_proxy_is_the_last_forwarded_hop(rf):
    forged_then_real = "10.9.9.9, 198.51.100.4"
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR=forged_then_real)
    assert client_ip(request) == "198.51.100.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1")) == "192.0.2.1"


@override_settings(MESHLEARN_TRUSTED_PROXY_COUNT=1)
def test_a_malformed_address_is_never_passed_on(rf):
    assert client_ip(rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="not-an-ip")) == (
        "192.0.2.1"
    )
    request = rf.get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) is None  # e.g. force_login's request: axes stores no address
