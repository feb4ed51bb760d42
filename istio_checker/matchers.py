"""Istio's StringMatch (`exact`, `prefix`, `regex`) and the regexes inside it.

Envoy evaluates `regex` with Google RE2 and requires the whole value to match
(https://istio.io/latest/docs/reference/config/networking/virtual-service/#StringMatch).
We evaluate with RE2 too (the `google-re2` bindings): the same syntax Envoy accepts, and time
linear in the length of the value. Python's backtracking `re` took minutes on patterns such as
`.*.*.*.*x` against a long path, which anyone could send to the lab. Python's parser is still
used to name what RE2 refuses (look-around, back-references) in words a learner can act on.

Compiling is the costly part: a few characters such as `\\pL{10}` make a program of 12 000
instructions. So each pattern is compiled once per check (the check's memo, budget.py), its
instructions are charged to the check's work budget, and RE2 gets only the memory for programs
Istio's proxies accept: Istio sets Envoy's `re2.max_program_size.error_level` to 32768
instructions (istio/istio pkg/bootstrap/config.go, extractRuntimeFlags), so a bigger program is
refused there anyway, and is reported here as too large after a few milliseconds of work.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import re2

from .budget import memo, spend, spend_text

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

ISTIO_MAX_PROGRAM_SIZE = 32768  # instructions; see the module docstring
# RE2's default memory (8 MB) lets a program grow to some 170 000 instructions before refusing
# it, a quarter of a second's work each time. With 1 MB, programs of up to 48 000 instructions
# (.{1000} six times) still compile, above what Istio accepts, and a refusal takes milliseconds.
_MAX_MEM = 1024 * 1024
_FAILED_COMPILE_STEPS = 40_000  # a refused program was built up to the memory limit first

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # a refused pattern is reported to the learner, not to stderr
_OPTIONS.max_mem = _MAX_MEM


@dataclass(frozen=True)
class RegexCheck:
    pattern: re2._Regexp | None  # usable here, or None
    error: str = ""  # RE2 (and so Envoy) would refuse the pattern
    skipped: str = ""  # not evaluated here (too long to be worth compiling)


def check_regex(pattern: str) -> RegexCheck:
    if not isinstance(pattern, str):
        return RegexCheck(None, error="a regex must be text")
    if len(pattern) > MAX_PATTERN_CHARS:
        return RegexCheck(None, skipped=f"longer than {MAX_PATTERN_CHARS} characters")
    compiled = memo()
    key = ("regex", pattern)
    if key not in compiled:
        compiled[key] = _compile(pattern)
    return compiled[key]


def _compile(pattern: str) -> RegexCheck:
    spend_text(pattern)
    try:
        found = re2.compile(pattern, _OPTIONS)
    except re2.error as error:
        reason = error.args[0] if error.args else error
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        if "too large" in str(reason):  # RE2 built instructions up to its memory limit
            spend(_FAILED_COMPILE_STEPS)
        unsupported = _unsupported_feature(pattern)
        if unsupported:
            return RegexCheck(None, error=f"RE2 does not support {unsupported}")
        return RegexCheck(None, error=str(reason))
    spend(found.programsize)
    return RegexCheck(found)


def _unsupported_feature(pattern: str) -> str:
    """The Perl feature RE2 lacks that the pattern uses, as Python's parser sees it; or ""."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # FutureWarning for POSIX classes like [[:alpha:]]
            parsed = sre_parse.parse(pattern)
    except Exception:  # noqa: BLE001 - Python cannot read it either: RE2's own message stands
        return ""
    return _find_unsupported(parsed)


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
