"""Seed a bench database and print what the load generator needs, as JSON.

Run by bench/run.py with the server's environment (DATABASE_URL and the rest): loads the course,
creates signed-in learners with their sessions and CSRF secrets, and marks some sections read so
the per-learner parts of the pages have something to show.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshlearn.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.core.management import call_command  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from lessons.models import Lesson, Section, SectionProgress  # noqa: E402

# Each learner gets an open attempt at every quiz: the quiz bench answers each question once.
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "400"))


def signed_in_session(user) -> str:
    # The same keys django.contrib.auth.login() writes, without a request to log in through.
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    call_command("loadcourse", str(ROOT / "content" / "istio-service-mesh"), verbosity=0)
    users = get_user_model().objects
    # The heaviest published lesson: the page the bench measures and weighs.
    lessons = list(Lesson.objects.published().select_related("course"))
    heaviest = max(
        lessons,
        key=lambda lesson: sum(
            len(s.body_html) + sum(len(e.highlighted_html) for e in s.examples.all())
            for s in lesson.sections.all()
        ),
    )
    sections = list(Section.objects.filter(lesson=heaviest))
    learners = []
    for number in range(LEARNERS):
        user, created = users.get_or_create(username=f"bench-learner-{number}")
        if created:
            user.set_unusable_password()  # signed in through a made session, never a password
            user.save()
        # Half the lesson read: the progress panel and the read controls both have work to do.
        for section in sections[: len(sections) // 2]:
            SectionProgress.objects.get_or_create(
                user=user, section=section, defaults={"read_at": "2026-01-01T00:00Z"}
            )
        learners.append(
            {
                "username": user.username,
                "session": signed_in_session(user),
                "csrf": _get_new_csrf_string(),  # the cookie's secret; also valid as the token
            }
        )
    print(
        json.dumps(
            {
                "answers": quiz_answers(users.filter(username__startswith="bench-learner-")),
                "lesson_url": heaviest.get_absolute_url(),
                "lesson_title": heaviest.title,
                "sections": len(sections),
                "session_cookie": settings.SESSION_COOKIE_NAME,
                "csrf_cookie": settings.CSRF_COOKIE_NAME,
                "learners": learners,
            }
        )
    )


def quiz_answers(learners) -> list[list]:
    """[learner number, quiz path, attempt, question, choice]: one fresh answer per row.

    Ordered question-major, so consecutive POSTs belong to different learners' attempts.
    """
    from quizzes.models import Quiz
    from quizzes.services import attempt_start

    quizzes = list(Quiz.objects.published().prefetch_related("questions__choices"))
    by_learner = []
    for user in sorted(learners, key=lambda u: int(u.username.rsplit("-", 1)[1])):
        rows = []
        for quiz in quizzes:
            attempt = attempt_start(quiz=quiz, user=user)
            for question in quiz.questions.all():
                choice = question.choices.all()[0]
                rows.append([quiz.slug, attempt.id, question.id, choice.id])
        by_learner.append(rows)
    answers = []
    for index in range(max((len(rows) for rows in by_learner), default=0)):
        for number, rows in enumerate(by_learner):
            if index < len(rows):
                answers.append([number, *rows[index]])
    return answers


def count_responses() -> None:
    from quizzes.models import Response

    print(Response.objects.count())


if __name__ == "__main__":
    count_responses() if sys.argv[1:] == ["count-responses"] else main()
