"""The part of a route trace the lab page draws: a trace through thousands of rules draws the
first ones and the one that matched (check.json's answer lists every one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from istio_checker.routing import MatchBlock, RouteDecision, RuleTrace, Share

MAX_RULES_DRAWN = 50
MAX_ALTERNATIVES_DRAWN = 20
MAX_SHARES_DRAWN = 50


@dataclass
class DrawnRule:
    trace: RuleTrace
    blocks: list[MatchBlock]  # the first alternatives, and the one that matched
    blocks_not_drawn: int


@dataclass
class DrawnTrace:
    rules: list[DrawnRule]  # the first MAX_RULES_DRAWN rules
    not_drawn: int = 0  # rules after those that did not match either
    matched: DrawnRule | None = None  # the rule that matched, if it comes after them
    shares: list[Share] = field(default_factory=list)  # the first MAX_SHARES_DRAWN destinations
    shares_not_drawn: int = 0
    winner: RuleTrace | None = None  # the rule that matched, for the drawn route map


def drawn_trace(decision: RouteDecision | None) -> DrawnTrace:
    """The part of a trace the page draws."""
    if decision is None:
        return DrawnTrace([])
    first, rest = decision.rules[:MAX_RULES_DRAWN], decision.rules[MAX_RULES_DRAWN:]
    matched = rest.pop() if rest and rest[-1].matched else None
    return DrawnTrace(
        [_drawn(rule) for rule in first],
        len(rest),
        _drawn(matched) if matched else None,
        decision.shares[:MAX_SHARES_DRAWN],
        max(0, len(decision.shares) - MAX_SHARES_DRAWN),
        next((rule for rule in decision.rules if rule.matched), None),
    )


def _drawn(rule: RuleTrace) -> DrawnRule:
    blocks = rule.blocks[:MAX_ALTERNATIVES_DRAWN]
    rest = rule.blocks[MAX_ALTERNATIVES_DRAWN:]
    hit = next((block for block in rest if block.matched), None)
    return DrawnRule(rule, blocks + ([hit] if hit else []), len(rest) - (1 if hit else 0))
