"""A practice task's checks, each with exactly one probe (valid, route, authz, mtls, resource),
checked for their shape and types as docs/practice.md describes them; what a probe means is
practice/grading.py's. Pure Python: no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .reader import Reader
from .task_values import (
    DECISIONS,
    MAX_CHECKS,
    MAX_FAIL,
    MAX_MAP_ENTRIES,
    MAX_NAME,
    MAX_PATH_PARTS,
    MAX_RESOURCE_ITEMS,
    MAX_SHORT,
    MTLS_OUTCOMES,
    PROBES,
    RESOURCE_TESTS,
    ROUTE_OUTCOMES,
    bounded,
    duration,
    mapping_or_empty,
    number,
    port,
    seconds,
    status,
    text_map,
)
from .yamlfile import Path_


@dataclass
class CheckData:
    name: str
    kind: str  # one of PROBES
    probe: dict  # the probe's mapping as written (checked); grading.py reads it
    fail: str = ""
    line: int | None = None  # where it is in its file, for messages

    def as_dict(self) -> dict:
        out: dict = {"name": self.name, self.kind: self.probe}
        if self.fail:
            out["fail"] = self.fail
        return out


# --- checks ----------------------------------------------------------------------------------


def read_checks(reader: Reader, value, path: Path_, workloads: list) -> list[CheckData]:
    """The checks of a task whose workloads (WorkloadData) are `workloads`."""
    names = {workload.name for workload in workloads}
    checks: list[CheckData] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(bounded(reader, value, path, MAX_CHECKS, "checks")):
        check = read_check(reader, item, (*path, index), names)
        if check.name in seen:
            raise reader.doc.error(
                (*path, index, "name"),
                f"duplicate check name '{check.name}' (also at position {seen[check.name] + 1})",
            )
        seen[check.name] = index
        checks.append(check)
    if not checks:
        raise reader.doc.error(path, "a task needs at least one check")
    return checks


def read_check(reader: Reader, value, path: Path_, workloads: set[str]) -> CheckData:
    raw = reader.mapping(value, path, {"name", "fail", *PROBES}, {"name"})
    probes = [key for key in PROBES if key in raw]
    if len(probes) != 1:
        found = ", ".join(probes) or "none"
        raise reader.doc.error(
            path, f"a check has exactly one probe ({', '.join(PROBES)}); found {found}"
        )
    kind = probes[0]
    fail = reader.text(raw.get("fail"), (*path, "fail"), max_length=MAX_FAIL)
    if kind != "valid" and not fail.strip():
        raise reader.doc.error(
            path, f"missing required key 'fail' (what a learner is told when a {kind} check fails)"
        )
    probe_path = (*path, kind)
    read_probe = {
        "valid": _valid,
        "route": _route,
        "authz": _authz,
        "mtls": _mtls,
        "resource": _resource,
    }[kind]
    probe = read_probe(Probe(reader, workloads), raw[kind], probe_path)
    return CheckData(
        name=reader.text(raw["name"], (*path, "name"), max_length=MAX_SHORT),
        kind=kind,
        probe=probe,
        fail=fail,
        line=reader.doc.line(path),
    )


@dataclass
class Probe:
    """What a probe reader needs: the document's reader and the task's workload names."""

    reader: Reader
    workloads: set[str]

    def workload(self, value, path: Path_) -> str:
        name = self.reader.text(value, path, max_length=63)
        if name not in self.workloads:
            known = ", ".join(sorted(self.workloads)) or "none"
            raise self.reader.doc.error(
                path, f"'{name}' is not a workload of this task (workloads: {known})"
            )
        return name


def _valid(probe: Probe, value, path: Path_) -> dict:
    raw = mapping_or_empty(probe.reader, value, path, {"warnings"}, set())
    if "warnings" in raw:
        probe.reader.boolean(raw["warnings"], (*path, "warnings"), default=True)
    return dict(raw)


def _request_line(probe: Probe, raw: dict, path: Path_) -> None:
    """path, method, port and headers, as route and authz requests write them."""
    reader = probe.reader
    if "path" in raw:
        text = reader.text(raw["path"], (*path, "path"), max_length=2000)
        if not text.startswith("/"):
            raise reader.doc.error((*path, "path"), "a request path starts with /")
    if "method" in raw:
        method = reader.text(raw["method"], (*path, "method"), max_length=20)
        if not re.fullmatch(r"[A-Z]+", method):
            raise reader.doc.error((*path, "method"), f"'{method}' is not an HTTP method (GET)")
    if "port" in raw:
        port(reader, raw["port"], (*path, "port"))
    if "headers" in raw:
        text_map(reader, raw["headers"], (*path, "headers"))


_ROUTE_REQUEST = {"host", "path", "method", "headers", "port", "from", "gateway"}
_ROUTE_EXPECT = {
    "outcome",
    "destination",
    "subset",
    "share",
    "tolerance",
    "status",
    "fault",
    "timeout",
    "retries",
    "redirect",
    "rewrite",
    "mirror",
    "request_headers_set",
    "response_headers_set",
}


def _route(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"request", "expect"}, {"request", "expect"})
    request_path = (*path, "request")
    request = reader.mapping(raw["request"], request_path, _ROUTE_REQUEST, {"host"})
    reader.text(request["host"], (*request_path, "host"), max_length=MAX_NAME)
    _request_line(probe, request, request_path)
    if "from" in request:
        probe.workload(request["from"], (*request_path, "from"))
    if "gateway" in request:
        reader.text(request["gateway"], (*request_path, "gateway"), max_length=MAX_NAME)
    expect_path = (*path, "expect")
    expect = reader.mapping(raw["expect"], expect_path, _ROUTE_EXPECT, set())
    if not expect:
        raise reader.doc.error(expect_path, "expects nothing: give at least one expectation")
    _route_expect(reader, expect, expect_path)
    return dict(raw)


def _route_expect(reader: Reader, expect: dict, path: Path_) -> None:
    def at(key: str) -> Path_:
        return (*path, key)

    if "outcome" in expect:
        reader.choice(expect["outcome"], at("outcome"), ROUTE_OUTCOMES, "")
    for key in ("destination", "subset"):
        if key in expect:
            reader.text(expect[key], at(key), max_length=MAX_NAME)
    if "share" in expect:
        shares = text_map(reader, expect["share"], at("share"), numbers=True)
        if not shares:
            raise reader.doc.error(at("share"), "give each subset (or host) its percent")
        if abs(sum(shares.values()) - 100) > 0.5:
            raise reader.doc.error(at("share"), "the percents must add up to 100")
    if "tolerance" in expect:
        number(reader, expect["tolerance"], at("tolerance"), 0, 100)
    if "status" in expect:
        status(reader, expect["status"], at("status"))
    _rule_settings(reader, expect, at)
    for key in ("request_headers_set", "response_headers_set"):
        if key in expect and not text_map(reader, expect[key], at(key)):
            raise reader.doc.error(at(key), "name at least one header and its value")


def _fault(reader: Reader, value, at) -> None:
    if isinstance(value, str):
        raise reader.doc.error(
            at("fault"), "expected `none` or a mapping such as {abort: 503, percent: 100}"
        )
    fault = reader.mapping(value, at("fault"), {"abort", "delay", "percent"}, set())
    if ("abort" in fault) == ("delay" in fault):
        raise reader.doc.error(at("fault"), "a fault expectation has either abort or delay")
    if "abort" in fault:
        status(reader, fault["abort"], (*at("fault"), "abort"))
    if "delay" in fault:
        duration(reader, fault["delay"], (*at("fault"), "delay"))
    if "percent" in fault:
        number(reader, fault["percent"], (*at("fault"), "percent"), 0, 100)


def _rule_settings(reader: Reader, expect: dict, at) -> None:
    """fault, timeout, retries, redirect, rewrite and mirror expectations."""
    if "fault" in expect and expect["fault"] != "none":  # none: no abort or delay touches it
        _fault(reader, expect["fault"], at)
    if "timeout" in expect:
        duration(reader, expect["timeout"], at("timeout"))
    if "retries" in expect:
        keys = {"attempts", "per_try_timeout", "retry_on"}
        retries = reader.mapping(expect["retries"], at("retries"), keys, set())
        if "attempts" in retries:
            attempts = reader.whole_number(retries["attempts"], (*at("retries"), "attempts"))
            if attempts < 0:
                raise reader.doc.error((*at("retries"), "attempts"), "cannot be negative")
        if "per_try_timeout" in retries:
            duration(reader, retries["per_try_timeout"], (*at("retries"), "per_try_timeout"))
        if "retry_on" in retries:
            reader.text(retries["retry_on"], (*at("retries"), "retry_on"), max_length=MAX_SHORT)
    if "redirect" in expect:
        redirect = reader.mapping(
            expect["redirect"], at("redirect"), {"uri", "authority", "code"}, set()
        )
        for key in ("uri", "authority"):
            if key in redirect:
                reader.text(redirect[key], (*at("redirect"), key), max_length=2000)
        if "code" in redirect:
            status(reader, redirect["code"], (*at("redirect"), "code"))
    if "rewrite" in expect:
        keys = {"uri", "authority", "path"}
        rewrite = reader.mapping(expect["rewrite"], at("rewrite"), keys, set())
        if not rewrite:
            raise reader.doc.error(
                at("rewrite"), "give `path` (as it arrives), `uri` or `authority`"
            )
        for key in ("uri", "authority", "path"):
            if key in rewrite:
                reader.text(rewrite[key], (*at("rewrite"), key), max_length=2000)
        if "path" in rewrite and not str(rewrite["path"]).startswith("/"):
            raise reader.doc.error((*at("rewrite"), "path"), "a path starts with /")
    if "mirror" in expect:
        mirror = reader.mapping(
            expect["mirror"], at("mirror"), {"host", "subset", "percent"}, {"host"}
        )
        for key in ("host", "subset"):
            if key in mirror:
                reader.text(mirror[key], (*at("mirror"), key), max_length=MAX_NAME)
        if "percent" in mirror:
            number(reader, mirror["percent"], (*at("mirror"), "percent"), 0, 100)


_SOURCE_KEYS = {"principal", "namespace", "ip", "jwt_claims", "invalid_jwt"}


def _authz(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"request", "expect"}, {"request", "expect"})
    request_path = (*path, "request")
    keys = {"from", "source", "to", "path", "method", "port", "headers"}
    request = reader.mapping(raw["request"], request_path, keys, {"to"})
    if "from" in request and "source" in request:
        raise reader.doc.error(
            request_path, "a request has `from` (a workload) or `source`, not both"
        )
    if "from" in request:
        probe.workload(request["from"], (*request_path, "from"))
    if "source" in request:
        source_path = (*request_path, "source")
        source = mapping_or_empty(reader, request["source"], source_path, _SOURCE_KEYS, set())
        for key in ("principal", "namespace", "ip"):
            if key in source:
                reader.text(source[key], (*source_path, key), max_length=MAX_NAME)
        if "jwt_claims" in source:
            claims = source["jwt_claims"]
            if not isinstance(claims, dict) or len(claims) > MAX_MAP_ENTRIES:
                raise reader.doc.error(
                    (*source_path, "jwt_claims"),
                    f"expected a mapping of at most {MAX_MAP_ENTRIES} claims",
                )
            for key, claim in claims.items():
                items = claim if isinstance(claim, list) else [claim]
                if len(items) > MAX_MAP_ENTRIES:
                    raise reader.doc.error((*source_path, "jwt_claims", key), "too many values")
                for item in items:
                    reader.text(item, (*source_path, "jwt_claims", key), max_length=MAX_NAME)
        if "invalid_jwt" in source:
            reader.boolean(source["invalid_jwt"], (*source_path, "invalid_jwt"), default=False)
    probe.workload(request["to"], (*request_path, "to"))
    _request_line(probe, request, request_path)
    expect_path = (*path, "expect")
    expect = reader.mapping(
        raw["expect"], expect_path, {"decision", "policy", "status"}, {"decision"}
    )
    reader.choice(expect["decision"], (*expect_path, "decision"), DECISIONS, "")
    if "policy" in expect:
        policy = reader.text(expect["policy"], (*expect_path, "policy"), max_length=MAX_NAME)
        if "/" not in policy:
            raise reader.doc.error((*expect_path, "policy"), "name the policy as namespace/name")
    if "status" in expect:
        answer = status(reader, expect["status"], (*expect_path, "status"))
        if answer not in (401, 403):
            raise reader.doc.error(
                (*expect_path, "status"), "an authorization answer is 401 or 403"
            )
    return dict(raw)


def _mtls(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"from", "to", "port", "expect"}, {"from", "to", "expect"})
    probe.workload(raw["from"], (*path, "from"))
    probe.workload(raw["to"], (*path, "to"))
    if "port" in raw:
        port(reader, raw["port"], (*path, "port"))
    reader.choice(raw["expect"], (*path, "expect"), MTLS_OUTCOMES, "")
    return dict(raw)


def _resource(probe: Probe, value, path: Path_) -> dict:
    reader = probe.reader
    raw = reader.mapping(value, path, {"select", "count", "expect"}, {"select"})
    select_path = (*path, "select")
    keys = {"kind", "apiVersion", "name", "namespace", "host"}
    select = reader.mapping(raw["select"], select_path, keys, {"kind"})
    for key in keys & set(select):
        reader.text(select[key], (*select_path, key), max_length=MAX_NAME)
    if "count" in raw:
        count = reader.whole_number(raw["count"], (*path, "count"))
        if not 0 <= count <= 1000:
            raise reader.doc.error((*path, "count"), "must be between 0 and 1000")
    items = reader.sequence(raw.get("expect"), (*path, "expect"))
    if len(items) > MAX_RESOURCE_ITEMS:
        raise reader.doc.error((*path, "expect"), f"has more than {MAX_RESOURCE_ITEMS} items")
    if not items and "count" not in raw:
        raise reader.doc.error(path, "give `count` or at least one `expect` item")
    for index, item in enumerate(items):
        where = (*path, "expect", index)
        entry = reader.mapping(item, where, {"path", *RESOURCE_TESTS}, {"path"})
        parts = reader.sequence(entry["path"], (*where, "path"))
        if not parts or len(parts) > MAX_PATH_PARTS:
            raise reader.doc.error((*where, "path"), f"a path has 1 to {MAX_PATH_PARTS} keys")
        for position, part in enumerate(parts):
            _path_part(reader, part, (*where, "path", position))
        tests = [key for key in RESOURCE_TESTS if key in entry]
        if len(tests) != 1:
            raise reader.doc.error(where, f"an item has exactly one of {', '.join(RESOURCE_TESTS)}")
        test = tests[0]
        if test == "present":
            if not isinstance(entry["present"], bool):
                raise reader.doc.error((*where, "present"), "expected true or false")
        elif test in ("at_most", "at_least"):
            bound = entry[test]
            if not (isinstance(bound, str) and seconds(bound) is not None):
                number(reader, bound, (*where, test), -1e12, 1e12)
        elif test == "one_of":
            options = reader.sequence(entry["one_of"], (*where, "one_of"))
            if not options or len(options) > MAX_MAP_ENTRIES:
                raise reader.doc.error((*where, "one_of"), f"list 1 to {MAX_MAP_ENTRIES} values")
    return dict(raw)


def _path_part(reader: Reader, part, where: Path_) -> None:
    """A key (text), an index (a whole number), or a list-item picker: a mapping of one key to
    a scalar, `{name: canary}` (the first item whose `name` is canary)."""
    if isinstance(part, dict):
        if len(part) != 1:
            raise reader.doc.error(where, "a list-item picker has one key: {name: canary}")
        ((key, value),) = part.items()
        reader.text(key, (*where, key), max_length=MAX_SHORT)
        if isinstance(value, dict | list) or value is None:
            raise reader.doc.error((*where, key), "a list-item picker compares a scalar value")
        return
    if isinstance(part, bool) or not isinstance(part, str | int):
        raise reader.doc.error(where, "a key (text), an index, or a picker such as {name: canary}")
