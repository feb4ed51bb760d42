"""The part of a lesson page that is the same for every learner, built once per content version.

Rendering a lesson's sections (stored Markdown HTML, highlighted examples, sources, the embedded
calculator) on every request cost most of the page's time. It depends only on the content, so it
is rendered once and cached, keyed by the lesson's id and its content version: the lesson's and
its course's `updated_at`. `touch_lesson` (wired to saves and deletes of sections, examples,
quizzes and questions in signals.py) moves the lesson's `updated_at` on every change, so a
changed lesson gets a new key and the old entry is never read again. Publishing, unpublishing
or deleting a lesson moves its course's `updated_at`: a drawn exam's size, shown on every lesson
of the course, counts the published lessons' quizzes (in a draft course, seen by staff only,
all of them, as their preview draws it; publishing the course saves it, which moves it too).
The key comes from the database row read on every request, so several processes, each with its
own local-memory cache, never serve an old version. Per request the view renders only the
learner's parts: progress panel, read controls and the CSRF token.

Content must change through `save()`/`delete()` (the admin and `loadcourse` do): a bulk
`QuerySet.update()` of sections or examples moves no version.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from django.contrib.staticfiles.storage import staticfiles_storage
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from calculator import cache as calculator_cache
from meshlearn import fragments
from meshlearn.prepared import PreparedQuery
from quizzes.models import Quiz
from quizzes.question_sets import question_count

from .models import Course, Lesson
from .progress import LessonProgress

TEMPLATE = "lessons/lesson.html"
CACHE_SECONDS = 24 * 3600  # unused versions age out; a current one is rebuilt at most daily


@dataclass(frozen=True)
class QuizLink:
    title: str
    url: str
    question_count: int


@dataclass(frozen=True)
class SectionEntry:
    id: int
    slug: str
    title: str
    kind: str
    read_url: str
    html: str  # the section's rendered body, without its read control

    @property
    def body(self) -> SafeString:
        return mark_safe(self.html)  # rendered by our own template from sanitised HTML


@dataclass(frozen=True)
class LessonBody:
    sections: tuple[SectionEntry, ...]
    lesson_quiz: QuizLink | None
    final_quizzes: tuple[QuizLink, ...]  # the course-level quizzes (final quiz, drawn exam)

    @property
    def section_ids(self) -> list[int]:
        return [section.id for section in self.sections]


def lesson_body(lesson: Lesson) -> LessonBody:
    """The lesson's shared part, from the cache or rendered now (`lesson.course` must be loaded)."""
    key = _cache_key(lesson)
    body = fragments.cache_get(key)
    if body is None:
        body = _render_body(lesson)
        fragments.cache_set(key, body, CACHE_SECONDS)
    return body


def touch_lesson(*, lesson_id: int | None = None, course_id: int | None = None) -> None:
    """Start a new content version of one lesson, or of every lesson of a course."""
    now = timezone.now()
    if lesson_id is not None:
        Lesson.objects.filter(pk=lesson_id).update(updated_at=now)
    if course_id is not None:
        Course.objects.filter(pk=course_id).update(updated_at=now)


def _cache_key(lesson: Lesson) -> str:
    version = f"{lesson.updated_at.timestamp()}:{lesson.course.updated_at.timestamp()}"
    return f"lesson-body:{_template_digest()}:{lesson.id}:{version}"


# Everything the cached HTML is drawn from besides the database: the page's templates, the
# embedded calculator (calculator_cache.version(): the release setting, the figures' version)
# and the static files' manifest (the page links hashed file names, which a deploy replaces).
SHAPE_TEMPLATES = (TEMPLATE, "base.html", "includes/header.html")


@fragments.per_deploy
def _template_digest() -> str:
    manifest = getattr(staticfiles_storage, "manifest_hash", "")
    return fragments.shape_digest(SHAPE_TEMPLATES, (), [calculator_cache.version(), manifest])


def _quiz_links(lesson: Lesson) -> tuple[QuizLink | None, tuple[QuizLink, ...]]:
    quizzes = (
        Quiz.objects.filter(course_id=lesson.course_id)
        .filter(Q(lesson=lesson) | Q(lesson__isnull=True))
        .annotate(question_count=Count("questions"))
    )
    lesson_quiz, final_quizzes = None, []
    # Only staff see a draft course's lessons: its exam is counted as their preview draws it.
    drafts = not lesson.course.published
    for quiz in quizzes:
        # A drawn exam has no questions of its own: count what an attempt will ask.
        count = question_count(quiz, drafts=drafts) if quiz.draw_per_lesson else quiz.question_count
        link = QuizLink(quiz.title, quiz.get_absolute_url(), count)
        if quiz.lesson_id == lesson.id and lesson_quiz is None:
            lesson_quiz = link
        elif quiz.lesson_id is None:
            final_quizzes.append(link)
    return lesson_quiz, tuple(final_quizzes)


def _render_body(lesson: Lesson) -> LessonBody:
    lesson_quiz, final_quizzes = _quiz_links(lesson)
    course_slug = lesson.course.slug
    entries = []
    for section in lesson.sections.prefetch_related("examples"):
        html = render_to_string(
            f"{TEMPLATE}#section-body",
            {"section": section, "lesson_quiz": lesson_quiz, "final_quizzes": final_quizzes},
        )
        entries.append(
            SectionEntry(
                id=section.id,
                slug=section.slug,
                title=section.title,
                kind=section.kind,
                read_url=reverse("mark-read", args=[course_slug, lesson.slug, section.slug]),
                html=str(html),
            )
        )
    return LessonBody(tuple(entries), lesson_quiz, final_quizzes)


# --- The page shell ------------------------------------------------------------------------
#
# Even with the body cached, rendering the page around it (base template, header, the table of
# contents, a read control per section) cost ~3 ms a request. So the whole page is rendered
# once per content version and kind of viewer into a shell: text pieces with slots where the
# learner's parts go. Each part is rendered from its own template partial once per state it
# can be in (a section read or not; 0..n sections read), so a request only picks pieces and
# joins them. The template stays the one source of the markup: the shell is built by rendering
# it with `slot` set, which makes it print markers instead of the learner's parts.

ANONYMOUS, LEARNER, STAFF = "anonymous", "learner", "staff"
_MARK = f"slot{secrets.token_hex(6)}"  # per process; shells are stored split, never with markers
_SLOT_RE = re.compile(rf"{_MARK}-([a-z]+)-(\d*)-")


def _marker(name: str, arg: int | str = "") -> str:
    return f"{_MARK}-{name}-{arg}-"


Pieces = tuple  # UTF-8 text pieces (bytes) and (slot name, int argument) pairs, in page order


def _split(html: str) -> Pieces:
    pieces: list = []
    position = 0
    for match in _SLOT_RE.finditer(html):
        if match.start() > position:
            pieces.append(html[position : match.start()].encode())
        name, arg = match.groups()
        pieces.append((name, int(arg) if arg else 0))
        position = match.end()
    if position < len(html):
        pieces.append(html[position:].encode())
    return tuple(pieces)


_COURSE_LESSONS = PreparedQuery(
    lambda course_slug: (
        Lesson.objects.filter(course__slug=course_slug)
        .order_by("order", "id")
        .values_list(
            "id", "slug", "published", "course__published", "updated_at", "course__updated_at"
        )
    ),
    "str",
    convert=False,  # the times only tell versions apart: the driver's own form serves
)


class CourseLessons:
    """Every lesson of a course in order, from one query: which lessons exist and their versions.

    `rows` changes with any edit, reordering or publishing in the course (the pager and the
    draft banner show them), so it is the page shell's version.
    """

    __slots__ = ("rows",)

    def __init__(self, course_slug: str):
        self.rows = tuple(_COURSE_LESSONS.rows(course_slug))

    def find(self, slug: str, *, drafts: bool) -> int | None:
        """The id of the lesson with this slug, if the viewer may see it."""
        for lesson_id, lesson_slug, published, course_published, *_ in self.rows:
            if lesson_slug == slug and (drafts or (published and course_published)):
                return lesson_id
        return None


@dataclass(frozen=True)
class PageShell:
    pieces: Pieces
    heads: tuple[Pieces, ...]  # the progress summary with 0, 1, … n sections read
    toc_items: dict[int, tuple[Pieces, Pieces]]  # section id → (unread, read)
    read_controls: dict[int, tuple[Pieces, Pieces]]
    section_ids: frozenset[int]

    def render(self, *, read_ids: set[int], csrf_token: str, username: str, next_path: str):
        """The page for one learner (their read sections, CSRF token and name), as UTF-8."""
        read_ids = read_ids & self.section_ids
        values = {
            "csrf": csrf_token.encode(),
            "user": escape(username).encode(),
            "next": quote(next_path, "/").encode(),
        }
        out: list[bytes] = []
        self._fill(self.pieces, read_ids, values, out)
        return b"".join(out)

    def _fill(self, pieces: Pieces, read_ids: set[int], values: dict, out: list[bytes]) -> None:
        for piece in pieces:
            if piece.__class__ is bytes:
                out.append(piece)
                continue
            name, arg = piece
            if name == "head":
                self._fill(self.heads[len(read_ids)], read_ids, values, out)
            elif name == "toc":
                self._fill(self.toc_items[arg][arg in read_ids], read_ids, values, out)
            elif name == "read":
                self._fill(self.read_controls[arg][arg in read_ids], read_ids, values, out)
            else:
                out.append(values[name])


def viewer_kind(user) -> str:
    if not user.is_authenticated:
        return ANONYMOUS
    return STAFF if user.is_staff else LEARNER


def page_shell(lessons: CourseLessons, lesson_id: int, viewer: str, build) -> PageShell:
    """The cached shell of a lesson page; `build()` gives the page context when it is missing."""
    shape = _template_digest()
    recent_key = (shape, lesson_id, viewer, lessons.rows)
    shell = _recent_shells.get(recent_key)
    if shell is None:
        digest = hashlib.sha256(repr(lessons.rows).encode()).hexdigest()[:20]
        key = f"lesson-shell:{shape}:{lesson_id}:{viewer}:{digest}"
        shell = fragments.cache_get(key)
        if shell is None:
            shell = _build_shell(viewer, build())
            fragments.cache_set(key, shell, CACHE_SECONDS)
        _recent_shells.keep(recent_key, shell, RECENT_SHELLS)
    return shell


# The shells last used, so a request need not unpickle one from the cache (~50 µs). Safe to
# keep in a process: the key holds the course's versions, read from the database on every
# request, so an edit is never served from here.
RECENT_SHELLS = 64
_recent_shells: fragments.Recent = fragments.Recent()


class _SlotUser:
    """Stands for the viewer in the shell: the header shows a name, staff links or log-in."""

    def __init__(self, viewer: str):
        self.is_authenticated = viewer != ANONYMOUS
        self.is_staff = viewer == STAFF

    def get_username(self) -> str:
        return _marker("user")


class _SlotRequest:
    def get_full_path(self) -> str:
        return _marker("next")


class _Slots:
    head = _marker("head")


def _build_shell(viewer: str, context: dict) -> PageShell:
    sections = context["sections"]
    shared = {**context, "csrf_token": _marker("csrf")}
    page = render_to_string(
        TEMPLATE,
        {
            **shared,
            "slot": _Slots(),
            "sections": [_ShellSection(section) for section in sections],
            "user": _SlotUser(viewer),
            "request": _SlotRequest(),
            "messages": (),
        },
    )
    ids = [section.id for section in sections]

    def variants(partial: str, section) -> tuple[Pieces, Pieces]:
        return tuple(
            _split(
                render_to_string(
                    f"{TEMPLATE}#{partial}",
                    {**shared, "section": section, "item": section, "read_ids": read},
                )
            )
            for read in (set(), {section.id})
        )

    heads = tuple(
        _split(
            render_to_string(
                f"{TEMPLATE}#progress-head",
                {"progress": _progress_of(read, len(ids))},
            )
        )
        for read in range(len(ids) + 1)
    )
    return PageShell(
        pieces=_split(page),
        heads=heads,
        toc_items={s.id: variants("toc-item", s) for s in sections},
        read_controls={s.id: variants("read-control", s) for s in sections},
        section_ids=frozenset(ids),
    )


class _ShellSection:
    """A section entry that also names its slots, for the shell render only."""

    def __init__(self, entry: SectionEntry):
        self._entry = entry
        self.toc_slot = _marker("toc", entry.id)
        self.read_slot = _marker("read", entry.id)

    def __getattr__(self, name: str):
        return getattr(self._entry, name)


def _progress_of(read: int, total: int) -> LessonProgress:
    return LessonProgress(0, read, total, None)
