"""Fuzzing the checker and the trace: whatever arrives, they return answers, never exceptions."""

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from istio_checker import Request, trace, validate
from istio_checker.schema import KINDS

CORPUS_TEXTS = [
    path.read_text() for path in sorted((Path(__file__).parent / "istio_corpus").glob("*.yaml"))
]
FIELD_NAMES = sorted(
    {
        "hosts",
        "http",
        "route",
        "destination",
        "host",
        "subset",
        "match",
        "uri",
        "prefix",
        "weight",
        "headers",
        "exact",
        "regex",
        "gateways",
        "servers",
        "port",
        "number",
        "trafficPolicy",
        "subsets",
        "name",
        "labels",
        "timeout",
        "retries",
        "fault",
        "delay",
        "abort",
        "mtls",
        "rules",
    }
)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_sane(problems):
    assert isinstance(problems, list)
    for problem in problems:
        assert problem.severity in {"error", "warning", "info"}
        assert isinstance(problem.line, int) and problem.line >= 1
        assert isinstance(problem.column, int) and problem.column >= 1
        assert isinstance(problem.message, str) and problem.message


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["10s", "1m", "ten", "v1", "*", "mesh", "ROUND_ROBIN", "(a+)+", "(?=x)", "/"]),
)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(min_size=1, max_size=12))
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=5),
    ),
    max_leaves=30,
)


@FUZZ
@given(st.text(max_size=2000))
def test_random_text_never_raises(text):
    assert_sane(validate(text))


@FUZZ
@given(st.binary(max_size=500))
def test_random_bytes_never_raise(data):
    assert_sane(validate(data))


@FUZZ
@given(
    kind=st.sampled_from(sorted(KINDS)),
    version=st.sampled_from(["v1", "v1beta1", "v1alpha3", "v9"]),
    spec=values,
    metadata=st.one_of(values, st.fixed_dictionaries({"name": st.text(max_size=8)})),
)
def test_random_resources_never_raise(kind, version, spec, metadata):
    document = {
        "apiVersion": f"{KINDS[kind].group}/{version}",
        "kind": kind,
        "metadata": metadata,
        "spec": spec,
    }
    text = yaml.safe_dump(document)
    assert_sane(validate(text))
    trace(text, Request(host="reviews", path="/x", headers={"end-user": "jason"}))


@FUZZ
@given(documents=st.lists(values, min_size=1, max_size=4))
def test_random_documents_never_raise(documents):
    text = yaml.safe_dump_all(documents)
    assert_sane(validate(text))


@FUZZ
@given(
    index=st.integers(min_value=0, max_value=len(CORPUS_TEXTS) - 1),
    cut=st.integers(min_value=0, max_value=4000),
    junk=st.text(alphabet=" -:{}[]#&*!|>'\"\n\tab01", max_size=12),
)
def test_damaged_corpus_configs_never_raise(index, cut, junk):
    text = CORPUS_TEXTS[index]
    cut = cut % (len(text) + 1)
    damaged = text[:cut] + junk + text[cut:]
    assert_sane(validate(damaged))
    decision = trace(
        damaged, Request(host="reviews", path="/reviews/1", headers={"end-user": "jason"})
    )
    assert decision.outcome in {
        "route",
        "redirect",
        "direct_response",
        "no_route",
        "no_virtual_service",
        "not_applicable",
        "delegate_missing",
    }


@FUZZ
@given(
    host=st.text(max_size=40),
    path=st.text(max_size=60),
    method=st.text(max_size=8),
    headers=st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=4),
)
def test_random_requests_never_raise(host, path, method, headers):
    for text in CORPUS_TEXTS[:25]:
        trace(text, Request(host=host, path=path, method=method, headers=headers))
