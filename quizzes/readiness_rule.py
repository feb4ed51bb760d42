"""How ready a learner is in one ICA domain, in plain words. Pure Python: no Django.

The rule, stated on /me/ as it is here: over the learner's last WINDOW answers in the domain
(lesson quizzes, final quizzes and practice exams alike), "ready" at READY % right or more,
"close" at CLOSE % or more, "not yet" below, or while fewer than MIN_ANSWERS answers say much.
"""

from dataclasses import dataclass, field

from .scoring import percent

WINDOW = 20
MIN_ANSWERS = 10
READY, CLOSE = 80, 60

RULE = (
    f"Counted over your last {WINDOW} answers in each domain: ready at {READY} % right or more,"
    f" close at {CLOSE} % to {READY - 1} %, not yet below {CLOSE} % or with fewer than"
    f" {MIN_ANSWERS} answers."
)


@dataclass
class DomainReadiness:
    domain: str
    label: str
    right: int = 0
    answered: int = 0
    reread: list[tuple[str, str]] = field(default_factory=list)  # (url, title) of sections

    @property
    def percent(self) -> int:
        return percent(self.right, self.answered)

    @property
    def verdict(self) -> str:
        if self.answered < MIN_ANSWERS:
            return "not yet"
        if self.percent >= READY:
            return "ready"
        return "close" if self.percent >= CLOSE else "not yet"

    @property
    def too_few(self) -> bool:
        return self.answered < MIN_ANSWERS
