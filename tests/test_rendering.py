"""Markdown and Pygments rendering: sanitised, highlighted, stored once on save."""

from html.parser import HTMLParser

import pytest

from lessons.models import Section
from lessons.rendering import highlight_yaml, markdown_to_html, reading_minutes


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://x" onclick="steal()">x</a>',
        "<iframe src='https://evil'></iframe>",
    ],
)
def test_author_markdown_is_sanitised(hostile):
    html = markdown_to_html(f"Hello {hostile}")
    for tag, attrs in live_elements(html):
        assert tag not in {"script", "iframe", "img"}
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")


def live_elements(html: str) -> list[tuple[str, list]]:
    """The elements a browser would build from `html` (escaped text builds none)."""
    found = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(html)
    return found


def test_raw_html_in_markdown_is_sanitised_even_when_rendered_as_html():
    from lessons.rendering import sanitise_html

    dirty = '<p onclick="x()">hi<script>alert(1)</script><a href="javascript:x()">a</a></p>'
    assert live_elements(sanitise_html(dirty)) == [
        ("p", []),
        ("a", [("rel", "noopener noreferrer")]),
    ]


def test_markdown_features_survive_sanitising():
    html = markdown_to_html(
        "**bold** [Istio](https://istio.io/latest/)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "```yaml\nkind: Gateway\n```\n"
    )
    assert "<strong>bold</strong>" in html
    assert 'href="https://istio.io/latest/"' in html and 'rel="noopener noreferrer"' in html
    assert "<table>" in html
    assert '<pre class="code"><code><span class="nt">kind</span>' in html
    assert html.count("<pre") == 1  # not wrapped twice


def test_yaml_is_highlighted_with_classes_not_inline_colours():
    html = highlight_yaml("apiVersion: networking.istio.io/v1  # GA since 1.22\n")
    assert '<span class="nt">apiVersion</span>' in html
    assert 'class="c1"' in html
    assert "style=" not in html


def test_reading_minutes_grow_with_text():
    assert reading_minutes("") == 1
    assert reading_minutes("word " * 200) == 1
    assert reading_minutes("word " * 201) == 2
    assert reading_minutes("word " * 2000) == 10


@pytest.mark.django_db
def test_section_renders_html_on_save_not_on_read(mini_course, django_assert_num_queries):
    section = Section.objects.get(slug="intro")
    assert "<em>service mesh</em>" in section.body_html
    section.body_markdown = "Now **changed**."
    section.save()
    assert Section.objects.get(pk=section.pk).body_html == "<p>Now <strong>changed</strong>.</p>\n"


def test_link_addresses_do_not_count_as_words():
    from lessons.rendering import count_words

    text = "See [the architecture](https://istio.io/latest/docs/ops/deployment/architecture/) page."
    assert count_words(text) == 4  # See, the, architecture, page
