"""Checker messages on pages: quoted names in code, links clickable, a learner's paste escaped."""

import pytest
from django.template import Context, Template

from istio_checker import validate

pytestmark = pytest.mark.django_db


def render(value: str) -> str:
    return Template("{% load checker_text %}{{ value|checker_text }}").render(
        Context({"value": value})
    )


def test_backticked_names_become_code_and_links_are_clickable():
    html = render("Istio has no `circuitBreaker` field. See https://istio.io/latest/docs/")
    assert "<code>circuitBreaker</code>" in html and "`" not in html
    assert '<a href="https://istio.io/latest/docs/">https://istio.io/latest/docs/</a>' in html


def test_what_a_learner_pasted_stays_text():
    html = render('Unknown field `<script>alert("x")</script>` in spec')
    assert "<script>" not in html
    assert "<code>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</code>" in html


def test_a_backtick_inside_a_link_never_leaves_a_tag_open():
    from html.parser import HTMLParser

    class Nesting(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.open.append(tag)

        def handle_endtag(self, tag):
            assert self.open and self.open.pop() == tag, f"</{tag}> closes the wrong element"

    html = render("see https://example.org/a`b and `x` then mail`me@example.org`")
    parser = Nesting()
    parser.feed(html)
    assert parser.open == []


def test_quiz_text_gets_code_spans_but_no_links():
    html = Template("{% load checker_text %}{{ value|code_spans }}").render(
        Context({"value": "Add `weight: 100` <b>now</b>, see https://istio.io/"})
    )
    assert html == ("Add <code>weight: 100</code> &lt;b&gt;now&lt;/b&gt;, see https://istio.io/")


def test_an_odd_backtick_is_left_as_written():
    assert render("a ` b `c`") == "a ` b `c`"
    assert render("no quotes at all") == "no quotes at all"


def test_the_lab_page_shows_checker_names_as_code(client):
    config = (
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\n"
        "spec:\n  host: reviews\n  trafficPolicy:\n    circuitBreaker: {}\n"
    )
    problems = validate(config)
    assert any("`" in p.message + p.hint for p in problems)  # the checker quotes names
    html = client.post("/lab/", {"config": config}).content.decode()
    assert "<code>circuitBreaker</code> is not a field of TrafficPolicy." in html
    assert "<code>connectionPool</code>" in html and "<code>outlierDetection</code>" in html
    assert 'href="https://istio.io/latest/docs/tasks/traffic-management/circuit-breaking/"' in html
    messages = html.split('class="lab-problems"', 1)[1].split("</ol>", 1)[0]
    assert "`" not in messages
