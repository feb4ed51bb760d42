"""Rules of one VirtualService route list that can never be used, as `istioctl analyze` finds
them (istio/istio pkg/config/validation/validation.go, `analyzeUnreachableHTTPRules` and its TCP
and TLS twins; the analyzer pkg/config/analysis/analyzers/schema/validation.go turns their
warnings into messages):

- IST0130 VirtualServiceUnreachableRule (warning): a rule after a rule without `match` (a
  second rule without `match` too), or a rule whose every match block repeats an earlier one.
- IST0131 VirtualServiceIneffectiveMatch (info): a match block that repeats an earlier one, or
  (HTTP) whose `uri.prefix` lies under an earlier block's prefix with the other conditions the
  same, so the earlier block always takes the request first.

istioctl compares every prefix with every later one; here blocks are grouped by their other
conditions and each group's prefixes are sorted once, so the check is O(n log n), not O(n²).
Istio compares only exact/prefix values of the other conditions (a regex header reads as
empty there); grouping by the whole condition reports only pairs that really overlap.

The lab adds one warning istioctl does not give (ML0040): a rule below one whose only condition
matches every path (`uri.prefix: /`, `uri.regex: .*`) and that istioctl left unflagged.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import problems as codes
from ..budget import spend, spend_text
from ..node_readers import items, text
from ..node_readers import problem_at as _problem
from ..problems import MAX_MESSAGE, Problem, clip
from ..yamlsource import Node

SOURCE = "istio/istio pkg/config/validation/validation.go (analyzeUnreachableHTTPRules)"
_MATCH_ALL_REGEXES = {".*", "/.*", "^.*$", "^/.*", ".+"}
_NOT_CONDITIONS = {"name", "statPrefix"}


def matches_every_path(rule: Node) -> bool:
    """A rule with a match block whose only condition takes every path (or with no condition)."""
    blocks = items(rule.get("match"))
    spend(len(blocks))
    for block in blocks:
        if not block.is_map:
            continue
        conditions = {key for key, _, _ in block.entries()} - _NOT_CONDITIONS - {"ignoreUriCase"}
        if not conditions:
            return True
        if conditions == {"uri"}:
            uri = block.get("uri")
            if text(uri.get("prefix")) == "/" or text(uri.get("regex")) in _MATCH_ALL_REGEXES:
                return True
    return False


def has_no_match(rule: Node) -> bool:
    """As Istio reads a rule: `match` absent, null or an empty list."""
    return not items(rule.get("match"))


@dataclass
class _Prefix:
    prefix: str
    order: int  # the block's position among every match block of the list
    rule: int
    path: str
    node: Node


class _Walk:
    """What the walk down one route list has seen so far."""

    def __init__(self, protocol: str) -> None:
        self.protocol = protocol
        self.out: list[Problem] = []
        self.flagged: set[int] = set()  # rules with an istioctl finding
        self.seen: dict[str, str] = {}  # a block's conditions -> the path of its first block
        self.groups: dict[str, list[_Prefix]] = {}  # prefix blocks by their other conditions
        self.order = 0

    def unreachable(self, index: int, path: str, rule: Node, why: str) -> None:
        self.flagged.add(index)
        self.out.append(_unreachable(path, rule, why))

    def blocks(self, index: int, path: str, rule: Node) -> None:
        """Each match block of a rule: a repeat of an earlier one, or a prefix to compare."""
        blocks = [(i, block) for i, block in enumerate(items(rule.get("match"))) if block.is_map]
        repeated = 0
        for block_index, block in blocks:
            self.order += 1
            here = f"{path}.match[{block_index}]"
            key = _conditions_key(block, drop_uri=False)
            if key in self.seen:
                repeated += 1
                self.flagged.add(index)
                self.out.append(_ineffective(here, block, f"repeats {self.seen[key]} exactly"))
                continue
            self.seen[key] = here
            prefix = _uri_prefix(block) if self.protocol == "http" else None
            if prefix:
                group = self.groups.setdefault(_conditions_key(block, drop_uri=True), [])
                group.append(_Prefix(prefix, self.order, index, here, block))
        if blocks and repeated == len(blocks):
            self.unreachable(
                index, path, rule, "every one of its match blocks repeats one of a rule above it"
            )


def check_unreachable(spec: Node, protocol: str) -> list[Problem]:
    """IST0130, IST0131 and ML0040 for `spec.<protocol>` (http, tcp or tls)."""
    walk = _Walk(protocol)
    no_match_at: int | None = None
    takes_every_path: int | None = None
    shadowed: list[tuple[int, str, Node, int]] = []  # rules below a match-every-path rule
    for index, rule in enumerate(items(spec.get(protocol))):
        spend()
        if not rule.is_map:
            continue
        path = f"spec.{protocol}[{index}]"
        if no_match_at is not None:
            why = "has no `match` either; only the last rule may go without one"
            if not has_no_match(rule):
                why = "has no `match`, so it takes every request first"
            walk.unreachable(index, path, rule, f"rule [{no_match_at}] above it {why}")
        elif not has_no_match(rule):
            walk.blocks(index, path, rule)
            if takes_every_path is not None:
                shadowed.append((index, path, rule, takes_every_path))
            elif matches_every_path(rule):
                takes_every_path = index
        if has_no_match(rule):
            no_match_at = index
    out = walk.out
    out.extend(_overlapping_prefixes(walk.groups, walk.flagged))
    out.extend(_shadowed(*entry) for entry in shadowed if entry[0] not in walk.flagged)
    return out


def _conditions_key(block: Node, drop_uri: bool) -> str:
    """The block's conditions as one comparable string (its `name` left out, as Istio does)."""
    dropped = _NOT_CONDITIONS | ({"uri"} if drop_uri else set())
    plain = block.plain()
    key = repr(sorted((k, repr(v)) for k, v in plain.items() if k not in dropped))
    spend_text(key)
    return key


def _uri_prefix(block: Node) -> str | None:
    uri = block.get("uri")
    if uri is None or not uri.is_map:
        return None
    prefix = uri.get("prefix")
    value = prefix.value if prefix is not None and prefix.is_scalar else None
    return value if isinstance(value, str) and value else None


def _overlapping_prefixes(groups: dict[str, list[_Prefix]], flagged: set[int]) -> list[Problem]:
    """IST0131 for each prefix block under an earlier block's prefix in its group. Sorted by
    prefix, the prefixes of a string are exactly those left on the stack when it is reached."""
    out = []
    for group in groups.values():
        if len(group) < 2:
            continue
        spend(len(group))
        for entry in group:
            spend_text(entry.prefix)
        ordered = sorted(group, key=lambda entry: entry.prefix)
        stack: list[tuple[_Prefix, _Prefix]] = []  # (entry, earliest entry down to it)
        for entry in ordered:
            spend()
            while stack and not entry.prefix.startswith(stack[-1][0].prefix):
                stack.pop()
            if stack and stack[-1][1].order < entry.order:
                earliest = stack[-1][1]
                flagged.add(entry.rule)
                out.append(
                    _ineffective(
                        entry.path,
                        entry.node,
                        f"has the prefix `{clip(entry.prefix, MAX_MESSAGE)}`, which lies under "
                        f"the prefix `{clip(earliest.prefix, MAX_MESSAGE)}` of {earliest.path} "
                        "with the same other conditions",
                    )
                )
            below = stack[-1][1] if stack else None
            stack.append((entry, entry if below is None or entry.order < below.order else below))
    return out


def _unreachable(path: str, rule: Node, why: str) -> Problem:
    return _problem(
        "warning",
        codes.UNREACHABLE_RULE,
        path,
        rule,
        f"Rule {path} can never be used: {why}.",
        "Rules are tried top to bottom and the first match wins; put the rule without "
        f"`match` last. ({SOURCE})",
    )


def _ineffective(path: str, block: Node, why: str) -> Problem:
    return _problem(
        "info",
        codes.INEFFECTIVE_MATCH,
        path,
        block,
        f"This match block never takes effect: it {why}, which is tried first.",
        f"Remove it, or move the narrower block above the wider one. ({SOURCE})",
    )


def _shadowed(index: int, path: str, rule: Node, wide: int) -> Problem:
    return _problem(
        "warning",
        codes.SHADOWED_RULE,
        path,
        rule,
        f"Rule {path} can never be used: rule [{wide}] above it matches every path, so it "
        "takes every request first.",
        "Move the rule that matches every path to the end. (istioctl analyze does not report "
        "this case: it treats only a rule without `match` as taking everything.)",
    )
