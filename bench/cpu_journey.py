"""One tree's CPU per request along the classroom journey, in process (run by bench/cpu.py).

`python bench/cpu_journey.py TREE OUT.json [--profile]` with DATABASE_URL set: migrates a fresh
database, loads the course, then walks the classroom journey (bench/classroom_learners.py) with
Django's test client for a few learners, in one process and one thread. Each request's CPU time
(time.process_time) and queries are recorded by page. With --profile, cProfile runs as well and
the CPU is grouped by layer (the ORM, templates, the project's code...). Only URLs and the HTML
served are used, so the same script measures a tree from before the redesign.

CPU time in one process is what a request costs whatever else the machine does, so the figures
hold on a busy machine where the classroom run's latencies do not.
"""

from __future__ import annotations

import collections
import cProfile
import html
import json
import os
import pstats
import re
import sys
import time
from pathlib import Path

TREE, OUT = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
PROFILE = "--profile" in sys.argv
LEARNERS = int(os.environ.get("BENCH_CPU_LEARNERS", "6"))
os.chdir(TREE)
sys.path[:0] = [str(TREE), str(Path(__file__).resolve().parent)]
os.environ.update(
    DJANGO_SETTINGS_MODULE="meshlearn.settings",
    DJANGO_DEBUG="0",
    DJANGO_SECRET_KEY="bench-cpu-" + "k" * 50,
    DJANGO_ALLOWED_HOSTS="testserver",
    DJANGO_SSL_REDIRECT="0",
    DJANGO_HSTS_SECONDS="0",
    DJANGO_SECURE_COOKIES="0",
    MESHLEARN_LAB_CHECK_PER_MINUTE="0",
)

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from page_forms import LAB_HREF, LINK, QUIZ_HREF, choice_inputs, form_fields, forms  # noqa: E402

HTMX = {"HTTP_HX_REQUEST": "true"}
LAYERS = (
    ("django/db/models/sql", "ORM: building SQL"),
    ("django/db/models", "ORM: querysets and model instances"),
    ("django/db/backends", "database driver and backend"),
    ("sqlite3", "database driver and backend"),
    ("psycopg", "database driver and backend"),
    ("django/test", "the test client (the bench's own cost; a server pays its own instead)"),
    ("django/template", "templates"),
    ("template_partials", "templates"),
    ("django/contrib/sessions", "sessions and auth"),
    ("django/contrib/auth", "sessions and auth"),
    ("django/", "Django: other (utils, urls, http, middleware)"),
    ("site-packages", "other libraries"),
)


class Meter:
    """CPU and queries per page name; the profiler on around each request when asked."""

    def __init__(self) -> None:
        self.cpu: dict[str, list[float]] = collections.defaultdict(list)
        self.queries: collections.Counter = collections.Counter()
        self.page = ""
        self.profiler = cProfile.Profile() if PROFILE else None

    def __call__(self, execute, sql, params, many, context):
        self.queries[self.page] += 1
        return execute(sql, params, many, context)

    def request(self, client: Client, method: str, path: str, page: str, **kwargs):
        self.page = page
        started = time.process_time()
        if self.profiler:
            self.profiler.enable()
        with connection.execute_wrapper(self):
            response = getattr(client, method)(path, **kwargs)
        if self.profiler:
            self.profiler.disable()
        self.cpu[page].append(time.process_time() - started)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {response.status_code}")
        return response


def text(response) -> str:
    return response.content.decode()


def lesson_paths(client: Client) -> list[str]:
    home = text(client.get("/"))
    course = re.search(r'href="(/courses/[^/"]+/)"', home)[1]
    page = text(client.get(course))
    return list(dict.fromkeys(re.findall(rf'href="({course}[^/"#]+/)"', page)))


def walk_lesson(meter: Meter, client: Client, path: str) -> None:
    """One lesson of the classroom journey, as bench/classroom_learners.py walks it."""
    meter.request(client, "get", "/me/", "/me/")
    page = text(meter.request(client, "get", path, "lesson page"))
    page_forms = forms(page)
    reads = [(head, body) for head, body in page_forms if head.get("action", "").endswith("/read/")]
    for head, body in reads[:3]:
        meter.request(client, "post", head["action"], "mark read", data=form_fields(body), **HTMX)
    walk_calculator(meter, client, page_forms)
    links = LAB_HREF.findall(page)
    lab = text(meter.request(client, "get", html.unescape(links[0]) if links else "/lab/", "lab"))
    form = next((f for f in forms(lab) if f[0].get("id") == "lab-form"), None)
    if form:
        action = form[0].get("hx-post") or "/lab/"
        meter.request(client, "post", action, "lab check", data=form_fields(form[1]), **HTMX)
    quiz = QUIZ_HREF.search(page)
    if quiz:
        walk_quiz(meter, client, html.unescape(quiz[1]))


def walk_calculator(meter: Meter, client: Client, page_forms) -> None:
    embed = next((f for f in page_forms if f[0].get("hx-get") == "/calculator/"), None)
    if embed is None:
        calculator = text(meter.request(client, "get", "/calculator/", "calculator page"))
        embed = next((f for f in forms(calculator) if f[0].get("hx-get") == "/calculator/"), None)
    if embed is None:
        return
    fields = form_fields(embed[1])
    fields.update(json.loads(embed[0].get("hx-vals") or "{}"))
    for services in ("10", "30"):
        fields["services"] = services
        meter.request(client, "get", "/calculator/", "calculator (htmx)", data=fields, **HTMX)


def walk_quiz(meter: Meter, client: Client, path: str) -> None:
    cover = text(meter.request(client, "get", path, "quiz cover"))
    start = next((f for f in forms(cover) if f[0].get("action", "").endswith("/start/")), None)
    if start is None:
        return
    started = meter.request(
        client, "post", start[0]["action"], "quiz start", data=form_fields(start[1])
    )
    page = text(meter.request(client, "get", started["Location"], "quiz question"))
    for _ in range(100):
        form = next((f for f in forms(page) if f[0].get("action", "").endswith("/answer/")), None)
        if form is None:
            return
        fields = form_fields(form[1])
        fields["choice"] = choice_inputs(form[1])[1][:1]
        action = form[0].get("hx-post") or form[0]["action"]
        feedback = text(meter.request(client, "post", action, "quiz answer", data=fields, **HTMX))
        links = {label.strip(): href for href, label in LINK.findall(feedback)}
        if "See your result" in links:
            meter.request(client, "get", html.unescape(links["See your result"]), "quiz result")
            return
        following = next((href for label, href in links.items() if "Next" in label), None)
        if following is None:
            return
        page = text(meter.request(client, "get", html.unescape(following), "quiz question"))


def layers(profiler: cProfile.Profile) -> dict[str, float]:
    """Own CPU time (tottime) by layer; builtins count with the layer that called them."""
    shares: collections.Counter = collections.Counter()
    stats = pstats.Stats(profiler).stats
    for (filename, _, _), (_, _, own, _, callers) in stats.items():
        # A builtin's (filename "~") own time goes to the layer of its heaviest caller.
        heaviest = max(callers.items(), key=lambda item: item[1][2], default=(("?", 0, ""), 0))
        where = filename if filename != "~" else heaviest[0][0]
        project = str(TREE) + "/" in where and "site-packages" not in where
        name = "the project's code" if project else None
        name = name or next((label for key, label in LAYERS if key in where), "Python itself")
        shares[name] += own
    total = sum(shares.values()) or 1
    return {name: own / total for name, own in shares.most_common()}


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    call_command("loadcourse", "content/istio-service-mesh", verbosity=0)
    meter = Meter()
    users = get_user_model().objects
    paths = lesson_paths(Client())
    for number in range(LEARNERS):
        client = Client()
        client.force_login(users.create_user(f"cpu-learner-{number}", password="a-long-pass-77"))
        for path in paths:
            walk_lesson(meter, client, path)
    pages = {
        page: {
            "n": len(times),
            "cpu_ms": 1000 * sum(times) / len(times),
            "queries": meter.queries[page] / len(times),
        }
        for page, times in meter.cpu.items()
    }
    result = {"pages": pages, "layers": layers(meter.profiler) if meter.profiler else {}}
    OUT.write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
