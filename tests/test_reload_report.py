"""What a re-import of a loaded course says it did: rows whose content changed, rows only
renumbered (a section moved up or down), and rows left as they were, each counted apart."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from coursefiles.loading import load_course_file
from lessons.models import ConfigExample, Course, Lesson, Section
from quizzes.models import Choice, Question, Quiz

from .conftest import MINI_COURSE

pytestmark = pytest.mark.django_db

ROUTING = "  - slug: routing\n"
WRAP_UP = "  - slug: wrap-up\n"


def every_row() -> dict:
    return {
        "course": Course.objects.count(),
        "lessons": Lesson.objects.count(),
        "sections": Section.objects.count(),
        "examples": ConfigExample.objects.count(),
        "quizzes": Quiz.objects.count(),
        "questions": Question.objects.count(),
        "choices": Choice.objects.count(),
    }


def edited_copy(tmp_path: Path, edit) -> Path:
    folder = tmp_path / "course"
    shutil.copytree(MINI_COURSE, folder)
    lesson_file = folder / "first.yaml"
    lesson_file.write_text(edit(lesson_file.read_text()))
    return folder


def wrap_up_before_routing(text: str) -> str:
    """The first lesson's last two sections swapped: both renumbered, neither edited."""
    routing, wrap_up, quiz = text.index(ROUTING), text.index(WRAP_UP), text.index("quiz:")
    return text[:routing] + text[wrap_up:quiz] + text[routing:wrap_up] + text[quiz:]


def test_an_unchanged_reimport_counts_every_row_as_unchanged():
    load_course_file(MINI_COURSE)
    report = load_course_file(MINI_COURSE)
    assert not report.changed and not report.updated and not report.reordered
    assert dict(report.unchanged) == every_row()
    summary = report.summary()
    assert summary.startswith("No changes: course 'mini-mesh' is already up to date.")
    rows = every_row()
    counted = f"Unchanged: 1 course, {rows['lessons']} lessons, {rows['sections']} sections,"
    assert counted in summary
    assert "Content changed" not in summary


def test_the_command_says_what_it_left_unchanged():
    call_command("loadcourse", str(MINI_COURSE), stdout=StringIO())
    out = StringIO()
    call_command("loadcourse", str(MINI_COURSE), stdout=out)
    assert "No changes" in out.getvalue()
    assert f"{every_row()['sections']} sections" in out.getvalue()


def test_sections_only_moved_in_the_order_are_reported_as_reordered(tmp_path):
    load_course_file(MINI_COURSE)
    ids = dict(Section.objects.values_list("slug", "id"))
    report = load_course_file(edited_copy(tmp_path, wrap_up_before_routing))
    assert report.updated["sections"] == report.reordered["sections"] == 2
    assert not report.content_changed and not report.created and not report.deleted
    summary = report.summary()
    assert "updated 2 sections." in summary
    assert "Content changed: none; only reordered: 2 sections." in summary
    assert f"Unchanged: 1 course, 2 lessons, {every_row()['sections'] - 2} sections," in summary
    first = Lesson.objects.get(slug="first")
    assert [s.slug for s in first.sections.all()] == ["intro", "wrap-up", "routing"]
    assert dict(Section.objects.values_list("slug", "id")) == ids  # same rows: marks stay


def test_a_real_edit_is_told_apart_from_the_renumbering_around_it(tmp_path):
    load_course_file(MINI_COURSE)

    def retitle_and_swap(text: str) -> str:
        return wrap_up_before_routing(text.replace("title: Introduction", "title: Why a mesh"))

    report = load_course_file(edited_copy(tmp_path, retitle_and_swap))
    assert report.updated["sections"] == 3 and report.reordered["sections"] == 2
    assert report.content_changed == {"sections": 1}
    assert "Content changed: 1 section; only reordered: 2 sections." in report.summary()
    assert Section.objects.get(slug="intro").title == "Why a mesh"


def test_an_edit_without_renumbering_says_only_what_changed(tmp_path):
    load_course_file(MINI_COURSE)

    def retitle(text: str) -> str:
        return text.replace("title: Introduction", "title: Why a mesh")

    summary = load_course_file(edited_copy(tmp_path, retitle)).summary()
    assert summary.startswith("Course 'mini-mesh': updated 1 section")
    assert "only reordered" not in summary
    assert f"{every_row()['sections'] - 1} sections" in summary  # the rest, unchanged


def test_text_with_carriage_returns_is_unchanged_on_the_next_load(tmp_path):
    load_course_file(MINI_COURSE)

    def crlf_body(text: str) -> str:
        return text.replace("body: That is all.", 'body: "That is all.\\r\\nReally."')

    folder = edited_copy(tmp_path, crlf_body)
    assert load_course_file(folder).content_changed == {"sections": 1}
    assert Section.objects.get(slug="wrap-up").body_markdown == "That is all.\nReally."
    again = load_course_file(folder)  # stored with LF, compared with LF: no change
    assert not again.changed, again.summary()
