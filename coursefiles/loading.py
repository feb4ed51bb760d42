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

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from course_format.question_schema import ChoiceData, QuestionData, config_lines
from course_format.schema import CourseData, LessonData, QuizData, read_course
from course_format.yamlfile import ContentError
from lessons.example_checks import check_example
from lessons.models import ConfigExample, Course, Lesson, Section
from lessons.rendering import reading_minutes, unix_newlines
from quizzes.models import Choice, Question, Quiz

from .bulk_rows import Rows, learner_work, update_rows
from .report import LoadReport
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
QUIZ_FIELDS = [
    *("title", "course", "lesson", "order", "pass_percent", "draw_per_lesson", "bank"),
    *("exam_questions", "exam_minutes"),
]
QUESTION_FIELDS = [
    *("order", "prompt", "prompt_html", "kind", "explanation", "explanation_html", "key"),
    *("domain", "competency", "source", "reread", "output", "config", "correct_line"),
]
CHOICE_FIELDS = ["order", "text", "yaml", "yaml_html", "is_correct", "why"]


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


def _apply(obj, values: dict) -> set[str]:
    """Set values on obj; the names of the fields whose value differs."""
    changed = set()
    for name, value in values.items():
        field_ = obj._meta.get_field(name)
        if field_.is_relation:  # compare ids: reading an unset relation would raise
            if getattr(obj, field_.attname) != (value.pk if value is not None else None):
                setattr(obj, name, value)
                changed.add(name)
            continue
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    return changed


def _plan(report: LoadReport, rows: Rows, obj, values: dict, label: str, *, moved=True) -> bool:
    """Set `values` on `obj`, count what that is in the report, and queue it in `rows` if it
    must be written; returns whether it must.

    `moved`: whether the row's place among its siblings changes. A row only renumbered in the
    same place (a section added in the admin at order 15 becomes 20) is written, but counted
    as unchanged: nothing a learner sees moved, so the report does not call it reordered."""
    is_new = obj.pk is None
    changed = _apply(obj, values)
    if is_new:
        report.created[label] += 1
    elif changed == {"order"} and not moved:
        report.unchanged[label] += 1
    elif changed:
        report.updated[label] += 1
        if changed == {"order"}:
            report.reordered[label] += 1
    else:
        report.unchanged[label] += 1
    rows.keep(obj, is_new or bool(changed))
    return is_new or bool(changed)


def _leave_out(report: LoadReport, rows: Rows, leftovers, label: str) -> None:
    """Queue the rows the file no longer has for deletion (_count_work counts what goes)."""
    for obj in leftovers:
        report.deleted[label] += 1
        rows.gone.append(obj)


def _count_work(report: LoadReport, rows: Rows) -> None:
    """Count the learners' work that goes with the rows queued for deletion: one grouped query
    per kind of work, whatever their number."""
    work = learner_work(rows.gone)
    for obj in rows.gone:
        report.work_lost.update(work[obj.pk])
        if work[obj.pk]["read marks"] or work[obj.pk]["quiz attempts"]:
            report.deleted_with_work.append(f"{obj._meta.verbose_name} '{_name_of(obj)}'")


def _learner_work(obj) -> Counter:
    """What learners did that deleting `obj` takes with it (the deletes cascade)."""
    return learner_work([obj])[obj.pk]


def _name_of(obj) -> str:
    return getattr(obj, "slug", None) or str(obj)[:60]


class WorkAtStake(ContentError):
    """Loading would delete rows that hold learners' work, and that was not allowed."""


@dataclass
class _Pages:
    """Which lesson pages the load changes: their content versions move at the end, as the
    post_save and post_delete signals of rows saved one by one would have moved them."""

    lessons: set[int] = field(default_factory=set)
    course: bool = False


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
    report, pages = LoadReport(), _Pages()
    course = Course.objects.select_for_update().filter(slug=data.slug).first() or Course(
        slug=data.slug
    )
    values = {"title": data.title, "summary": data.summary, "published": data.published}
    course_rows = Rows(Course, list(values))
    if _plan(report, course_rows, course, values, "course"):
        course.save()  # one row, and the lessons need its id; auto_now moves its version
    report.course = course

    lessons_by_slug, lessons = _load_lessons(report, pages, course, data, problems or {})
    # Before the left-out lessons go: a task moved to another lesson keeps its learners' progress.
    load_tasks(report, course, data, lessons_by_slug)
    _delete_left_out_lessons(pages, lessons)
    # Quizzes are read after the lessons' deletes: a deleted lesson's quiz went with it.
    _load_quizzes(report, pages, course, data, lessons_by_slug)

    if report.deleted_with_work and not delete_learner_work:
        raise WorkAtStake(  # rolls the whole load back
            "course",
            f"the file leaves out {', '.join(report.deleted_with_work)}, and deleting "
            f"{'it' if len(report.deleted_with_work) == 1 else 'them'} would remove learners' "
            f"work: {report.work_lost_text()}",
        )
    _touch_pages(pages, course)
    return report


def _touch_pages(pages: _Pages, course: Course) -> None:
    """Move the content versions (lessons/models.py) of the pages the load changed: a lesson
    whose row, sections, examples, quiz or quiz questions were written, and the course's when
    a lesson was (un)published or a quiz or question written (signals.py, quizzes/signals.py).
    Deletes moved theirs through their own signals."""
    if pages.lessons:
        Lesson.objects.filter(pk__in=pages.lessons).touch()
    if pages.course:
        Course.objects.filter(pk=course.pk).touch()


def _load_lessons(
    report, pages: _Pages, course: Course, data: CourseData, problems
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
        if _plan(report, lessons, lesson, values, "lessons"):
            # Saved, a lesson's own version moves (auto_now); (un)publishing one, its course's.
            pages.course |= lesson.published != bool(was_published)
        wanted.append((lesson, lesson_data))

    # The sections of the lessons left out go with them (cascade): their learners' read marks
    # are counted on the lesson.
    _leave_out(report, lessons, stored_lessons.values(), "lessons")
    sections_of = _stored_sections_and_examples(course)
    sections = Rows(Section, SECTION_FIELDS)
    examples = Rows(ConfigExample, EXAMPLE_FIELDS)
    laid_out = []  # (lesson, [(section, [examples])]) as the file orders them
    for lesson, lesson_data in wanted:
        laid_out.append(
            (lesson, _plan_sections(report, sections, examples, lesson, lesson_data, sections_of))
        )
    _count_work(report, sections)  # in the old loader's order: sections, then lessons
    _count_work(report, lessons)

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


def _delete_left_out_lessons(pages: _Pages, lessons: Rows) -> None:
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
        _plan(
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
            _plan(
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
        _leave_out(report, examples, by_slug.values(), "examples")
        laid_out.append((section, kept))
    _leave_out(report, sections, existing.values(), "sections")
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


def _load_quizzes(report, pages: _Pages, course: Course, data: CourseData, lessons_by_slug):
    """The lessons' quizzes, then the course-level ones, numbered in that order; then their
    questions and choices."""
    in_course = Quiz.objects.filter(course=course).order_by("order", "id")
    stored = {quiz.slug: quiz for quiz in in_course}
    wanted = [
        (lesson_data.quiz, lessons_by_slug[lesson_data.slug])
        for lesson_data in data.lessons
        if lesson_data.quiz
    ]
    wanted += [(quiz_data, None) for quiz_data in data.quizzes]
    wanted += [(quiz_data, None) for quiz_data in _bank_quizzes(data)]
    new_slugs = [quiz_data.slug for quiz_data, _lesson in wanted if quiz_data.slug not in stored]
    taken = set(Quiz.objects.filter(slug__in=new_slugs).values_list("slug", flat=True))
    for slug in new_slugs:  # the first in the file's order
        if slug in taken:
            raise ContentError("course", f"quiz slug '{slug}' is already used by another course")

    quizzes = Rows(Quiz, QUIZ_FIELDS)
    planned = []
    for index, (quiz_data, lesson) in enumerate(wanted):
        quiz = stored.pop(quiz_data.slug, None) or Quiz(slug=quiz_data.slug)
        was_on = quiz.lesson_id
        values = {
            "title": quiz_data.title,
            "course": course,
            "lesson": lesson,
            "order": (index + 1) * 10,
            "pass_percent": quiz_data.pass_percent,
            "draw_per_lesson": quiz_data.draw_per_lesson,
            "bank": quiz_data.bank,
            "exam_questions": quiz_data.exam_questions,
            "exam_minutes": quiz_data.exam_minutes,
        }
        if _plan(report, quizzes, quiz, values, "quizzes"):
            _quiz_pages(pages, quiz.lesson_id, was_on)
        planned.append((quiz, quiz_data))
    # A quiz the file leaves out goes with its questions; one that still holds a lesson the
    # file gives another quiz let go of it first in the old loader: deleted, it lets go too.
    _leave_out(report, quizzes, stored.values(), "quizzes")
    _count_work(report, quizzes)
    quizzes.delete()
    quizzes.write()

    questions_of = _stored_questions(quiz for quiz, _data in planned if quiz.pk)
    questions, choices = Rows(Question, QUESTION_FIELDS), Rows(Choice, CHOICE_FIELDS)
    for quiz, quiz_data in planned:
        written = _plan_questions(report, questions, choices, quiz, quiz_data, questions_of)
        if written:
            _quiz_pages(pages, quiz.lesson_id)
    for rows in (choices, questions):
        _count_work(report, rows)
        rows.delete()
    for question in questions.written:
        question.render()
    questions.write()
    for choice in choices.written:
        choice.render()
    choices.write()  # a new choice's question_id is set from its question, now written


def _quiz_pages(pages: _Pages, *lesson_ids) -> None:
    """A quiz or question written: its lesson's page (it links the quiz with its question
    count) and, through the course, every lesson page that links the course's quizzes."""
    pages.lessons.update(pk for pk in lesson_ids if pk is not None)
    pages.course = True


def _stored_questions(quizzes) -> dict[int, list[Question]]:
    """The questions of `quizzes` by quiz id, in their order, each with its choices in order:
    two queries."""
    ids = [quiz.pk for quiz in quizzes]
    questions_of: dict[int, list[Question]] = {}
    by_id = {}
    for question in Question.objects.filter(quiz__in=ids).order_by("quiz_id", "order", "id"):
        question.stored_choices = []
        questions_of.setdefault(question.quiz_id, []).append(question)
        by_id[question.pk] = question
    for choice in Choice.objects.filter(question__quiz__in=ids).order_by(
        "question_id", "order", "id"
    ):
        by_id[choice.question_id].stored_choices.append(choice)
    return questions_of


def bank_slug(course_slug: str, domain: str) -> str:
    """The slug of the quiz that holds a course's bank file for `domain` (at most 50 long)."""
    return f"{course_slug[:28]}-bank-{domain}"


def _bank_quizzes(data: CourseData) -> list[QuizData]:
    """The bank files and the practice exam as quizzes: a bank quiz per file, never taken on
    its own, and the exam, which has no questions of its own and draws from them."""
    quizzes = [
        QuizData(
            slug=bank_slug(data.slug, bank.domain),
            title=f"Question bank: {bank.domain}",
            pass_percent=70,
            questions=bank.questions,
        )
        for bank in data.bank
    ]
    for quiz in quizzes:
        quiz.bank = True
    exam = data.practice_exam
    if exam is not None:
        quiz = QuizData(
            slug=exam.slug, title=exam.title, pass_percent=exam.pass_percent, questions=[]
        )
        quiz.exam_questions, quiz.exam_minutes = exam.questions, exam.minutes
        quizzes.append(quiz)
    return quizzes


def _plan_questions(report, questions: Rows, choices: Rows, quiz, data: QuizData, of) -> bool:
    """Plan a quiz's questions and choices; whether a question was written or left out (the
    lesson pages show a quiz's question count: quizzes/signals.py)."""
    # Questions have no slug: they are matched by position, so an unchanged question keeps
    # its id and the learners' responses that point at it.
    stored = of.get(quiz.pk, []) if quiz.pk else []
    written = False
    for index, question_data in enumerate(data.questions):
        question = stored[index] if index < len(stored) else Question(quiz=quiz)
        if _plan(report, questions, question, _question_values(question_data, index), "questions"):
            written = True
        old = getattr(question, "stored_choices", [])
        wanted = _choices_of(question_data)
        matched = _match_choices(old, [(c.text, unix_newlines(c.yaml)) for c in wanted])
        for position, choice_data in enumerate(wanted):
            choice = matched[position] or Choice(question=question)
            _plan(
                report,
                choices,
                choice,
                {
                    "order": (position + 1) * 10,
                    "text": choice_data.text,
                    "yaml": unix_newlines(choice_data.yaml),  # as Choice.render stores it
                    "is_correct": choice_data.correct,
                    "why": choice_data.why,
                },
                "choices",
            )
        kept = {choice.pk for choice in matched if choice is not None}
        _leave_out(report, choices, [c for c in old if c.pk not in kept], "choices")
    _leave_out(report, questions, stored[len(data.questions) :], "questions")
    return written or len(stored) > len(data.questions)


def _question_values(data: QuestionData, index: int) -> dict:
    return {
        "order": (index + 1) * 10,
        "prompt": unix_newlines(data.prompt),  # as Question.render stores it
        "kind": data.kind,
        "explanation": unix_newlines(data.explanation),
        "key": data.key,
        "domain": data.domain,
        "competency": data.competency,
        "source": data.source,
        "reread": data.reread,
        "output": unix_newlines(data.output),
        "config": unix_newlines(data.config),
        "correct_line": data.correct_line,
    }


def _choices_of(data: QuestionData) -> list[ChoiceData]:
    """A question's choices; a `line` question's are its config's lines, the wrong one right."""
    if data.kind != "line":
        return data.choices
    lines = config_lines(data.config)
    return [
        ChoiceData(text=line, correct=n == data.correct_line) for n, line in enumerate(lines, 1)
    ]


def _match_choices(stored: list[Choice], texts: list[tuple[str, str]]) -> list[Choice | None]:
    """The stored choice each of the file's choices (`texts`, in the file's order) updates, or
    None for a new one.

    A choice keeps its row when its text is unchanged, wherever the file moves it: learners'
    answers point at the row, so reordering the choices must not hand a row, and the answers
    given to it, to another text. The file's other choices take the rows left over in order,
    so an edited text keeps its row as before.
    """
    free = list(stored)
    matched: list[Choice | None] = [None] * len(texts)
    for position, text in enumerate(texts):
        same = next((choice for choice in free if (choice.text, choice.yaml) == text), None)
        if same is not None:
            matched[position] = same
            free.remove(same)
    for position in range(len(texts)):
        if matched[position] is None and free:
            matched[position] = free.pop(0)
    return matched
