"""Sign up, log in, log out, password reset and password change with Django's auth."""

import pytest
from django.core import mail
from django.test import Client
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


NEW_PASSWORD = "another-long-phrase-42"


def test_learners_change_their_password_on_a_site_page(learner_client, learner):
    me = learner_client.get(reverse("me")).content.decode()
    assert f'href="{reverse("password_change")}"' in me
    page = learner_client.get(reverse("password_change"))
    names = [template.name for template in page.templates]
    assert "base.html" in names and not any(name.startswith("admin/") for name in names)
    assert "Change your password" in page.content.decode()


def test_a_wrong_old_password_is_a_field_error_and_changes_nothing(learner_client, learner):
    response = learner_client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    learner.refresh_from_db()
    assert learner.check_password("correct-horse-9")


def test_changing_the_password_keeps_this_session_and_ends_the_others(learner_client, learner):
    elsewhere = Client()
    elsewhere.force_login(learner)
    assert elsewhere.get(reverse("me")).status_code == 200
    response = learner_client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-9",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    done = learner_client.get(response.url)
    assert done.status_code == 200 and "Your password is changed" in done.content.decode()
    learner.refresh_from_db()
    assert learner.check_password(NEW_PASSWORD)
    assert learner_client.get(reverse("me")).status_code == 200
    assert elsewhere.get(reverse("me")).status_code == 302  # signed out: to the login page


def test_visitors_are_sent_to_log_in_for_a_password_change(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and reverse("login") in response.url
