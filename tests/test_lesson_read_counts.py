"""lessons.LessonReadCount, each learner's read count and latest read time per lesson, stays
equal to what their read marks say, whichever way marks come and go (lessons/read_counts.py):
the team reports sort and count from it."""

from datetime import timedelta

import pytest
from django.contrib.admin.sites import site
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, LessonReadCount, Section, SectionProgress
from lessons.progress import record_quiz_sections_read
from lessons.read_counts import recount

from .test_teams import finish_attempt, read

pytestmark = pytest.mark.django_db


def from_marks() -> dict[tuple[int, int], tuple[int, object]]:
    rows = (
        SectionProgress.objects.values_list("user_id", "section__lesson_id")
        .annotate(n=Count("id"), last=Max("read_at"))
        .order_by()
    )
    return {(user, lesson): (n, last) for user, lesson, n, last in rows}


def kept() -> dict[tuple[int, int], tuple[int, object]]:
    rows = LessonReadCount.objects.values_list("user_id", "lesson_id", "read", "last_read_at")
    return {(user, lesson): (n, last) for user, lesson, n, last in rows}


def test_each_new_mark_is_counted_with_its_time(learner, other_learner, mini_course):
    first = Lesson.objects.get(slug="first")
    earlier = timezone.now() - timedelta(days=2)
    read(learner, "first", "routing")
    read(learner, "first", "intro", when=earlier)  # an older mark does not move the time back
    read(other_learner, "second", "only")
    assert kept() == from_marks()
    assert kept()[(learner.id, first.id)][0] == 2


def test_marks_from_the_lesson_page_and_a_visitors_session_are_counted(
    client, learner, mini_course
):
    section = Section.objects.get(lesson__slug="first", slug="intro")
    url = reverse("mark-read", args=["mini-mesh", "first", "intro"])
    assert client.post(url).status_code in (200, 302)  # a visitor's mark, in the session
    client.force_login(learner)  # … merged into the account at login
    assert SectionProgress.objects.filter(user=learner, section=section).exists()
    client.post(reverse("mark-read", args=["mini-mesh", "first", "routing"]))
    client.post(reverse("mark-read", args=["mini-mesh", "first", "routing"]))  # twice: one mark
    assert kept() == from_marks()
    assert kept()[(learner.id, section.lesson_id)][0] == 2


def test_marks_a_passed_quiz_writes_in_bulk_are_counted(learner, mini_course):
    first = Lesson.objects.get(slug="first")
    Section.objects.create(lesson=first, slug="check", title="Check", kind=Section.Kind.QUIZ)
    record_quiz_sections_read(finish_attempt(learner, "first-check", 3, 3))
    assert kept() == from_marks()
    assert kept()[(learner.id, first.id)][0] == 1


def test_a_deleted_section_takes_its_marks_out_of_the_count(learner, other_learner, mini_course):
    read(learner, "first", "intro", "routing", "wrap-up")
    read(other_learner, "first", "routing")
    Section.objects.get(lesson__slug="first", slug="routing").delete()
    assert kept() == from_marks()
    first = Lesson.objects.get(slug="first")
    assert kept()[(learner.id, first.id)][0] == 2 and (other_learner.id, first.id) not in kept()
    first.delete()  # the lesson's counts go with it
    assert kept() == from_marks() == {}


def test_a_section_moved_to_another_lesson_moves_its_marks_count(learner, mini_course):
    read(learner, "first", "intro", "routing")
    section = Section.objects.get(lesson__slug="first", slug="routing")
    section.lesson = Lesson.objects.get(slug="second")
    section.save()
    assert kept() == from_marks()
    assert kept()[(learner.id, section.lesson_id)][0] == 1


def test_marks_deleted_in_the_admin_are_taken_out(rf, learner, other_learner, mini_course):
    read(learner, "first", "intro", "routing")
    read(other_learner, "second", "only")
    admin = site._registry[SectionProgress]
    admin.delete_queryset(rf.post("/"), SectionProgress.objects.filter(section__slug="routing"))
    admin.delete_model(rf.post("/"), SectionProgress.objects.get(user=other_learner))
    assert kept() == from_marks()
    assert len(kept()) == 1


def test_a_mark_changed_in_the_admin_is_counted_again(admin_client, learner, mini_course):
    read(learner, "first", "intro")
    mark = SectionProgress.objects.get(user=learner)
    other = Section.objects.get(lesson__slug="second", slug="only")
    url = reverse("admin:lessons_sectionprogress_change", args=[mark.pk])
    later = timezone.localtime(mark.read_at + timedelta(hours=1))
    response = admin_client.post(
        url,
        {
            "user": learner.pk,
            "section": other.pk,
            "read_at_0": later.strftime("%Y-%m-%d"),
            "read_at_1": later.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert kept() == from_marks()
    assert list(kept()) == [(learner.id, other.lesson_id)]


def test_recount_mends_counts_of_marks_written_behind_its_back(learner, mini_course):
    sections = Section.objects.filter(lesson__slug="first")
    now = timezone.now()
    SectionProgress.objects.bulk_create(
        [SectionProgress(user=learner, section=s, read_at=now) for s in sections]
    )
    assert kept() != from_marks()  # bulk_create sends no signal
    recount(user_ids=[learner.id])
    assert kept() == from_marks()


def test_the_recountreads_command_mends_every_count(learner, other_learner, mini_course):
    from io import StringIO

    from django.core.management import call_command

    read(learner, "first", "intro", "routing")
    read(other_learner, "second", "only")
    LessonReadCount.objects.filter(user=learner).update(read=9)
    LessonReadCount.objects.filter(user=other_learner).delete()
    out = StringIO()
    call_command("recountreads", stdout=out)
    assert kept() == from_marks() and len(kept()) == 2
    assert "2 read counts" in out.getvalue()
