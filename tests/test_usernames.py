"""Sign-up refuses names that look like an existing member's or that pass for the site."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import UsernameSkeleton
from accounts.usernames import skeleton

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-pass-phrase-77"


def sign_up(client, username: str):
    return client.post(
        reverse("signup"), {"username": username, "password1": PASSWORD, "password2": PASSWORD}
    )


@pytest.mark.parametrize(
    "name",
    [
        "\u0430da",  # Cyrillic а, then Latin "da"
        "ad\u0430",
        "AD\u0410",  # Latin capitals and a Cyrillic capital А
        "\u0251da",  # Latin alpha
        "\u03b1da",  # Greek alpha
    ],
)
def test_a_name_that_looks_like_a_member_s_is_refused(client, learner, name):
    response = sign_up(client, name)
    assert response.status_code == 200
    assert "looks the same as an existing member" in response.content.decode()
    assert get_user_model().objects.count() == 1


def test_case_variants_are_refused_as_taken(client, learner):
    for name in ("ADA", "Ada"):  # Django's own check, kept
        assert "already exists" in sign_up(client, name).content.decode()
    assert get_user_model().objects.count() == 1


@pytest.mark.parametrize(
    "name", ["admin", "Admin", "\u0430dmin", "root", "r00t", "staff", "support", "meshlearn"]
)
def test_reserved_names_are_refused(client, name):
    response = sign_up(client, name)
    assert response.status_code == 200
    assert "kept for the site and its staff" in response.content.decode()
    assert not get_user_model().objects.exists()


def test_look_alikes_of_names_made_elsewhere_are_refused_too(client, django_user_model):
    django_user_model.objects.create_user("mary", password=PASSWORD)  # not through sign-up
    response = sign_up(client, "rnary")
    assert "looks the same" in response.content.decode()


def test_a_renamed_user_is_matched_by_the_new_name(client, learner):
    learner.username = "grace"
    learner.save()
    assert "looks the same" in sign_up(client, "gr\u0430\u0441e").content.decode()
    assert sign_up(client, "ada").status_code == 302  # the old name is free again


def test_distinct_names_still_sign_up(learner):
    for name in ("adam", "bob", "jos\u00e9"):
        assert sign_up(Client(), name).status_code == 302, name
    assert UsernameSkeleton.objects.count() == 4


def test_the_check_is_one_indexed_lookup_not_a_scan(client, django_user_model):
    django_user_model.objects.bulk_create(
        [django_user_model(username=f"member{index}") for index in range(200)]
    )  # bulk_create sends no signal: only the new name's own row is looked up anyway
    with CaptureQueriesContext(connection) as queries:
        sign_up(client, "newcomer")
    lookups = [q["sql"] for q in queries if "accounts_usernameskeleton" in q["sql"]]
    assert len([sql for sql in lookups if sql.lstrip().upper().startswith("SELECT")]) <= 2
    assert all('"skeleton" = ' in sql or "user_id" in sql for sql in lookups)


def test_the_admin_refuses_a_look_alike_too(admin_client, learner):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "\u0430da",
            "usable_password": "true",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "looks the same as an existing member" in response.content.decode()
    assert not get_user_model().objects.filter(username="\u0430da").exists()


def test_existing_users_get_their_skeleton_from_the_migration(django_user_model):
    backfill = import_module("accounts.migrations.0002_backfill_username_skeletons").backfill
    user = django_user_model.objects.create_user("grace", password=PASSWORD)
    UsernameSkeleton.objects.all().delete()
    backfill(apps, None)
    assert UsernameSkeleton.objects.get(user=user).skeleton == skeleton("grace")
