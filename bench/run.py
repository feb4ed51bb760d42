"""`make bench`: the wrk rows and the classroom run, on SQLite and on PostgreSQL, in one run.

The wrk rows (this file), information only: for each database a fresh bench database is seeded
(bench/seed.py), gunicorn serves the site with production settings on a loopback port, and wrk
loads each page in turn: a short warm-up, then a measured run at 16 connections. Every page is
first fetched once and checked (status 200 and the content that proves it is the page meant, not
a login redirect or an error page), so a fast wrong answer cannot pass for a fast page. Printed:
requests/s, p50, p99, each page's ratio to the bare view (the same middleware, no work: the
ceiling) and to the bare view plus the session and user lookup (the signed-in floor), and the
compressed weight of the lesson page with all its assets, checked against 60 KB. An information
row, the floor of a page the lesson's size with a form, adds what the lesson page cannot skip
either (a CSRF token for its forms, and its bytes); the floor of a signed-in POST that writes
(one committed write) bounds the quiz answer row. The old ratio targets are retired: the speed
goal is the classroom run's (bench/classroom.py, docs/performance.md).

Traffic goes to 127.0.0.1 only; every run is bounded in time and stops its servers.
The machine may be shared, so the pages are measured in ROUNDS interleaved rounds (bare, lesson,
…, bare, lesson, …) and each figure is the median of its rounds: a burst of load from elsewhere
then moves one round of every page, not every round of one page. The load average is printed.

The calculator partial is requested with 400 distinct input sets in turn (what a class types),
so its row shows the per-input result cache warm over a realistic spread, not one cached URL;
a last, information-only row sends inputs never sent before, so each one is computed.

The quiz answer POST measures the real write path: bench/seed.py gives every bench learner an
open attempt at every quiz, and each POST answers a question not answered before (a different
learner's attempt from one POST to the next). The report says how many POSTs stored a fresh
answer; if the run outlasted the prepared answers, the rest got the "already answered" reply.

Environment: BENCH_PARTS (wrk,cpu,classroom,teams,load), BENCH_QUICK (1: short rounds and a small
classroom),
BENCH_SECONDS per round (4), BENCH_ROUNDS (3), BENCH_WARMUP (2), BENCH_CONNECTIONS (16),
BENCH_WORKERS (2), BENCH_LEARNERS (400), BENCH_CALCULATOR_INPUTS (400), BENCH_POSTGRES_URL
(postgres://postgres@127.0.0.1:5432/meshlearn_bench), BENCH_DATABASES (sqlite,postgres),
REDIS_URL (passed to the servers when set); the classroom's own are in bench/classroom.py.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import classroom
import course_load
import cpu
import team_pages
from common import HOST, fetch, free_port, fresh_postgres, stop

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
SECONDS = int(os.environ.get("BENCH_SECONDS", "2" if QUICK else "4"))  # per round
# With BENCH_BEFORE the classroom runs twice as often: two rounds keep `make bench` near 25 min.
ROUNDS = int(
    os.environ.get("BENCH_ROUNDS", "1" if QUICK else "2" if os.environ.get("BENCH_BEFORE") else "3")
)
WARMUP = int(os.environ.get("BENCH_WARMUP", "1" if QUICK else "2"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
POSTGRES_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/meshlearn_bench"
)
DATABASES = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
PARTS = os.environ.get("BENCH_PARTS", "wrk,cpu,classroom,teams,load").split(",")

WEIGHT_TARGET = 60 * 1024  # the lesson page with all its assets, compressed as sent


@dataclass
class Target:
    key: str
    label: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    expect: str = ""  # text the checked response must contain
    reject: str = ""  # text it must not contain (the whole page when a partial is meant)
    script: str = ""  # a wrk Lua script, for requests that differ one from the next
    offset: int = 0  # where the script's next run starts, so no run repeats an earlier request


@dataclass
class Result:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # socket errors plus non-2xx/3xx answers
    rounds: list[float] = field(default_factory=list)  # requests/s of each round
    note: str = ""

    @property
    def spread(self) -> float:
        return self.p99_ms / self.p50_ms if self.p50_ms else float("inf")


# --- servers -----------------------------------------------------------------------------


def server_env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "MESHLEARN_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": SECRET,
            "DJANGO_ALLOWED_HOSTS": HOST,
            # Plain HTTP on loopback: the TLS-only switches off, as `make serve` does.
            "DJANGO_SSL_REDIRECT": "0",
            "DJANGO_HSTS_SECONDS": "0",
            "DJANGO_SECURE_COOKIES": "0",
            "MESHLEARN_BENCH": "1",
        }
    )
    return env


SECRET = secrets.token_urlsafe(50)


def start_gunicorn(env: dict[str, str], port: int) -> subprocess.Popen:
    command = [
        GUNICORN,
        "meshlearn.wsgi",
        "--workers",
        str(WORKERS),
        "--bind",
        f"{HOST}:{port}",
        "--no-control-socket",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if fetch(port, "GET", "/healthz/")[0] == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
        time.sleep(0.2)
    stop(server)
    raise RuntimeError("gunicorn did not answer /healthz/ within 30 s")


def wait_idle(port: int) -> None:
    """Let the workers finish what the last run left queued before the next run starts.

    When wrk stops, up to CONNECTIONS requests are still queued or in flight; after a slow page
    (/me/ took ~100 ms a request under this load when this was written) they keep both workers
    busy for up to a second, and the next
    page's first requests would wait behind them and be counted in its tail. Idle means three
    bare requests in a row answered in under 10 ms (bounded at 5 s).
    """
    fast, deadline = 0, time.monotonic() + 5
    while fast < 3 and time.monotonic() < deadline:
        started = time.monotonic()
        fetch(port, "GET", "/bench/bare/")
        fast = fast + 1 if time.monotonic() - started < 0.01 else 0


# --- databases -----------------------------------------------------------------------------


def run_seed(env: dict[str, str], *args: str) -> str:
    """bench/seed.py in the servers' environment; its last line of output."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "seed.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def seed(env: dict[str, str]) -> dict:
    return json.loads(run_seed(env))


# --- wrk -----------------------------------------------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_duration(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def run_wrk(url: str, target: Target, seconds: int, script_dir: Path) -> Result:
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    if target.script:
        script = script_dir / f"{target.key}.lua"
        script.write_text(target.script)
        command += ["-s", str(script)]
    command.append(url + target.path)
    if target.script:
        command += ["--", str(target.offset)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = parse_duration(re.search(r"\n\s+50%\s+(\S+)", out).group(1))
    p99 = parse_duration(re.search(r"\n\s+99%\s+(\S+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    bad = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    bad += int(non2xx.group(1)) if non2xx else 0
    # Requests still in flight when wrk stopped may have reached the server too: skip past them.
    target.offset += requests + CONNECTIONS
    return Result(rps, p50, p99, requests, bad)


def lua_post(body: str, headers: dict[str, str]) -> str:
    lines = ['wrk.method = "POST"', f"wrk.body = {lua_string(body)}"]
    lines += [f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()]
    return "\n".join(lines) + "\n"


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


# --- what is measured ------------------------------------------------------------------------


def targets_for(data: dict, port: int) -> tuple[list[Target], dict[str, str]]:
    csrf = data["learners"][0]["csrf"]  # one CSRF secret for all: each learner has its cookie
    cookies = [
        f"{data['session_cookie']}={learner['session']}; {data['csrf_cookie']}={csrf}"
        for learner in data["learners"]
    ]
    signed_in = {"Cookie": cookies[0]}
    targets = [
        Target("bare", "bare view (ceiling)", "GET", "/bench/bare/", signed_in, expect="ok"),
        Target(
            "bare-user",
            "bare view + session and user lookup",
            "GET",
            "/bench/bare-signed-in/",
            signed_in,
            expect="ok user",
        ),
        Target(
            "lesson-floor",
            "floor of a page that size with a form (info)",
            "GET",
            f"/bench/page-floor/?bytes={lesson_size(port, data['lesson_url'], signed_in)}",
            signed_in,
            expect="ok user ",
        ),
        Target(
            "lesson",
            f"lesson page ({data['lesson_title'][:28]}…)",
            "GET",
            data["lesson_url"],
            signed_in,
            expect=f"of {data['sections']} sections read",
        ),
        calculator_target(signed_in, CALCULATOR_INPUTS, "calculator", "calculator partial (htmx)"),
        calculator_target(
            signed_in, None, "calculator-new", "calculator partial, never-seen inputs (info)"
        ),
        write_floor_target(data, cookies),
        quiz_target(data, cookies),
        Target("me", "/me/ dashboard", "GET", "/me/", signed_in, expect="sections"),
    ]
    unavailable = {}
    for target in targets:
        reason = check(port, target)
        if reason:
            unavailable[target.key] = reason
    return targets, unavailable


def lesson_size(port: int, lesson_url: str, headers: dict[str, str]) -> int:
    """The lesson page's size in bytes as served to the bench learner (0 if it fails)."""
    status, _, body = fetch(port, "GET", lesson_url, headers)
    return len(body) if status == 200 else 0


# What learners type into the calculator: CALCULATOR_INPUTS distinct input sets (services,
# replicas, traffic, mode, mTLS), cycled. The partial is cached per input set (the result is a
# pure function of the inputs), so this row shows a warm cache over a realistic spread; the
# "never-seen inputs" row sends inputs no request sent before, so every one is computed and
# rendered: the cold cost, printed for information (the target is held on the first row).
CALCULATOR_INPUTS = int(os.environ.get("BENCH_CALCULATOR_INPUTS", "400"))
INFO_ONLY = {"calculator-new"}  # measured once, after the rounds


def calculator_queries(count: int) -> list[str]:
    queries = []
    for n in range(count):
        params = {
            "services": 5 + 5 * (n % 40),
            "replicas": 1 + (n // 40) % 5,
            "rps": 250 * (1 + (n // 200) % 8),
            "mode": ("sidecar", "ambient")[(n // 2) % 2],
            "mtls": ("permissive", "strict")[n % 2],
        }
        queries.append("/calculator/?" + urllib.parse.urlencode(params))
    return queries


def calculator_target(headers: dict, count: int | None, key: str, label: str) -> Target:
    """Cycle through `count` distinct inputs, or (None) send inputs never sent before."""
    headers = {**headers, "HX-Request": "true"}
    if count is None:
        # The request counter picks the traffic figure: a new one on every request of the run.
        request_path = (
            'wrk.format("GET", "/calculator/?services=40&replicas=3&rps=" .. '
            "(1000 + next_query / 100))"
        )
        probe = "/calculator/?services=40&replicas=3&rps=999.5"
        table = ""
    else:
        queries = calculator_queries(count)
        probe = queries[0]
        table = "local queries = {\n" + ",\n".join(f"  {lua_string(q)}" for q in queries)
        table += "\n}\n"
        request_path = 'wrk.format("GET", queries[(next_query % #queries) + 1])'
    script = f"""{table}local next_query = 0
init = function(args)
  next_query = tonumber(args[1] or "0")
end
request = function()
  next_query = next_query + 1
  return {request_path}
end
"""
    script_headers = "".join(
        f"wrk.headers[{lua_string(k)}] = {lua_string(v)}\n" for k, v in headers.items()
    )
    return Target(
        key,
        label,
        "GET",
        probe,
        headers,
        expect="<",
        reject="<html",
        script=script_headers + script,
    )


def write_floor_target(data: dict, cookies: list[str]) -> Target:
    """POSTs that each commit one write for a different learner in turn, as quiz answers do."""
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": data["learners"][0]["csrf"]})
    rows = ",\n".join(f"  {lua_string(cookie)}" for cookie in cookies)
    script = f"""local cookies = {{
{rows}
}}
local next_cookie = 0
request = function()
  next_cookie = next_cookie + 1
  return wrk.format("POST", "/bench/write-floor/", {{
    ["Cookie"] = cookies[((next_cookie - 1) % #cookies) + 1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }}, {lua_string(body)})
end
"""
    return Target(
        "write-floor",
        "floor of a signed-in POST that writes (info)",
        "POST",
        "/bench/write-floor/",
        {"Cookie": cookies[0]},
        body=body,
        expect="ok written",
        script=script,
    )


def quiz_target(data: dict, cookies: list[str]) -> Target:
    answers = data["answers"]
    if not answers:
        return Target("quiz", "quiz answer POST (htmx, fresh answers)", "GET", "/no-quiz/")
    csrf = data["learners"][0]["csrf"]

    def body(row: list) -> str:
        _, _, attempt, question, choice = row
        fields = {"attempt": attempt, "question": question, "choice": choice}
        return urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": csrf})

    # The last prepared answer is the one `check` sends; wrk starts from the first.
    probe = answers[-1]
    rows = ",\n".join(
        f"  {{{lua_string(cookies[row[0]])}, {lua_string(f'/quizzes/{row[1]}/answer/')},"
        f" {lua_string(body(row))}}}"
        for row in answers[:-1]
    )
    script = f"""-- Each request answers a question not answered before (prepared by bench/seed.py).
local answers = {{
{rows}
}}
local next_answer = 0
init = function(args)
  next_answer = tonumber(args[1] or "0")  -- this run starts after the previous runs' answers
end
request = function()
  next_answer = next_answer + 1
  local row = answers[((next_answer - 1) % #answers) + 1]
  return wrk.format("POST", row[2], {{
    ["Cookie"] = row[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["HX-Request"] = "true",
  }}, row[3])
end
"""
    return Target(
        "quiz",
        "quiz answer POST (htmx, fresh answers)",
        "POST",
        f"/quizzes/{probe[1]}/answer/",
        {"Cookie": cookies[probe[0]], "HX-Request": "true"},
        body=body(probe),
        expect="feedback-verdict",
        reject="quiz-notice",
        script=script,
    )


def check(port: int, target: Target) -> str:
    """Empty when the target answers as the page it stands for; else why it cannot be measured."""
    headers = dict(target.headers)
    if target.method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        status, _, body = fetch(port, target.method, target.path, headers, target.body)
    except OSError as error:
        return f"no answer ({error})"
    text = body.decode("utf-8", "replace")
    if status != 200:
        return f"HTTP {status} from {target.method} {target.path}"
    if target.expect and target.expect not in text:
        return f"the answer lacks {target.expect!r}"
    if target.reject and target.reject in text:
        return f"the answer contains {target.reject!r}"
    return ""


def bench_database(label: str, database_url: str, script_dir: Path) -> dict | None:
    print(f"\n== {label}: seeding a fresh database", flush=True)
    env = server_env(database_url)
    data = seed(env)
    port = free_port()
    server = start_gunicorn(env, port)
    load_before = os.getloadavg()
    try:
        targets, unavailable = targets_for(data, port)
        base = f"http://{HOST}:{port}"
        measured = [t for t in targets if t.key not in unavailable]
        for target in targets:
            if target.key in unavailable:
                print(f"  {target.label}: not available ({unavailable[target.key]})", flush=True)
        answers_before = count_responses(env)
        rounds: dict[str, list[Result]] = {t.key: [] for t in measured}
        # Information-only rows run once after the rounds, with no warm-up: their never-seen
        # inputs would push the other rows' cached results out of the cache between rounds.
        interleaved = [t for t in measured if t.key not in INFO_ONLY]
        for target in interleaved:
            run_wrk(base, target, WARMUP, script_dir)
        for number in range(1, ROUNDS + 1):
            for target in interleaved:
                wait_idle(port)
                rounds[target.key].append(run_wrk(base, target, SECONDS, script_dir))
            print(f"  round {number} of {ROUNDS} done", flush=True)
        for target in measured:
            if target.key in INFO_ONLY:
                wait_idle(port)
                rounds[target.key] = [run_wrk(base, target, SECONDS, script_dir)]
        results: dict[str, Result | str] = dict(unavailable)
        for target in measured:
            results[target.key] = combine(rounds[target.key])
        quiz = results.get("quiz")
        if isinstance(quiz, Result):
            stored = count_responses(env) - answers_before
            quiz.note = (
                f"{stored} fresh answers stored by the warm-up and {quiz.requests} measured "
                f"POSTs ({len(data['answers'])} prepared)"
            )
        weight = page_weight(port, data["lesson_url"], targets[0].headers)
    finally:
        stop(server)
    load = (load_before[0], os.getloadavg()[0])
    return {"label": label, "targets": targets, "results": results, "weight": weight, "load": load}


def combine(rounds: list[Result]) -> Result:
    """The median round of each figure; requests and failures add up."""

    def median(values: list[float]) -> float:
        ordered = sorted(values)
        middle = len(ordered) // 2
        return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2

    return Result(
        rps=median([r.rps for r in rounds]),
        p50_ms=median([r.p50_ms for r in rounds]),
        p99_ms=median([r.p99_ms for r in rounds]),
        requests=sum(r.requests for r in rounds),
        bad=sum(r.bad for r in rounds),
        rounds=[r.rps for r in rounds],
    )


def count_responses(env: dict[str, str]) -> int:
    return int(run_seed(env, "count-responses"))


# --- page weight ---------------------------------------------------------------------------


class AssetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and attrs.get("rel") in ("stylesheet", "icon"):
            self.urls.append(attrs["href"])
        elif tag == "img" and attrs.get("src") and not attrs["src"].startswith("data:"):
            self.urls.append(attrs["src"])


def page_weight(port: int, lesson_url: str, headers: dict[str, str]) -> dict:
    accept = {"Accept-Encoding": "br, gzip"}
    status, response_headers, html = fetch(port, "GET", lesson_url, {**headers, **accept})
    assert status == 200, status
    page = {"url": lesson_url, "raw": len(html)}
    if response_headers.get("Content-Encoding"):
        page.update(sent=len(html), how=response_headers["Content-Encoding"] + " by the server")
        html = gzip.decompress(html) if "gzip" in page["how"] else html
    else:
        # Django leaves HTML uncompressed (no GZipMiddleware: BREACH); the proxy in front
        # compresses it. gzip level 6 is what nginx and most proxies use.
        page.update(sent=len(gzip.compress(html, compresslevel=6)), how="gzip -6 (the proxy)")
    links = AssetLinks()
    links.feed(html.decode())
    assets, seen = [], set()
    queue = [urllib.parse.urljoin(lesson_url, url) for url in links.urls]
    while queue:
        url = queue.pop(0)
        if url in seen or not url.startswith("/"):
            continue
        seen.add(url)
        plain_status, _, plain = fetch(port, "GET", url)
        status, asset_headers, sent = fetch(port, "GET", url, accept)
        encoding = asset_headers.get("Content-Encoding", "identity")
        assets.append({"url": url, "raw": len(plain), "sent": len(sent), "how": encoding})
        if plain_status == 200 and url.endswith(".css"):
            for ref in re.findall(rb"url\(\s*['\"]?([^'\")]+)", plain):
                ref = ref.decode()
                if not ref.startswith(("data:", "#")):
                    queue.append(urllib.parse.urljoin(url, ref))
    total = page["sent"] + sum(asset["sent"] for asset in assets)
    return {"page": page, "assets": assets, "total": total}


# --- report --------------------------------------------------------------------------------


# What the two information-only floors bound, printed under each database's table.
FLOOR_NOTES = {
    "lesson-floor": (
        "  floor of a page that size with a form: the session and user lookups, a CSRF\n"
        "  token and the lesson page's bytes, with no work of its own. At {ratio:.2f}x bare it is\n"
        "  the most any lesson page that checks who is signed in could reach here."
    ),
    "write-floor": (
        "  floor of a signed-in POST that writes: the session and user lookups, the CSRF\n"
        "  check and one committed write. At {ratio:.2f}x bare it bounds the quiz answer POST,\n"
        "  which also reads and locks the attempt and stores three rows."
    ),
}


def report(runs: list[dict]) -> None:
    print("\n" + "=" * 96)
    redis = "set" if os.environ.get("REDIS_URL") else "unset"
    print(
        f"MeshLearn bench: gunicorn {WORKERS} sync workers, wrk 1 thread, {CONNECTIONS} "
        f"connections; each page {ROUNDS} rounds x {SECONDS} s (interleaved, median shown) after "
        f"{WARMUP} s warm-up; signed-in learner; REDIS_URL {redis}; {os.cpu_count()} cores"
    )
    for run in runs:
        results = run["results"]
        bare = results.get("bare")
        floor = results.get("bare-user")
        load = run.get("load")
        load_text = f" (load average {load[0]:.2f} at start, {load[1]:.2f} at end)" if load else ""
        print(f"\n{run['label']}{load_text}")
        print(
            f"  {'page':<44}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'p99/p50':>9}{'x bare':>8}"
            f"{'x floor':>8}  rounds req/s"
        )
        for target in run["targets"]:
            result = results[target.key]
            if isinstance(result, str):
                print(f"  {target.label:<44}{'not available':>44}")
                continue
            ratio = result.rps / bare.rps if isinstance(bare, Result) else float("nan")
            floor_ratio = result.rps / floor.rps if isinstance(floor, Result) else float("nan")
            bad = f"  ({result.bad} failed of {result.requests})" if result.bad else ""
            spread = "/".join(f"{rps:.0f}" for rps in result.rounds)
            print(
                f"  {target.label:<44}{result.rps:>9.1f}{result.p50_ms:>9.2f}"
                f"{result.p99_ms:>9.2f}{result.spread:>9.2f}{ratio:>8.2f}{floor_ratio:>8.2f}"
                f"  {spread}{bad}"
            )
            if result.note:
                print(f"    {result.note}")
        print(
            "  x floor: against the bare view plus the session and user lookup, which every\n"
            "  signed-in page pays first. Information only: the ratio targets are retired."
        )
        for key, text in FLOOR_NOTES.items():
            floor_row = results.get(key)
            if isinstance(floor_row, Result) and isinstance(bare, Result):
                print(text.format(ratio=floor_row.rps / bare.rps))
    weight = next((run["weight"] for run in runs if run.get("weight")), None)
    if weight:
        page = weight["page"]
        print(f"\nLesson page weight, compressed as sent ({page['url']})")
        print(f"  {'what':<60}{'raw B':>10}{'sent B':>10}  how")
        print(f"  {'the page HTML':<60}{page['raw']:>10}{page['sent']:>10}  {page['how']}")
        for asset in weight["assets"]:
            print(f"  {asset['url'][:58]:<60}{asset['raw']:>10}{asset['sent']:>10}  {asset['how']}")
        total = weight["total"]
        verdict = "PASS" if total <= WEIGHT_TARGET else "MISS"
        print(f"  total {total / 1024:.1f} KB <= {WEIGHT_TARGET // 1024} KB: {verdict}")


def wrk_rows() -> list[dict]:
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=server_env("sqlite://:memory:"),
        check=True,
    )
    runs = []
    with tempfile.TemporaryDirectory(prefix="meshlearn-bench-") as tmp:
        tmp_path = Path(tmp)
        if "sqlite" in DATABASES:
            sqlite_url = f"sqlite:///{tmp_path / 'bench.sqlite3'}"
            runs.append(bench_database("SQLite", sqlite_url, tmp_path))
        if "postgres" in DATABASES:
            if fresh_postgres(POSTGRES_URL):
                runs.append(bench_database("PostgreSQL", POSTGRES_URL, tmp_path))
            else:
                runs.append({"label": "PostgreSQL: not available", "targets": [], "results": {}})
    return runs


def main() -> int:
    started = time.monotonic()
    if "wrk" in PARTS and not shutil.which("wrk"):
        print("make bench needs wrk (Debian: apt-get install wrk)", file=sys.stderr)
        return 2
    runs = wrk_rows() if "wrk" in PARTS else []
    cpu_runs = cpu.run_all(DATABASES, POSTGRES_URL) if "cpu" in PARTS else []
    classroom_runs = (
        classroom.run_all(DATABASES, POSTGRES_URL, quick=QUICK) if "classroom" in PARTS else []
    )
    if runs:
        report(runs)
    if cpu_runs:
        cpu.report(cpu_runs)
    if classroom_runs:
        classroom.report(classroom_runs)
    if "teams" in PARTS:  # the team lead's pages in-process (bench/team_pages.py): no Locust
        team_pages.run_all(DATABASES, POSTGRES_URL)
    if "load" in PARTS:  # a 500-lesson course by loadcourse and the admin (bench/course_load.py)
        course_load.run_all(DATABASES, POSTGRES_URL)
    print(f"\nmake bench took {(time.monotonic() - started) / 60:.1f} min")
    return 0


if __name__ == "__main__":
    sys.exit(main())
