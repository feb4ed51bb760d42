"""The Istio config checker (`istio_checker.validate`): a corpus of configs with their exact
expected problems, plus focused tests of messages, hints and limits. No database."""

from dataclasses import asdict
from pathlib import Path

import pytest

from istio_checker import validate
from istio_checker.budget import MAX_STEPS, running
from istio_checker.checks import MAX_PROBLEMS
from istio_checker.durations import parse_duration
from istio_checker.matchers import check_regex
from istio_checker.yamlsource import MAX_TEXT_BYTES

CORPUS = Path(__file__).parent / "istio_corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.yaml"))


def expected_problems(text: str) -> list[tuple[str, str, str, int]]:
    """`# expect: <severity> <code> <path or -> <line>` lines; `# expect: nothing` for none."""
    expected = []
    for line in text.splitlines():
        if not line.startswith("# expect:"):
            continue
        words = line.removeprefix("# expect:").split()
        if words == ["nothing"]:
            continue
        severity, code, path, number = words
        expected.append((severity, code, "" if path == "-" else path, int(number)))
    return expected


def found_problems(text: str) -> list[tuple[str, str, str, int]]:
    return [(p.severity, p.code, p.path, p.line) for p in validate(text)]


def test_the_corpus_is_large_and_mixed():
    texts = [path.read_text() for path in CORPUS_FILES]
    valid = [t for t in texts if "# expect: nothing" in t]
    broken = [t for t in texts if expected_problems(t)]
    assert len(CORPUS_FILES) >= 40
    assert len(valid) >= 15 and len(broken) >= 25
    assert all("# expect:" in t for t in texts), "every corpus file states what it expects"


@pytest.mark.parametrize("path", CORPUS_FILES, ids=[p.stem for p in CORPUS_FILES])
def test_corpus_case_gives_exactly_the_expected_problems(path):
    text = path.read_text()
    assert sorted(found_problems(text)) == sorted(expected_problems(text))


def test_every_kind_has_a_valid_corpus_case():
    kinds = set()
    for path in CORPUS_FILES:
        text = path.read_text()
        if "# expect: nothing" in text:
            kinds.update(
                line.split(":", 1)[1].strip()
                for line in text.splitlines()
                if line.startswith("kind:")
            )
    assert {
        "VirtualService",
        "DestinationRule",
        "Gateway",
        "ServiceEntry",
        "Sidecar",
        "PeerAuthentication",
        "AuthorizationPolicy",
        "RequestAuthentication",
    } <= kinds


# --- the seed page's mistakes, explained --------------------------------------------------


def test_circuit_breaker_hint_teaches_connection_pool_and_outlier_detection():
    problems = validate((CORPUS / "30-seed-destination-rule.yaml").read_text())
    breaker = next(p for p in problems if p.path.endswith("circuitBreaker"))
    assert breaker.severity == "error" and breaker.code == "IST0106"
    assert (breaker.line, breaker.column) == (13, 5)
    assert "connectionPool" in breaker.hint and "outlierDetection" in breaker.hint
    # Its consecutiveErrors has a new home: gateway errors (what it counted), or every 5xx.
    assert "consecutiveGatewayErrors" in breaker.hint and "consecutive5xxErrors" in breaker.hint
    assert breaker.hint.index("consecutiveGatewayErrors") < breaker.hint.index("consecutive5xx")


def test_deprecated_consecutive_errors_names_its_replacement():
    problems = validate((CORPUS / "33-deprecated-consecutive-errors.yaml").read_text())
    (warning,) = problems
    assert warning.severity == "warning"
    assert "consecutive5xxErrors" in warning.hint and "1.5" in warning.hint


def test_no_default_route_explains_404_nr():
    problems = validate((CORPUS / "31-seed-virtual-service.yaml").read_text())
    no_default = next(p for p in problems if p.code == "ML0022")
    assert no_default.severity == "warning"
    assert "404" in no_default.message and "NR" in no_default.message


def test_old_api_versions_are_flagged_by_age():
    base = "kind: PeerAuthentication\nmetadata: {{name: default}}\napiVersion: {}\nspec: {{}}\n"
    assert [(p.severity, p.code) for p in validate(base.format("security.istio.io/v1beta1"))] == [
        ("info", "ML0013")
    ]
    assert validate(base.format("security.istio.io/v1")) == []
    vs = "apiVersion: networking.istio.io/{}\nkind: VirtualService\nmetadata: {{name: r}}\n"
    vs += "spec: {{hosts: [r], http: [{{route: [{{destination: {{host: r}}}}]}}]}}\n"
    assert [p.severity for p in validate(vs.format("v1alpha3"))] == ["warning"]
    assert [p.severity for p in validate(vs.format("v1beta1"))] == ["info"]
    assert validate(vs.format("v1")) == []
    unknown = validate(vs.format("v2"))
    assert [(p.severity, p.code) for p in unknown] == [("error", "ML0012")]


# --- hints ----------------------------------------------------------------------------------

VS_TEMPLATE = """apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: details
spec:
  hosts: [details]
  http:
  - {rule}
    route:
    - destination: {{host: details}}
"""


def test_typo_gets_a_did_you_mean_with_position():
    problems = validate(VS_TEMPLATE.format(rule="timeuot: 5s"))
    (typo,) = problems
    assert typo.path == "spec.http[0].timeuot"
    assert (typo.line, typo.column) == (8, 5)
    assert "Did you mean `timeout`?" in typo.hint


def test_snake_case_field_is_recognised():
    problems = validate(VS_TEMPLATE.format(rule="retries: {attempts: 2, per_try_timeout: 1s}"))
    (snake,) = problems
    assert "perTryTimeout" in snake.hint and "camelCase" in snake.hint


def test_weight_inside_destination_is_explained():
    problems = validate((CORPUS / "62-misplaced-fields.yaml").read_text())
    weight = next(p for p in problems if p.path.endswith("destination.weight"))
    assert "beside `destination`" in weight.hint


@pytest.mark.parametrize("duration", ["10s", "1m", "500ms", "1.5s", "1h", "1h30m", "250us"])
def test_valid_durations_pass(duration):
    assert validate(VS_TEMPLATE.format(rule=f"timeout: {duration}")) == []
    assert parse_duration(duration) is not None


@pytest.mark.parametrize(
    ("duration", "hint_part"),
    [
        ("10", '"10s"'),
        ('"10"', '"10s"'),
        ("ten seconds", "unit"),
        ("1d", "24h"),
        ("-5s", "negative"),
        ("10 s", "spaces"),
    ],
)
def test_invalid_durations_fail_with_a_hint(duration, hint_part):
    (problem,) = validate(VS_TEMPLATE.format(rule=f"timeout: {duration}"))
    assert problem.severity == "error" and problem.path == "spec.http[0].timeout"
    assert hint_part in problem.hint


def test_weights_report_the_real_shares():
    (problem,) = validate((CORPUS / "35-weights-not-100.yaml").read_text())
    assert "90" in problem.message and "77.8%" in problem.message and "22.2%" in problem.message


def test_enum_typo_suggests_the_right_spelling():
    problems = validate((CORPUS / "50-enum-values.yaml").read_text())
    enum = next(p for p in problems if p.severity == "error")
    assert "ROUND_ROBIN" in enum.hint


def test_quoted_number_and_unquoted_text():
    (quoted,) = validate(VS_TEMPLATE.format(rule='retries: {attempts: "3"}'))
    assert quoted.hint == "Remove the quotes."
    header_rule = "match: [{headers: {x-version: {exact: 2}}}]"
    problems = validate(VS_TEMPLATE.format(rule=header_rule))
    number = next(p for p in problems if p.path.endswith("exact"))
    assert 'Quote it: "2"' in number.hint


def test_regexes_are_checked_for_re2():
    assert check_regex("^/ratings/v[0-9]+$").pattern is not None
    assert check_regex("(?=a)b").error
    assert check_regex(r"(\w)\1").error
    assert check_regex("(").error
    assert check_regex("(?=a)b").error == "RE2 does not support look-ahead or look-behind"
    assert "missing )" in check_regex("(").error  # RE2's own words when Python has none
    # What Python's re cannot read but RE2 (and so Envoy) accepts is evaluated the RE2 way.
    assert check_regex(r"\pL+").pattern.fullmatch("abc")
    assert check_regex("[[:alpha:]]+").pattern.fullmatch("abc")
    assert not check_regex("[[:alpha:]]+").pattern.fullmatch(":")


@pytest.mark.parametrize(
    "pattern",
    ["(a+)+$", ".*" * 8 + "x", "(.*a){12}", "(x+x+)+y", "(a|aa)*b"],
)
def test_regexes_that_backtrack_badly_in_python_are_evaluated_in_linear_time(pattern):
    # Python's re needs minutes for some of these against 2000 characters (".*" * 8 + "x"
    # took 188 s on 90): a lab request could pin a worker. RE2 is linear in the subject.
    check = check_regex(pattern)
    assert check.pattern is not None and not check.error
    # Linear by construction, not by a stopwatch: the pattern is compiled by RE2 (no
    # backtracking), never by Python's re.
    assert type(check.pattern).__module__ == "re2"
    assert check.pattern.fullmatch("a" * 1999 + "!") is None


def test_unknown_kind_and_near_miss_kind():
    other = validate("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n")
    assert [(p.severity, p.code) for p in other] == [("info", "ML0011")]
    near = validate(
        "apiVersion: networking.istio.io/v1\nkind: virtualService\nmetadata: {name: x}\n"
    )
    assert near[0].severity == "error" and "VirtualService" in near[0].hint


def test_kubernetes_list_items_are_checked():
    text = """apiVersion: v1
kind: List
items:
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: r}
  spec: {host: r, trafficPolicy: {circuitBreaker: {}}}
"""
    (problem,) = validate(text)
    assert problem.path == "spec.trafficPolicy.circuitBreaker" and problem.line == 7


# --- the shape of a problem, and garbage in -------------------------------------------------


def test_problem_serialises_to_the_documented_keys():
    (problem,) = validate((CORPUS / "33-deprecated-consecutive-errors.yaml").read_text())
    assert list(asdict(problem)) == [
        "severity",
        "code",
        "path",
        "line",
        "column",
        "message",
        "hint",
    ]


@pytest.mark.parametrize(
    "garbage",
    [
        None,
        b"\xff\xfe\x00garbage",
        12345,
        "",
        "   \n\t\n",
        ":::",
        "- - - -",
        "{{{{",
        "key: [unclosed",
        "\x00\x01\x02",
        "? [complex]: key\n",
        "*undefined_alias",
        "!!binary AAAA",
        "&a [*a]",
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: 7\nspec: [1, 2]\n",
    ],
)
def test_garbage_gives_problems_not_exceptions(garbage):
    problems = validate(garbage)
    assert isinstance(problems, list)
    for problem in problems:
        assert problem.severity in {"error", "warning", "info"}
        assert problem.line >= 1 and problem.column >= 1 and problem.message


def test_a_five_megabyte_paste_is_refused_quickly():
    # Refused by its size before any parsing: no step of the work budget is spent on it.
    with running() as budget:
        problems = validate("a: b\n" * (5 * 1024 * 1024 // 5))
    assert [p.code for p in problems] == ["ML0001"]
    assert budget.steps == 0


def test_just_over_the_limit_is_refused_and_just_under_is_read():
    line = "# padding comment line\n"
    over = line * (MAX_TEXT_BYTES // len(line) + 1)
    assert [p.code for p in validate(over)] == ["ML0001"]
    under = over[: MAX_TEXT_BYTES - 200] + "\n"
    assert "ML0001" not in [p.code for p in validate(under)]


def test_alias_bomb_is_refused_quickly():
    # "Quickly" in work, not in time (a timed assertion fails on a loaded machine): the copy
    # stops at MAX_NODES values, so the bomb costs a small share of one check's budget.
    with running() as budget:
        problems = validate((CORPUS / "59-alias-bomb.yaml").read_text())
    assert [p.code for p in problems] == ["ML0004"]
    assert 0 < budget.steps < MAX_STEPS // 10


def test_deep_nesting_is_refused():
    for text in ("[" * 50_000, "a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 300))):
        problems = validate(text)
        assert problems and problems[0].severity == "error"


def test_python_tag_is_never_built(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = '!!python/object/apply:os.system ["touch pwned"]\n'
    problems = validate(text)
    assert not (tmp_path / "pwned").exists()
    assert problems[0].code == "ML0003"


def test_problems_are_capped():
    rules = "".join(
        f"  - route: [{{destination: {{host: h}}}}]\n    bogus{i}: 1\n" for i in range(300)
    )
    text = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\n"
    text += "spec:\n  hosts: [h]\n  http:\n" + rules
    problems = validate(text)
    assert len(problems) == MAX_PROBLEMS + 1
    assert "more problems" in problems[-1].message


def test_problems_come_in_reading_order():
    problems = validate((CORPUS / "31-seed-virtual-service.yaml").read_text())
    assert [p.line for p in problems] == sorted(p.line for p in problems)


# --- the package stays free of Django, and the lab's one-parse service -------------------------


def test_the_istio_package_imports_nothing_from_django():
    import ast

    package = Path(__file__).parent.parent / "lessons" / "istio"
    for source in package.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(name.split(".")[0] == "django" for name in names), source.name


def test_lab_service_checks_traces_and_marks_the_gutter():
    from istio_checker import Request
    from istio_checker.lab import check_config, gutter

    text = (CORPUS / "32-seed-pair-missing-subset.yaml").read_text()
    result = check_config(text, Request(host="reviews", headers={"end-user": "jason"}))
    assert result.counts == {"error": 1, "warning": 0, "info": 0}
    assert result.decision.shares[0].subset == "v2"
    data = result.as_dict()
    assert data["problems"][0]["code"] == "IST0101" and data["trace"]["outcome"] == "route"
    lines = gutter(text, result.problems)
    assert len(lines) == text.count("\n") + 1
    marked = [line for line in lines if line.severity]
    assert [(line.number, line.severity) for line in marked] == [(18, "error")]
    assert check_config(text, Request(host="  ")).decision is None  # no host, no trace


def test_lab_service_does_not_trace_yaml_it_could_not_read():
    """A trace of the documents that did parse could say the opposite of the paste."""
    from istio_checker import Request
    from istio_checker.lab import check_config

    jason = (CORPUS / "02-reviews-jason-v2.yaml").read_text()
    request = Request(host="reviews", headers={"end-user": "jason"})
    assert check_config(jason, request).decision is not None
    typo = jason.replace("        subset: v2", "       subset: v2", 1)
    result = check_config(typo, request)
    assert result.decision is None
    assert [p.code for p in result.unreadable] == ["ML0002"]
    not_a_map = "- a list, not a resource\n---\n" + jason
    result = check_config(not_a_map, request)
    assert result.decision is None and [p.code for p in result.unreadable] == ["ML0010"]
    assert result.as_dict()["trace"] is None


def test_gutter_keeps_the_worst_problem_of_a_line_and_gives_up_on_huge_texts():
    from istio_checker.lab import MAX_GUTTER_LINES, gutter
    from istio_checker.problems import Problem

    problems = [
        Problem("info", "X", "", 2, 1, "note"),
        Problem("error", "Y", "", 2, 3, "bad"),
        Problem("warning", "Z", "", 2, 5, "meh"),
        Problem("error", "W", "", 99, 1, "beyond the text"),
    ]
    lines = gutter("a\nb\nc", problems)
    assert [line.severity for line in lines] == ["", "error", ""]
    assert len(lines[1].messages) == 3
    assert gutter("\n" * MAX_GUTTER_LINES, []) == []


def test_lab_service_survives_a_checker_failure(monkeypatch):
    from istio_checker import lab

    def explode(_text):
        raise RuntimeError("boom")

    monkeypatch.setattr(lab, "load_resources", explode)
    result = lab.check_config("a: b")
    assert result.decision is None
    assert [p.severity for p in result.problems] == ["error"]


def test_suggested_host_prefers_a_concrete_host():
    from istio_checker.lab import suggested_host

    assert suggested_host((CORPUS / "02-reviews-jason-v2.yaml").read_text()) == "reviews"
    gateway_bound = (CORPUS / "06-bookinfo-gateway-no-default.yaml").read_text()
    assert suggested_host(gateway_bound) == "productpage"  # hosts is "*": take a destination
    assert suggested_host((CORPUS / "07-circuit-breaking-done-right.yaml").read_text()) == ""
    assert suggested_host("{{{") == ""


def test_huge_keys_and_values_do_not_make_huge_messages():
    key = "k" * 1000  # YAML caps plain keys near 1024 characters
    text = (
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\n"
        f"spec:\n  host: r\n  {key}: 1\n"
        f"  trafficPolicy: {{loadBalancer: {{simple: {'X' * 50_000}}}}}\n"
    )
    problems = validate(text)
    assert len(problems) == 2
    for problem in problems:
        assert len(problem.path) <= 300 and len(problem.message) <= 600
        assert len(problem.hint) <= 1200
    assert problems[0].path.startswith("spec.kkkk") and problems[0].path.endswith("…")
