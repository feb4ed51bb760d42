"""Course files load in bulk (coursefiles/loading.py, bulk_rows.py): the same rows and HTML as
saving each row, a fixed number of queries per table whatever the course's size, nothing
written for an unchanged file, nothing at all for a bad one, and the lesson pages' content
versions moved as the save signals move them. Generated courses: bench/big_course.py."""

import math
import re
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from course_format.yamlfile import ContentError
from coursefiles.loading import load_course_file
from lessons.models import ConfigExample, Course, Lesson, Section, SectionProgress
from quizzes.models import Choice, Question, Quiz

from .conftest import SHIPPED_COURSE

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from big_course import write_course  # noqa: E402

pytestmark = pytest.mark.django_db

CONTENT = (Course, Lesson, Section, ConfigExample, Quiz, Question, Choice)
# What each row's save() derives from the file's values, and what it starts from.
DERIVED = {
    Section: {"body_html": ""},
    ConfigExample: {"kind": "", "explanation_html": "", "highlighted_html": "", "problems": []},
    Question: {"prompt_html": "", "explanation_html": ""},
    Choice: {"yaml_html": ""},
}


def stored(models=CONTENT) -> dict:
    """Every row of every content table, all columns, by id: what a load wrote."""
    return {model.__name__: {row["id"]: row for row in model.objects.values()} for model in models}


def writes(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def generated(tmp_path, lessons: int, name: str = "a", **options) -> Path:
    return write_course(tmp_path / name, lessons, **options)


# --- the same rows as saving each one ------------------------------------------------------


@pytest.mark.parametrize("course", ["shipped", "generated"])
def test_a_bulk_load_stores_what_saving_each_row_stores(tmp_path, course):
    """The old loader saved row by row; each model's save() still renders its row. Saving
    every row the bulk load wrote again, one by one, must change nothing it stored: the
    HTML, the examples' kinds and checker problems, the reading times."""
    path = SHIPPED_COURSE if course == "shipped" else generated(tmp_path, 12)
    load_course_file(path)
    bulk = stored()
    assert all(bulk[model.__name__] for model in CONTENT)
    sample = Section.objects.exclude(body_markdown="").first()
    assert sample.body_html.startswith("<") and 'class="nt"' in (
        ConfigExample.objects.first().highlighted_html
    )
    if course == "generated":  # cards, and choices written as YAML, rendered too
        assert '<ul class="cards"' in Section.objects.get(lesson__order=10, slug="cases").body_html
        assert Choice.objects.exclude(yaml="").exclude(yaml_html="").exists()
    for model, blank in DERIVED.items():
        for row in model.objects.all():
            for name, value in blank.items():
                setattr(row, name, value)
            row.save()  # the per-row path: save() derives them again
    Lesson.objects.all().update(reading_minutes=0)
    for lesson in Lesson.objects.all():
        lesson.refresh_reading_minutes()
    per_row = stored()
    assert per_row["Section"] and all(
        row["body_html"] for row in per_row["Section"].values() if row["body_markdown"]
    )
    ignored = {"updated_at"}  # the saves just now moved the versions; nothing else may differ
    for name, rows in bulk.items():
        for pk, row in rows.items():
            again = per_row[name][pk]
            assert {k: v for k, v in row.items() if k not in ignored} == {
                k: v for k, v in again.items() if k not in ignored
            }, (name, pk)


# --- re-import -----------------------------------------------------------------------------


def test_an_unchanged_reimport_writes_no_row_and_moves_no_version(django_assert_max_num_queries):
    load_course_file(SHIPPED_COURSE)
    before = stored()
    # Read the course, then each table once (lessons, sections, examples, quizzes, questions,
    # choices), in a savepoint: not a query per row.
    with django_assert_max_num_queries(10) as captured:
        report = load_course_file(SHIPPED_COURSE)
    assert writes(captured) == []
    assert not report.changed, report.summary()
    assert stored() == before  # updated_at included: no lesson page is drawn anew


def test_an_edited_reimport_keeps_every_row_and_the_read_marks(tmp_path, learner):
    load_course_file(generated(tmp_path, 30))
    ids = {model.__name__: set(model.objects.values_list("id", flat=True)) for model in CONTENT}
    sections = list(Section.objects.all())
    SectionProgress.objects.bulk_create(
        SectionProgress(user=learner, section=s, read_at="2026-01-01T00:00Z") for s in sections
    )
    report = load_course_file(generated(tmp_path, 30, "b", variant="edited"))
    assert report.content_changed["sections"] == 30 * 4  # all but the quiz call to action
    assert report.created == {} and report.deleted == {}
    # Updated in place: the same ids, so every read mark still points at its section.
    assert ids == {
        model.__name__: set(model.objects.values_list("id", flat=True)) for model in CONTENT
    }
    assert SectionProgress.objects.filter(user=learner).count() == len(sections)
    assert Section.objects.filter(title__endswith="(edited)").count() == 30 * 2


# --- a bad file changes nothing ------------------------------------------------------------


def test_a_bad_lesson_file_in_the_middle_changes_nothing(tmp_path):
    load_course_file(generated(tmp_path, 60))
    before = stored()
    folder = generated(tmp_path, 60, "b", variant="edited")
    lesson = folder / "lesson-030.yaml"
    lesson.write_text(lesson.read_text().replace("    body: |", "    bodi: |", 1))
    with pytest.raises(ContentError, match=r"lesson-030\.yaml:\d+: .*unknown key 'bodi'"):
        load_course_file(folder)
    assert stored() == before


def test_a_failure_while_writing_rolls_back_the_rows_already_written(tmp_path):
    """A quiz slug of another course is found only after the lessons, sections and examples
    are written: the whole load goes back."""
    other = Course.objects.create(slug="other", title="Other")
    Quiz.objects.create(slug="generated-check-31", title="Taken", course=other)
    load_course_file(generated(tmp_path, 30))
    before = stored()
    with pytest.raises(ContentError, match="quiz slug 'generated-check-31' is already used"):
        load_course_file(generated(tmp_path, 60, "b", variant="edited"))
    assert stored() == before
    assert Lesson.objects.count() == 30


# --- queries per table, not per row --------------------------------------------------------


def _statements(captured, verb: str, table: str) -> int:
    start = f'{verb} "{table}"' if verb == "UPDATE" else f'{verb} INTO "{table}"'
    # An executemany is logged once, as "<n> times: <statement>".
    sqls = [re.sub(r"^\d+ times: ", "", q["sql"]) for q in captured.captured_queries]
    return sum(1 for sql in sqls if sql.startswith(start))


def _load_counting(path: Path):
    with CaptureQueriesContext(connection) as captured:
        load_course_file(path)
    return captured


def test_a_big_course_costs_statements_per_table_not_per_row(tmp_path):
    small = _load_counting(generated(tmp_path, 20))
    small_edit = _load_counting(generated(tmp_path, 20, "b", variant="edited"))
    Course.objects.all().delete()
    big = _load_counting(generated(tmp_path, 200, "c"))
    big_edit = _load_counting(generated(tmp_path, 200, "d", variant="edited"))
    assert Section.objects.count() == 1000 and Choice.objects.count() == 200 * 8

    def reads(captured) -> int:
        return sum(1 for q in captured.captured_queries if q["sql"].startswith("SELECT"))

    # Reading the stored course and comparing it: the same queries at 20 or 200 lessons. An
    # edit of every lesson: one UPDATE per table, whatever the number of rows.
    assert reads(big) == reads(small) and reads(big_edit) == reads(small_edit)
    assert len(big_edit.captured_queries) == len(small_edit.captured_queries) <= 25
    for model in (Section, ConfigExample, Question, Choice):
        assert _statements(big_edit, "UPDATE", model._meta.db_table) == 1, model
    # Lessons: their values, their reading times, their content versions (touch()).
    assert _statements(big_edit, "UPDATE", Lesson._meta.db_table) == 3
    # Creating: one INSERT per table, in as many batches as the database's bound on a
    # statement's parameters needs (SQLite's 999; PostgreSQL has none).
    limit = connection.features.max_query_params
    for model in CONTENT[1:]:
        fields = len([f for f in model._meta.concrete_fields if not f.primary_key])
        rows = model.objects.count()
        batches = math.ceil(rows / (limit // fields)) if limit else 1
        assert _statements(big, "INSERT", model._meta.db_table) == batches, model
    assert len(big.captured_queries) < 150  # row by row: ~10,600


# --- the lesson pages follow ---------------------------------------------------------------


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def versions() -> dict:
    lessons = Lesson.objects.select_related("course")
    return {lesson.slug: lesson.content_version for lesson in lessons}


def test_a_changed_section_is_drawn_anew_after_a_bulk_reimport(tmp_path, client, empty_cache):
    folder = generated(tmp_path, 5)
    load_course_file(folder)
    url = "/courses/generated/lesson-002/"
    client.get(url)
    first = client.get(url).content.decode()  # its bodies from the cache now
    assert "lesson 2 shows the two resources" in first
    before = versions()
    lesson = folder / "lesson-002.yaml"
    lesson.write_text(
        lesson.read_text().replace("lesson 2 shows the two resources", "lesson 2 explains them")
    )
    report = load_course_file(folder)
    assert report.content_changed == {"sections": 1}
    page = client.get(url).content.decode()
    assert "lesson 2 explains them" in page and "lesson 2 shows the two resources" not in page
    after = versions()
    assert after["lesson-002"] != before["lesson-002"]
    assert {slug for slug in after if after[slug] != before[slug]} == {"lesson-002"}


def _edit(folder: Path, n: int, old: str, new: str) -> None:
    path = folder / f"lesson-{n:03d}.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "moved"),
    [
        # A section or an example: that lesson's page (signals.py).
        ("Each subset selects pods", "Each subset picks pods", {"lesson-003"}),
        ("title: Wrap-up", "title: In short", {"lesson-003"}),
        # A quiz question: that lesson and, through the course, every page (quizzes/signals.py).
        ("explanation: The weights must add up to 100.", "explanation: 100 in all.", "all"),
        # (Un)publishing a lesson: the course's version, so every page of it.
        ("published: true\nsections:", "published: false\nsections:", "all"),
        # A choice alone: no page shows it, and saving one never moved a version.
        ("why: A Gateway only says", "why: A Gateway says only", set()),
    ],
    ids=["example", "section", "question", "unpublished", "choice"],
)
def test_content_versions_move_as_the_save_signals_moved_them(tmp_path, old, new, moved):
    folder = generated(tmp_path, 6)
    load_course_file(folder)
    before = versions()
    _edit(folder, 3, old, new)
    assert load_course_file(folder).changed
    after = versions()
    changed = {slug for slug in after if after[slug] != before[slug]}
    assert changed == (set(after) if moved == "all" else moved)


# --- the admin takes a 500-lesson course ---------------------------------------------------


def test_the_admin_imports_a_course_over_the_old_2_mb_limit(tmp_path, admin_user):
    path = generated(tmp_path, 400, single_file=True)
    assert path.stat().st_size > 2 * 1024 * 1024
    client = Client()
    client.force_login(admin_user)
    upload = SimpleUploadedFile("generated.yaml", path.read_bytes())
    response = client.post("/admin/lessons/course/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[-800:]
    assert Course.objects.get(slug="generated").lessons.count() == 400
    assert Section.objects.count() == 400 * 5


@pytest.mark.parametrize("path", ["command", "admin"])
def test_each_example_is_checked_once_per_load(tmp_path, admin_user, monkeypatch, path):
    """The check that refuses a bad example also gives the problems stored with it: the
    Istio checker is not run a second time while writing the rows."""
    import coursefiles.loading
    import lessons.models

    checked = []

    def counting(text: str) -> list[dict]:
        checked.append(text)
        return []

    monkeypatch.setattr(coursefiles.loading, "check_example", counting)
    monkeypatch.setattr(lessons.models, "check_example", counting)
    course = generated(tmp_path, 10, single_file=True)
    if path == "command":
        load_course_file(course)
    else:
        client = Client()
        client.force_login(admin_user)
        upload = SimpleUploadedFile("generated.yaml", course.read_bytes())
        assert client.post("/admin/lessons/course/import/", {"file": upload}).status_code == 302
    assert ConfigExample.objects.count() == 20
    assert sorted(checked) == sorted(ConfigExample.objects.values_list("yaml_text", flat=True))
