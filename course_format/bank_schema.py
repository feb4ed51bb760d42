"""The course's question bank (`bank:` files, one per ICA domain) and its practice exam
(`practice_exam:`), as course.yaml lists them. Pure Python: no Django. BANK_FORMAT.md."""

from dataclasses import dataclass
from pathlib import Path

from .bank import DOMAINS
from .question_schema import QuestionData, read_question
from .reader import Reader
from .yamlfile import ContentError, Path_, read_yaml

BANK_REQUIRED = ("key", "domain", "competency", "source")  # every bank question has them
MAX_EXAM_TASKS = 20  # the ICA itself is 15-20 tasks


@dataclass
class BankData:
    domain: str
    questions: list[QuestionData]
    file: str = ""


@dataclass
class PracticeExamData:
    slug: str
    title: str
    questions: int = 40
    minutes: int = 60
    pass_percent: int = 75
    tasks: int = 0  # practice tasks drawn with the questions (issue 24); 0: questions only


def read_bank(reader: Reader, course_file: Path, entry, path: Path_) -> BankData:
    """A bank file named in course.yaml, or a bank written inline (as dumpcourse writes it)."""
    if isinstance(entry, str):
        bank_path = (course_file.parent / entry).resolve()
        if course_file.parent.resolve() not in bank_path.parents:
            raise reader.doc.error(path, f"'{entry}' is outside the course folder")
        if not bank_path.is_file():
            raise reader.doc.error(path, f"bank file '{entry}' does not exist")
        doc = read_yaml(bank_path)
        reader, entry, path = Reader(doc), doc.data, ()
    raw = reader.mapping(entry, path, {"domain", "questions"}, {"domain", "questions"})
    domain = reader.choice(raw["domain"], (*path, "domain"), tuple(DOMAINS), "")
    questions = [
        read_question(reader, item, (*path, "questions", index), bank_domain=domain)
        for index, item in enumerate(reader.sequence(raw["questions"], (*path, "questions")))
    ]
    return BankData(domain=domain, questions=questions, file=reader.doc.file)


def read_practice_exam(reader: Reader, value, path: Path_) -> PracticeExamData:
    keys = {"slug", "title", "questions", "minutes", "pass_percent", "tasks"}
    raw = reader.mapping(value, path, keys, {"slug", "title"})
    exam = PracticeExamData(
        slug=reader.slug(raw["slug"], (*path, "slug")),
        title=reader.text(raw["title"], (*path, "title"), max_length=200),
    )
    bounds = (
        ("questions", 1, 200),
        ("minutes", 1, 600),
        ("pass_percent", 1, 100),
        ("tasks", 0, MAX_EXAM_TASKS),
    )
    for key, low, high in bounds:
        if key in raw:
            number = reader.whole_number(raw[key], (*path, key))
            if not low <= number <= high:
                raise reader.doc.error((*path, key), f"must be between {low} and {high}")
            setattr(exam, key, number)
    return exam


def check_keys(questions: list[QuestionData]) -> None:
    """Each question's key is unique in the course (bank files and quizzes together)."""
    seen: dict[str, tuple] = {}
    for question in questions:
        if not question.key:
            continue
        if question.key in seen:
            file, line = question.where or ("course", None)
            first = seen[question.key]
            also = f"{first[0]}:{first[1]}" if first and first[1] else "another question"
            raise ContentError(
                file, f"duplicate question key '{question.key}' (also at {also})", line
            )
        seen[question.key] = question.where
