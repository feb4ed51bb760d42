"""The quizzes of a course file, their questions and choices, into the database in bulk (the
lessons' side is loading.py, which calls `load_quizzes` once the lessons are written)."""

from course_format.question_schema import ChoiceData, QuestionData, config_lines
from course_format.schema import CourseData, QuizData
from course_format.yamlfile import ContentError
from lessons.models import Course
from lessons.rendering import unix_newlines
from quizzes.models import Choice, Question, Quiz

from .bulk_rows import Rows
from .row_plans import Pages, count_work, leave_out, plan

QUIZ_FIELDS = [
    *("title", "course", "lesson", "order", "pass_percent", "draw_per_lesson", "bank"),
    *("exam_questions", "exam_minutes", "exam_tasks"),
]
QUESTION_FIELDS = [
    *("order", "prompt", "prompt_html", "kind", "explanation", "explanation_html", "key"),
    *("domain", "competency", "source", "reread", "output", "config", "correct_line"),
]
CHOICE_FIELDS = ["order", "text", "yaml", "yaml_html", "is_correct", "why"]


def load_quizzes(report, pages: Pages, course: Course, data: CourseData, lessons_by_slug):
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
            "exam_tasks": quiz_data.exam_tasks,
        }
        if plan(report, quizzes, quiz, values, "quizzes"):
            _quiz_pages(pages, quiz.lesson_id, was_on)
        planned.append((quiz, quiz_data))
    # A quiz the file leaves out goes with its questions; one that still holds a lesson the
    # file gives another quiz let go of it first in the old loader: deleted, it lets go too.
    leave_out(report, quizzes, stored.values(), "quizzes")
    count_work(report, quizzes)
    quizzes.delete()
    quizzes.write()

    questions_of = _stored_questions(quiz for quiz, _data in planned if quiz.pk)
    questions, choices = Rows(Question, QUESTION_FIELDS), Rows(Choice, CHOICE_FIELDS)
    for quiz, quiz_data in planned:
        written = _plan_questions(report, questions, choices, quiz, quiz_data, questions_of)
        if written:
            _quiz_pages(pages, quiz.lesson_id)
    for rows in (choices, questions):
        count_work(report, rows)
        rows.delete()
    for question in questions.written:
        question.render()
    questions.write()
    for choice in choices.written:
        choice.render()
    choices.write()  # a new choice's question_id is set from its question, now written


def _quiz_pages(pages: Pages, *lesson_ids) -> None:
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
        quiz.exam_tasks = exam.tasks
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
        if plan(report, questions, question, _question_values(question_data, index), "questions"):
            written = True
        old = getattr(question, "stored_choices", [])
        wanted = _choices_of(question_data)
        matched = _match_choices(old, [(c.text, unix_newlines(c.yaml)) for c in wanted])
        for position, choice_data in enumerate(wanted):
            choice = matched[position] or Choice(question=question)
            plan(
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
        leave_out(report, choices, [c for c in old if c.pk not in kept], "choices")
    leave_out(report, questions, stored[len(data.questions) :], "questions")
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
