"""Issue 26 (what learners see), the parts a server answer shows: the course's diagrams and
cards as the course format carries them, the lab's drawn route, and a re-import that calls a
section added in the admin what it is. The visual checks are in tests/browser/test_pictures.py."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from course_format.schema import DIAGRAMS
from course_format.yamlfile import ContentError
from coursefiles.dumping import dump_course
from coursefiles.loading import load_course_file, moved_slugs
from lessons.models import Lesson, Section
from lessons.rendering import cards_html, markdown_to_html

from .conftest import MINI_COURSE, ROOT

DIAGRAM_DIR = ROOT / "templates" / "diagrams"
SHIPPED = ROOT / "content" / "istio-service-mesh"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_each_diagram_is_an_accessible_themed_svg_with_its_sources(name):
    text = (DIAGRAM_DIR / f"{name}.html").read_text()
    svg = text[text.index("<svg") : text.index("</svg>")]
    # A text alternative that says what the picture says: <title> and <desc>, named by the svg.
    ids = re.search(r'aria-labelledby="([^"]+)"', svg).group(1).split()
    assert 'role="img"' in svg and len(ids) == 2
    assert f'<title id="{ids[0]}">' in svg and f'<desc id="{ids[1]}">' in svg
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert len(desc.split()) >= 30  # sentences, not a label
    # Colours come from the site's custom properties (classes), so both themes follow.
    assert not re.search(r'(fill|stroke)="#', svg) and "style=" not in svg
    assert re.search(r'viewBox="0 0 3[0-6]\d ', svg)  # drawn for a phone's width
    caption = text[text.index("<figcaption>") :]
    assert "Source" in caption and "https://istio.io/" in caption


def test_every_diagram_is_in_a_lesson_and_lesson_four_has_its_cards(client, shipped_course):
    used = Section.objects.exclude(diagram="").values_list("diagram", flat=True)
    assert sorted(used) == sorted(DIAGRAMS)
    section = Section.objects.get(diagram="authz-order")
    page = client.get(section.lesson.get_absolute_url()).content.decode()
    body = page[page.index(f'id="{section.slug}"') :]
    assert body.index('id="diagram-authz-order"') < body.index("</section>")
    # Lesson 4's real-world implementations read as cards: who, scale, use, source.
    lesson = Lesson.objects.get(slug="istio-in-production")
    page = client.get(lesson.get_absolute_url()).content.decode()
    cards = re.findall(r'<li class="card">(.*?)</li>\s*(?=<li class="card">|</ul>)', page, re.S)
    assert [re.search(r"<h3>(.*?)</h3>", c).group(1) for c in cards] == [
        "Airbnb",
        "eBay",
        "Auto Trader UK",
        "Tetrate",
    ]
    for card in cards:
        assert "Scale:" in card and "Uses Istio for:" in card and 'href="https://' in card


@pytest.mark.django_db
def test_an_unknown_diagram_or_layout_is_refused_with_its_place(tmp_path):
    folder = tmp_path / "course"
    folder.mkdir()
    for item in MINI_COURSE.iterdir():
        (folder / item.name).write_text(item.read_text())
    first = folder / "first.yaml"
    first.write_text(
        first.read_text().replace("  - slug: intro\n", "  - slug: intro\n    diagram: nope\n", 1)
    )
    with pytest.raises(ContentError, match="'nope' is not one of control-plane"):
        load_course_file(folder)


def test_diagram_and_layout_survive_dump_and_load(tmp_path, mini_course):
    section = Section.objects.filter(lesson__course=mini_course).first()
    section.diagram, section.layout = "canary-split", "cards"
    section.save()
    course_file = tmp_path / "course.yaml"
    course_file.write_text(dump_course(mini_course))
    assert "diagram: canary-split" in course_file.read_text()
    Section.objects.filter(pk=section.pk).update(diagram="", layout="prose")
    load_course_file(course_file)
    section.refresh_from_db()
    assert (section.diagram, section.layout) == ("canary-split", "cards")


def test_cards_wrap_each_heading_and_keep_author_html_out():
    html = cards_html(
        markdown_to_html("Intro.\n\n### Airbnb\n- **Scale:** big\n\n### eBay\nx <script>y</script>")
    )
    assert html.startswith("<p>Intro.</p>")
    assert html.count('<li class="card"><h3>') == 2 and "<script>" not in html
    assert cards_html("<p>no headings</p>") == "<p>no headings</p>"


@pytest.mark.django_db
def test_the_lab_draws_request_rule_and_shares_before_the_problems(client):
    page = client.get(reverse("lab")).content.decode()
    drawing = page[page.index('class="lab-route-map"') :]
    drawing = drawing[: drawing.index("</section>")]
    steps = re.findall(r'<span class="route-label">(.*?)</span>', drawing)
    assert steps == ["Request", "Matching rule", "Destinations"]
    assert "jason-sees-v2" in drawing and "100%" in drawing and 'max="100" value="100' in drawing
    assert page.index('class="lab-route-map"') < page.index('id="lab-trace-title"')
    # A destination that cannot answer says so in the drawing too (a subset never defined).
    seed = (ROOT / "tests" / "istio_corpus" / "32-seed-pair-missing-subset.yaml").read_text()
    form = {"config": seed, "host": "reviews", "path": "/", "method": "GET"}
    page = client.post(reverse("lab"), {**form, "headers": "end-user: jason"}).content.decode()
    drawing = page[page.index('class="lab-route-map"') :]
    drawing = drawing[: drawing.index("</section>")]
    assert "fix the problems below first" in drawing and "503" in drawing


def test_moved_slugs_ignores_rows_added_or_removed():
    assert moved_slugs(["a", "b", "c"], ["a", "new", "b", "c"]) == set()
    assert moved_slugs(["a", "b", "c"], ["a", "c"]) == set()
    assert moved_slugs(["a", "b", "c"], ["b", "a", "c"]) == {"a", "b"}


@pytest.mark.django_db
def test_a_reimported_export_does_not_call_a_section_added_in_the_admin_reordered(tmp_path):
    course = load_course_file(MINI_COURSE).course
    lesson = course.lessons.get(slug="first")
    first, second = lesson.sections.all()[:2]
    # Added in the admin between the first two sections (order 15, as an author types it).
    Section.objects.create(lesson=lesson, slug="added", title="Added", order=first.order + 5)
    exported = tmp_path / "course.yaml"
    exported.write_text(dump_course(course))
    report = load_course_file(exported)
    assert not report.reordered and "reordered" not in report.summary()
    assert report.summary().startswith("No changes")
    orders = list(lesson.sections.values_list("slug", flat=True))
    assert orders[:3] == [first.slug, "added", second.slug]
    # A section that is new to the database is reported as created.
    text = exported.read_text().replace("slug: added", "slug: added-again", 1)
    exported.write_text(text)
    report = load_course_file(exported)
    assert report.created["sections"] == 1 and report.deleted["sections"] == 1
    assert "reordered" not in report.summary()


def test_diagram_files_are_the_format_s_list():
    assert sorted(p.stem for p in Path(DIAGRAM_DIR).glob("*.html")) == sorted(DIAGRAMS)
