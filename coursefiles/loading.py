"""Course file → database: validated, atomic, idempotent upsert by slug (dumping.py writes back).

Loading never half-applies: the whole file is read and checked first, then written in one
transaction. Rows whose content did not change are not written again, so a second load of the
same file writes nothing, reports no change, and learners' progress on unchanged sections stays
attached. The report tells rows whose content changed from rows only renumbered (their `order`:
a row added or removed before them moves them), and counts the rows left as they were.

The writes are in bulk (bulk_rows.py): each table is read once, compared in Python, and written
with a statement per batch, not per row: a 500-lesson course went from ~26,000 queries (10 s
on SQLite, 17 s on PostgreSQL, on an idle machine) to a few dozen (docs/performance.md).
Without save(), this module renders the rows it writes (the models' `render()`, the code their
save() runs) and moves the lesson pages' content versions as the post_save signals would have
(`_touch_pages`). Deleting still goes through the ORM, with its cascades and signals.
"""

from pathlib import Path

from django.db import transaction

from course_format.schema import CourseData, LessonData, read_course
from course_format.yamlfile import ContentError
from lessons.example_checks import check_example
from lessons.models import ConfigExample, Course, Lesson, Section
from lessons.rendering import reading_minutes, unix_newlines

from .bulk_rows import Rows, update_rows
from .quiz_loading import load_quizzes
from .report import LoadReport
from .row_plans import Pages, count_work, leave_out, plan
from .task_loading import load_tasks

__all__ = ["LoadReport", "WorkAtStake", "check_course_examples", "load_course", "load_course_file"]

# The fields a load writes to a row it updates: the file's values and what render() derives.
LESSON_FIELDS = ["order", "title", "summary", "published"]
SECTION_FIELDS = [
    *("order", "title", "kind", "body_markdown", "body_html", "sources", "diagram", "layout"),
]
EXAMPLE_FIELDS = [
    *("order", "title", "kind", "yaml_text", "explanation", "explanation_html"),
    *("highlighted_html", "broken", "problems"),
]


def load_course_file(path: Path) -> LoadReport:
    """Validate and load a course folder or file. Raises ContentError; writes nothing then."""
    data = read_course(path)
    problems = check_course_examples(data)
    return load_course(data, problems=problems)


def check_course_examples(data: CourseData) -> dict[str, list[dict]]:
    """Every example must pass the Istio checker unless it is flagged deliberately broken.

    Returns each example's problems by its YAML text (as stored: Unix newlines), so the load
    stores them without checking the same text again; a text the course repeats is checked
    once."""
    checked: dict[str, list[dict]] = {}
    for lesson in data.lessons:
        for section in lesson.sections:
            for example in section.examples:
                text = unix_newlines(example.yaml)
                if text not in checked:
                    checked[text] = check_example(text)
                errors = [p for p in checked[text] if p["severity"] == "error"]
                if errors and not example.broken:
                    first, *more = errors
                    in_file = example.first_line and example.first_line + first["line"] - 1
                    # All of them, not only the first: the cause is often a later one (a typo
                    # in a key first shows up as a required key missing).
                    rest = "".join(f"; line {p['line']}: {p['message']}" for p in more[:4])
                    rest += f"; and {len(more) - 4} more" if len(more) > 4 else ""
                    raise ContentError(
                        lesson.file or "course",
                        f"example '{example.slug}' has {len(errors)} error(s), first at line "
                        f"{first['line']} of its YAML: {first['message']}{rest} (set `broken: "
                        "true` if the mistake is deliberate)",
                        line=in_file or None,
                        path=example.path or ("sections", section.slug, "examples", example.slug),
                    )
    return checked


class WorkAtStake(ContentError):
    """Loading would delete rows that hold learners' work, and that was not allowed."""


@transaction.atomic
def load_course(
    data: CourseData,
    *,
    delete_learner_work: bool = True,
    problems: dict[str, list[dict]] | None = None,
) -> LoadReport:
    """Load `data` in one transaction. With `delete_learner_work=False`, a file that leaves out
    a lesson, section or quiz with learners' read marks or attempts raises WorkAtStake and
    changes nothing. `problems`: check_course_examples()'s, to store without checking again."""
    report, pages = LoadReport(), Pages()
    course = Course.objects.select_for_update().filter(slug=data.slug).first() or Course(
        slug=data.slug
    )
    values = {"title": data.title, "summary": data.summary, "published": data.published}
    course_rows = Rows(Course, list(values))
    if plan(report, course_rows, course, values, "course"):
        course.save()  # one row, and the lessons need its id; auto_now moves its version
    report.course = course

    lessons_by_slug, lessons = _load_lessons(report, pages, course, data, problems or {})
    # Before the left-out lessons go: a task moved to another lesson keeps its learners' progress.
    load_tasks(report, course, data, lessons_by_slug)
    _delete_left_out_lessons(pages, lessons)
    # Quizzes are read after the lessons' deletes: a deleted lesson's quiz went with it.
    load_quizzes(report, pages, course, data, lessons_by_slug)

    if report.deleted_with_work and not delete_learner_work:
        raise WorkAtStake(  # rolls the whole load back
            "course",
            f"the file leaves out {', '.join(report.deleted_with_work)}, and deleting "
            f"{'it' if len(report.deleted_with_work) == 1 else 'them'} would remove learners' "
            f"work: {report.work_lost_text()}",
        )
    _touch_pages(pages, course)
    return report


def _touch_pages(pages: Pages, course: Course) -> None:
    """Move the content versions (lessons/models.py) of the pages the load changed: a lesson
    whose row, sections, examples, quiz or quiz questions were written, and the course's when
    a lesson was (un)published or a quiz or question written (signals.py, quizzes/signals.py).
    Deletes moved theirs through their own signals."""
    if pages.lessons:
        Lesson.objects.filter(pk__in=pages.lessons).touch()
    if pages.course:
        Course.objects.filter(pk=course.pk).touch()


def _load_lessons(
    report, pages: Pages, course: Course, data: CourseData, problems
) -> tuple[dict, Rows]:
    """The lessons, their sections and examples, and their reading times. Returns the
    lessons by slug, and the lesson rows whose left-out lessons are still to delete."""
    stored_lessons = {lesson.slug: lesson for lesson in course.lessons.order_by("order", "id")}
    lessons = Rows(Lesson, LESSON_FIELDS)
    wanted = []
    for index, lesson_data in enumerate(data.lessons):
        lesson = stored_lessons.pop(lesson_data.slug, None) or Lesson(
            course=course, slug=lesson_data.slug
        )
        was_published = None if lesson.pk is None else lesson.published
        values = {
            "order": (index + 1) * 10,
            "title": lesson_data.title,
            "summary": lesson_data.summary,
            "published": lesson_data.published,
        }
        if plan(report, lessons, lesson, values, "lessons"):
            # Saved, a lesson's own version moves (auto_now); (un)publishing one, its course's.
            pages.course |= lesson.published != bool(was_published)
        wanted.append((lesson, lesson_data))

    # The sections of the lessons left out go with them (cascade): their learners' read marks
    # are counted on the lesson.
    leave_out(report, lessons, stored_lessons.values(), "lessons")
    sections_of = _stored_sections_and_examples(course)
    sections = Rows(Section, SECTION_FIELDS)
    examples = Rows(ConfigExample, EXAMPLE_FIELDS)
    laid_out = []  # (lesson, [(section, [examples])]) as the file orders them
    for lesson, lesson_data in wanted:
        laid_out.append(
            (lesson, _plan_sections(report, sections, examples, lesson, lesson_data, sections_of))
        )
    count_work(report, sections)  # in the old loader's order: sections, then lessons
    count_work(report, lessons)

    # Deletes first, so nothing written can clash with a row on its way out. Their own
    # signals move the pages' versions; the lessons that lost a section or an example are
    # noted too, for their reading time.
    # The lessons left out are deleted by the caller, after the practice tasks are loaded (a
    # task that moves off one keeps its learners' progress); no lesson written can clash with
    # them, since their slugs are not in the file.
    for rows in (examples, sections):
        pages.lessons.update(_lesson_of(obj) for obj in rows.gone)
        rows.delete()
    lessons.write()
    pages.lessons.update(lesson.pk for lesson in lessons.written)
    for section in sections.written:
        section.render()
    sections.write()  # a new section's lesson_id is set from its lesson, now written
    for example in examples.written:
        example.render(problems.get(unix_newlines(example.yaml_text)))
    examples.write()
    pages.lessons.update(section.lesson_id for section in sections.written)
    pages.lessons.update(example.section.lesson_id for example in examples.written)
    _store_reading_minutes(laid_out, pages.lessons)
    return {lesson.slug: lesson for lesson, _data in wanted}, lessons


def _delete_left_out_lessons(pages: Pages, lessons: Rows) -> None:
    pages.lessons.update(lesson.pk for lesson in lessons.gone)
    lessons.delete()


def _lesson_of(obj) -> int:
    if isinstance(obj, Lesson):
        return obj.pk
    return obj.lesson_id if isinstance(obj, Section) else obj.section.lesson_id


def _stored_sections_and_examples(course: Course):
    """The course's sections by lesson id in their order, each with its examples in theirs
    (`stored_examples`): two queries for the whole course."""
    sections_of: dict[int, list[Section]] = {}
    by_id = {}
    for section in Section.objects.filter(lesson__course=course).order_by(
        "lesson_id", "order", "id"
    ):
        sections_of.setdefault(section.lesson_id, []).append(section)
        by_id[section.pk] = section
    examples_of: dict[int, list[ConfigExample]] = {}
    for example in ConfigExample.objects.filter(section__lesson__course=course).order_by(
        "section_id", "order", "id"
    ):
        example.section = by_id[example.section_id]  # no query when its lesson is read
        examples_of.setdefault(example.section_id, []).append(example)
    for section in by_id.values():
        section.stored_examples = examples_of.get(section.pk, [])
    return sections_of


def moved_slugs(before: list[str], after: list[str]) -> set[str]:
    """The rows whose place among their siblings changes: of the slugs in both lists, those
    whose position among them differs (rows added or removed move no one)."""
    kept = set(before) & set(after)
    old = [slug for slug in before if slug in kept]
    new = [slug for slug in after if slug in kept]
    return {slug for slug, was in zip(new, old, strict=True) if slug != was}


def _plan_sections(report, sections: Rows, examples: Rows, lesson, lesson_data: LessonData, of):
    stored = of.get(lesson.pk, []) if lesson.pk else []
    existing = {section.slug: section for section in stored}
    moved = moved_slugs(list(existing), [section.slug for section in lesson_data.sections])
    laid_out = []
    for index, section_data in enumerate(lesson_data.sections):
        section = existing.pop(section_data.slug, None) or Section(
            lesson=lesson, slug=section_data.slug
        )
        sources = [{"title": s.title, "url": s.url} for s in section_data.sources]
        plan(
            report,
            sections,
            section,
            {
                "order": (index + 1) * 10,
                "title": section_data.title,
                "kind": section_data.kind,
                "body_markdown": unix_newlines(section_data.body),  # as Section.render stores it
                "sources": sources,
                "diagram": section_data.diagram,
                "layout": section_data.layout,
            },
            "sections",
            moved=section_data.slug in moved,
        )
        stored_examples = getattr(section, "stored_examples", [])
        by_slug = {example.slug: example for example in stored_examples}
        kept = []
        for position, example_data in enumerate(section_data.examples):
            example = by_slug.pop(example_data.slug, None) or ConfigExample(
                section=section, slug=example_data.slug
            )
            plan(
                report,
                examples,
                example,
                {
                    "order": (position + 1) * 10,
                    "title": example_data.title,
                    "yaml_text": unix_newlines(example_data.yaml),  # as stored
                    "explanation": unix_newlines(example_data.explanation),
                    "broken": example_data.broken,
                },
                "examples",
            )
            kept.append(example)
        leave_out(report, examples, by_slug.values(), "examples")
        laid_out.append((section, kept))
    leave_out(report, sections, existing.values(), "sections")
    return laid_out


def _store_reading_minutes(laid_out, written: set[int]) -> None:
    """Each lesson's reading time from the texts just planned (what refresh_reading_minutes
    reads back from the database), stored where it differs or where the lesson's content was
    written (a deleted section's signal stored a reading time of its own meanwhile): one
    statement per batch."""
    changed = []
    for lesson, sections in laid_out:
        texts = []
        for section, examples in sections:
            texts.append(section.body_markdown)
            for example in examples:
                texts.append(example.explanation)
                texts.append(example.yaml_text)
        minutes = reading_minutes("\n".join(texts))
        if lesson.reading_minutes != minutes or lesson.pk in written:
            lesson.reading_minutes = minutes
            changed.append(lesson)
    if changed:
        update_rows(Lesson, changed, ["reading_minutes"])
