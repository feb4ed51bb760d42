"""Database → course file: one YAML file in the format `loadcourse` reads, written so that loading
it changes nothing (multi-line text as `|` blocks, as an author writes it)."""

import yaml

from lessons.models import Course
from quizzes.models import Quiz

from .task_loading import tasks_to_list


class _BlockDumper(yaml.SafeDumper):
    """Multi-line text as `|` blocks, so a dumped course reads like a hand-written one."""


def _represent_str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)


def course_to_dict(course: Course) -> dict:
    lessons = course.lessons.prefetch_related("sections__examples", "quizzes__questions__choices")
    out = {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "published": course.published,
        "lessons": [],
    }
    extra_quizzes: list[Quiz] = []
    for lesson in lessons:
        item = {
            "slug": lesson.slug,
            "title": lesson.title,
            "summary": lesson.summary,
            "published": lesson.published,
            "sections": [],
        }
        for section in lesson.sections.all():
            entry = {
                "slug": section.slug,
                "title": section.title,
                "kind": section.kind,
                "body": section.body_markdown,
            }
            if section.diagram:
                entry["diagram"] = section.diagram
            if section.layout != "prose":
                entry["layout"] = section.layout
            if section.sources:
                entry["sources"] = [{"title": s["title"], "url": s["url"]} for s in section.sources]
            examples = [
                {
                    "slug": e.slug,
                    "title": e.title,
                    "explanation": e.explanation,
                    "broken": e.broken,
                    "yaml": e.yaml_text,
                }
                for e in section.examples.all()
            ]
            if examples:
                entry["examples"] = examples
            item["sections"].append(entry)
        lesson_quizzes = list(lesson.quizzes.all())
        if lesson_quizzes:
            item["quiz"] = _quiz_to_dict(lesson_quizzes[0])
            # The admin allows one quiz per lesson; any other (older data) is written as a
            # course-level quiz rather than left out, so the file carries it and its attempts.
            extra_quizzes += lesson_quizzes[1:]
        out["lessons"].append(item)
    finals = course.quizzes.filter(lesson__isnull=True).prefetch_related("questions__choices")
    finals = [*finals, *extra_quizzes]
    quizzes = [_quiz_to_dict(q) for q in finals if not q.bank and not q.is_exam]
    if quizzes:
        out["quizzes"] = quizzes
    out.update(_bank_to_dict(finals))
    out.update({"tasks": tasks} if (tasks := tasks_to_list(course)) else {})
    return out


def _bank_to_dict(finals: list[Quiz]) -> dict:
    """The bank, inline (course.yaml names files; one dumped file carries it all), and the
    practice exam."""
    out = {}
    banks = [quiz for quiz in finals if quiz.bank]
    if banks:
        out["bank"] = [
            {"domain": quiz.slug.rsplit("-bank-", 1)[-1], "questions": _questions(quiz)}
            for quiz in banks
        ]
    exam = next((quiz for quiz in finals if quiz.is_exam and not quiz.bank), None)
    if exam is not None:
        out["practice_exam"] = {
            "slug": exam.slug,
            "title": exam.title,
            "questions": exam.exam_questions,
            "minutes": exam.exam_minutes,
            "pass_percent": exam.pass_percent,
        }
        if exam.exam_tasks:
            out["practice_exam"]["tasks"] = exam.exam_tasks
    return out


_TAGS = ("key", "domain", "competency", "source", "reread", "output")


def _question_to_dict(question) -> dict:
    entry = {tag: getattr(question, tag) for tag in _TAGS if getattr(question, tag)}
    entry |= {"prompt": question.prompt, "kind": question.kind}
    entry["explanation"] = question.explanation
    if question.kind == "line":  # its choices are the config's lines
        entry |= {"config": question.config, "correct_line": question.correct_line}
        return entry
    entry["choices"] = []
    for choice in question.choices.all():
        item = {"yaml": choice.yaml} if choice.yaml else {"text": choice.text}
        item["correct"] = choice.is_correct
        if choice.why:
            item["why"] = choice.why
        entry["choices"].append(item)
    return entry


def _questions(quiz: Quiz) -> list[dict]:
    return [_question_to_dict(question) for question in quiz.questions.all()]


def _quiz_to_dict(quiz: Quiz) -> dict:
    questions = _questions(quiz)
    out = {"slug": quiz.slug, "title": quiz.title, "pass_percent": quiz.pass_percent}
    if quiz.draw_per_lesson:
        out["draw_per_lesson"] = quiz.draw_per_lesson
    if questions:
        out["questions"] = questions
    return out


def dump_yaml(data: dict) -> str:
    return yaml.dump(data, Dumper=_BlockDumper, sort_keys=False, allow_unicode=True, width=100)


def dump_course(course: Course) -> str:
    """The whole course as one YAML file (lessons inline); `loadcourse` reads it back."""
    return dump_yaml(course_to_dict(course))
