"""Seed a bench database and print what the load generator needs, as JSON.

Run by bench/run.py and bench/classroom.py in the server's environment (DATABASE_URL and the
rest), with the code of the tree being measured: BENCH_APP_ROOT (default: this checkout), so
`make bench BEFORE=<ref>` seeds an older tree with this file.

  seed.py                  the wrk rows: loads the course, creates signed-in learners with their
                           sessions and CSRF secrets, marks some sections read and opens attempts
  seed.py count-responses  how many quiz answers are stored
  seed.py classroom N      N fresh learners (classroom-0 ...) with a signed-in session each, no
                           progress: the classroom run's simulated learners
  seed.py classroom-rows   the classroom learners' stored read marks and answers, one key per row

The classroom commands find models by class name (apps.get_models), not by module path, so they
keep working on a tree whose apps are arranged differently.
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_APP_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "meshlearn.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,  # noqa: E402
)
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.middleware.csrf import _get_new_csrf_string  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

CLASSROOM_PREFIX = "classroom-"


def model(name: str):
    """The installed model class called `name`, whichever app holds it."""
    found = [m for m in apps.get_models() if m.__name__ == name]
    if len(found) != 1:
        raise LookupError(f"expected one model named {name}, found {len(found)}")
    return found[0]


# Each learner gets an open attempt at every quiz: the quiz bench answers each question once.
LEARNERS = int(os.environ.get("BENCH_LEARNERS", "400"))


def signed_in_session(user) -> str:
    # The same keys django.contrib.auth.login() writes, without a request to log in through:
    # the backend is the last one configured (the model backend; django-axes' comes first).
    store = import_string(settings.SESSION_ENGINE + ".SessionStore")()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def main() -> None:
    from lessons.models import Lesson, Section, SectionProgress

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
    """[learner number, quiz path, attempt, question, choice token]: one fresh answer per row.

    Ordered question-major, so consecutive POSTs belong to different learners' attempts.
    """
    from quizzes.choice_order import tokens
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
                # The form sends this attempt's token for a choice, never its id.
                token = tokens(attempt.choice_seed, question.id, [choice.id])[choice.id]
                rows.append([quiz.slug, attempt.id, question.id, token])
        by_learner.append(rows)
    answers = []
    for index in range(max((len(rows) for rows in by_learner), default=0)):
        for number, rows in enumerate(by_learner):
            if index < len(rows):
                answers.append([number, *rows[index]])
    return answers


def count_responses() -> None:
    print(model("Response").objects.count())


def classroom(count: int) -> None:
    """`count` learners who have read nothing and taken no quiz, each with a signed-in session.

    Sessions are made here rather than through the login form: a sign-in hashes the password
    (~0.3 s of CPU by design), so 5,000 of them would be the whole run's work, and login
    throttling counts by address, which every simulated learner shares.
    """
    call_command("migrate", verbosity=0, interactive=False)
    users = get_user_model().objects
    names = [f"{CLASSROOM_PREFIX}{number}" for number in range(count)]
    existing = set(users.filter(username__in=names).values_list("username", flat=True))
    fresh = []
    for name in names:
        if name not in existing:
            user = users.model(username=name)
            user.set_unusable_password()
            fresh.append(user)
    users.bulk_create(fresh, batch_size=500)
    by_name = {user.username: user for user in users.filter(username__in=names)}
    with transaction.atomic():  # one commit for all sessions, not one each
        learners = [[name, signed_in_session(by_name[name])] for name in names]
    print(json.dumps({"session_cookie": settings.SESSION_COOKIE_NAME, "learners": learners}))


def classroom_rows() -> None:
    """Every stored read mark and answer of the classroom learners, as keys with row counts.

    A read mark: "username /courses/<course>/<lesson>/<section>/read/" (the URL it was posted
    to); an answer: "username attempt question choice,choice" (the values the form sent: this
    attempt's tokens for the chosen choices, or their ids on a tree from before tokens, which
    `make bench BEFORE=<ref>` may run).
    """
    try:
        from quizzes.choice_order import tokens
    except ImportError:
        tokens = None

    marks: dict[str, int] = {}
    rows = model("SectionProgress").objects.filter(user__username__startswith=CLASSROOM_PREFIX)
    for username, course, lesson, section in rows.values_list(
        "user__username", "section__lesson__course__slug", "section__lesson__slug", "section__slug"
    ):
        key = f"{username} /courses/{course}/{lesson}/{section}/read/"
        marks[key] = marks.get(key, 0) + 1
    responses = model("Response").objects.filter(
        attempt__user__username__startswith=CLASSROOM_PREFIX
    )
    chosen: dict[int, list[int]] = {}
    through = model("Response")._meta.get_field("choices").remote_field.through
    for response_id, choice_id in through.objects.filter(response__in=responses).values_list(
        "response_id", "choice_id"
    ):
        chosen.setdefault(response_id, []).append(choice_id)
    answers: dict[str, int] = {}
    seed_field = "attempt__choice_seed" if tokens else "attempt_id"
    for pk, username, attempt, seed, question in responses.values_list(
        "pk", "attempt__user__username", "attempt_id", seed_field, "question_id"
    ):
        ids = chosen.get(pk, [])
        values = tokens(seed, question, ids).values() if tokens else map(str, ids)
        picked = ",".join(sorted(values))
        key = f"{username} {attempt} {question} {picked}"
        answers[key] = answers.get(key, 0) + 1
    print(json.dumps({"marks": marks, "answers": answers}))


if __name__ == "__main__":
    command = sys.argv[1:2]
    if command == ["count-responses"]:
        count_responses()
    elif command == ["classroom"]:
        classroom(int(sys.argv[2]))
    elif command == ["classroom-rows"]:
        classroom_rows()
    else:
        main()
