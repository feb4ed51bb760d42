"""A finished practice exam counted by domain and by competency. Pure Python: no Django."""

from collections.abc import Iterable
from dataclasses import dataclass

from course_format.bank import DOMAINS

from .scoring import percent


@dataclass
class Tally:
    label: str
    right: int = 0
    asked: int = 0

    @property
    def percent(self) -> int:
        return percent(self.right, self.asked)


def tallies(marks: Iterable[tuple[str, str, bool]]) -> tuple[list[Tally], list[Tally]]:
    """(by domain in the exam's order of domains, by competency weakest first) from one
    (domain, competency, right) per question or task asked; one left open is not right."""
    domains = {key: Tally(label) for key, label in DOMAINS.items()}
    competencies: dict[str, Tally] = {}
    for domain, competency, right in marks:
        # A task may name no competency: it counts in its domain only.
        found = competencies.setdefault(competency, Tally(competency)) if competency else None
        for tally in (domains.get(domain), found):
            if tally is not None:
                tally.asked += 1
                tally.right += bool(right)
    weakest = sorted(competencies.values(), key=lambda t: (t.right / t.asked, -t.asked, t.label))
    return [t for t in domains.values() if t.asked], weakest
