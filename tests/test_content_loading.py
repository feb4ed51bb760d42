"""loadcourse / dumpcourse: located errors, atomic idempotent upserts, round trip."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from course_format.yamlfile import ContentError
from coursefiles.dumping import dump_course
from coursefiles.loading import load_course_file
from lessons.models import ConfigExample, Course, Lesson, Section, SectionProgress
from quizzes.models import Choice, Question, Quiz

from .conftest import MINI_COURSE

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything a load can write, as comparable tuples."""
    return {
        "courses": list(Course.objects.values_list("slug", "title", "published", "updated_at")),
        "lessons": list(Lesson.objects.values_list("id", "slug", "order", "title", "updated_at")),
        "sections": list(Section.objects.values_list("id", "slug", "order", "body_markdown")),
        "examples": list(ConfigExample.objects.values_list("id", "slug", "yaml_text")),
        "quizzes": list(Quiz.objects.values_list("id", "slug", "lesson_id")),
        "questions": list(Question.objects.values_list("id", "prompt")),
        "choices": list(Choice.objects.values_list("id", "text", "is_correct")),
    }


def copy_course(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(MINI_COURSE, target)
    return target


def test_load_creates_the_course_in_order():
    report = load_course_file(MINI_COURSE)
    course = report.course
    assert report.created["lessons"] == 2 and report.created["sections"] == 4
    assert [lesson.slug for lesson in course.lessons.all()] == ["first", "second"]
    first = course.lessons.get(slug="first")
    assert [s.slug for s in first.sections.all()] == ["intro", "routing", "wrap-up"]
    assert first.sections.get(slug="intro").sources[0]["url"].startswith("https://istio.io/")
    example = ConfigExample.objects.get(slug="all-v1")
    assert example.kind == "VirtualService"
    assert 'class="nt"' in example.highlighted_html  # Pygments ran on save
    assert Quiz.objects.get(slug="first-check").lesson == first
    assert Quiz.objects.get(slug="mini-final").lesson is None


def test_second_load_changes_nothing_and_says_so():
    load_course_file(MINI_COURSE)
    before = snapshot()
    report = load_course_file(MINI_COURSE)
    assert not report.changed
    assert "No changes" in report.summary()
    assert snapshot() == before


def test_loadcourse_command_reports_both_runs():
    out = StringIO()
    call_command("loadcourse", str(MINI_COURSE), stdout=out)
    assert "created" in out.getvalue()
    out = StringIO()
    call_command("loadcourse", str(MINI_COURSE), stdout=out)
    assert "No changes" in out.getvalue()


def test_reload_upserts_and_removes_what_the_file_no_longer_has(tmp_path, learner):
    load_course_file(MINI_COURSE)
    kept = Section.objects.get(slug="intro")
    SectionProgress.objects.create(user=learner, section=kept, read_at="2026-01-01T00:00Z")
    folder = copy_course(tmp_path)
    lesson_file = folder / "first.yaml"
    text = lesson_file.read_text()
    # Drop the wrap-up section and retitle the intro.
    text = text.replace("title: Introduction", "title: Why a mesh")
    text = text[: text.index("  - slug: wrap-up")] + text[text.index("quiz:") :]
    lesson_file.write_text(text)
    report = load_course_file(folder)
    assert report.deleted["sections"] == 1 and report.updated["sections"] >= 1
    assert not Section.objects.filter(slug="wrap-up").exists()
    kept.refresh_from_db()
    assert kept.title == "Why a mesh"
    # Same row, so the learner's read mark survives the edit.
    assert SectionProgress.objects.filter(user=learner, section=kept).exists()


def test_reordered_choices_keep_their_rows_and_the_answers_given_to_them(tmp_path, learner):
    from quizzes import services

    load_course_file(MINI_COURSE)
    quiz = Quiz.objects.get(slug="first-check")
    question = quiz.questions.get()
    ids = {c.text: c.id for c in question.choices.all()}
    attempt = services.attempt_start(quiz=quiz, user=learner)
    services.attempt_answer(attempt=attempt, question=question, choice_ids={ids["Business logic"]})
    folder = copy_course(tmp_path)
    lesson_file = folder / "first.yaml"
    text = lesson_file.read_text()
    wrong = "        - text: Business logic\n          why: That stays in the application.\n"
    # The wrong choice first, and the second right one's text edited.
    text = text.replace(wrong, "").replace("      choices:\n", "      choices:\n" + wrong)
    lesson_file.write_text(text.replace("- text: mTLS", "- text: Mutual TLS"))
    report = load_course_file(folder)
    stored = list(question.choices.all())
    assert [c.text for c in stored] == ["Business logic", "Retries", "Mutual TLS"]
    # Each text kept its row; the edited one kept the row it had.
    assert [c.id for c in stored] == [ids["Business logic"], ids["Retries"], ids["mTLS"]]
    assert report.created["choices"] == 0 and report.deleted["choices"] == 0
    answer = attempt.responses.get()
    assert [c.text for c in answer.choices.all()] == ["Business logic"] and not answer.is_correct
    dumped = dump_course(Course.objects.get())  # export follows the file's order
    assert dumped.index("text: Business logic") < dumped.index("text: Retries")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace(
                "sections:\n  - slug: intro", "sections:\n  - slug: intro\n    colour: red"
            ),
            ["first.yaml:6", "unknown key 'colour'"],
        ),
        (
            lambda t: t.replace("title: First lesson\n", ""),
            ["first.yaml", "missing required key 'title'"],
        ),
        (
            lambda t: t.replace("slug: wrap-up", "slug: intro"),
            ["first.yaml:", "duplicate section slug 'intro'"],
        ),
        (
            lambda t: t.replace("    kind: text", "    kind: txt"),
            ["first.yaml:7", "'txt' is not one of"],
        ),
        (lambda t: t + "\n  - [unclosed\n", ["first.yaml:", "invalid YAML"]),
        (
            lambda t: t.replace("url: https://istio.io", "url: http://istio.io"),
            ["not an absolute https://"],
        ),
        (
            lambda t: t.replace("        - text: mTLS\n          correct: true\n", ""),
            None,
        ),  # still valid
        (lambda t: t.replace("slug: routing", "slug: intro\n    title: Again"), ["appears twice"]),
    ],
)
def test_malformed_file_names_file_and_line_and_writes_nothing(tmp_path, edit, expected):
    load_course_file(MINI_COURSE)
    before = snapshot()
    folder = copy_course(tmp_path)
    lesson_file = folder / "first.yaml"
    lesson_file.write_text(edit(lesson_file.read_text()))
    if expected is None:
        load_course_file(folder)
        return
    with pytest.raises(ContentError) as info:
        load_course_file(folder)
    for fragment in expected:
        assert fragment in str(info.value)
    assert snapshot() == before


def test_single_choice_question_needs_exactly_one_correct_choice(tmp_path):
    folder = copy_course(tmp_path)
    course_file = folder / "course.yaml"
    course_file.write_text(
        course_file.read_text().replace("why: Not used", "correct: true\n            why: Not used")
    )
    with pytest.raises(ContentError, match="exactly one correct choice; 2 are marked correct"):
        load_course_file(folder)
    assert not Course.objects.exists()


def test_failure_late_in_the_load_rolls_back_everything(tmp_path):
    """A quiz slug taken by another course is only found while writing: nothing must stay."""
    load_course_file(MINI_COURSE)
    folder = copy_course(tmp_path)
    course_file = folder / "course.yaml"
    course_file.write_text(course_file.read_text().replace("slug: mini-mesh", "slug: other-course"))
    with pytest.raises(ContentError, match="already used by another course"):
        load_course_file(folder)
    assert not Course.objects.filter(slug="other-course").exists()
    assert Lesson.objects.count() == 2


def test_example_with_checker_errors_is_refused_unless_flagged_broken(tmp_path):
    folder = copy_course(tmp_path)
    lesson_file = folder / "first.yaml"
    broken = lesson_file.read_text().replace(
        "                  host: reviews",
        "                  host: reviews\n                  subsett: v1",
    )
    lesson_file.write_text(broken)
    with pytest.raises(ContentError, match="example 'all-v1' has"):
        load_course_file(folder)
    assert not Course.objects.exists()
    lesson_file.write_text(
        broken.replace(
            "        title: Everyone to v1", "        title: Everyone to v1\n        broken: true"
        )
    )
    load_course_file(folder)
    assert ConfigExample.objects.get(slug="all-v1").broken


def test_loadcourse_command_error_is_clear(tmp_path):
    bad = tmp_path / "course.yaml"
    bad.write_text("slug: x\ntitle: [oops\n")
    with pytest.raises(
        CommandError, match=r"Nothing was loaded\. .*course\.yaml:\d+: invalid YAML"
    ):
        call_command("loadcourse", str(bad))
    with pytest.raises(CommandError, match="no such file"):
        call_command("loadcourse", str(tmp_path / "missing"))


def test_load_dump_load_is_identical(tmp_path):
    course = load_course_file(MINI_COURSE).course
    first_dump = dump_course(course)
    before = snapshot()
    dumped = tmp_path / "dumped.yaml"
    dumped.write_text(first_dump)
    report = load_course_file(dumped)  # the single-file form of the same course
    assert not report.changed, report.summary()
    assert snapshot() == before
    # And into an empty database: the dump alone rebuilds the same course.
    Course.objects.all().delete()
    load_course_file(dumped)
    assert dump_course(Course.objects.get(slug="mini-mesh")) == first_dump


def test_dumpcourse_command(tmp_path):
    load_course_file(MINI_COURSE)
    out = StringIO()
    call_command("dumpcourse", "mini-mesh", stdout=out)
    assert out.getvalue().startswith("slug: mini-mesh\n")
    assert "apiVersion: networking.istio.io/v1" in out.getvalue()
    with pytest.raises(CommandError, match="No course with slug"):
        call_command("dumpcourse", "nope")


def test_lesson_file_outside_the_course_folder_is_refused(tmp_path):
    folder = copy_course(tmp_path)
    course_file = folder / "course.yaml"
    course_file.write_text(
        course_file.read_text().replace("  - first.yaml", "  - ../../etc/passwd")
    )
    with pytest.raises(ContentError, match="outside the course folder"):
        load_course_file(folder)


# --- what a small file may stand for ---------------------------------------------------------

COURSE_HEAD = """slug: bomb
title: Bomb
summary: s
published: true
lessons:
  - slug: l
    title: L
    summary: s
    sections:
      - slug: s
        title: S
        body: b
"""


def alias_bomb(copies: int = 150) -> str:
    """About 1.5 KB standing for copies x copies quiz choices: one question of `copies`
    choices (all but the first an alias of the second), asked `copies` times by alias."""
    choices = ", ".join(["*c"] * (copies - 2))
    questions = ", ".join(["*q"] * (copies - 1))
    return COURSE_HEAD + (
        "quizzes:\n  - slug: q\n    title: Q\n    questions: [&q {prompt: p, explanation: e, "
        f"choices: [{{text: ok, correct: true}}, &c {{text: x}}, {choices}]}}, {questions}]\n"
    )


def deep_flow(levels: int) -> str:
    return COURSE_HEAD + "extra: " + "[" * levels + "]" * levels + "\n"


def deep_block(levels: int) -> str:
    return COURSE_HEAD + "extra:\n" + "".join("  " * i + "- \n" for i in range(1, levels + 1))


@pytest.mark.parametrize(
    "text, expected",
    [
        (alias_bomb(), r"bomb\.yaml:16: aliases here expand to more than 10,000 values"),
        (deep_flow(5000), r"bomb\.yaml:13: lists and mappings nest more than 50 levels deep"),
        (deep_block(1200), r"bomb\.yaml:63: lists and mappings nest more than 50 levels deep"),
    ],
    ids=["aliases", "deep-flow", "deep-block"],
)
def test_loadcourse_refuses_a_file_that_stands_for_too_much(tmp_path, text, expected):
    load_course_file(MINI_COURSE)
    before = snapshot()
    path = tmp_path / "bomb.yaml"
    path.write_text(text)
    with pytest.raises(CommandError, match=r"Nothing was loaded\. .*" + expected):
        call_command("loadcourse", str(path))
    assert snapshot() == before


def test_a_few_aliases_still_load(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text(alias_bomb(copies=8))
    load_course_file(path)
    assert Question.objects.filter(quiz__slug="q").count() == 8
    assert Choice.objects.filter(question__quiz__slug="q").count() == 8 * 8


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    path = tmp_path / "course.yaml"
    path.write_text(COURSE_HEAD + "extra: &loop [1, *loop]\n")
    with pytest.raises(ContentError, match=r"course\.yaml:13: an alias refers to a collection"):
        load_course_file(path)
