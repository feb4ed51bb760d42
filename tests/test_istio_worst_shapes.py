"""The checker's work is linear in the paste, and bounded: the costliest shapes we know
(tests/istio_worst_shapes.py) complete within the work budget at the lab's 256 KB, their steps
grow with the size the way the size does, and what cannot be linear is stopped by the budget
with a partial answer that says what was not checked. Counted in steps, never in seconds
(bench/lab_worst.py times the same shapes). No database."""

import functools
import math

import pytest

from istio_checker import Request
from istio_checker.budget import (
    FIELDS,
    MAX_STEPS,
    READING,
    REFERENCES,
    STEPS,
    TIME,
    TRACE,
    WorkBudget,
)
from istio_checker.lab import CHECK_STOPPED, check_config

from .istio_worst_shapes import BUDGET_STOPS, KB, MAX_SIZE, SHAPES

LINEAR = sorted(set(SHAPES) - BUDGET_STOPS)
REFUSED_UNREAD = {"ML0001", "ML0002", "ML0004"}  # too large, not YAML, too complex


def check(name: str, size: int, budget: WorkBudget | None = None):
    shape = SHAPES[name](size)
    request = Request(host=shape.host, path=shape.path, headers=shape.headers)
    # No wall-clock deadline: the steps decide, so the outcome does not depend on the machine.
    return check_config(shape.text, request, budget or WorkBudget(max_seconds=math.inf))


@pytest.mark.parametrize("name", LINEAR)
def test_each_worst_shape_is_checked_in_full_within_the_budget(name):
    result = check(name, MAX_SIZE)
    assert not result.partial, result.partial_message
    assert not REFUSED_UNREAD & {p.code for p in result.problems}  # it reached every pass
    assert result.steps <= MAX_STEPS // 2, "keep room under the budget for shapes not here"


@pytest.mark.parametrize("name", LINEAR)
def test_steps_grow_linearly_with_the_size(name):
    quarter = check(name, 64 * KB).steps
    whole = check(name, MAX_SIZE).steps
    assert 2 * quarter < whole <= 4.5 * quarter


def test_the_issue_shape_two_virtual_services_of_thousands_of_hosts():
    result = check("hosts_in_two_virtual_services", MAX_SIZE)
    hosts = SHAPES["hosts_in_two_virtual_services"](MAX_SIZE).text.count(".example.com")
    assert hosts > 9000
    assert result.steps < 10 * hosts  # a few steps a host; comparing pairs needs ~hosts²/2
    assert result.decision is not None and result.decision.outcome == "route"


@pytest.mark.parametrize("name", sorted(BUDGET_STOPS))
def test_work_out_of_proportion_to_the_text_is_stopped_by_steps(name):
    result = check(name, MAX_SIZE)
    assert result.partial and result.stopped.why == STEPS
    assert result.problems[0].code == "ML0007"
    assert result.trace_skipped == CHECK_STOPPED and result.decision is None
    # The budget is checked at every spend: it overshoots by one spend at most (one RE2
    # program refused as too large, or one long string).
    assert MAX_STEPS < result.steps <= MAX_STEPS + 50_000


# --- a partial answer -----------------------------------------------------------------------

THREE_DOCUMENTS = """\
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews, subset: v1}}]
    timeout: 10
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets: [{name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: again}
spec:
  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
"""
SAMPLE = Request(host="reviews")


def codes(result) -> set[str]:
    return {p.code for p in result.problems}


def stops(max_steps: int):
    return check_config(THREE_DOCUMENTS, SAMPLE, WorkBudget(max_steps, max_seconds=math.inf))


@functools.cache
def full_steps() -> int:
    return check_config(THREE_DOCUMENTS, SAMPLE, WorkBudget(max_seconds=math.inf)).steps


@functools.cache
def first_stop_in_each_pass() -> dict:
    """For each pass, the answer of the smallest budget that stops in it."""
    found = {}
    for max_steps in range(full_steps()):
        result = stops(max_steps)
        assert result.partial, max_steps
        found.setdefault(result.stopped.stage, result)
    return found


def test_the_full_check_of_the_sample_finds_what_the_partial_ones_may_miss():
    result = stops(full_steps())
    assert not result.partial and result.as_dict()["partial"] is False
    assert result.as_dict()["partial_message"] is None
    # `timeout: 10` has no unit; subset v1 is undefined; `reviews` is routed twice
    assert {"IST0106", "IST0101", "IST0109"} <= codes(result)
    assert result.decision is not None


def test_a_tiny_budget_stops_every_pass_in_turn_and_each_answer_says_what_it_left_out():
    first_stop = first_stop_in_each_pass()
    assert set(first_stop) == {READING, FIELDS, REFERENCES, TRACE}
    messages = {stage: result.problems[0].message for stage, result in first_stop.items()}
    assert "Not checked: document 1 (line 1) and every document after it" in messages[READING]
    assert "the fields and rules of the resource at line 1 (document 1)" in messages[FIELDS]
    assert (
        "the checks across resources (IST0101, IST0109, IST0132, IST0145 and more), in part"
        in (messages[REFERENCES])
    )
    assert messages[TRACE].endswith(
        "Not checked: the route trace. The other problems listed were found before it stopped."
    )
    for stage in (READING, FIELDS, REFERENCES):
        assert "the route trace" in messages[stage]  # it never ran either
    for result in first_stop.values():
        assert result.problems[0].code == "ML0007" and result.problems[0].severity == "warning"
        assert result.trace_skipped == CHECK_STOPPED and result.decision is None
        answer = result.as_dict()
        assert answer["partial"] is True
        assert answer["partial_message"] == result.problems[0].message
        assert answer["trace"] is None and answer["trace_skipped"] == CHECK_STOPPED
        assert "check stopped early" in answer["trace_skipped_message"]


def test_a_stop_while_reading_names_the_document_it_stopped_in():
    reading = [r for r in map(stops, range(0, full_steps(), 3)) if r.stopped.stage == READING]
    assert {1, 2, 3} <= {r.stopped.document for r in reading}
    third = next(r for r in reading if r.stopped.document == 3)
    assert "document 3 (line 17) and every document after it" in third.problems[0].message
    assert third.problems[0].line == 17  # the gutter marks where reading stopped


def test_problems_found_before_the_stop_are_kept():
    first_stop = first_stop_in_each_pass()
    assert "IST0106" in codes(first_stop[REFERENCES])  # the fields pass had finished
    assert {"IST0106", "IST0101", "IST0109"} <= codes(first_stop[TRACE])


def test_the_wall_clock_deadline_stops_a_check_too():
    ticks = iter(range(10**9))
    budget = WorkBudget(max_seconds=1000, clock=lambda: next(ticks) * 2000.0)
    result = check_config("---\n".join([THREE_DOCUMENTS] * 30), SAMPLE, budget)
    assert result.partial and result.stopped.why == TIME
    assert "took longer than the 5 s one check may take" in result.problems[0].message


# --- the limits that keep each answer linear ---------------------------------------------------


def test_regexes_istio_accepts_compile_and_bigger_programs_are_refused():
    from istio_checker.matchers import ISTIO_MAX_PROGRAM_SIZE, check_regex

    accepted = check_regex(".{1000}" * 4)  # 32 004 RE2 instructions: under Istio's 32 768
    assert accepted.pattern is not None and accepted.pattern.programsize <= ISTIO_MAX_PROGRAM_SIZE
    refused = check_regex(".{1000}" * 8)  # 64 004: Istio's proxies refuse it too
    assert refused.pattern is None and "too large" in refused.error


def test_each_pattern_is_compiled_once_per_check(monkeypatch):
    import re2

    from istio_checker import matchers

    compiled, compile = [], re2.compile

    def counting(pattern, options):
        compiled.append(pattern)
        return compile(pattern, options)

    monkeypatch.setattr(matchers.re2, "compile", counting)
    blocks = "".join("    - uri: {regex: '/v[0-9]+/.*'}\n" for _ in range(50))
    text = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        f"spec:\n  hosts: [r]\n  http:\n  - match:\n{blocks}"
        "    route: [{destination: {host: r}}]\n"
    )
    result = check_config(text, Request(host="r", path="/v2/x"))
    assert result.decision.outcome == "route"
    assert compiled == ["/v[0-9]+/.*"]  # 50 blocks, checked and traced: compiled once


def gateways_and_one_virtual_service(count: int) -> str:
    gateways = "".join(
        f"---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: gw-{g}}}\n"
        "spec:\n  selector: {istio: ingressgateway}\n  servers:\n"
        f"  - port: {{number: 80, name: http, protocol: HTTP}}\n    hosts: [only-{g}.example.com]\n"
        for g in range(count)
    )
    names = ", ".join(f"gw-{g}" for g in range(count))
    return (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: shop}\n"
        f"spec:\n  hosts: [shop.example.com]\n  gateways: [{names}]\n"
        "  http:\n  - route: [{destination: {host: shop}}]\n" + gateways
    )


def test_hosts_are_checked_against_the_first_eight_gateways_a_virtual_service_names():
    from istio_checker import validate

    eight = validate(gateways_and_one_virtual_service(8))
    assert [p.code for p in eight].count("IST0132") == 8
    assert not any("names more than" in p.message for p in eight)
    twelve = validate(gateways_and_one_virtual_service(12))
    assert [p.code for p in twelve].count("IST0132") == 8
    note = next(p for p in twelve if "names more than" in p.message)
    assert (note.severity, note.code, note.path) == ("info", "ML0025", "spec.gateways")
    assert note.message == (
        "This VirtualService names more than 8 Gateways; its hosts were checked against the "
        "first 8 only."
    )


def test_a_destination_shows_at_most_fifty_pod_labels():
    labels = ", ".join(f"label-{k}: value-{k}" for k in range(60))
    text = (
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\n"
        f"spec:\n  host: r\n  subsets: [{{name: v1, labels: {{{labels}}}}}]\n---\n"
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        "spec:\n  hosts: [r]\n  http:\n  - route: [{destination: {host: r, subset: v1}}]\n"
    )
    share = check_config(text, Request(host="r")).decision.shares[0]
    assert len(share.labels) == 51
    assert share.labels["label-49"] == "value-49" and "label-50" not in share.labels
    assert share.labels["…"] == "and 10 more"


def test_the_summary_names_twenty_destinations_and_counts_the_rest():
    entries = "".join(
        f"    - destination: {{host: backend-{k}}}\n      weight: 4\n" for k in range(25)
    )
    text = (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: r}\n"
        f"spec:\n  hosts: [r]\n  http:\n  - route:\n{entries}"
    )
    decision = check_config(text, Request(host="r")).decision
    assert len(decision.shares) == 25
    assert decision.summary.startswith("Rule [0] matches: 4% to backend-0; 4% to backend-1;")
    assert decision.summary.endswith("4% to backend-19; and 5 more destinations.")
