"""A section moved to another lesson, or deleted, outside the admin (a shell, a data fix):
both lessons' stored reading times and page versions follow, from the model's own save and
delete, without the admin's help."""

import pytest

from lessons.models import Lesson, Section

pytestmark = pytest.mark.django_db

LONG_TEXT = "word " * 3000  # 15 minutes at 200 words a minute


def minutes(slug: str) -> int:
    return Lesson.objects.get(slug=slug).reading_minutes


@pytest.fixture
def first_alone(mini_course) -> int:
    """The first lesson's reading time from its own sections (before the long one joins)."""
    first = Lesson.objects.get(slug="first")
    first.refresh_reading_minutes()
    return first.reading_minutes


@pytest.fixture
def long_section(first_alone):
    """A long section added to the first lesson, whose reading time counts it (as the admin or
    an import would have left it)."""
    first = Lesson.objects.get(slug="first")
    section = Section.objects.create(
        lesson=first, slug="long", title="Long", order=99, body_markdown=LONG_TEXT
    )
    first.refresh_reading_minutes()
    assert first.reading_minutes >= first_alone + 15
    return Section.objects.get(pk=section.pk)  # as a shell would read it


def test_a_section_moved_with_the_orm_renews_both_lessons(long_section, first_alone):
    second_before = minutes("second")
    first_version = Lesson.objects.get(slug="first").updated_at

    long_section.lesson = Lesson.objects.get(slug="second")
    long_section.save()

    assert minutes("first") == first_alone < 15
    assert minutes("second") >= second_before + 15
    # The old lesson's page is a new version too: a cached page would still show the section.
    assert Lesson.objects.get(slug="first").updated_at > first_version


def test_a_section_read_without_its_lesson_still_renews_the_one_it_left(long_section, first_alone):
    partial = Section.objects.only("id", "title").get(pk=long_section.pk)
    partial.lesson = Lesson.objects.get(slug="second")
    partial.save()
    assert minutes("first") == first_alone
    assert minutes("second") >= 15


def test_a_section_deleted_with_the_orm_renews_its_lesson(long_section, first_alone):
    first_version = Lesson.objects.get(slug="first").updated_at
    long_section.delete()
    assert minutes("first") == first_alone < 15
    assert Lesson.objects.get(slug="first").updated_at > first_version


def test_sections_deleted_as_a_queryset_renew_their_lesson(long_section, first_alone):
    Section.objects.filter(slug="long").delete()
    assert minutes("first") == first_alone


def test_a_lesson_deleted_with_its_sections_recomputes_none_of_them(
    long_section, django_assert_max_num_queries
):
    # Its sections go with it: recomputing the dying lesson once per section would cost three
    # queries a section (four sections here); the budget is the delete's own queries (among
    # them the rows that go with the lesson: the assignments naming it, teams.Assignment, its
    # practice tasks, and its learners' read counts, lessons.LessonReadCount).
    with django_assert_max_num_queries(31):
        Lesson.objects.get(slug="first").delete()
    assert not Section.objects.filter(slug="long").exists()
