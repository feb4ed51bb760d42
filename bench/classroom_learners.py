"""Locust file for the classroom run of `make bench`: simulated learners walking the real journey.

Run by bench/classroom.py (never by hand: it seeds the accounts and writes the plan this file
reads from BENCH_CLASSROOM_PLAN). Each simulated learner is a real account signed in through a
session the seed made. It walks, lesson after lesson, what a learner does in a browser: open
/me/, open the lesson page, mark a few unread sections read (htmx POST with the page's CSRF
token), use the overhead calculator (the htmx partial, typing into the form it found), open the
config lab and check a config (the lab form's htmx POST), start the lesson's quiz and answer
every question (choosing among the choices the page's form shows, in whatever order it shows
them), see the result; then /me/ again and the next lesson. Every step waits a think time
first (exponential, mean from the plan).

Only URLs and pages are used: links and forms are read from the HTML served, so the bench does
not depend on how the code is arranged. A page that answers without what proves it is that page
(a login redirect, an error page, a refused answer) counts as a failure.

The load shape (ClassroomSteps) holds the learners in steps and measures each step after it has
settled; it stops after the first step that misses the target. The master writes each step's
figures to steps.json; each process writes the read marks and answers that got a 200 to
worker-*.json, for the database check afterwards.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import urlencode

import gevent
from locust import LoadTestShape, events, task
from locust.contrib.fasthttp import FastHttpUser
from locust.runners import MasterRunner
from page_forms import LAB_HREF, LINK, QUIZ_HREF, choice_inputs, form_fields, forms, options_of
from step_figures import figures, snapshot, step_holds, window

PLAN = json.loads(Path(os.environ["BENCH_CLASSROOM_PLAN"]).read_text())
OUT = Path(PLAN["out"])
THINK = PLAN["think_seconds"]
SESSION_COOKIE = PLAN["session_cookie"]
CSRF_COOKIE = PLAN.get("csrf_cookie", "csrftoken")
LEARNERS = PLAN["learners"]  # [[username, session key], ...]
LESSONS = PLAN["lessons"]  # lesson page paths, in course order

# What this process saw succeed, for the database check: one key per stored row expected.
MARKS_OK: list[str] = []
ANSWERS_OK: list[str] = []
_taken = itertools.count()
CSRF_SET = re.compile(CSRF_COOKIE + r"=([^;]+)")

# What a learner types into the calculator: one field changed at a time, to a usual value.
CALCULATOR_TYPING = {
    "services": ["5", "10", "20", "30", "50", "80", "120", "200"],
    "replicas": ["1", "2", "3", "4", "5"],
    "rps": ["100", "500", "1000", "2000", "5000"],
    "nodes": ["3", "6", "10", "20"],
}

# --- the learner ----------------------------------------------------------------------------


def think_time(user) -> float:
    return random.expovariate(1 / THINK)


class Learner(FastHttpUser):
    wait_time = think_time
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self) -> None:
        runner = self.environment.runner
        workers = max(PLAN["locust_workers"], 1)
        index = getattr(runner, "worker_index", 0) + workers * next(_taken)
        if index >= len(LEARNERS):
            raise RuntimeError(f"more simulated learners than seeded accounts ({len(LEARNERS)})")
        self.username, session = LEARNERS[index]
        self.cookies = {SESSION_COOKIE: session}
        self.client.client.cookiejar = None  # cookies are kept in self.cookies, below
        self.lesson = index % len(LESSONS)
        self.steps = self.walk()
        # The first step after a think time too, so learners joining a step arrive spread out.
        gevent.sleep(think_time(self))

    @task
    def step(self) -> None:
        """One learner action (then Locust waits the think time). A journey that went wrong
        starts over at the next lesson, as a learner would move on."""
        try:
            next(self.steps)
        except StopIteration:
            self.steps = self.walk()

    def walk(self):
        """Arrive on /me/ (where "Continue where you left off" is), then a lesson's journey;
        again with the next lesson."""
        while True:
            self.get("/me/", "/me/ dashboard", "My progress")
            yield
            yield from self.lesson_journey(LESSONS[self.lesson])
            self.lesson = (self.lesson + 1) % len(LESSONS)

    # --- HTTP -----------------------------------------------------------------------------

    def request(self, method, path, name, expect, *, htmx=False, data=None, reject="", status=200):
        """The page's text if it answered `status` with `expect` (for a redirect: its Location)
        and without `reject`; else None, and the request counts as failed."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if htmx:
            headers["HX-Request"] = "true"
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            token = data.get("csrfmiddlewaretoken")
            if token and htmx:
                headers["X-CSRFToken"] = token  # as the page's hx-headers send it
        body = urlencode(data, doseq=True) if data is not None else None
        with self.client.request(
            method,
            path,
            name=name,
            headers=headers,
            data=body,
            catch_response=True,
            allow_redirects=False,  # followed as the browser does, as a request of its own
        ) as response:
            for cookie in response.headers.getlist("set-cookie") if response.headers else ():
                found = CSRF_SET.match(cookie)
                if found:
                    self.cookies[CSRF_COOKIE] = found[1]
            if response.status_code != status:
                response.failure(f"HTTP {response.status_code}")
                return None
            if status != 200:
                response.success()
                return response.headers.get("location") or ""
            text = response.text or ""
            if expect not in text or (reject and reject in text):
                response.failure(f"the page lacks {expect!r}" if expect not in text else reject)
                return None
            response.success()
            return text

    def get(self, path, name, expect, **kwargs):
        return self.request("GET", path, name, expect, **kwargs)

    def post(self, path, data, name, expect, **kwargs):
        return self.request("POST", path, name, expect, data=data, **kwargs)

    # --- the journey ----------------------------------------------------------------------

    def lesson_journey(self, lesson_path: str):
        page = self.get(lesson_path, "lesson page", "sections read")
        if page is None:
            return
        yield
        page_forms = forms(page)
        reads = [(a, b) for a, b in page_forms if a.get("action", "").endswith("/read/")]
        for action, body in reads[: random.randint(1, 3)]:
            fields = form_fields(body)
            done = self.post(action["action"], fields, "mark read (htmx)", "read-done", htmx=True)
            if done is not None:
                MARKS_OK.append(f"{self.username} {action['action']}")
            yield
        yield from self.calculator(page_forms)
        yield from self.lab(page)
        quiz = QUIZ_HREF.search(page)
        if quiz:
            yield from self.quiz(html.unescape(quiz[1]))

    def calculator(self, page_forms):
        """Type into the lesson's embedded calculator, or open the calculator page and use it."""
        embed = next((f for f in page_forms if f[0].get("hx-get") == "/calculator/"), None)
        name = "calculator (htmx, lesson embed)"
        if embed is None:
            page = self.get("/calculator/", "calculator page", 'id="calc-form"')
            if page is None:
                return
            yield
            embed = next((f for f in forms(page) if f[0].get("hx-get") == "/calculator/"), None)
            name = "calculator (htmx, calculator page)"
            if embed is None:
                return
        head, body = embed
        fields = form_fields(body)
        fields.update(json.loads(head.get("hx-vals") or "{}"))
        for _ in range(random.randint(1, 2)):
            field = random.choice([f for f in CALCULATOR_TYPING if f in fields] or ["mode"])
            values = CALCULATOR_TYPING.get(field) or options_of(body, field) or [fields[field]]
            fields[field] = random.choice(values)
            self.get(f"/calculator/?{urlencode(fields)}", name, "calc-", htmx=True, reject="<html")
            yield

    def lab(self, lesson_page: str):
        links = LAB_HREF.findall(lesson_page)
        page = self.get(
            html.unescape(random.choice(links)) if links else "/lab/", "lab page", 'id="lab-form"'
        )
        if page is None:
            return
        yield
        form = next((f for f in forms(page) if f[0].get("id") == "lab-form"), None)
        if form is None:
            return
        fields = form_fields(form[1])
        if random.random() < 0.5:  # an edit: the last lines of the config deleted
            lines = fields.get("config", "").splitlines()
            fields["config"] = "\n".join(lines[: max(len(lines) - 6, 1)]) + "\n"
        action = form[0].get("hx-post") or form[0].get("action") or "/lab/"
        self.post(action, fields, "lab check (htmx form POST)", 'id="lab-results"', htmx=True)
        yield

    def quiz(self, quiz_path: str):
        cover = self.get(quiz_path, "quiz cover", "<form")
        if cover is None:
            return
        yield
        start = next((f for f in forms(cover) if f[0].get("action", "").endswith("/start/")), None)
        if start is not None:
            # POST, then the 303 to the quiz page followed at once: the first question.
            fields = form_fields(start[1])
            where = self.post(start[0]["action"], fields, "quiz start (POST, 303)", "", status=303)
            if not where:
                return
            page = self.get(where, "quiz first question", 'name="choice"')
        else:  # an open attempt shows its question at once
            page = cover if 'name="choice"' in cover else None
        while page is not None:
            yield  # reading the question
            form = next(
                (f for f in forms(page) if f[0].get("action", "").endswith("/answer/")), None
            )
            if form is None:
                return
            fields = form_fields(form[1])
            kind, values = choice_inputs(form[1])
            if not values:
                return
            picked = random.sample(values, random.randint(1, min(2, len(values))))
            fields["choice"] = picked if kind == "checkbox" else picked[:1]
            action = form[0].get("hx-post") or form[0]["action"]
            feedback = self.post(
                action,
                fields,
                "quiz answer (htmx)",
                "feedback-verdict",
                htmx=True,
                reject="quiz-notice",
            )
            if feedback is None:
                return
            chosen = ",".join(sorted(fields["choice"]))  # tokens, sorted as the check sorts them
            ANSWERS_OK.append(f"{self.username} {fields['attempt']} {fields['question']} {chosen}")
            yield  # reading the feedback
            links = {text.strip(): href for href, text in LINK.findall(feedback)}
            if "See your result" in links:
                self.get(html.unescape(links["See your result"]), "quiz result", "result-verdict")
                yield
                return
            next_path = html.unescape(links.get("Next question", quiz_path))
            page = self.get(next_path, "quiz next question (htmx)", 'name="choice"', htmx=True)


# --- the steps ------------------------------------------------------------------------------


class ClassroomSteps(LoadTestShape):
    """Ramp to each step's learners, let it settle, measure it; stop after a step that misses.

    A step holds when its measured window has p95 <= the target and no failure at all.
    """

    def __init__(self):
        super().__init__()
        self.steps = PLAN["steps"]
        self.index = 0
        self.phase = "ramp"
        self.since = 0.0
        self.baseline: dict | None = None
        self.results: list[dict] = []
        self.note_phase()

    def tick(self):
        now = self.get_run_time()
        if self.index >= len(self.steps):
            return None
        users = self.steps[self.index]
        if self.phase == "ramp":
            # The workers report their counts every few seconds: past the spawn's own time
            # (plus a margin) the step goes on, and the count measured is reported with it.
            previous = self.steps[self.index - 1] if self.index else 0
            spawn_time = (users - previous) / PLAN["spawn_rate"] + PLAN["ramp_margin_seconds"]
            if self.get_current_user_count() >= users or now - self.since >= spawn_time:
                self.enter("settle", now)
        elif self.phase == "settle" and now - self.since >= PLAN["settle_seconds"]:
            self.enter("measure", now)
            self.baseline = snapshot(self.runner.stats)
            self.started_at = time.time()
        elif self.phase == "measure" and now - self.since >= PLAN["step_seconds"]:
            self.results.append(self.measured(users, now - self.since))
            self.write()
            if not self.results[-1]["held"] and not PLAN["keep_going"]:
                return None
            self.index += 1
            if self.index >= len(self.steps):
                return None
            self.enter("ramp", now)
            users = self.steps[self.index]
        return users, PLAN["spawn_rate"]

    def enter(self, phase: str, now: float) -> None:
        self.phase, self.since = phase, now
        self.note_phase()

    def note_phase(self) -> None:
        """Where the run is, for bench/classroom.py's CPU sampler and profiler."""
        users = self.steps[self.index] if self.index < len(self.steps) else 0
        state = {"users": users, "phase": self.phase, "at": time.time()}
        (OUT / "phase.json").write_text(json.dumps(state))

    def measured(self, users: int, seconds: float) -> dict:
        after = snapshot(self.runner.stats)
        total = figures(window(self.baseline["total"], after["total"]))
        pages = {}
        for name, state in after["entries"].items():
            before = self.baseline["entries"].get(name, {"requests": 0, "failures": 0, "times": {}})
            pages[name] = figures(window(before, state))
        held = step_holds(total, PLAN["p95_target_ms"])
        return {
            "users": users,
            "running": self.get_current_user_count(),  # as the workers last reported
            "seconds": seconds,
            "started_at": self.started_at,
            "ended_at": time.time(),
            "held": held,
            **total,
            "pages": pages,
            "errors": self.errors(),
        }

    def errors(self) -> dict[str, int]:
        return {f"{e.name}: {e.error}": e.occurrences for e in self.runner.stats.errors.values()}

    def write(self) -> None:
        (OUT / "steps.json").write_text(json.dumps(self.results))


@events.quitting.add_listener
def write_results(environment, **kwargs) -> None:
    """Every process that ran learners: what it saw succeed. The master (or a lone process):
    the whole run's figures."""
    runner = environment.runner
    master = isinstance(runner, MasterRunner)
    if not master:
        index = getattr(runner, "worker_index", 0)
        path = OUT / f"worker-{index}-{os.getpid()}.json"
        path.write_text(json.dumps({"marks": MARKS_OK, "answers": ANSWERS_OK}))
    if runner is not None and (master or PLAN["locust_workers"] == 0):
        overall = figures(snapshot(runner.stats)["total"])
        errors = {f"{e.name}: {e.error}": e.occurrences for e in runner.stats.errors.values()}
        (OUT / "overall.json").write_text(json.dumps({**overall, "errors": errors}))
