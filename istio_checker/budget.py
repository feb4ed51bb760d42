"""A hard limit on the work of one check, so that no paste can hold a web worker for long.

Every pass (reading the YAML, fields and rules, the checks across resources, the trace) spends
steps as it goes: one for each value it visits or index entry it makes or looks up, plus one
for every `CHARS_PER_STEP` characters of text it copies, lowercases or compiles. Each pass is
linear in its input, so a 256 KB paste needs well under `MAX_STEPS` (tests/
test_istio_worst_shapes.py checks the costliest shapes we know). Past the limit, or past the
wall-clock deadline that backs it up (for work no step counts), `spend` raises `OutOfBudget`;
the check then stops and says what it did not check (checks.py), instead of running on.

The budget of the running check is found through a context variable, so the passes need not
hand it down through every call; outside a check (a unit test calling one pass) nothing is
counted. Pure Python, no Django.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

# Calibrated on tests/istio_worst_shapes.py at 256 KB: the costliest needs about 150 000 steps
# (0.3 to 0.8 s of CPU on a 2-core machine under load); spending all of these takes 0.3 to 2 s.
MAX_STEPS = 400_000
# The backstop for work no step counts. A web worker's own timeout (Makefile `serve`) is far
# above it, so a check ends with a partial answer instead of a killed worker.
MAX_SECONDS = 5.0
CHARS_PER_STEP = 64
_CLOCK_EVERY = 4096  # steps between two looks at the clock

STEPS = "steps"
TIME = "time"


class OutOfBudget(Exception):
    """Raised by `spend` once the check has used its budget; the passes stop on it."""


class WorkBudget:
    def __init__(
        self,
        max_steps: int = MAX_STEPS,
        max_seconds: float = MAX_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.max_steps = max_steps
        self.max_seconds = max_seconds
        self.steps = 0
        self.exhausted = ""  # STEPS or TIME once spent
        self.memo: dict = {}  # what a pass computes once per check (compiled regexes, indexes)
        self._clock = clock
        self._deadline = clock() + max_seconds
        self._next_look = _CLOCK_EVERY

    def spend(self, steps: int = 1) -> None:
        self.steps += steps
        if self.exhausted:
            raise OutOfBudget(self.exhausted)
        if self.steps > self.max_steps:
            self._stop(STEPS)
        if self.steps >= self._next_look:
            self._next_look = self.steps + _CLOCK_EVERY
            if self._clock() > self._deadline:
                self._stop(TIME)

    def _stop(self, why: str) -> None:
        self.exhausted = why
        raise OutOfBudget(why)


_running: ContextVar[WorkBudget | None] = ContextVar("istio_check_budget", default=None)


@contextmanager
def running(budget: WorkBudget | None = None) -> Iterator[WorkBudget]:
    """Count the work done inside the block against `budget` (a fresh one by default). Inside a
    check that is already counting, the outer budget goes on counting instead."""
    outer = _running.get()
    if outer is not None:
        yield outer
        return
    budget = budget if budget is not None else WorkBudget()
    token = _running.set(budget)
    try:
        yield budget
    finally:
        _running.reset(token)


def spend(steps: int = 1) -> None:
    """Count `steps` against the running check's budget; raises OutOfBudget past it."""
    budget = _running.get()
    if budget is not None:
        budget.spend(steps)


def spend_text(text: str) -> None:
    """Count the work of reading `text` once (lowercasing it, hashing it, copying it)."""
    budget = _running.get()
    if budget is not None:
        budget.spend(1 + len(text) // CHARS_PER_STEP)


def memo() -> dict:
    """The running check's memo (a throwaway dict outside a check)."""
    budget = _running.get()
    return budget.memo if budget is not None else {}


# Where a check can stop, in the order the passes run.
READING = "reading"  # the YAML and each resource's kind, apiVersion and metadata
FIELDS = "fields"  # each resource's fields and rules
REFERENCES = "references"  # the checks across resources
TRACE = "trace"  # the lab's route trace


@dataclass(frozen=True)
class StoppedAt:
    """Where the budget ran out: the pass, and the document it was in (0: none in particular)."""

    stage: str
    document: int
    line: int
    why: str  # STEPS or TIME
