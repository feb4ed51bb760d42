"""Sign up, log in, log out and password reset with Django's auth."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_signup_creates_the_account_and_logs_in(client, django_user_model):
    response = client.post(
        reverse("signup"),
        {
            "username": "grace",
            "password1": "a-long-pass-phrase-77",
            "password2": "a-long-pass-phrase-77",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/me/"
    assert django_user_model.objects.filter(username="grace").exists()
    assert client.get("/me/").status_code == 200


def test_signup_shows_field_errors_and_keeps_input(client, django_user_model):
    response = client.post(
        reverse("signup"), {"username": "grace", "password1": "short", "password2": "different"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "field-errors" in html and 'value="grace"' in html
    assert not django_user_model.objects.exists()


def test_signup_ignores_an_offsite_next(client):
    response = client.post(
        reverse("signup") + "?next=https://evil.example/",
        {
            "username": "grace",
            "password1": "a-long-pass-phrase-77",
            "password2": "a-long-pass-phrase-77",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == "/me/"


def test_login_and_logout(client, learner):
    assert client.get(reverse("login")).status_code == 200
    response = client.post(reverse("login"), {"username": "ada", "password": "correct-horse-9"})
    assert response.status_code == 302
    assert "ada" in client.get("/").content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/me/").status_code == 302


def test_wrong_password_is_a_form_error(client, learner):
    response = client.post(reverse("login"), {"username": "ada", "password": "nope"})
    assert response.status_code == 200
    assert "enter a correct username and password" in response.content.decode()


def test_password_reset_sends_an_email_with_a_working_link(client, learner):
    response = client.post(reverse("password_reset"), {"email": "ada@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link[link.index("/accounts/reset/") :].strip()
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()


def test_switching_from_sign_up_to_log_in_keeps_next(client):
    html = client.get(reverse("signup") + "?next=/teams/join/abc/").content.decode()
    assert 'href="/accounts/login/?next=/teams/join/abc/"' in html
