"""A company-sized team, generated: members, courses of lessons and quizzes, read marks and
quiz attempts, written with bulk_create. Shared by the team pages' bench (bench/team_pages.py)
and the query-count tests at 5,000 members (tests/test_team_scale.py).

Deterministic: member i reads a prefix of some courses' sections and finishes some quizzes,
chosen by arithmetic on i, so every run builds the same team.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lessons.models import Course, Lesson, Section, SectionProgress
from lessons.read_counts import recount
from quizzes.models import Attempt, Quiz
from teams.models import Membership, Team

BATCH = 5000


@dataclass(frozen=True)
class Shape:
    members: int = 5000
    courses: int = 20
    lessons: int = 10  # per course
    sections: int = 4  # per lesson
    quizzes: int = 2  # per course
    courses_read: int = 5  # courses each member has started (of `courses`)
    longest_read: int = 41  # a member reads up to this many sections of a course, minus one
    attempt_every: int = 5  # member i finishes quiz q when (i + q) is a multiple of this
    prefix: str = "scale"


def _course_rows(shape: Shape):
    courses = Course.objects.bulk_create(
        [
            Course(slug=f"{shape.prefix}-c{c}", title=f"Course {c}", published=True, order=c)
            for c in range(shape.courses)
        ]
    )
    lessons = Lesson.objects.bulk_create(
        [
            Lesson(course=course, slug=f"l{n}", order=n, title=f"Lesson {c}.{n}", published=True)
            for c, course in enumerate(courses)
            for n in range(shape.lessons)
        ]
    )
    sections = Section.objects.bulk_create(
        [
            Section(lesson=lesson, slug=f"s{n}", order=n, title=f"Part {n}", body_html="<p>x</p>")
            for lesson in lessons
            for n in range(shape.sections)
        ],
        batch_size=BATCH,
    )
    quizzes = Quiz.objects.bulk_create(
        [
            Quiz(slug=f"{shape.prefix}-c{c}-q{n}", title=f"Quiz {c}.{n}", course=course, order=n)
            for c, course in enumerate(courses)
            for n in range(shape.quizzes)
        ]
    )
    return courses, sections, quizzes


def _bulk(model, rows) -> int:
    """Insert a generator's rows in batches, never holding them all."""
    count, batch = 0, []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            model.objects.bulk_create(batch)
            count, batch = count + len(batch), []
    model.objects.bulk_create(batch)
    return count + len(batch)


@transaction.atomic
def build_team(shape: Shape, *, lead) -> Team:
    """The team, led by `lead`, with `shape.members` learners and their history."""
    courses, sections, quizzes = _course_rows(shape)
    team = Team.objects.create(slug=f"{shape.prefix}-team", name=f"{shape.prefix} team")
    team.courses.set(courses)
    Membership.objects.create(team=team, user=lead, role=Membership.Role.INSTRUCTOR)
    User = get_user_model()
    users = User.objects.bulk_create(
        [
            User(username=f"{shape.prefix}{i:05d}", first_name=f"Member {i}")
            for i in range(shape.members)
        ],
        batch_size=BATCH,
    )
    _bulk(Membership, (Membership(team=team, user=u) for u in users))
    per_course = shape.lessons * shape.sections
    now = timezone.now()

    def marks():
        for i, user in enumerate(users):
            for c in range(shape.courses):
                if (i + c) % shape.courses < shape.courses_read:
                    length = min((i * 7 + c * 13) % shape.longest_read, per_course)
                    first = sections[c * per_course : c * per_course + length]
                    for section in first:
                        yield SectionProgress(user=user, section=section, read_at=now)

    def attempts():
        for i, user in enumerate(users):
            for q, quiz in enumerate(quizzes):
                if (i + q) % shape.attempt_every == 0:
                    score = (i + q) % 11
                    yield Attempt(user=user, quiz=quiz, finished_at=now, score=score, total=10)

    _bulk(SectionProgress, marks())
    recount(lesson_ids={section.lesson_id for section in sections})  # bulk_create signals none
    _bulk(Attempt, attempts())
    return team


def write_course_files(folder, lessons: int = 500):
    """A generated course folder: course.yaml listing `lessons` lesson files, each of three
    sections (one with a checked VirtualService example) and a two-question quiz. Returns the
    folder (the shape of content/istio-service-mesh/)."""
    from pathlib import Path

    folder = Path(folder) / "generated-course"
    folder.mkdir()
    names = [f"lesson-{n:03d}.yaml" for n in range(lessons)]
    listing = "".join(f"  - {name}\n" for name in names)
    (folder / "course.yaml").write_text(
        "slug: generated\ntitle: A generated course\nsummary: For the bench.\n"
        f"published: true\nlessons:\n{listing}"
    )
    for n, name in enumerate(names):
        (folder / name).write_text(_lesson_text(n))
    return folder


def _lesson_text(n: int) -> str:
    return f"""slug: lesson-{n:03d}
title: Lesson {n}
summary: Generated lesson {n}.
sections:
  - slug: intro
    title: Introduction
    body: |
      A *service mesh* moves networking out of the application, part {n}.

      It has a data plane and a control plane.
    sources:
      - title: "Istio docs: What is Istio?"
        url: https://istio.io/latest/docs/overview/what-is-istio/
  - slug: routing
    title: Routing
    kind: examples
    body: Route everything to v1.
    examples:
      - slug: all-v1
        title: Everyone to v1
        explanation: One route, no match, so it catches every request.
        yaml: |
          apiVersion: networking.istio.io/v1
          kind: VirtualService
          metadata:
            name: reviews-{n}
          spec:
            hosts:
            - reviews
            http:
            - route:
              - destination:
                  host: reviews
  - slug: wrap-up
    title: Wrap-up
    body: That is all for lesson {n}.
quiz:
  slug: generated-check-{n}
  title: Check lesson {n}
  questions:
    - prompt: Which proxy does Istio's sidecar data plane use?
      explanation: Envoy is the sidecar proxy.
      choices:
        - text: Envoy
          correct: true
        - text: HAProxy
          why: Not used by Istio's sidecars.
    - prompt: Which API group holds VirtualService?
      explanation: networking.istio.io.
      choices:
        - text: networking.istio.io
          correct: true
        - text: security.istio.io
          why: That group holds the security policies.
"""
