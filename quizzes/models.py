"""Quizzes, their questions and choices, and learners' attempts and responses.

Integrity lives in the database, not only in Python: one open attempt per learner and quiz,
one response per (attempt, question).
"""

from operator import attrgetter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from course_format.bank import COMPETENCIES, DOMAINS
from course_format.bank_schema import MAX_EXAM_TASKS
from course_format.question_schema import config_lines
from lessons.models import Course, Lesson
from lessons.rendering import highlight_yaml, markdown_to_html, unix_newlines

from . import choice_order, scoring

# Models of this app kept in modules of their own, so this one stays a readable size.
from .attempt_task import AttemptTask  # noqa: F401
from .response import Response  # noqa: F401


def published_quiz(path: str = "") -> Q:
    """Quizzes a learner may take: their course is published, and their lesson if any; never a
    bank file's quiz (only the practice exam draws from it).

    `path` reaches the quiz from another model ("quiz__" from an attempt), so one query can
    check it in a join.
    """
    return Q(**{f"{path}course__published": True, f"{path}bank": False}) & (
        Q(**{f"{path}lesson__isnull": True}) | Q(**{f"{path}lesson__published": True})
    )


# The course file's bounds (course_format/schema.py): the admin keeps to them so that an
# exported course always imports again.
MIN_PASS_PERCENT, MAX_PASS_PERCENT = 1, 100
MAX_DRAW_PER_LESSON = 20
_PASS_PERCENT_RANGE = "The pass mark must be between 1 and 100 (percent of the questions)."


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_quiz())


class Quiz(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="quizzes")
    lesson = models.ForeignKey(
        Lesson,
        on_delete=models.CASCADE,
        related_name="quizzes",
        null=True,
        blank=True,
        help_text="Empty for a course-level quiz (the final quiz).",
    )
    order = models.PositiveIntegerField(default=0)
    pass_percent = models.PositiveSmallIntegerField(
        default=70,
        validators=[
            MinValueValidator(MIN_PASS_PERCENT, _PASS_PERCENT_RANGE),
            MaxValueValidator(MAX_PASS_PERCENT, _PASS_PERCENT_RANGE),
        ],
        help_text=(
            "Score needed to pass, in percent of the questions (1 to 100). Attempts finished"
            " before a change keep the mark they were judged by."
        ),
    )
    draw_per_lesson = models.PositiveSmallIntegerField(
        default=0,
        validators=[
            MaxValueValidator(
                MAX_DRAW_PER_LESSON,
                f"Draw at most {MAX_DRAW_PER_LESSON} questions from each lesson quiz.",
            )
        ],
        help_text=(
            "For a course exam (no lesson): draw this many questions (at most 20) at random"
            " from each lesson quiz of the course, anew for every attempt. 0 means the quiz"
            " asks its own questions."
        ),
    )

    # The course's question bank (`bank:` files) is kept as one quiz per file: never taken on
    # its own, only drawn from by the practice exam (`practice_exam:`).
    bank = models.BooleanField(
        default=False,
        help_text="A question bank file: its questions feed the practice exam; not taken alone.",
    )
    exam_questions = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(200, "Draw at most 200 questions.")],
        help_text=(
            "A timed practice exam: draw this many questions (at most 200) from the course's"
            " published bank by domain weight (20/35/25/20). 0: not a practice exam."
        ),
    )
    exam_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(600, "At most 600 minutes.")],
        help_text="The practice exam's time limit in minutes (kept on the server); 0: untimed.",
    )
    exam_tasks = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_EXAM_TASKS, f"Draw at most {MAX_EXAM_TASKS} tasks.")],
        help_text=f"A practice exam's tasks (at most {MAX_EXAM_TASKS}), drawn by domain weight"
        " and asked after its questions, timed with them. 0: questions only.",
    )

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["course", "order", "id"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_percent__gte=MIN_PASS_PERCENT, pass_percent__lte=MAX_PASS_PERCENT),
                name="quiz_pass_percent_1_to_100",
                violation_error_message=_PASS_PERCENT_RANGE,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quiz", args=[self.slug])

    def clean(self):
        super().clean()
        if self.lesson_id is not None and self.course_id is not None:
            if self.lesson.course_id != self.course_id:
                raise ValidationError(
                    {
                        "lesson": (
                            f"Lesson '{self.lesson}' belongs to another course"
                            f" ('{self.lesson.course}'). Pick a lesson of this quiz's course."
                        )
                    }
                )
            # The lesson page links one quiz, and the course file gives a lesson one `quiz:`.
            taken = Quiz.objects.filter(lesson_id=self.lesson_id).exclude(pk=self.pk).first()
            if taken is not None:
                raise ValidationError(
                    {
                        "lesson": (
                            f"Lesson '{self.lesson}' already has a quiz, '{taken}', and a lesson"
                            " has one: add these questions to that quiz, or leave Lesson empty"
                            " for a course-level quiz."
                        )
                    }
                )
        if self.draw_per_lesson and self.lesson_id is not None:
            # A lesson quiz is itself a pool the exam draws from; drawing belongs to the course.
            raise ValidationError(
                {
                    "draw_per_lesson": (
                        "Only a course-level quiz (one with no lesson) can draw questions from"
                        " the lesson quizzes. Set this to 0, or clear the lesson."
                    )
                }
            )

    @property
    def is_final(self) -> bool:
        return self.lesson_id is None

    @property
    def is_exam(self) -> bool:
        """A practice exam: drawn from the bank, answers shown only once it ends."""
        return self.exam_questions > 0

    @property
    def is_published(self) -> bool:
        """Whether learners may take it (published_quiz() on one quiz: load its course and
        lesson with it). Staff may take the others too, as a draft preview."""
        if not self.course.published:
            return False
        return self.lesson_id is None or self.lesson.published


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "Single choice"
        MULTIPLE = "multiple", "Multiple choice (all correct and no wrong one to score)"
        LINE = "line", "Pick the line of the config (its choices are the config's lines)"

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField(default=0)
    prompt = models.TextField(help_text="Plain text or short Markdown.")
    prompt_html = models.TextField(editable=False, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    explanation = models.TextField(help_text="Markdown, shown only after the learner answers.")
    explanation_html = models.TextField(editable=False, blank=True)
    key = models.SlugField(
        max_length=80, blank=True, help_text="A stable id, unique in the course (bank questions)."
    )
    domain = models.CharField(max_length=20, choices=list(DOMAINS.items()), blank=True)
    competency = models.CharField(
        max_length=60, blank=True, help_text="One of the domain's competencies, verbatim."
    )
    source = models.URLField(
        max_length=500, blank=True, help_text="The istio.io page or Istio source it rests on."
    )
    reread = models.CharField(
        max_length=110, blank=True, help_text="lesson-slug/section-slug to reread when wrong."
    )
    output = models.TextField(
        blank=True, help_text="Command output or a log line, shown verbatim with the prompt."
    )
    config = models.TextField(
        blank=True, help_text="Kind “line” only: the YAML whose faulty line the learner picks."
    )
    correct_line = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Kind “line” only: the faulty line, from 1."
    )

    class Meta:
        ordering = ["quiz_id", "order", "id"]

    def __str__(self) -> str:
        return self.prompt[:80]

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self) -> None:
        """Derive the stored HTML (save() does; so does a bulk load, which skips save())."""
        self.prompt, self.explanation = unix_newlines(self.prompt), unix_newlines(self.explanation)
        self.prompt_html = markdown_to_html(self.prompt)
        self.explanation_html = markdown_to_html(self.explanation)

    def clean(self):
        super().clean()
        errors = {}
        if self.competency and self.competency not in COMPETENCIES.get(self.domain, ()):
            known = ", ".join(COMPETENCIES.get(self.domain, ())) or "pick a domain first"
            errors["competency"] = f"Not a competency of this domain ({known})."
        if self.kind == self.Kind.LINE:
            lines = config_lines(self.config)
            if not self.correct_line or not 1 <= self.correct_line <= len(lines):
                errors["correct_line"] = f"Pick a line of the config: 1 to {len(lines)}."
        if errors:
            raise ValidationError(errors)

    @property
    def prompt_inline_html(self) -> str:
        """The prompt without its paragraph, to sit in a <legend> (phrasing content only);
        '' when the prompt is more than one paragraph."""
        html = self.prompt_html.strip()
        if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
            return html[3:-4]
        return ""


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    order = models.PositiveIntegerField(default=0)
    text = models.CharField(max_length=500, blank=True)
    yaml = models.TextField(blank=True, help_text="Instead of text: a YAML snippet, highlighted.")
    yaml_html = models.TextField(editable=False, blank=True)
    is_correct = models.BooleanField(default=False)
    why = models.TextField(
        blank=True, help_text="Why this choice is wrong (shown after answering)."
    )

    class Meta:
        ordering = ["question_id", "order", "id"]

    def __str__(self) -> str:
        return (self.text or self.yaml)[:80]

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self) -> None:
        """Derive the stored HTML (save() does; so does a bulk load, which skips save())."""
        self.yaml = unix_newlines(self.yaml)
        self.yaml_html = highlight_yaml(self.yaml) if self.yaml.strip() else ""

    def clean(self):
        super().clean()
        if not self.text.strip() and not self.yaml.strip():
            raise ValidationError({"text": "Write the choice's text, or a YAML snippet."})


class AttemptQuerySet(models.QuerySet):
    def counted(self):
        """Attempts that count as learners' results: not a staff member's draft preview."""
        return self.filter(preview=False)


class Attempt(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
        null=True,
        blank=True,
    )
    # A visitor's attempt is tied to a random id kept in their session (not the session key,
    # which Django rotates at login) and moved to their account when they sign in.
    anon_id = models.CharField(max_length=64, blank=True, db_index=True)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    # The questions a drawn exam asked in this attempt, in order; empty for an ordinary quiz,
    # which asks its own questions. Kept so a review shows exactly what was asked.
    question_ids = models.JSONField(default=list, blank=True, editable=False)
    # The quiz's pass mark when this attempt finished: a result stands as it was judged, so an
    # instructor raising the mark later does not turn a learner's pass into a fail (or back).
    pass_percent = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # Started by staff at a quiz learners cannot take yet (its lesson or course is a draft), to
    # try it as learners will. It stays a preview if the quiz is published meanwhile, and counts
    # nowhere learners' results are reported: /me/, team dashboards, "Course completed", marks.
    preview = models.BooleanField(
        default=False,
        editable=False,
        help_text="A staff member's try of a draft quiz: not counted in any learner's results.",
    )

    # Draws the order this attempt shows each question's choices in, and the values its form
    # sends for them (choice_order.py). Never shown on a page.
    choice_seed = models.PositiveBigIntegerField(default=choice_order.new_seed, editable=False)
    # A timed practice exam's end, set once at the start: answers after it are refused and the
    # attempt finishes by itself on the next request (services.attempt_expire).
    deadline = models.DateTimeField(null=True, blank=True, editable=False)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(finished_at__isnull=True, user__isnull=False),
                name="one_open_attempt_per_user_and_quiz",
            ),
            models.UniqueConstraint(
                fields=["anon_id", "quiz"],
                condition=Q(finished_at__isnull=True, user__isnull=True) & ~Q(anon_id=""),
                name="one_open_attempt_per_visitor_and_quiz",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anon_id=""), name="attempt_has_an_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} — {self.user or 'visitor'} ({self.score}/{self.total})"

    @property
    def percent(self) -> int:
        return scoring.percent(self.score, self.total)

    @property
    def pass_mark(self) -> int:
        """The mark this attempt is judged by: the quiz's when it finished; today's while open."""
        return self.pass_percent if self.pass_percent is not None else self.quiz.pass_percent

    @property
    def passed(self) -> bool:
        return self.finished_at is not None and scoring.passed(
            self.score, self.total, self.pass_mark
        )

    def in_shown_order(
        self, question_id: int, choices: list, choice_id=attrgetter("id"), *, kind: str = ""
    ) -> list:
        """A question's choices (objects, or rows with `choice_id`) in the order this attempt
        shows them: its own, drawn from its seed (choice_order.py); a `line` question's lines
        stay in the config's order (they come in it)."""
        if kind == Question.Kind.LINE:
            return list(choices)
        return choice_order.arrange(self.choice_seed, question_id, choices, choice_id)

    def overdue(self, now) -> bool:
        return self.finished_at is None and self.deadline is not None and now >= self.deadline
