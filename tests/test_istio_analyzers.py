"""The `istioctl analyze` findings the lab makes from the pasted text alone
(istio_checker/analyzers/, crossrefs.py, gateway_references.py): for each analyzer, configs
that should and should not trigger it, written here as small YAML. No database."""

from __future__ import annotations

import bisect
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from istio_checker import validate
from istio_checker.analyzers.mesh_hosts import check_mesh_host_conflicts
from istio_checker.analyzers.resource_rules import check_resource_rules
from istio_checker.analyzers.selectors import check_selectors
from istio_checker.lab import check_config
from istio_checker.resources import Resource, load_resources
from istio_checker.yamlsource import parse_documents

ANALYZER_CODES = {
    "IST0109", "IST0110", "IST0111", "IST0128", "IST0129", "IST0130", "IST0131", "IST0132",
    "IST0134", "IST0145", "IST0151", "IST0152", "IST0153", "IST0154", "IST0157", "IST0159",
    "IST0160", "IST0177",
    "ML0022", "ML0040",
}  # fmt: skip


def found(text: str) -> list[tuple[str, str, str]]:
    """(severity, code, path) of the analyzer findings, in reading order."""
    return [(p.severity, p.code, p.path) for p in validate(text) if p.code in ANALYZER_CODES]


def resources(text: str) -> list[Resource]:
    """Every document as a Resource, whatever its kind (Telemetry and EnvoyFilter included,
    which the checker reads field by field only where their schema is known)."""
    out = []
    for document in parse_documents(text).documents:
        root = document.root
        metadata = root.get("metadata")
        group, _, version = root.get("apiVersion").text().rpartition("/")
        out.append(
            Resource(
                root=root,
                kind=root.get("kind").text(),
                group=group,
                version=version,
                name=(metadata.get("name").text() if metadata.get("name") else ""),
                namespace=(metadata.get("namespace").text() if metadata.get("namespace") else ""),
                schema=None,
            )
        )
    return out


def vs(name: str, body: str, namespace: str = "") -> str:
    ns = f", namespace: {namespace}" if namespace else ""
    return (
        "---\napiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        f"metadata: {{name: {name}{ns}}}\nspec:\n{body}"
    )


ROUTE = "    route: [{destination: {host: reviews}}]\n"


def http(*matches: str, hosts: str = "[reviews]", gateways: str = "") -> str:
    """A VirtualService whose HTTP rules have these matches ("" for a rule without match)."""
    rules = "".join(
        ("  - match: " + m + "\n" + ROUTE) if m else "  - " + ROUTE.lstrip() for m in matches
    )
    gw = f"  gateways: {gateways}\n" if gateways else ""
    return vs("reviews", f"  hosts: {hosts}\n{gw}  http:\n{rules}")


# --- IST0130 / IST0131: rules and matches never used ----------------------------------------

JASON = "[{headers: {end-user: {exact: jason}}}]"

REACHABILITY = {
    "a default last is fine": ([JASON, ""], []),
    "the default first hides the rule after it": (
        ["", JASON],
        [("warning", "IST0130", "spec.http[1]")],
    ),
    "two rules without match: the second is unreachable": (
        ["", ""],
        [("warning", "IST0130", "spec.http[1]")],
    ),
    "a rule whose only match repeats an earlier one": (
        [JASON, JASON, ""],
        [("warning", "IST0130", "spec.http[1]"), ("info", "IST0131", "spec.http[1].match[0]")],
    ),
    "one repeated block of two is only ineffective": (
        [JASON, "[{uri: {exact: /a}}, " + JASON[1:], ""],
        [("info", "IST0131", "spec.http[1].match[1]")],
    ),
    "a names-only difference is still a repeat": (
        ["[{name: a, uri: {exact: /x}}]", "[{name: b, uri: {exact: /x}}]", ""],
        [("warning", "IST0130", "spec.http[1]"), ("info", "IST0131", "spec.http[1].match[0]")],
    ),
    "a longer prefix under an earlier shorter one": (
        ["[{uri: {prefix: /api}}]", "[{uri: {prefix: /api/v2}}]", ""],
        [("info", "IST0131", "spec.http[1].match[0]")],
    ),
    "the narrower prefix first is the right order": (
        ["[{uri: {prefix: /api/v2}}]", "[{uri: {prefix: /api}}]", ""],
        [],
    ),
    "a longer prefix with another header is not covered": (
        ["[{uri: {prefix: /api}}]", "[{uri: {prefix: /api/v2}, headers: {x: {exact: y}}}]", ""],
        [],
    ),
    "the same other conditions and a longer prefix are covered": (
        [
            "[{uri: {prefix: /a}, headers: {x: {regex: 'y.*'}}}]",
            "[{uri: {prefix: /ab}, headers: {x: {regex: 'y.*'}}}]",
            "",
        ],
        [("info", "IST0131", "spec.http[1].match[0]")],
    ),
    "rules under a prefix / rule: the lab's own warning where istioctl is silent": (
        ["[{uri: {prefix: /}}]", JASON],
        [("warning", "ML0040", "spec.http[1]")],
    ),
    "under a prefix / rule, a prefix rule gets istioctl's IST0131 only": (
        ["[{uri: {prefix: /}}]", "[{uri: {prefix: /b}}]"],
        [("info", "IST0131", "spec.http[1].match[0]")],
    ),
}


@pytest.mark.parametrize("case", REACHABILITY, ids=list(REACHABILITY))
def test_unreachable_rules_and_ineffective_matches(case):
    matches, expected = REACHABILITY[case]
    assert found(http(*matches)) == expected


def test_tcp_rules_follow_the_same_rules_without_prefixes():
    tcp = vs(
        "db",
        "  hosts: [db]\n  tcp:\n  - route: [{destination: {host: db}}]\n"
        "  - match: [{port: 5432}]\n    route: [{destination: {host: db}}]\n",
    )
    assert found(tcp) == [("warning", "IST0130", "spec.tcp[1]")]


def test_the_unreachable_rule_message_says_why_and_cites_istio():
    (problem,) = [p for p in validate(http("", JASON)) if p.code == "IST0130"]
    assert "rule [0] above it has no `match`" in problem.message
    assert "pkg/config/validation/validation.go" in problem.hint


# --- "no default route": for sidecars only ---------------------------------------------------

GATEWAY = (
    "---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: gw}\n"
    "spec:\n  selector: {istio: ingressgateway}\n  servers:\n"
    "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts: ['*']\n"
)
ONLY_PATHS = ["[{uri: {exact: /productpage}}]", "[{uri: {prefix: /static}}]"]


@pytest.mark.parametrize(
    ("gateways", "hosts", "warned"),
    [
        ("", "[reviews]", True),  # the sidecars: a request for another path gets 404 NR
        ("[mesh]", "[reviews]", True),
        ("[gw, mesh]", "['*.example.com']", True),  # bound to the sidecars too
        ("[gw]", "['*']", False),  # ingress only: routing chosen paths is deliberate
    ],
)
def test_no_default_route_is_a_warning_for_mesh_hosts_only(gateways, hosts, warned):
    text = GATEWAY + http(*ONLY_PATHS, hosts=hosts, gateways=gateways)
    assert (("warning", "ML0022", "spec.http") in found(text)) is warned


# --- IST0109: two VirtualServices for one host ----------------------------------------------


def two(first: str, second: str, ns1: str = "", ns2: str = "", extra1="", extra2="") -> str:
    body = "  http:\n  - route: [{destination: {host: reviews}}]\n"
    return vs("one", f"  hosts: [{first}]\n{extra1}{body}", ns1) + vs(
        "two", f"  hosts: [{second}]\n{extra2}{body}", ns2
    )


CONFLICTS = {
    "a short name and its FQDN in the default namespace": (
        two("reviews", "reviews.default.svc.cluster.local"),
        True,
    ),
    "a short name and the FQDN of its own namespace": (
        two("reviews", "reviews.shop.svc.cluster.local", "shop", ""),
        True,
    ),
    "short names in two namespaces are two services": (two("reviews", "reviews", "a", "b"), False),
    "a short name and another namespace's FQDN": (
        two("reviews", "reviews.shop.svc.cluster.local"),
        False,
    ),
    "istioctl does not expand a dotted partial name": (
        two("reviews.default", "reviews.default.svc.cluster.local"),
        False,
    ),
    "exported to their own namespaces only, in two namespaces": (
        two(
            "r.example.com", "r.example.com", "a", "b", "  exportTo: ['.']\n", "  exportTo: ['.']\n"
        ),
        False,
    ),
    "exported to their own namespace, the same one": (
        two(
            "r.example.com", "r.example.com", "a", "a", "  exportTo: ['.']\n", "  exportTo: ['.']\n"
        ),
        True,
    ),
    "one exported everywhere meets one exported to a namespace": (
        two("r.example.com", "r.example.com", "a", "b", "", "  exportTo: [c]\n"),
        True,
    ),
    "exported to no namespace at all": (
        two("r.example.com", "r.example.com", "", "", "", "  exportTo: ['~']\n"),
        False,
    ),
    "bound only to a Gateway": (
        GATEWAY + two("r.example.com", "r.example.com", extra2="  gateways: [gw]\n"),
        False,
    ),
    "bound to a Gateway and the mesh": (
        GATEWAY + two("r.example.com", "r.example.com", extra2="  gateways: [gw, mesh]\n"),
        True,
    ),
}


@pytest.mark.parametrize("case", CONFLICTS, ids=list(CONFLICTS))
def test_conflicting_virtual_services_for_one_host(case):
    text, conflict = CONFLICTS[case]
    codes = [code for _, code, _ in found(text) if code == "IST0109"]
    assert codes == (["IST0109", "IST0109"] if conflict else [])  # one on each, as istioctl


def test_the_conflict_names_the_other_virtual_service_and_the_fqdn():
    problems = validate(two("reviews", "reviews.default.svc.cluster.local"))
    first, second = [p for p in problems if p.code == "IST0109"]
    assert "VirtualService two (line" in first.message
    assert "VirtualService one (line" in second.message
    assert "`reviews.default.svc.cluster.local`" in first.message
    assert first.severity == "error" and "conflictingmeshgatewayhosts.go" in first.hint


def _pairwise(virtual_services: list[tuple[str, str, tuple[str, ...]]]) -> set[int]:
    """istioctl's rule, pair by pair: (namespace, host, exportTo) -> the indexes in a clash."""

    def scopes(namespace, export_to):
        if not export_to or "*" in export_to:
            return {"*"}
        return {namespace if e == "." else e for e in export_to if e != "~"}

    def fqdn(host, namespace):
        return (
            host if "." in host or host.startswith("*") else f"{host}.{namespace}.svc.cluster.local"
        )

    clashing = set()
    for (i, a), (j, b) in itertools.combinations(enumerate(virtual_services), 2):
        sa, sb = scopes(a[0] or "default", a[2]), scopes(b[0] or "default", b[2])
        same_host = fqdn(a[1], a[0] or "default") == fqdn(b[1], b[0] or "default")
        # Exported to no namespace (`~`): no sidecar sees it, so it clashes with none (istioctl
        # would still pair it with one exported everywhere; the lab reports only real clashes).
        if same_host and sa and sb and ("*" in sa or "*" in sb or sa & sb):
            clashing |= {i, j}
    return clashing


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "a", "b", "default"]),
            st.sampled_from(["r", "r.a.svc.cluster.local", "r.default.svc.cluster.local", "x.io"]),
            st.lists(st.sampled_from([".", "*", "a", "b", "~"]), max_size=2).map(tuple),
        ),
        max_size=6,
    )
)
def test_conflicts_are_those_a_pairwise_reading_of_istioctls_rule_finds(virtual_services):
    text = "".join(
        vs(
            f"vs-{i}",
            f"  hosts: [{host}]\n"
            + (f"  exportTo: [{', '.join(repr(e) for e in export)}]\n" if export else "")
            + "  http:\n  - route: [{destination: {host: r}}]\n",
            namespace,
        )
        for i, (namespace, host, export) in enumerate(virtual_services)
    )
    loaded = [r for r in load_resources(text).resources if r.kind == "VirtualService"]
    starts = [r.root.line for r in loaded]
    problems = check_mesh_host_conflicts(loaded)
    flagged = [bisect.bisect_right(starts, p.line) - 1 for p in problems]
    assert len(flagged) == len(set(flagged))  # one message per VirtualService
    assert set(flagged) == _pairwise(virtual_services)


# --- IST0132: a Gateway that serves none of the hosts ----------------------------------------


def gateway(name: str, hosts: str, namespace: str = "") -> str:
    ns = f", namespace: {namespace}" if namespace else ""
    return (
        f"---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}{ns}}}\n"
        "spec:\n  selector: {istio: ingressgateway}\n  servers:\n"
        f"  - port: {{number: 80, name: http, protocol: HTTP}}\n    hosts: {hosts}\n"
    )


def bound(hosts: str, gateways: str, namespace: str = "") -> str:
    return vs(
        "shop",
        f"  hosts: {hosts}\n  gateways: {gateways}\n  http:\n"
        "  - route: [{destination: {host: shop}}]\n",
        namespace,
    )


HOST_IN_GATEWAY = {
    "each host served by one of two Gateways": (
        gateway("gw-a", "[a.example.com]")
        + gateway("gw-b", "[b.example.com]")
        + bound("[a.example.com, b.example.com]", "[gw-a, gw-b]"),
        [],
    ),
    "a Gateway serving none of the hosts": (
        gateway("gw-a", "[a.example.com]") + bound("[shop.example.com]", "[gw-a]"),
        [("warning", "IST0132", "spec.gateways")],
    ),
    "a wildcard server host covers the host": (
        gateway("gw-a", "['*.example.com']") + bound("[shop.example.com]", "[gw-a]"),
        [],
    ),
    "a server host for another namespace does not count": (
        gateway("gw-a", "[other/shop.example.com]", "web")
        + bound("[shop.example.com]", "[web/gw-a]", "web"),
        [("warning", "IST0132", "spec.gateways")],
    ),
    "a server host for the Gateway's own namespace, `./`": (
        gateway("gw-a", "[./shop.example.com]", "web")
        + bound("[shop.example.com]", "[web/gw-a]", "web"),
        [],
    ),
    "a Gateway named only in a match is not compared": (
        gateway("gw-a", "[a.example.com]")
        + vs(
            "shop",
            "  hosts: [shop.example.com]\n  gateways: [mesh]\n  http:\n"
            "  - match: [{gateways: [gw-a]}]\n    route: [{destination: {host: shop}}]\n"
            "  - route: [{destination: {host: shop}}]\n",
        ),
        [],
    ),
}


@pytest.mark.parametrize("case", HOST_IN_GATEWAY, ids=list(HOST_IN_GATEWAY))
def test_host_not_found_in_gateway_only_when_istioctl_reports_it(case):
    text, expected = HOST_IN_GATEWAY[case]
    assert found(text) == expected


# --- IST0145: two Gateways for one host and port ---------------------------------------------


def server_gateway(name: str, host: str, port: int = 80, selector="ingressgateway", bind=""):
    bind_line = f"    bind: {bind}\n" if bind else ""
    return (
        f"---\napiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {{name: {name}}}\n"
        f"spec:\n  selector: {{istio: {selector}}}\n  servers:\n"
        f"  - port: {{number: {port}, name: http, protocol: HTTP}}\n{bind_line}"
        f"    hosts: ['{host}']\n"
    )


@pytest.mark.parametrize(
    ("second", "count"),
    [
        (server_gateway("b", "shop.example.com"), 2),  # each Gateway gets one, as istioctl
        (server_gateway("b", "*.example.com"), 0),  # the most specific host wins: valid
        (server_gateway("b", "shop.example.com", port=8080), 0),
        (server_gateway("b", "shop.example.com", selector="egressgateway"), 0),
        (server_gateway("b", "shop.example.com", bind="10.0.0.1"), 0),
        (server_gateway("b", "web/shop.example.com"), 0),  # written differently
    ],
)
def test_conflicting_gateways_only_for_the_same_host_port_selector_and_bind(second, count):
    text = server_gateway("a", "shop.example.com") + second
    assert [code for _, code, _ in found(text) if code == "IST0145"] == ["IST0145"] * count


# --- IST0110 / IST0111 / IST0159 / IST0160: selectors ----------------------------------------


def sidecar(name: str, namespace: str = "", labels: str = "") -> str:
    ns = f", namespace: {namespace}" if namespace else ""
    selector = f"  workloadSelector: {{labels: {labels}}}\n" if labels else ""
    return (
        f"---\napiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {{name: {name}{ns}}}\n"
        f"spec:\n{selector}  egress:\n  - hosts: ['./*']\n"
    )


SIDECARS = {
    "two without selector in one namespace": (sidecar("a") + sidecar("b"), ["IST0111"] * 2),
    "without a namespace means default": (
        sidecar("a") + sidecar("b", "default"),
        ["IST0111"] * 2,
    ),
    "one per namespace": (sidecar("a", "x") + sidecar("b", "y"), []),
    "one namespace-wide and one with a selector": (
        sidecar("a") + sidecar("b", labels="{app: r}"),
        [],
    ),
    "the same selector twice": (
        sidecar("a", labels="{app: r}") + sidecar("b", labels="{app: r}"),
        ["IST0110"] * 2,
    ),
    "different selectors": (sidecar("a", labels="{app: r}") + sidecar("b", labels="{app: s}"), []),
}


@pytest.mark.parametrize("case", SIDECARS, ids=list(SIDECARS))
def test_sidecars_competing_for_workloads(case):
    text, expected = SIDECARS[case]
    assert [code for severity, code, _ in found(text) if severity == "error"] == expected


def telemetry(name: str, spec: str) -> str:
    return (
        f"---\napiVersion: telemetry.istio.io/v1\nkind: Telemetry\nmetadata: {{name: {name}}}\n"
        f"spec:\n{spec}"
    )


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("  tracing: [{}]\n", "  metrics: [{}]\n", ["IST0160"] * 2),
        (
            "  selector: {matchLabels: {app: r}}\n",
            "  selector: {matchLabels: {app: r}}\n",
            ["IST0159"] * 2,
        ),
        ("  tracing: [{}]\n", "  selector: {matchLabels: {app: r}}\n", []),
        (
            "  tracing: [{}]\n",
            "  targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: w}]\n",
            [],
        ),
    ],
)
def test_telemetries_competing_for_workloads(first, second, expected):
    problems = check_selectors(resources(telemetry("a", first) + telemetry("b", second)))
    assert [p.code for p in problems] == expected


# --- IST0177: ServiceEntry protocols ---------------------------------------------------------


OWN = "  exportTo: ['.']\n"


def service_entry(name: str, protocol: str, namespace: str = "", export: str = "") -> str:
    ns = f", namespace: {namespace}" if namespace else ""
    return (
        "---\napiVersion: networking.istio.io/v1\nkind: ServiceEntry\n"
        f"metadata: {{name: {name}{ns}}}\nspec:\n  hosts: [api.example.com]\n{export}"
        f"  ports: [{{number: 443, name: p, protocol: {protocol}}}]\n  resolution: DNS\n"
    )


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (service_entry("a", "TLS") + service_entry("b", "HTTPS"), 2),
        (service_entry("a", "TLS") + service_entry("b", "TLS"), 0),
        (service_entry("a", "TLS", "x", OWN) + service_entry("b", "HTTPS", "y", OWN), 0),
        (service_entry("a", "TLS", "x", OWN) + service_entry("b", "HTTPS", "y"), 2),
    ],
)  # fmt: skip
def test_service_entries_giving_one_port_two_protocols(text, count):
    assert [code for _, code, _ in found(text)] == ["IST0177"] * count


@pytest.mark.parametrize(
    ("protocol", "addresses", "expected"),
    [("TCP", "", ["IST0134"]), ("TCP", "  addresses: [240.0.0.1]\n", []), ("TLS", "", [])],
)
def test_tcp_service_entry_without_addresses_is_an_info(protocol, addresses, expected):
    text = service_entry("a", protocol).replace(
        "  resolution: DNS\n", addresses + "  resolution: DNS\n"
    )
    problems = [p for p in validate(text) if p.code == "IST0134"]
    assert [p.code for p in problems] == expected
    assert all(p.severity == "info" and "auto-allocat" in p.message for p in problems)


# --- IST0128 / IST0129: TLS without caCertificates ---------------------------------------------


EGRESS_SELECTOR = "  workloadSelector: {matchLabels: {app: egress}}\n"


def destination_rule(policy: str, selector: str = "") -> str:
    return (
        "---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ext}\n"
        f"spec:\n  host: api.example.com\n{selector}  trafficPolicy:\n{policy}"
    )


@pytest.mark.parametrize(
    ("policy", "selector", "expected"),
    [
        ("    tls: {mode: SIMPLE}\n", "", [("info", "IST0128", "spec.trafficPolicy.tls")]),
        ("    tls: {mode: SIMPLE, caCertificates: /etc/ca.pem}\n", "", []),
        ("    tls: {mode: ISTIO_MUTUAL}\n", "", []),
        ("    tls: {mode: SIMPLE, credentialName: ca}\n", EGRESS_SELECTOR, []),
        (
            "    portLevelSettings:\n    - port: {number: 443}\n      tls: {mode: SIMPLE}\n",
            "",
            [("info", "IST0129", "spec.trafficPolicy.portLevelSettings[0].tls")],
        ),
    ],
)  # fmt: skip
def test_tls_without_ca_certificates_is_an_info_that_says_what_istio_does(
    policy, selector, expected
):
    text = destination_rule(policy, selector)
    assert found(text) == expected
    for problem in validate(text):
        if problem.code in ("IST0128", "IST0129"):
            assert "system's CA certificates" in problem.message  # not "never verified"


# --- IST0151-IST0154: EnvoyFilter operations -------------------------------------------------


def envoy_filter(apply_to: str, operation: str, priority: str = "") -> str:
    return (
        "---\napiVersion: networking.istio.io/v1alpha3\nkind: EnvoyFilter\nmetadata: {name: f}\n"
        f"spec:\n{priority}  configPatches:\n  - applyTo: {apply_to}\n"
        f"    patch: {{operation: {operation}, value: {{name: x}}}}\n"
    )


@pytest.mark.parametrize(
    ("apply_to", "operation", "priority", "expected"),
    [
        ("HTTP_ROUTE", "ADD", "", ["IST0153"]),
        ("ROUTE_CONFIGURATION", "REMOVE", "", ["IST0154"]),
        ("CLUSTER", "REPLACE", "", ["IST0152"]),
        ("HTTP_FILTER", "INSERT_BEFORE", "", ["IST0151"]),
        ("HTTP_FILTER", "INSERT_BEFORE", "  priority: 10\n", []),
        ("HTTP_FILTER", "INSERT_FIRST", "", []),
        ("HTTP_FILTER", "REPLACE", "", ["IST0151"]),
        ("HTTP_ROUTE", "MERGE", "", []),
        ("CLUSTER", "ADD", "", []),
    ],
)
def test_envoy_filter_operations(apply_to, operation, priority, expected):
    problems = check_resource_rules(resources(envoy_filter(apply_to, operation, priority)))
    assert [p.code for p in problems] == expected


# --- IST0157: access logging without a provider ----------------------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [("[{}]", ["IST0157"]), ("[{providers: [{name: envoy}]}]", []), ("[{disabled: true}]", [])],
)
def test_access_logging_without_a_provider_depends_on_the_mesh_config(entry, expected):
    problems = check_resource_rules(resources(telemetry("a", f"  accessLogging: {entry}\n")))
    assert [p.code for p in problems] == expected
    assert all(p.severity == "info" and "meshConfig" in p.message for p in problems)


# --- what needs the cluster ------------------------------------------------------------------


def test_the_checks_that_need_the_cluster_are_named_once_per_check():
    text = http("", hosts="[reviews]") + destination_rule("    tls: {mode: ISTIO_MUTUAL}\n")
    text += vs(
        "ratings", "  hosts: [ratings]\n  http:\n  - route: [{destination: {host: ratings}}]\n"
    )
    result = check_config(text)
    note = result.not_checked_here
    assert note.count("IST0173") == 1 and note.count("IST0112") == 1  # two VirtualServices
    assert "istioctl analyze" in note
    assert not any(p.code == "ML0041" for p in result.problems)  # said apart from the problems
    assert result.as_dict()["not_checked_here"] == note


def test_nothing_is_said_when_no_check_needs_the_cluster():
    text = (
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n"
        "metadata: {name: default}\nspec: {mtls: {mode: STRICT}}\n"
    )
    result = check_config(text)
    assert result.not_checked_here == "" and result.as_dict()["not_checked_here"] is None


# --- no false alarms on valid, current configs -----------------------------------------------

VALID = {
    "an ingress VirtualService routing only chosen paths, as Istio's Bookinfo sample": GATEWAY
    + http(*ONLY_PATHS, hosts="['*']", gateways="[gw]"),
    "one VirtualService bound to two Gateways, each serving one of its hosts": HOST_IN_GATEWAY[
        "each host served by one of two Gateways"
    ][0],
    "a query parameter matched by prefix (istio/api virtual_service.proto)": http(
        "[{queryParams: {key: {prefix: ab}}}]", ""
    ),
    "a JWT claim route, whose claim names keep their case": http(
        "[{headers: {'@request.auth.claims.Role': {exact: admin}}}]", ""
    ),
    "the same host in two namespaces, each exported to its own": two(
        "reviews", "reviews", "a", "b", "  exportTo: ['.']\n", "  exportTo: ['.']\n"
    ),
    "one Sidecar per namespace and ServiceEntries agreeing on the protocol": sidecar("a", "x")
    + sidecar("b", "y")
    + service_entry("a", "TLS")
    + service_entry("b", "TLS"),
}


@pytest.mark.parametrize("case", VALID, ids=list(VALID))
def test_valid_current_configs_get_no_warning_or_error(case):
    assert [(p.severity, p.code, p.message) for p in validate(VALID[case])
            if p.severity != "info"] == []  # fmt: skip


def test_weights_that_do_not_total_100_are_a_note_not_a_warning():
    text = vs(
        "r",
        "  hosts: [r]\n  http:\n  - route:\n    - {destination: {host: r, subset: a}, weight: 4}\n"
        "    - {destination: {host: r, subset: b}, weight: 1}\n",
    )
    (note,) = [p for p in validate(text) if p.code == "ML0021"]
    assert note.severity == "info" and "80%, 20%" in note.message
