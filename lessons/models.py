"""Courses, lessons, sections and config examples, plus each learner's reading marks.

Markdown and Pygments run once, on save, and their HTML is stored: lesson pages only read it.
The parts of a lesson page that are the same for everyone are cached by the lesson's content
version (`Lesson.content_version`): its and its course's `updated_at`, which every change to what
the page shows moves (`touch()`, wired in signals.py and in quizzes/signals.py).
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from course_format.schema import DIAGRAMS, SECTION_LAYOUTS, read_sources
from course_format.yamlfile import ContentError

from .example_checks import check_example
from .rendering import cards_html, highlight_yaml, markdown_to_html, reading_minutes, unix_newlines

logger = logging.getLogger(__name__)


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def touch(self) -> int:
        """A new content version for every lesson page of these courses."""
        return self.update(updated_at=timezone.now())


class Course(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    summary = models.TextField(
        blank=True, help_text="One or two plain sentences for the catalogue."
    )
    published = models.BooleanField(default=False, help_text="Learners see published courses only.")
    order = models.PositiveIntegerField(default=0, help_text="Position in the catalogue.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("course", args=[self.slug])


class LessonQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True, course__published=True)

    def touch(self) -> int:
        """A new content version for these lessons' pages."""
        return self.update(updated_at=timezone.now())

    def content_changed(self) -> None:
        """Recompute what each lesson derives from its sections and examples (the reading
        time), then start a new content version, so a cached page never shows the old minutes
        or a section that moved away."""
        for lesson in self:
            lesson.refresh_reading_minutes()
        self.touch()


class Lesson(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    slug = models.SlugField()
    order = models.PositiveIntegerField(default=0, help_text="Lessons are listed by this number.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    published = models.BooleanField(
        default=False, help_text="Drafts are visible to staff only (use 'View on site' to preview)."
    )
    reading_minutes = models.PositiveIntegerField(
        default=1, editable=False, help_text="Derived from the text of its sections."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["course", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_slug_unique_in_course")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        moved = (
            not self._state.adding and getattr(self, "_stored_course_id", None) != self.course_id
        )
        super().save(*args, **kwargs)
        self._stored_published, self._stored_course_id = self.published, self.course_id
        if moved:
            # A lesson moved to another course takes its quiz along: left behind, the quiz would
            # belong to one course and be asked from another, and neither course would export.
            self.quizzes.exclude(course_id=self.course_id).update(course_id=self.course_id)

    def get_absolute_url(self) -> str:
        return reverse("lesson", args=[self.course.slug, self.slug])

    @property
    def content_version(self) -> str:
        """The cache key's part that changes with what the page shows (`course` loaded): the
        course's version too, as publishing a lesson resizes the drawn exam that every lesson of
        the course shows. Read from the row on each request, so no process serves an old one."""
        return f"{self.updated_at.timestamp()}-{self.course.updated_at.timestamp()}"

    @classmethod
    def from_db(cls, db, field_names, values):
        lesson = super().from_db(db, field_names, values)
        if "published" in field_names:  # as stored: a save can then tell if it (un)publishes
            lesson._stored_published = lesson.published
        if "course_id" in field_names:  # and if it moves to another course
            lesson._stored_course_id = lesson.course_id
        return lesson

    def publishing_changed(self, *, created: bool) -> bool:
        """Whether the save that just ran published or unpublished the lesson (see signals.py).

        A lesson not read from the database counts as changed unless it is a new draft.
        """
        if created:
            return self.published
        return getattr(self, "_stored_published", None) != self.published

    def refresh_reading_minutes(self) -> None:
        texts = []
        for section in self.sections.prefetch_related("examples"):
            texts.append(section.body_markdown)
            for example in section.examples.all():
                texts.append(example.explanation)
                texts.append(example.yaml_text)
        minutes = reading_minutes("\n".join(texts))
        Lesson.objects.filter(pk=self.pk).update(reading_minutes=minutes)
        self.reading_minutes = minutes


class Section(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        EXAMPLES = "examples", "Text and config examples"
        CALCULATOR = "calculator", "Text and the overhead calculator"
        LAB = "lab", "Text and a link into the config lab"
        QUIZ = "quiz", "Text and the quiz"

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="sections")
    slug = models.SlugField()
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEXT)
    body_markdown = models.TextField(
        "body",
        blank=True,
        help_text=(
            "Markdown: **bold**, *italic*, `code`, [links](https://istio.io/…), lists, tables, "
            "```yaml fenced code```. Raw HTML is not rendered: learners see it as text."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text='List of {"title": …, "url": "https://…"}: where the facts come from.',
    )

    diagram = models.CharField(
        max_length=40,
        blank=True,
        choices=[(name, name) for name in DIAGRAMS],
        help_text="A diagram drawn for the course, shown after the body (templates/diagrams/).",
    )
    layout = models.CharField(
        max_length=10,
        default="prose",
        blank=True,  # left empty (an older admin form, a script): prose
        choices=[(name, name) for name in SECTION_LAYOUTS],
        help_text="cards: each ### heading of the body starts a card (who, scale, source…).",
    )

    class Meta:
        ordering = ["lesson", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "slug"], name="section_slug_unique_in_lesson")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.render()
        # Read by the post_save signal (signals.py): the lesson it left needs its reading time
        # and page version renewed as much as the one it joined.
        self.left_lesson_id = self._lesson_it_leaves()
        super().save(*args, **kwargs)
        self._stored_lesson_id = self.lesson_id

    def get_absolute_url(self) -> str:
        return f"{self.lesson.get_absolute_url()}#{self.slug}"

    def render(self) -> None:
        """Derive the stored HTML from the Markdown: what save() does before writing, and what
        a bulk load (coursefiles/loading.py) calls for the rows it writes without save()."""
        self.body_markdown = unix_newlines(self.body_markdown)
        self.body_html = markdown_to_html(self.body_markdown)
        self.layout = self.layout or "prose"
        if self.layout == "cards":
            self.body_html = cards_html(self.body_html)

    @property
    def diagram_template(self) -> str:
        return f"diagrams/{self.diagram}.html"

    @property
    def read_url(self) -> str:
        """Where "Mark as read" posts (`lesson.course` loaded)."""
        return reverse("mark-read", args=[self.lesson.course.slug, self.lesson.slug, self.slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        section = super().from_db(db, field_names, values)
        if "lesson_id" in field_names:  # as stored: a save can then tell if it moves the section
            section._stored_lesson_id = section.lesson_id
        return section

    def _lesson_it_leaves(self) -> int | None:
        """The lesson this save moves the section out of, or None if it stays (or is new)."""
        if self.pk is None:
            return None
        if hasattr(self, "_stored_lesson_id"):
            stored = self._stored_lesson_id
        else:  # not read from the database (or read without its lesson): ask it
            stored = Section.objects.filter(pk=self.pk).values_list("lesson_id", flat=True).first()
        return stored if stored is not None and stored != self.lesson_id else None

    @property
    def shown_sources(self) -> list[dict]:
        """The sources as the lesson page lists them. The admin and the course file check them
        (clean, below), but a row stored before those rules or by a plain save() may hold
        anything: such a section shows no sources rather than take its lesson page down."""
        try:
            return read_sources(self.sources)
        except ContentError as error:
            logger.warning("section %s: stored sources unreadable (%s)", self.pk, error)
            return []

    def clean(self):
        super().clean()
        try:
            self.sources = read_sources(self.sources)  # the course file's rule
        except ContentError as error:
            raise ValidationError({"sources": _sources_message(error)}) from None


def _sources_message(error: ContentError) -> str:
    where = error.path[1:]  # after "sources": the source's position, then its key
    problem = error.message[:1].upper() + error.message[1:]
    if where:
        key = f", {where[1]}" if len(where) > 1 else ""
        problem = f"Source {where[0] + 1}{key}: {error.message}"
    return (
        f'{problem}. Write a list of sources, each one {{"title": "…", "url": "https://…"}}, '
        "or [] for none."
    )


class ConfigExample(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="examples")
    slug = models.SlugField()
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=60, blank=True, editable=False, help_text="From `kind:`.")
    yaml_text = models.TextField("YAML")
    explanation = models.TextField(blank=True, help_text="Markdown shown under the example.")
    explanation_html = models.TextField(editable=False, blank=True)
    highlighted_html = models.TextField(editable=False, blank=True)
    broken = models.BooleanField(
        "deliberately broken",
        default=False,
        help_text="Teaches a mistake: the checker's problems are shown to learners beside it.",
    )
    problems = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["section", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["section", "slug"], name="example_slug_unique")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.render()
        super().save(*args, **kwargs)

    def render(self, problems: list[dict] | None = None) -> None:
        """Derive the stored HTML, kind and problems (as save() does before writing). A bulk
        load passes the `problems` it already had from checking the same text."""
        self.yaml_text = unix_newlines(self.yaml_text)
        self.explanation = unix_newlines(self.explanation)
        self.kind = _kind_of(self.yaml_text)
        self.explanation_html = markdown_to_html(self.explanation)
        self.highlighted_html = highlight_yaml(self.yaml_text)
        # Checked once and stored: learners see a deliberately broken example's problems.
        self.problems = check_example(self.yaml_text) if problems is None else problems

    def clean(self):
        super().clean()
        try:
            section = self.section
        except Section.DoesNotExist:
            return
        if not self.slug or section.lesson_id is None:
            return
        # The lesson page anchors each example by its slug, and the course file names it so
        # within the lesson: unique in the lesson, not only in the section (the constraint).
        clash = ConfigExample.objects.filter(section__lesson_id=section.lesson_id, slug=self.slug)
        if section.pk is not None:
            clash = clash.exclude(section_id=section.pk)
        other = clash.select_related("section").first()
        if other is not None:
            raise ValidationError(
                {
                    "slug": (
                        f"Section '{other.section}' of this lesson already has an example"
                        f" '{self.slug}': examples are named by slug within their lesson."
                        " Pick another slug."
                    )
                }
            )


def _kind_of(yaml_text: str) -> str:
    """The first `kind:` line, read textually so a broken example still gets a label."""
    kinds = []
    for line in yaml_text.splitlines():
        if line.startswith("kind:"):
            kinds.append(line.partition(":")[2].strip().strip("\"'"))
    return ", ".join(dict.fromkeys(kinds))[:60]


class SectionProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="section_progress"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="progress")
    read_at = models.DateTimeField()

    class Meta:
        ordering = ["read_at"]
        verbose_name_plural = "section progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "section"], name="one_read_mark_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.section}"


class LessonReadCount(models.Model):
    """How many sections of a lesson a learner has read, and when they last read one: a summary
    of their SectionProgress rows in that lesson, kept beside them by lessons/read_counts.py.

    Reports over many learners read these instead of the marks: a team's dashboard sorts 5,000
    members by completion from ~25 rows each instead of ~100 marks each. Lesson status is still
    derived from the marks wherever one learner's progress is shown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_read_counts"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="read_counts")
    read = models.PositiveIntegerField(help_text="Sections of the lesson the learner has read.")
    last_read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_read_count_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.read} of {self.lesson}"
