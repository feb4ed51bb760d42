"""The rows the calculator's result block repeats, drawn as HTML strings.

The block repeats a few row shapes some seventy times. Through the template engine they
took about 1 ms of a 1.2 ms render; as f-strings they take a tenth of that. The rest of
the block's markup stays in templates/lessons/partials/_calculator_live.html.

Every value is escaped here with html.escape (what Django's autoescape applies), so the
results may be marked safe.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape

from django.utils.safestring import SafeString, mark_safe


def source_cell(source: Mapping[str, str], *, with_note: bool = True) -> str:
    """Kind badge, link to the istio.io page, and the note or assumption behind it."""
    kind = escape(source["kind"])
    html = f'<span class="source-kind source-{kind}">{kind}</span>'
    if source["url"]:
        html += f' <a href="{escape(source["url"])}" rel="noopener">{escape(source["link"])}</a>'
    if with_note and source["note"]:
        html += (
            f'<details class="source-note"><summary>{escape(source["note_label"])}</summary>'
            f"<p>{escape(source['note'])}</p></details>"
        )
    return html


def output_rows(outputs: Iterable[Mapping[str, str]]) -> SafeString:
    """One row per output: label, value, formula, source (tests find rows by their id)."""
    cells: dict[int, str] = {}  # outputs share a few sources: draw each once
    rows = []
    for item in outputs:
        source = cells.get(id(item["source"]))
        if source is None:
            source = cells[id(item["source"])] = source_cell(item["source"])
        rows.append(
            f'<tr id="output-{escape(item["name"])}"><th scope="row">{escape(item["label"])}'
            f'</th><td class="calc-value">{escape(item["text"])}</td><td><code '
            f'class="calc-formula">{escape(item["formula"])}</code></td>'
            f'<td class="calc-source">{source}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 (every value escaped above)


def headline_cards(headlines: Iterable[Mapping[str, object]]) -> SafeString:
    """The headline results as cards: value, what it is, the kind of its source."""
    cards = []
    for item in headlines:
        kind = escape(item["source"]["kind"])
        cards.append(
            f'<li class="calc-card"><span class="calc-card-value" '
            f'data-output="{escape(item["name"])}">{escape(item["text"])}</span> '
            f'<span class="calc-card-label">{escape(item["label"])}</span> '
            f'<span class="calc-card-source"><span class="source-kind source-{kind}">{kind}'
            f"</span></span></li>"
        )
    return mark_safe("\n".join(cards))  # noqa: S308 (every value escaped above)


def rubric_rows(items: Iterable[Mapping[str, object]]) -> SafeString:
    """A rubric's practices: linked label, points out of the maximum, why it counts."""
    rows = [
        f'<tr class="{"is-met" if item["met"] else "is-missing"}"><th scope="row">'
        f'<a href="{escape(item["url"])}" rel="noopener">{escape(item["label"])}</a></th>'
        f"<td>{escape(item['points'])}</td><td>{escape(item['detail'])}</td></tr>"
        for item in items
    ]
    return mark_safe("\n".join(rows))  # noqa: S308 (every value escaped above)


CHOSEN = ' class="is-chosen"'


def compare_rows(rows: Iterable[Mapping[str, object]]) -> SafeString:
    """The side-by-side table's rows: one output, its value in each mode."""
    html = []
    for row in rows:
        cells = "".join(
            f"<td{CHOSEN if cell['chosen'] else ''}>{escape(cell['text'])}</td>"
            for cell in row["cells"]
        )
        html.append(f'<tr><th scope="row">{escape(row["label"])}</th>{cells}</tr>')
    return mark_safe("\n".join(html))  # noqa: S308 (every value escaped above)


def hidden_inputs(params: Mapping[str, str], form_id: str) -> SafeString:
    """The inputs as hidden fields of the form `form_id`, wherever that form is."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            f'<input type="hidden" name="{escape(name)}" value="{escape(value)}" '
            f'form="{escape(form_id)}">'
            for name, value in params.items()
        )
    )
