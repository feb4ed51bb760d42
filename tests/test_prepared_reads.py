"""Prepared hot-path reads (meshlearn/prepared.py) give what the ORM gives."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from lessons.models import Section, SectionProgress
from meshlearn.prepared import PreparedQuery

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
