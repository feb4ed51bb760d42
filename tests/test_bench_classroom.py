"""The classroom run's own logic (bench/): reading forms as a browser submits them, a step's
figures from Locust's histograms, the database check, its settings, and the seed's learners and
row keys against the real site (the keys the learners record must be the keys the seed reads
back, or the database check would compare different things)."""

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import classroom  # noqa: E402
import page_forms  # noqa: E402
import step_figures  # noqa: E402

QUESTION_FORM = """
<form class="quiz-question" method="post" action="/quizzes/q/answer/"
      hx-post="/quizzes/q/answer/" hx-disabled-elt="find button[type='submit']">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok&amp;en">
  <input type="hidden" name="attempt" value="7">
  <input type="hidden" name="question" value="3">
  <input id="choice-12" type="checkbox" name="choice" value="12" required autofocus>
  <input id="choice-10" type="checkbox" name="choice" value="10" required>
  <input id="choice-11" type="checkbox" name="choice" value="11" checked>
  <button type="submit" class="button">Check answer</button>
</form>
<form method="get" action="/calculator/" hx-get="/calculator/" hx-vals='{"view": "compact"}'>
  <select name="mode"><option value="sidecar">S</option><option value="ambient" selected>A
  </option></select>
  <select name="figures"><option value="1.24">new</option><option value="1.22">old</option></select>
  <textarea name="config" rows="3">
line &lt;one&gt;
line two</textarea>
  <input type="number" name="services" value="20">
</form>
"""


def test_forms_are_found_with_their_attributes_in_page_order():
    found = page_forms.forms(QUESTION_FORM)
    assert [head.get("action") for head, _ in found] == ["/quizzes/q/answer/", "/calculator/"]
    assert found[0][0]["hx-disabled-elt"] == "find button[type='submit']"
    assert json.loads(found[1][0]["hx-vals"]) == {"view": "compact"}


def test_the_choices_are_read_in_the_order_the_page_draws_them():
    _, body = page_forms.forms(QUESTION_FORM)[0]
    assert page_forms.choice_inputs(body) == ("checkbox", ["12", "10", "11"])


def test_form_fields_are_what_a_browser_submits():
    question, calculator = (body for _, body in page_forms.forms(QUESTION_FORM))
    # Hidden fields unescaped, only the checked box, no button.
    assert page_forms.form_fields(question) == {
        "csrfmiddlewaretoken": "tok&en",
        "attempt": "7",
        "question": "3",
        "choice": "11",
    }
    # The selected option (else the first), the textarea without its first newline.
    assert page_forms.form_fields(calculator) == {
        "mode": "ambient",
        "figures": "1.24",
        "config": "line <one>\nline two",
        "services": "20",
    }
    assert page_forms.options_of(calculator, "figures") == ["1.24", "1.22"]


def histogram(times: dict, requests=None, failures=0) -> dict:
    total = sum(times.values()) if requests is None else requests
    return {"requests": total, "failures": failures, "times": times}


def test_a_step_window_is_the_difference_of_two_snapshots():
    before = histogram({5: 10, 40: 2}, failures=1)
    after = histogram({5: 12, 40: 2, 120: 1}, failures=1)
    assert step_figures.window(before, after) == histogram({5: 2, 120: 1})


def test_percentiles_of_a_histogram():
    figures = step_figures.figures(histogram({10: 90, 50: 5, 200: 4, 900: 1}))
    assert (figures["p50"], figures["p95"], figures["p99"], figures["max"]) == (10, 50, 200, 900)


def test_a_step_holds_only_with_p95_within_the_target_and_no_failure():
    holds = step_figures.step_holds
    assert holds({"requests": 10, "p95": 100, "failures": 0}, 100)
    assert not holds({"requests": 10, "p95": 101, "failures": 0}, 100)
    assert not holds({"requests": 10, "p95": 20, "failures": 1}, 100)
    assert not holds({"requests": 0, "p95": 0, "failures": 0}, 100)


def test_the_database_check_finds_missing_doubled_and_repeated_rows():
    good = classroom.compare_rows(["a 1", "a 2"], {"a 1": 1, "a 2": 1, "b 9": 1})
    assert good["good"] and good["ok"] == 2 and good["extra"] == 1
    missing = classroom.compare_rows(["a 1", "a 2"], {"a 1": 1})
    assert not missing["good"] and missing["missing"] == ["a 2"]
    doubled = classroom.compare_rows(["a 1"], {"a 1": 2})
    assert not doubled["good"] and doubled["duplicated"] == 1
    repeated = classroom.compare_rows(["a 1", "a 1"], {"a 1": 1})
    assert not repeated["good"] and repeated["repeated"] == 1


def test_settings_cap_the_steps_and_shorten_with_a_before_ref(monkeypatch):
    for name in ("BENCH_STEPS", "BENCH_MAX_LEARNERS", "BENCH_STEP_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    full = classroom.Settings.from_env(quick=False, before="")
    assert full.steps == [250, 500, 1000, 2000, 3000, 4000, 5000]
    assert full.step_seconds == 30
    assert full.spawn_rate() == 1000 / full.spawn_seconds  # the largest step-up, in ~5 s
    assert classroom.Settings.from_env(quick=False, before="main").step_seconds == 20
    monkeypatch.setenv("BENCH_MAX_LEARNERS", "1500")
    assert classroom.Settings.from_env(quick=False, before="").steps == [250, 500, 1000, 1500]
    monkeypatch.setenv("BENCH_STEPS", "100,50")
    monkeypatch.setenv("BENCH_MAX_LEARNERS", "")
    assert classroom.Settings.from_env(quick=True, before="").steps == [50, 100]


@pytest.fixture
def seed_module():
    import seed

    return seed


@pytest.mark.django_db
def test_seeded_learners_are_signed_in_and_their_rows_read_back_as_the_learners_key_them(
    client, mini_course, seed_module, capsys
):
    seed_module.classroom(2)
    made = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    (name, session), _ = made["learners"]
    client.cookies[made["session_cookie"]] = session
    me = client.get("/me/")
    assert me.status_code == 200 and b"My progress" in me.content

    # A read mark, posted to the action of the lesson page's form, as the learners do.
    lesson = client.get("/courses/mini-mesh/first/").content.decode()
    reads = [h["action"] for h, _ in page_forms.forms(lesson) if h["action"].endswith("/read/")]
    assert client.post(reads[0], HTTP_HX_REQUEST="true").status_code == 200

    # An answer, from the question form the quiz page draws.
    cover = client.get("/quizzes/first-check/").content.decode()
    start = next(h for h, _ in page_forms.forms(cover) if h.get("action", "").endswith("/start/"))
    question_page = client.get(client.post(start["action"])["Location"]).content.decode()
    head, body = next(f for f in page_forms.forms(question_page) if "answer" in f[0]["action"])
    fields = page_forms.form_fields(body)
    _, choices = page_forms.choice_inputs(body)
    fields["choice"] = choices[:1]
    answered = client.post(head["action"], fields, HTTP_HX_REQUEST="true")
    assert b"feedback-verdict" in answered.content

    seed_module.classroom_rows()
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rows["marks"] == {f"{name} {reads[0]}": 1}
    assert rows["answers"] == {f"{name} {fields['attempt']} {fields['question']} {choices[0]}": 1}
