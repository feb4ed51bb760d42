"""Course file → database: validated, atomic, idempotent upsert by slug (dumping.py writes back).

Loading never half-applies: the whole file is read and checked first, then written in one
transaction. Rows whose content did not change are not saved again, so a second load of the
same file reports no change and learners' progress on unchanged sections stays attached. The
report tells rows whose content changed from rows only renumbered (their `order`: a row added
or removed before them moves them), and counts the rows left as they were.
"""

from collections import Counter
from pathlib import Path

from django.db import transaction

from course_format.question_schema import ChoiceData, QuestionData, config_lines
from course_format.schema import CourseData, LessonData, QuizData, read_course
from course_format.yamlfile import ContentError
from lessons.example_checks import check_example
from lessons.models import ConfigExample, Course, Lesson, Section, SectionProgress
from lessons.rendering import unix_newlines
from quizzes.models import Attempt, Choice, Question, Quiz, Response

from .report import LoadReport
from .task_loading import load_tasks

__all__ = ["LoadReport", "WorkAtStake", "check_course_examples", "load_course", "load_course_file"]


def load_course_file(path: Path) -> LoadReport:
    """Validate and load a course folder or file. Raises ContentError; writes nothing then."""
    data = read_course(path)
    check_course_examples(data)
    return load_course(data)


def check_course_examples(data: CourseData) -> None:
    """Every example must pass the Istio checker unless it is flagged deliberately broken."""
    for lesson in data.lessons:
        for section in lesson.sections:
            for example in section.examples:
                errors = [p for p in check_example(example.yaml) if p["severity"] == "error"]
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


def _apply(obj, values: dict) -> set[str]:
    """Set values on obj; the names of the fields whose value differs."""
    changed = set()
    for name, value in values.items():
        field = obj._meta.get_field(name)
        if field.is_relation:  # compare ids: reading an unset relation would raise
            if getattr(obj, field.attname) != (value.pk if value is not None else None):
                setattr(obj, name, value)
                changed.add(name)
            continue
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    return changed


def _save(report: LoadReport, obj, values: dict, label: str, *, moved: bool = True) -> None:
    """Create `obj`, or save it again if any value differs, and count which it was.

    `moved`: whether the row's place among its siblings changes. A row only renumbered in the
    same place (a section added in the admin at order 15 becomes 20) is saved, but counted as
    unchanged: nothing a learner sees moved, so the report does not call it reordered."""
    is_new = obj.pk is None
    changed = _apply(obj, values)
    if is_new:
        obj.save()
        report.created[label] += 1
    elif changed == {"order"} and not moved:
        obj.save()
        report.unchanged[label] += 1
    elif changed:
        obj.save()
        report.updated[label] += 1
        if changed == {"order"}:
            report.reordered[label] += 1
    else:
        report.unchanged[label] += 1


def _delete_rest(report: LoadReport, leftovers, label: str) -> None:
    for obj in leftovers:
        work = _learner_work(obj)
        report.work_lost.update(work)
        if work["read marks"] or work["quiz attempts"]:
            report.deleted_with_work.append(f"{obj._meta.verbose_name} '{_name_of(obj)}'")
        obj.delete()
        report.deleted[label] += 1


def _learner_work(obj) -> Counter:
    """What learners did that deleting `obj` takes with it (the deletes cascade)."""
    work = Counter()
    if isinstance(obj, Lesson | Section):
        on = {"section__lesson": obj} if isinstance(obj, Lesson) else {"section": obj}
        work["read marks"] = SectionProgress.objects.filter(**on).count()
    if isinstance(obj, Lesson | Quiz):
        on = {"quiz__lesson": obj} if isinstance(obj, Lesson) else {"quiz": obj}
        # A staff member's draft previews are not learners' work: they do not hold up an import.
        work["quiz attempts"] = Attempt.objects.counted().filter(**on).count()
    if isinstance(obj, Question | Choice):
        on = {"question": obj} if isinstance(obj, Question) else {"choices": obj}
        work["answers"] = Response.objects.filter(attempt__preview=False, **on).count()
    return +work  # only what is there


def _name_of(obj) -> str:
    return getattr(obj, "slug", None) or str(obj)[:60]


class WorkAtStake(ContentError):
    """Loading would delete rows that hold learners' work, and that was not allowed."""


@transaction.atomic
def load_course(data: CourseData, *, delete_learner_work: bool = True) -> LoadReport:
    """Load `data` in one transaction. With `delete_learner_work=False`, a file that leaves out
    a lesson, section or quiz with learners' read marks or attempts raises WorkAtStake and
    changes nothing."""
    report = LoadReport()
    course = Course.objects.select_for_update().filter(slug=data.slug).first() or Course(
        slug=data.slug
    )
    _save(
        report,
        course,
        {"title": data.title, "summary": data.summary, "published": data.published},
        "course",
    )
    report.course = course

    existing = {lesson.slug: lesson for lesson in course.lessons.all()}
    lessons_by_slug = {}
    for index, lesson_data in enumerate(data.lessons):
        lesson = existing.pop(lesson_data.slug, None) or Lesson(
            course=course, slug=lesson_data.slug
        )
        _save(
            report,
            lesson,
            {
                "order": (index + 1) * 10,
                "title": lesson_data.title,
                "summary": lesson_data.summary,
                "published": lesson_data.published,
            },
            "lessons",
        )
        _load_sections(report, lesson, lesson_data)
        lesson.refresh_reading_minutes()
        lessons_by_slug[lesson.slug] = lesson
    # Before the left-out lessons go: a task moved to another lesson keeps its learners' progress.
    load_tasks(report, course, data, lessons_by_slug)
    _delete_rest(report, existing.values(), "lessons")

    _load_quizzes(report, course, data, lessons_by_slug)
    if report.deleted_with_work and not delete_learner_work:
        raise WorkAtStake(  # rolls the whole load back
            "course",
            f"the file leaves out {', '.join(report.deleted_with_work)}, and deleting "
            f"{'it' if len(report.deleted_with_work) == 1 else 'them'} would remove learners' "
            f"work: {report.work_lost_text()}",
        )
    return report


def _load_quizzes(report: LoadReport, course: Course, data: CourseData, lessons_by_slug) -> None:
    """The lessons' quizzes, then the course-level ones, numbered in that order."""
    quizzes = {quiz.slug: quiz for quiz in Quiz.objects.filter(course=course)}
    wanted = [
        (lesson_data.quiz, lessons_by_slug[lesson_data.slug])
        for lesson_data in data.lessons
        if lesson_data.quiz
    ]
    wanted += [(quiz_data, None) for quiz_data in data.quizzes]
    wanted += [(quiz_data, None) for quiz_data in _bank_quizzes(data)]
    for index, (quiz_data, lesson) in enumerate(wanted):
        quiz = quizzes.pop(quiz_data.slug, None)
        if quiz is None:
            if Quiz.objects.filter(slug=quiz_data.slug).exists():
                raise ContentError(
                    "course", f"quiz slug '{quiz_data.slug}' is already used by another course"
                )
            quiz = Quiz(slug=quiz_data.slug)
        if lesson is not None:
            _free_lesson(lesson, quizzes.values())
        _load_quiz(report, quiz, quiz_data, course, lesson, (index + 1) * 10)
    _delete_rest(report, quizzes.values(), "quizzes")


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


def _free_lesson(lesson: Lesson, waiting) -> None:
    """A lesson has one quiz (a database constraint). A quiz still waiting its turn that holds
    the lesson the file gives another quiz lets go of it now; its own turn attaches it where
    the file says, or it is deleted with the rest."""
    for other in waiting:
        if other.lesson_id == lesson.id:
            Quiz.objects.filter(pk=other.pk).update(lesson=None)
            other.lesson = None


def moved_slugs(before: list[str], after: list[str]) -> set[str]:
    """The rows whose place among their siblings changes: of the slugs in both lists, those
    whose position among them differs (rows added or removed move no one)."""
    kept = set(before) & set(after)
    old = [slug for slug in before if slug in kept]
    new = [slug for slug in after if slug in kept]
    return {slug for slug, was in zip(new, old, strict=True) if slug != was}


def _load_sections(report: LoadReport, lesson: Lesson, lesson_data: LessonData) -> None:
    existing = {section.slug: section for section in lesson.sections.all()}
    moved = moved_slugs(list(existing), [section.slug for section in lesson_data.sections])
    for index, section_data in enumerate(lesson_data.sections):
        section = existing.pop(section_data.slug, None) or Section(
            lesson=lesson, slug=section_data.slug
        )
        sources = [{"title": s.title, "url": s.url} for s in section_data.sources]
        _save(
            report,
            section,
            {
                "order": (index + 1) * 10,
                "title": section_data.title,
                "kind": section_data.kind,
                "body_markdown": unix_newlines(section_data.body),  # as Section.save stores it
                "sources": sources,
                "diagram": section_data.diagram,
                "layout": section_data.layout,
            },
            "sections",
            moved=section_data.slug in moved,
        )
        examples = {example.slug: example for example in section.examples.all()}
        for position, example_data in enumerate(section_data.examples):
            example = examples.pop(example_data.slug, None) or ConfigExample(
                section=section, slug=example_data.slug
            )
            _save(
                report,
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
        _delete_rest(report, examples.values(), "examples")
    _delete_rest(report, existing.values(), "sections")


def _load_quiz(report, quiz: Quiz, data: QuizData, course, lesson, order: int) -> None:
    _save(
        report,
        quiz,
        {
            "title": data.title,
            "course": course,
            "lesson": lesson,
            "order": order,
            "pass_percent": data.pass_percent,
            "draw_per_lesson": data.draw_per_lesson,
            "bank": data.bank,
            "exam_questions": data.exam_questions,
            "exam_minutes": data.exam_minutes,
        },
        "quizzes",
    )
    # Questions have no slug: they are matched by position, so an unchanged question keeps
    # its id and the learners' responses that point at it.
    questions = list(quiz.questions.prefetch_related("choices"))
    for index, question_data in enumerate(data.questions):
        question = questions[index] if index < len(questions) else Question(quiz=quiz)
        _save(report, question, _question_values(question_data, index), "questions")
        choices = list(question.choices.all()) if question.pk else []
        wanted = _choices_of(question_data)
        matched = _match_choices(choices, [(c.text, unix_newlines(c.yaml)) for c in wanted])
        for position, choice_data in enumerate(wanted):
            choice = matched[position] or Choice(question=question)
            _save(
                report,
                choice,
                {
                    "order": (position + 1) * 10,
                    "text": choice_data.text,
                    "yaml": unix_newlines(choice_data.yaml),  # as Choice.save stores it
                    "is_correct": choice_data.correct,
                    "why": choice_data.why,
                },
                "choices",
            )
        kept = {choice.pk for choice in matched if choice is not None}
        _delete_rest(report, [c for c in choices if c.pk not in kept], "choices")
    _delete_rest(report, questions[len(data.questions) :], "questions")


def _question_values(data: QuestionData, index: int) -> dict:
    return {
        "order": (index + 1) * 10,
        "prompt": unix_newlines(data.prompt),  # as Question.save stores it
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
