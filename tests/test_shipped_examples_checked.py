"""Every config example in the shipped Istio course passes the checker with no error, unless it
is flagged deliberately broken; broken ones store the checker's problems for learners to see.
(Some mistakes are invisible to a schema check, e.g. an L7 rule that ztunnel cannot enforce in
ambient mode; those are broken with an empty problem list and explained in prose.)"""

import pytest

from istio_checker import validate
from lessons.models import ConfigExample

pytestmark = pytest.mark.django_db


def test_shipped_examples_have_no_errors_unless_deliberately_broken(shipped_course):
    examples = list(ConfigExample.objects.filter(section__lesson__course=shipped_course))
    assert len(examples) >= 10
    unexpected = {
        example.slug: [p.message for p in validate(example.yaml_text) if p.severity == "error"]
        for example in examples
        if not example.broken
    }
    assert {slug: errors for slug, errors in unexpected.items() if errors} == {}


def test_deliberately_broken_shipped_examples_show_why(shipped_course):
    broken = list(ConfigExample.objects.filter(section__lesson__course=shipped_course, broken=True))
    assert broken, "the course teaches at least one mistake"
    for example in broken:
        stored = example.problems
        assert stored == [
            {
                "severity": p.severity,
                "code": p.code,
                "path": p.path,
                "line": p.line,
                "column": p.column,
                "message": p.message,
                "hint": p.hint,
            }
            for p in validate(example.yaml_text)
        ]


def test_the_seed_pages_circuit_breaker_is_taught_as_broken(shipped_course):
    examples = ConfigExample.objects.filter(section__lesson__course=shipped_course)
    with_breaker = [e for e in examples if "circuitBreaker:" in e.yaml_text]
    assert with_breaker and all(e.broken for e in with_breaker)
    for example in with_breaker:
        assert any(p["path"].endswith("circuitBreaker") for p in example.problems)
