"""What the calculator's templates show for one set of valid inputs. Pure Python, no Django.

Every number is formatted and every lookup done here, so the templates only place plain
strings and flat dicts. Each part is computed on first use: a result block served from the
cache never runs the model, and the lesson embed, which shows a short table, never pays for
the chart, the sources or the rubrics.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlencode

from .chart import NARROW, Chart, dataplane_cpu_chart
from .figures import Source
from .inputs import MODE_LABELS, MODES, MeshInputs
from .model import MeshEstimate, compare_modes
from .reading import format_row, format_value, read_estimate

# The outputs compared across modes, in the order the side-by-side table shows them.
COMPARED = (
    "latency_p90_ms",
    "latency_p99_ms",
    "dataplane_cpu_total",
    "dataplane_memory_total",
    "controlplane_cpu",
    "overhead_cpu_pct",
    "overhead_memory_pct",
    "rps_capacity",
    "security_score",
    "observability_score",
    "mesh_policies",
)
COMPACT = (  # the lesson embed's shorter table
    "latency_p90_ms",
    "dataplane_cpu_total",
    "dataplane_memory_total",
    "overhead_cpu_pct",
    "overhead_memory_pct",
)
HEADLINES = (
    "latency_p90_ms",
    "rps_capacity",
    "overhead_cpu_pct",
    "overhead_memory_pct",
    "security_score",
    "observability_score",
    "mesh_policies",
)


def source_link(source: Source) -> dict[str, str]:
    """A source as the templates show it: kind badge, link text, note and its label."""
    return {
        "kind": source.kind,
        "url": source.url,
        "link": f"Istio {source.version}" if source.version else "istio.io",
        "note": source.note,
        "note_label": "Assumption" if source.kind == "estimate" else "Note",
    }


class Results:
    """The result of one set of valid inputs, in every mode, ready to display."""

    def __init__(self, inputs: MeshInputs, chart_id: str = "calc-chart") -> None:
        self.inputs = inputs
        self.chart_id = chart_id

    @cached_property
    def by_mode(self) -> dict[str, MeshEstimate]:
        return compare_modes(self.inputs)

    @cached_property
    def estimate(self) -> MeshEstimate:
        return self.by_mode[self.inputs.mode]

    @cached_property
    def share_params(self) -> dict[str, str]:
        """The inputs in their canonical spelling: the share link's and the save form's."""
        return self.inputs.as_query()

    @cached_property
    def share_query(self) -> str:
        return urlencode(self.share_params)

    @cached_property
    def reading(self) -> list[str]:
        other = "ambient" if self.inputs.mode == "sidecar" else "sidecar"
        return read_estimate(self.estimate, self.by_mode[other])

    @cached_property
    def modes(self) -> list[dict[str, object]]:
        return [{"label": MODE_LABELS[m], "chosen": m == self.inputs.mode} for m in MODES]

    def _compare(self, names: tuple[str, ...], aligned: bool) -> list[dict[str, object]]:
        # The full table reads across a row, so its figures share decimal places; the lesson's
        # compact table keeps each figure as the cards and the reading above print it.
        chosen, values, rows = self.inputs.mode, self.by_mode, []
        for name in names:
            output = self.estimate[name]
            figures = [values[m][name].value for m in MODES]
            if aligned:
                texts = format_row(figures, output.unit)
            else:
                texts = [format_value(figure, output.unit) for figure in figures]
            cells = [
                {"text": t, "chosen": m == chosen, "mode": MODE_LABELS[m]}
                for m, t in zip(MODES, texts, strict=True)
            ]
            rows.append({"label": output.label, "cells": cells, "source": output.source})
        return rows

    @cached_property
    def compare_rows(self) -> list[dict[str, object]]:
        return self._compare(COMPARED, aligned=True)

    @cached_property
    def compact_rows(self) -> list[dict[str, object]]:
        rows = self._compare(COMPACT, aligned=False)
        for row in rows:
            row["source"] = source_link(row["source"])
        return rows

    @cached_property
    def outputs(self) -> list[dict[str, object]]:
        """Every output of the chosen mode with its value, formula and source."""
        sources: dict[Source, dict[str, str]] = {}  # outputs often share one source
        rows = []
        for name, output in self.estimate.outputs.items():
            if output.source not in sources:
                sources[output.source] = source_link(output.source)
            rows.append(
                {
                    "name": name,
                    "label": output.label,
                    "text": format_value(output.value, output.unit),
                    "formula": output.formula,
                    "source": sources[output.source],
                }
            )
        return rows

    @cached_property
    def headlines(self) -> list[dict[str, object]]:
        return [row for row in self.outputs if row["name"] in HEADLINES]

    @cached_property
    def peek(self) -> dict[str, str]:
        """Three figures a phone keeps in view while the inputs above the results are edited."""
        texts = {row["name"]: row["text"] for row in self.headlines}
        return {
            "latency": texts["latency_p90_ms"],
            "cpu": texts["overhead_cpu_pct"],
            "memory": texts["overhead_memory_pct"],
        }

    @cached_property
    def rubrics(self) -> list[dict[str, object]]:
        result = self.estimate
        return [
            {
                "title": title,
                "score": format_value(result[score].value),
                "items": [
                    {
                        "label": item.label,
                        "url": item.url,
                        "points": f"{format_value(item.points)} / {format_value(item.max_points)}",
                        "met": item.met,
                        "detail": item.detail,
                    }
                    for item in items
                ],
            }
            for title, score, items in (
                ("Security", "security_score", result.security_rubric),
                ("Observability", "observability_score", result.observability_rubric),
            )
        ]

    @cached_property
    def policies(self) -> list[dict[str, object]]:
        return [{"count": p.count, "kind": p.kind, "why": p.why} for p in self.estimate.policies]

    @cached_property
    def chart(self) -> Chart:
        each_mode = {mode: result.inputs for mode, result in self.by_mode.items()}
        return dataplane_cpu_chart(self.inputs, id_prefix=self.chart_id, each_mode=each_mode)

    @cached_property
    def narrow_chart(self) -> Chart:
        """The same chart in a phone's shape (the legend under the plot); CSS shows one."""
        each_mode = {mode: result.inputs for mode, result in self.by_mode.items()}
        return dataplane_cpu_chart(
            self.inputs, id_prefix=f"{self.chart_id}-narrow", each_mode=each_mode, frame=NARROW
        )
