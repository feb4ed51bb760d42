"""Istio's StringMatch (`exact`, `prefix`, `regex`) and the regexes inside it.

Envoy evaluates `regex` with Google RE2 and requires the whole value to match
(https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch).
We evaluate with Python's `re.fullmatch`, which agrees with RE2 on ordinary patterns but, unlike
RE2, can take exponential time on nested repetition. So a pattern is inspected before use:
features RE2 refuses (look-around, back-references) are reported as errors, and patterns that
could backtrack badly are simply not evaluated here.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MAX_PATTERN_CHARS = 1000
MAX_SUBJECT_CHARS = 2000

_NOT_IN_RE2 = {
    sre_constants.ASSERT: "look-ahead or look-behind",
    sre_constants.ASSERT_NOT: "negative look-ahead or look-behind",
    sre_constants.GROUPREF: "back-references",
    sre_constants.GROUPREF_EXISTS: "conditional groups",
}
for _name, _label in (("ATOMIC_GROUP", "atomic groups"), ("POSSESSIVE_REPEAT", "possessive `+`")):
    if hasattr(sre_constants, _name):
        _NOT_IN_RE2[getattr(sre_constants, _name)] = _label
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT}
if hasattr(sre_constants, "POSSESSIVE_REPEAT"):
    _REPEATS.add(sre_constants.POSSESSIVE_REPEAT)


@dataclass(frozen=True)
class RegexCheck:
    pattern: re.Pattern | None  # usable here, or None
    error: str = ""  # RE2 (and so Envoy) would refuse the pattern
    skipped: str = ""  # valid, but we do not evaluate it in Python


def check_regex(pattern: str) -> RegexCheck:
    if not isinstance(pattern, str):
        return RegexCheck(None, error="a regex must be text")
    if len(pattern) > MAX_PATTERN_CHARS:
        return RegexCheck(None, skipped=f"longer than {MAX_PATTERN_CHARS} characters")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FutureWarning for POSIX classes like [[:alpha:]]
            parsed = sre_parse.parse(pattern)
            compiled = re.compile(pattern)
    except re.error as error:
        if "bad escape" in str(error):  # \pL, \z ... exist in RE2 but not in Python
            return RegexCheck(None, skipped=f"uses an escape Python lacks ({error})")
        return RegexCheck(None, error=str(error))
    except (RecursionError, OverflowError, ValueError) as error:
        return RegexCheck(None, skipped=str(error))
    if "[:" in pattern:  # RE2 reads [[:alpha:]] as a POSIX class, Python as a plain set
        return RegexCheck(None, skipped="uses a POSIX character class")
    unsupported = _find_unsupported(parsed)
    if unsupported:
        return RegexCheck(None, error=f"RE2 does not support {unsupported}")
    if _may_backtrack(parsed, inside_repeat=False):
        return RegexCheck(
            None,
            skipped="repeats a group that can match in several ways (fine in RE2, slow in Python)",
        )
    return RegexCheck(compiled)


def _children(parsed) -> list:
    """Sub-patterns of one parsed node, whatever its opcode."""
    found = []
    for _op, arg in parsed:
        for part in arg if isinstance(arg, (tuple, list)) else (arg,):
            if isinstance(part, sre_parse.SubPattern):
                found.append(part)
            elif isinstance(part, (tuple, list)):
                found.extend(p for p in part if isinstance(p, sre_parse.SubPattern))
    return found


def _find_unsupported(parsed) -> str:
    for op, _arg in parsed:
        if op in _NOT_IN_RE2:
            return _NOT_IN_RE2[op]
    for child in _children(parsed):
        found = _find_unsupported(child)
        if found:
            return found
    return ""


def _may_backtrack(parsed, inside_repeat: bool) -> bool:
    for op, arg in parsed:
        if op in _REPEATS and arg[1] > 1:
            if inside_repeat:
                return True
            if _may_backtrack(arg[2], inside_repeat=True):
                return True
        elif op == sre_constants.BRANCH and inside_repeat:
            return True
        else:
            for child in _children([(op, arg)]):
                if _may_backtrack(child, inside_repeat):
                    return True
    return False


@dataclass(frozen=True)
class MatchResult:
    matched: bool | None  # None: could not be evaluated here
    expected: str  # e.g. 'prefix "/reviews"'
    note: str = ""


def describe(string_match: object) -> str:
    if not isinstance(string_match, dict) or not string_match:
        return "present"
    for how in ("exact", "prefix", "regex"):
        if how in string_match:
            return f'{how} "{string_match[how]}"'
    return "present"


def evaluate(string_match: object, actual: str | None, ignore_case: bool = False) -> MatchResult:
    """Does `actual` satisfy the StringMatch? An empty match only asks for presence."""
    expected = describe(string_match)
    if actual is None:
        return MatchResult(False, expected, "absent")
    if not isinstance(string_match, dict) or not any(
        how in string_match for how in ("exact", "prefix", "regex")
    ):
        return MatchResult(True, expected)
    if "exact" in string_match:
        wanted = str(string_match["exact"])
        if ignore_case:
            return MatchResult(actual.lower() == wanted.lower(), expected)
        return MatchResult(actual == wanted, expected)
    if "prefix" in string_match:
        wanted = str(string_match["prefix"])
        if ignore_case:
            return MatchResult(actual.lower().startswith(wanted.lower()), expected)
        return MatchResult(actual.startswith(wanted), expected)
    check = check_regex(string_match["regex"])
    if check.pattern is None:
        return MatchResult(None, expected, check.error or check.skipped)
    if len(actual) > MAX_SUBJECT_CHARS:
        return MatchResult(None, expected, f"value longer than {MAX_SUBJECT_CHARS} characters")
    return MatchResult(check.pattern.fullmatch(actual) is not None, expected)
