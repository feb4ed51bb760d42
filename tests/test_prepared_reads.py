"""Prepared hot-path reads give what the ORM gives, and the session and user loads use them."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from lessons.models import Section, SectionProgress
from meshlearn.auth_backend import ModelBackend
from meshlearn.prepared import PreparedQuery
from meshlearn.sessions import SessionStore

pytestmark = pytest.mark.django_db

User = get_user_model()

USER_BY_PK = PreparedQuery(lambda pk: User.objects.filter(pk=pk), "int")
MARKS = PreparedQuery(
    lambda user, lesson: SectionProgress.objects.filter(
        user_id=user, section__lesson_id=lesson
    ).values_list("section_id", "read_at"),
    "int",
    "int",
)
BY_NAME = PreparedQuery(
    lambda name: User.objects.filter(username=name).values_list("id", "is_staff", "last_login"),
    "str",
)


def test_instances_equal_the_orm_s_objects_field_for_field(learner):
    learner.last_login = timezone.now()
    learner.is_staff = True
    learner.save()
    (prepared,) = USER_BY_PK.instances(learner.pk)
    expected = User.objects.get(pk=learner.pk)
    for field in User._meta.concrete_fields:
        got, want = getattr(prepared, field.attname), getattr(expected, field.attname)
        assert got == want and type(got) is type(want), field.name
    assert prepared.last_login.tzinfo is not None  # converted, not a naive or text value
    assert prepared._state.adding is False and prepared._state.db == "default"


def test_rows_equal_the_orm_s_rows_for_each_new_value(mini_course, learner, other_learner):
    lesson = mini_course.lessons.first()
    sections = list(Section.objects.filter(lesson=lesson))
    SectionProgress.objects.create(user=learner, section=sections[0], read_at=timezone.now())
    SectionProgress.objects.create(user=other_learner, section=sections[1], read_at=timezone.now())
    for user in (learner, other_learner):
        orm = SectionProgress.objects.filter(user=user, section__lesson=lesson)
        assert MARKS.rows(user.pk, lesson.pk) == list(orm.values_list("section_id", "read_at"))
    assert MARKS.rows(learner.pk, -1) == []
    assert BY_NAME.rows("bob") == [(other_learner.pk, False, None)]
    assert BY_NAME.rows("nobody") == []


def test_a_query_is_compiled_once_per_connection(learner, django_assert_num_queries):
    USER_BY_PK.instances(learner.pk)
    with django_assert_num_queries(1):
        USER_BY_PK.instances(learner.pk)


def test_wrong_arity_and_a_lost_parameter_are_refused(learner):
    with pytest.raises(TypeError):
        USER_BY_PK.rows()
    ignores_its_parameter = PreparedQuery(lambda pk: User.objects.filter(pk=1), "int")
    with pytest.raises(ValueError, match="appears 0 times"):
        ignores_its_parameter.rows(learner.pk)
    with pytest.raises(TypeError, match="plain model"):
        BY_NAME.instances("ada")


def _stored_session(data: dict, expires_in: timedelta) -> str:
    store = SessionStore()
    store.update(data)
    store.create()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() + expires_in
    )
    return store.session_key


def test_the_session_store_reads_a_live_session_in_one_query(django_assert_num_queries):
    key = _stored_session({"read_sections": {"3": "2026-01-01T00:00:00+00:00"}}, timedelta(hours=1))
    store = SessionStore(key)
    with django_assert_num_queries(1):
        assert store["read_sections"] == {"3": "2026-01-01T00:00:00+00:00"}
    assert store.session_key == key


@pytest.mark.parametrize("expires_in", [timedelta(seconds=-1), None])
def test_an_expired_or_unknown_session_is_empty_and_its_key_dropped(expires_in):
    key = _stored_session({"x": 1}, expires_in) if expires_in else "no-such-session-key-123"
    store = SessionStore(key)
    assert store.load() == {}
    assert store.session_key is None  # a fresh key is made on save, never the stale one reused


def test_the_backend_loads_active_users_only(learner, django_assert_num_queries):
    backend = ModelBackend()
    backend.get_user(learner.pk)
    with django_assert_num_queries(1):
        assert backend.get_user(learner.pk) == learner
    assert backend.get_user(str(learner.pk)) == learner  # the session stores the id as text
    assert backend.get_user("not-a-number") is None
    assert backend.get_user(learner.pk + 1000) is None
    learner.is_active = False
    learner.save()
    assert backend.get_user(learner.pk) is None


def test_pages_find_the_signed_in_learner_through_these_stores(client, learner):
    client.force_login(learner)
    request = client.get("/").wsgi_request
    assert isinstance(request.session, SessionStore)
    assert request.user == learner and request.user.is_authenticated


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side prepared statements: PostgreSQL"
)
def test_postgresql_prepares_a_statement_run_often_and_still_answers_right(learner):
    def prepared_count() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            return cursor.fetchone()[0]

    before = prepared_count()
    for _ in range(7):  # past psycopg's threshold of 5 runs on one connection
        (user,) = USER_BY_PK.instances(learner.pk)
        assert user.username == learner.username
    assert prepared_count() > before
    assert USER_BY_PK.instances(learner.pk + 1000) == []
