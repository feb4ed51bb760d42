"""Authoring config examples in the admin: the Istio checker refuses errors unless the example is
flagged deliberately broken, and then learners see the stored problems beside it."""

from pathlib import Path

import pytest
from django.urls import reverse

from lessons.admin.example_form import ConfigExampleAdminForm
from lessons.models import ConfigExample, Section

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "istio_corpus"
SEED_DR = (CORPUS / "30-seed-destination-rule.yaml").read_text()
VALID = (CORPUS / "07-circuit-breaking-done-right.yaml").read_text()
WARNING_ONLY = (CORPUS / "31-seed-virtual-service.yaml").read_text()


@pytest.fixture
def section(mini_course):
    return Section.objects.get(slug="routing")


def form_data(section, yaml_text, broken=False, slug="new-example"):
    data = {
        "section": section.pk,
        "slug": slug,
        "order": 5,
        "title": "A new example",
        "yaml_text": yaml_text,
        "explanation": "",
    }
    if broken:
        data["broken"] = "on"
    return data


def test_form_refuses_errors_listing_each_with_its_line(section):
    form = ConfigExampleAdminForm(data=form_data(section, SEED_DR))
    assert not form.is_valid()
    (first, last) = form.errors["yaml_text"]
    assert first.startswith("Line 13, column 5 (IST0106, spec.trafficPolicy.circuitBreaker)")
    assert "connectionPool" in first  # the hint travels with the error
    assert "deliberately broken" in last


def test_form_accepts_errors_when_flagged_broken(section):
    assert ConfigExampleAdminForm(data=form_data(section, SEED_DR, broken=True)).is_valid()


def test_form_accepts_warnings(section):
    assert ConfigExampleAdminForm(data=form_data(section, WARNING_ONLY)).is_valid()
    assert ConfigExampleAdminForm(data=form_data(section, VALID)).is_valid()


def test_admin_add_refuses_an_example_with_errors(admin_client, section):
    url = reverse("admin:lessons_configexample_add")
    response = admin_client.post(url, form_data(section, SEED_DR))
    assert response.status_code == 200  # the form again, with the errors
    html = response.content.decode()
    assert "Line 13, column 5" in html and "circuitBreaker" in html
    assert not ConfigExample.objects.filter(slug="new-example").exists()


def test_admin_add_stores_the_problems_of_a_deliberately_broken_example(admin_client, section):
    url = reverse("admin:lessons_configexample_add")
    response = admin_client.post(url, form_data(section, SEED_DR, broken=True))
    assert response.status_code == 302
    example = ConfigExample.objects.get(slug="new-example")
    assert example.broken
    codes = [(p["severity"], p["code"], p["line"]) for p in example.problems]
    assert ("error", "IST0106", 13) in codes and ("warning", "ML0013", 3) in codes


def test_admin_change_refuses_breaking_a_valid_example(admin_client, section):
    example = ConfigExample.objects.create(
        section=section, slug="cb", title="Circuit breaking", yaml_text=VALID
    )
    url = reverse("admin:lessons_configexample_change", args=[example.pk])
    response = admin_client.post(url, form_data(section, SEED_DR, slug="cb"))
    assert response.status_code == 200
    example.refresh_from_db()
    assert example.yaml_text == VALID


def test_section_inline_refuses_an_example_with_errors(admin_client, section):
    url = reverse("admin:lessons_section_change", args=[section.pk])
    existing = list(section.examples.all())
    data = {
        "lesson": section.lesson_id,
        "slug": section.slug,
        "order": section.order,
        "title": section.title,
        "kind": section.kind,
        "body_markdown": section.body_markdown,
        "sources": "[]",
        "examples-TOTAL_FORMS": len(existing) + 1,
        "examples-INITIAL_FORMS": len(existing),
        "examples-MIN_NUM_FORMS": 0,
        "examples-MAX_NUM_FORMS": 1000,
    }
    for index, example in enumerate(existing):
        data.update(
            {
                f"examples-{index}-id": example.pk,
                f"examples-{index}-section": section.pk,
                f"examples-{index}-order": example.order,
                f"examples-{index}-title": example.title,
                f"examples-{index}-slug": example.slug,
                f"examples-{index}-yaml_text": example.yaml_text,
                f"examples-{index}-explanation": example.explanation,
            }
        )
    new = len(existing)
    data.update(
        {
            f"examples-{new}-section": section.pk,
            f"examples-{new}-order": 9,
            f"examples-{new}-title": "Seed rule",
            f"examples-{new}-slug": "seed-rule",
            f"examples-{new}-yaml_text": SEED_DR,
            f"examples-{new}-explanation": "",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 200 and "circuitBreaker" in response.content.decode()
    assert not ConfigExample.objects.filter(slug="seed-rule").exists()
    data[f"examples-{new}-broken"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert ConfigExample.objects.get(slug="seed-rule").broken


def test_lesson_page_shows_a_broken_examples_problems(client, section):
    ConfigExample.objects.create(
        section=section, slug="seed", title="The seed rule", yaml_text=SEED_DR, broken=True
    )
    html = client.get(section.lesson.get_absolute_url()).content.decode()
    assert "Deliberately broken" in html
    assert "<code>circuitBreaker</code> is not a field of TrafficPolicy." in html


def test_admin_shows_the_checkers_warnings_once_the_example_is_saved(admin_client, section):
    from istio_checker import validate

    warnings = [p for p in validate(WARNING_ONLY) if p.severity == "warning"]
    assert warnings  # the corpus file is the seed's VirtualService: it warns, it does not fail
    url = reverse("admin:lessons_configexample_add")
    response = admin_client.post(url, form_data(section, WARNING_ONLY), follow=True)
    html = response.content.decode()
    assert ConfigExample.objects.filter(slug="new-example").exists()
    assert 'class="warning"' in html
    assert f"Example “A new example”, line {warnings[0].line}, column" in html
    assert warnings[0].code in html


def test_examples_saved_from_a_browser_keep_unix_line_endings(admin_client, section):
    from coursefiles.dumping import dump_course

    url = reverse("admin:lessons_configexample_add")
    data = form_data(section, VALID.replace("\n", "\r\n"))
    data["explanation"] = "First line.\r\n\r\nSecond paragraph."
    assert admin_client.post(url, data).status_code == 302
    example = ConfigExample.objects.get(slug="new-example")
    assert "\r" not in example.yaml_text and "\r" not in example.explanation
    assert example.yaml_text == VALID.strip()  # the form strips the ends, as for any field
    exported = dump_course(section.lesson.course)
    assert "\\r" not in exported  # written as readable blocks, not escaped strings
