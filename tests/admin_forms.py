"""What the admin's lesson and section pages post, built from the rows they show."""

from __future__ import annotations

import json


def section_form(section, **changes) -> dict:
    """The section's admin change form as posted (sources as JSON), for a section without
    examples; `changes` replace or add fields."""
    data = {
        "lesson": section.lesson_id,
        "order": section.order,
        "title": section.title,
        "slug": section.slug,
        "kind": section.kind,
        "body_markdown": section.body_markdown,
        "sources": json.dumps(section.sources),
        "examples-TOTAL_FORMS": 0,
        "examples-INITIAL_FORMS": 0,
        "examples-MIN_NUM_FORMS": 0,
        "examples-MAX_NUM_FORMS": 1000,
    }
    return {**data, **changes}


def lesson_with_section(lesson, section, **section_fields) -> dict:
    """The lesson change form with `section` as its one inline row, as the page offers it;
    `section_fields` (sources, DELETE, …) replace or add to that row's fields."""
    row = {
        "id": section.pk,
        "lesson": lesson.pk,
        "order": section.order,
        "title": section.title,
        "slug": section.slug,
        "kind": section.kind,
        "body_markdown": section.body_markdown,
        **section_fields,
    }
    return {
        "course": lesson.course_id,
        "slug": lesson.slug,
        "order": lesson.order,
        "title": lesson.title,
        "summary": lesson.summary,
        "published": "on",
        "sections-TOTAL_FORMS": 1,
        "sections-INITIAL_FORMS": 1,
        "sections-MIN_NUM_FORMS": 0,
        "sections-MAX_NUM_FORMS": 1000,
        **{f"sections-0-{name}": value for name, value in row.items()},
    }


def section_with_examples(section, **changes) -> dict:
    """`section_form` with the section's config examples as its inline rows, unchanged."""
    examples = list(section.examples.all())
    data = section_form(section, **changes)
    data["examples-TOTAL_FORMS"] = data["examples-INITIAL_FORMS"] = len(examples)
    for index, example in enumerate(examples):
        row = {
            "id": example.pk,
            "section": section.pk,
            "order": example.order,
            "title": example.title,
            "slug": example.slug,
            "yaml_text": example.yaml_text,
            "explanation": example.explanation,
        }
        if example.broken:
            row["broken"] = "on"
        data.update({f"examples-{index}-{name}": value for name, value in row.items()})
    return data
