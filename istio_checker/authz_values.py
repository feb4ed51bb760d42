"""How one value of an AuthorizationPolicy compares with a fact of the request.

Istio's reference (https://istio.io/latest/docs/reference/config/security/authorization-policy/,
"Rule" and "Operation") gives every string field four forms, as istiod turns them into Envoy
matchers in pilot/pkg/security/authz/matcher/string.go (StringMatcherWithPrefix) and header.go
(HostMatcher):

- `*` alone: the value is present and not empty;
- `abc*`: a prefix; `*abc`: a suffix; anything else: exact;
- `hosts` compare without case (HostMatcher sets ignore_case);
- `paths` may hold the templates `{*}` (one whole path segment) and `{**}` (the rest of the
  path, zero or more characters across segments; it must be the last operator): istiod hands
  them to Envoy's uri_template matcher (matcher/template.go, and the validation in
  pkg/config/security/security.go CheckValidPathTemplate). They are matched here with RE2
  (linear time), each template compiled once per check;
- `ipBlocks`, `source.ip` and the other IP keys take an address or a CIDR.

Pure Python, no Django.
"""

from __future__ import annotations

import ipaddress

import re2

from .budget import memo, spend, spend_text

ONE_SEGMENT = "{*}"
ANY_SEGMENTS = "{**}"
MAX_VALUE_CHARS = 2048


def string_matches(pattern: str, actual: str | None, ignore_case: bool = False) -> bool:
    """Istio's exact / `prefix*` / `*suffix` / `*` (present) match; an absent fact never
    matches."""
    spend_text(pattern)
    if actual is None:
        return False
    if ignore_case:
        pattern, actual = pattern.lower(), actual.lower()
    if pattern == "*":
        return actual != ""
    if pattern.startswith("*"):
        return actual.endswith(pattern[1:])
    if pattern.endswith("*"):
        return actual.startswith(pattern[:-1])
    return actual == pattern


def any_matches(patterns: list[str], actual: str | None, ignore_case: bool = False) -> bool:
    return any(string_matches(p, actual, ignore_case) for p in patterns)


def any_matches_any(patterns: list[str], actuals: list[str]) -> bool:
    """A list-valued fact (a JWT claim that is a list, `aud`): one element matching one
    pattern is enough (pilot/pkg/security/authz/model: MetadataListValueMatcherForJWTClaims)."""
    return any(string_matches(p, a) for p in patterns for a in actuals)


def path_matches(pattern: str, path: str) -> bool:
    """`paths` values: templates `{*}`/`{**}` when present, else the string forms. The query
    string is not part of the path Envoy compares."""
    path = path.partition("?")[0]
    if ONE_SEGMENT not in pattern and ANY_SEGMENTS not in pattern:
        return string_matches(pattern, path)
    compiled = _template(pattern)
    spend_text(path)
    return compiled is not None and compiled.fullmatch(path[:MAX_VALUE_CHARS]) is not None


def _template(pattern: str):
    """The RE2 program of a path template, once per check (None: not a valid template)."""
    cache = memo().setdefault("authz-path-templates", {})
    if pattern in cache:
        return cache[pattern]
    spend_text(pattern)
    parts = []
    for segment in pattern[:MAX_VALUE_CHARS].split("/"):
        if segment == ONE_SEGMENT:
            parts.append("[^/]+")
        elif segment == ANY_SEGMENTS:
            parts.append(".*")
        elif "{" in segment or "}" in segment:  # istiod refuses these
            cache[pattern] = None
            return None
        else:
            parts.append(re2.escape(segment))
    try:
        compiled = re2.compile("/".join(parts))
    except re2.error:
        compiled = None
    cache[pattern] = compiled
    return compiled


def ip_in(block: str, address: str | None) -> bool:
    """`block` is an address or a CIDR; an absent or unreadable address never matches."""
    spend()
    if not address:
        return False
    try:
        network = ipaddress.ip_network(block.strip(), strict=False)
        return ipaddress.ip_address(address.strip()) in network
    except ValueError:
        return False


def any_ip_in(blocks: list[str], address: str | None) -> bool:
    return any(ip_in(block, address) for block in blocks)
