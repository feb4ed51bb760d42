"""The course file format, checked field by field. Pure Python: no Django, no database.

`read_course(path)` turns a course folder (course.yaml + one file per lesson) or a single
course file into plain dataclasses, or raises ContentError naming the file, line and key.
The format is documented in content/README.md. Question rules come from quizzes.scoring (pure).
"""

from dataclasses import dataclass, field
from pathlib import Path

from .bank_schema import BankData, PracticeExamData, check_keys, read_bank, read_practice_exam
from .question_schema import ChoiceData, QuestionData, read_question
from .reader import SLUG
from .reader import Reader as _Reader
from .tasks import TaskData, check_course_tasks, read_task_entry
from .yamlfile import ContentError, Path_, YamlDocument, read_yaml

__all__ = ["SLUG", "ChoiceData", "QuestionData", "read_course", "read_sources"]

SECTION_KINDS = ("text", "examples", "calculator", "lab", "quiz")
# The diagrams drawn for the course (templates/diagrams/<name>.html): a section names one.
DIAGRAMS = (
    "control-plane",
    "sidecar-path",
    "ambient-path",
    "ingress-gateway",
    "canary-split",
    "mtls-identity",
    "authz-order",
)
COURSE_KEYS = {"slug", "title", "summary", "published", "lessons", "quizzes", "bank"}
COURSE_KEYS |= {"practice_exam", "tasks"}
# "cards": each `###` heading of the body starts a card (lessons/rendering.py).
SECTION_LAYOUTS = ("prose", "cards")


@dataclass
class QuizData:
    slug: str
    title: str
    pass_percent: int
    questions: list[QuestionData]
    draw_per_lesson: int = 0  # a course exam drawn from the lesson quizzes, per attempt
    bank: bool = False  # a bank file's questions (loading.py makes one quiz of each)
    exam_questions: int = 0  # the practice exam: questions drawn from the bank, per attempt
    exam_minutes: int = 0
    exam_tasks: int = 0  # and practice tasks drawn with them (practice_exam's `tasks:`)


@dataclass
class ExampleData:
    slug: str
    title: str
    yaml: str
    explanation: str = ""
    broken: bool = False
    path: tuple = ()  # where it is in its file, for messages
    first_line: int | None = None  # the file line of its YAML's line 1, when written `yaml: |`


@dataclass
class SourceData:
    title: str
    url: str


@dataclass
class SectionData:
    slug: str
    title: str
    kind: str
    body: str
    sources: list[SourceData] = field(default_factory=list)
    examples: list[ExampleData] = field(default_factory=list)
    diagram: str = ""  # one of DIAGRAMS, drawn after the body
    layout: str = "prose"


@dataclass
class LessonData:
    slug: str
    title: str
    summary: str
    published: bool
    sections: list[SectionData]
    quiz: QuizData | None = None
    file: str = ""  # where it was read from, for messages


@dataclass
class CourseData:
    slug: str
    title: str
    summary: str
    published: bool
    lessons: list[LessonData]
    quizzes: list[QuizData] = field(default_factory=list)
    bank: list[BankData] = field(default_factory=list)  # one per bank file, in course order
    practice_exam: PracticeExamData | None = None
    tasks: list[TaskData] = field(default_factory=list)  # practice tasks (course_format/tasks.py)

    def all_quizzes(self) -> list[QuizData]:
        return [lesson.quiz for lesson in self.lessons if lesson.quiz] + self.quizzes

    def all_questions(self) -> list[QuestionData]:
        quizzes = [q.questions for q in self.all_quizzes()] + [b.questions for b in self.bank]
        return [question for questions in quizzes for question in questions]


def _unique(reader: _Reader, items: list, path: Path_, what: str) -> None:
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.slug in seen:
            raise reader.doc.error(
                (*path, index, "slug"),
                f"duplicate {what} slug '{item.slug}' (also at position {seen[item.slug] + 1})",
            )
        seen[item.slug] = index


def read_course(path: Path) -> CourseData:
    """Read a course folder (its course.yaml) or a course file, with its lesson files."""
    course_file = path / "course.yaml" if path.is_dir() else path
    doc = read_yaml(course_file)
    reader = _Reader(doc)
    raw = reader.mapping(
        doc.data,
        (),
        COURSE_KEYS,
        {"slug", "title", "lessons"},
    )
    lessons = []
    for index, entry in enumerate(reader.sequence(raw["lessons"], ("lessons",))):
        if isinstance(entry, str):  # a lesson file beside the course file
            lesson_path = (course_file.parent / entry).resolve()
            if course_file.parent.resolve() not in lesson_path.parents:
                raise doc.error(("lessons", index), f"'{entry}' is outside the course folder")
            if not lesson_path.is_file():
                raise doc.error(("lessons", index), f"lesson file '{entry}' does not exist")
            lesson_doc = read_yaml(lesson_path)
            lessons.append(_read_lesson(_Reader(lesson_doc), lesson_doc.data, ()))
        else:
            lessons.append(_read_lesson(reader, entry, ("lessons", index)))
    if not lessons:
        raise doc.error(("lessons",), "a course needs at least one lesson")
    _unique(reader, lessons, ("lessons",), "lesson")
    quizzes = [
        _read_quiz(reader, item, ("quizzes", index), course_level=True)
        for index, item in enumerate(reader.sequence(raw.get("quizzes"), ("quizzes",)))
    ]
    bank = [
        read_bank(reader, course_file, entry, ("bank", index))
        for index, entry in enumerate(reader.sequence(raw.get("bank"), ("bank",)))
    ]
    exam = raw.get("practice_exam")
    course = CourseData(
        bank=bank,
        practice_exam=read_practice_exam(reader, exam, ("practice_exam",)) if exam else None,
        slug=reader.slug(raw["slug"], ("slug",)),
        title=reader.text(raw["title"], ("title",), max_length=200),
        summary=reader.text(raw.get("summary"), ("summary",)),
        published=reader.boolean(raw.get("published"), ("published",), default=True),
        lessons=lessons,
        quizzes=quizzes,
    )
    seen_quiz: set[str] = set()
    for quiz in course.all_quizzes():
        if quiz.slug in seen_quiz:
            raise ContentError(str(course_file), f"duplicate quiz slug '{quiz.slug}'")
        seen_quiz.add(quiz.slug)
    if course.practice_exam and course.practice_exam.slug in seen_quiz:
        raise doc.error(("practice_exam", "slug"), "is already the slug of a quiz")
    domains = [bank.domain for bank in bank]
    for index, domain in enumerate(domains):
        if domain in domains[:index]:
            raise doc.error(("bank", index), f"a second bank file for domain '{domain}'")
    check_keys(course.all_questions())
    course.tasks = _read_tasks(reader, course_file, raw.get("tasks"), lessons)
    return course


def _read_tasks(reader: _Reader, course_file: Path, entries, lessons: list) -> list[TaskData]:
    """course.yaml's `tasks:` (files or inline tasks), each naming a lesson of the course."""
    tasks = []
    for index, entry in enumerate(reader.sequence(entries, ("tasks",))):
        tasks.extend(read_task_entry(reader, course_file, entry, ("tasks", index)))
    check_course_tasks(tasks, {lesson.slug for lesson in lessons}, str(course_file))
    return tasks


def _read_lesson(reader: _Reader, value, path: Path_) -> LessonData:
    raw = reader.mapping(
        value,
        path,
        {"slug", "title", "summary", "published", "sections", "quiz"},
        {"slug", "title", "sections"},
    )
    sections = [
        _read_section(reader, item, (*path, "sections", index))
        for index, item in enumerate(reader.sequence(raw["sections"], (*path, "sections")))
    ]
    # A lesson may have no sections yet (a draft being written in the admin): the file
    # carries whatever the admin saves.
    _unique(reader, sections, (*path, "sections"), "section")
    examples = [example for section in sections for example in section.examples]
    _unique(reader, examples, (*path, "sections"), "example")
    quiz = raw.get("quiz")
    return LessonData(
        slug=reader.slug(raw["slug"], (*path, "slug")),
        title=reader.text(raw["title"], (*path, "title"), max_length=200),
        summary=reader.text(raw.get("summary"), (*path, "summary")),
        published=reader.boolean(raw.get("published"), (*path, "published"), default=True),
        sections=sections,
        quiz=_read_quiz(reader, quiz, (*path, "quiz")) if quiz is not None else None,
        file=reader.doc.file,
    )


def _read_section(reader: _Reader, value, path: Path_) -> SectionData:
    raw = reader.mapping(
        value,
        path,
        {"slug", "title", "kind", "body", "sources", "examples", "diagram", "layout"},
        {"slug", "title"},
    )
    sources = []
    for index, item in enumerate(reader.sequence(raw.get("sources"), (*path, "sources"))):
        spath = (*path, "sources", index)
        source = reader.mapping(item, spath, {"title", "url"}, {"title", "url"})
        url = reader.text(source["url"], (*spath, "url"), max_length=500)
        if not url.startswith("https://"):
            raise reader.doc.error((*spath, "url"), f"'{url}' is not an absolute https:// URL")
        sources.append(SourceData(reader.text(source["title"], (*spath, "title")), url))
    examples = [
        _read_example(reader, item, (*path, "examples", index))
        for index, item in enumerate(reader.sequence(raw.get("examples"), (*path, "examples")))
    ]
    return SectionData(
        slug=reader.slug(raw["slug"], (*path, "slug")),
        title=reader.text(raw["title"], (*path, "title"), max_length=200),
        kind=reader.choice(raw.get("kind"), (*path, "kind"), SECTION_KINDS, "text"),
        body=reader.text(raw.get("body"), (*path, "body")),
        sources=sources,
        examples=examples,
        diagram=reader.choice(raw.get("diagram"), (*path, "diagram"), DIAGRAMS, ""),
        layout=reader.choice(raw.get("layout"), (*path, "layout"), SECTION_LAYOUTS, "prose"),
    )


def read_sources(value) -> list[dict]:
    """A section's sources checked as a course file's are, as stored; or ContentError.

    The admin checks its sources field with this, so the admin and `loadcourse` accept exactly
    the same sources: the value is read as a section holding only them.
    """
    doc = YamlDocument("sources", {"slug": "sources", "title": "Sources", "sources": value})
    section = _read_section(_Reader(doc), doc.data, ())
    return [{"title": source.title, "url": source.url} for source in section.sources]


def _read_example(reader: _Reader, value, path: Path_) -> ExampleData:
    raw = reader.mapping(
        value,
        path,
        {"slug", "title", "yaml", "explanation", "broken"},
        {"slug", "title", "yaml"},
    )
    yaml_path = (*path, "yaml")
    key_line = reader.doc.line(yaml_path)
    literal = yaml_path in reader.doc.literal_blocks and key_line is not None
    return ExampleData(
        path=path,
        first_line=key_line + 1 if literal else None,
        slug=reader.slug(raw["slug"], (*path, "slug")),
        title=reader.text(raw["title"], (*path, "title"), max_length=200),
        yaml=reader.text(raw["yaml"], (*path, "yaml")),
        explanation=reader.text(raw.get("explanation"), (*path, "explanation")),
        broken=reader.boolean(raw.get("broken"), (*path, "broken"), default=False),
    )


def _read_quiz(reader: _Reader, value, path: Path_, *, course_level: bool = False) -> QuizData:
    keys = {"slug", "title", "pass_percent", "questions"}
    if course_level:  # only a course exam can draw from the lesson quizzes
        keys.add("draw_per_lesson")
    raw = reader.mapping(value, path, keys, {"slug", "title"})
    pass_percent = reader.whole_number(raw.get("pass_percent", 70), (*path, "pass_percent"))
    if not 1 <= pass_percent <= 100:
        raise reader.doc.error((*path, "pass_percent"), "must be between 1 and 100")
    draw = reader.whole_number(raw.get("draw_per_lesson", 0), (*path, "draw_per_lesson"))
    if not 0 <= draw <= 20:
        raise reader.doc.error((*path, "draw_per_lesson"), "must be between 0 and 20")
    questions = [
        read_question(reader, item, (*path, "questions", index))
        for index, item in enumerate(reader.sequence(raw.get("questions"), (*path, "questions")))
    ]
    if draw and questions:
        raise reader.doc.error(
            (*path, "questions"), "a quiz drawn from the lesson quizzes has no questions of its own"
        )
    # A lesson quiz may have no questions yet, as every new quiz in the admin has until its
    # questions are added (the file carries whatever the admin saves). A course quiz must ask
    # something, its own questions or drawn ones.
    if course_level and not draw and not questions:
        raise reader.doc.error((*path, "questions"), "a quiz needs at least one question")
    return QuizData(
        slug=reader.slug(raw["slug"], (*path, "slug")),
        title=reader.text(raw["title"], (*path, "title"), max_length=200),
        pass_percent=pass_percent,
        questions=questions,
        draw_per_lesson=draw,
    )
