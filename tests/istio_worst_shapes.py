"""The costliest pastes we can think of for the Istio checker, at any size up to the lab's 256 KB.

Each shape is a function `size -> Shape`: valid YAML (mostly valid Istio, so that every pass
runs, not only the first error) that repeats one unit until the text is `size` bytes. They stay
under the reader's 20 000-value limit at 256 KB, so none is refused before the checks run. Used
by tests/test_istio_worst_shapes.py (steps per size) and bench/lab_worst.py (seconds, old code
against new). Pure text: it imports nothing from the checker, so it can drive an old checkout.

`BUDGET_STOPS` names the shapes that are meant to end early with a partial result: they do work
that is not proportional to their size (a few bytes of `\\pL` compile into thousands of RE2
instructions, an alias repeats a long string), which the checker's work budget is there to stop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

KB = 1024
MAX_SIZE = 256 * KB


@dataclass(frozen=True)
class Shape:
    text: str
    # The sample request the lab traces through it (host, path, headers).
    host: str = ""
    path: str = "/"
    headers: dict[str, str] = field(default_factory=dict)


def _fill(size: int, head: str, unit: Callable[[int], str], tail: str = "") -> tuple[str, int]:
    """`head`, then unit(0), unit(1)... while the text stays within `size` bytes, then `tail`.
    Returns the text and the number of units."""
    parts, used, count = [head], len(head.encode()) + len(tail.encode()), 0
    while True:
        piece = unit(count)
        grown = used + len(piece.encode())
        if grown > size:
            break
        parts.append(piece)
        used, count = grown, count + 1
    parts.append(tail)
    return "".join(parts), count


def _vs_head(name: str, namespace: str = "", gateways: tuple[str, ...] = ()) -> str:
    ns = f"  namespace: {namespace}\n" if namespace else ""
    gws = "".join(f"  - {g}\n" for g in gateways)
    return (
        "apiVersion: networking.istio.io/v1\nkind: VirtualService\n"
        f"metadata:\n  name: {name}\n{ns}spec:\n" + (f"  gateways:\n{gws}" if gws else "")
    )


def _route(host: str, indent: str = "  ") -> str:
    return (
        f"{indent}http:\n{indent}- route:\n{indent}  - destination:\n{indent}      host: {host}\n"
    )


# --- hosts -------------------------------------------------------------------------------


def hosts_in_two_virtual_services(size: int) -> Shape:
    """The issue's case: two VirtualServices, thousands of distinct hosts each, no conflict."""
    half = size // 2
    first, _ = _fill(
        half,
        _vs_head("first") + "  hosts:\n",
        lambda i: f"  - h{i}.first.example.com\n",
        _route("backend") + "---\n",
    )
    second, count = _fill(
        size - len(first.encode()),
        _vs_head("second") + "  hosts:\n",
        lambda i: f"  - h{i}.second.example.com\n",
        _route("backend"),
    )
    return Shape(first + second, host=f"h{count - 1}.second.example.com")


def same_hosts_in_two_virtual_services(size: int) -> Shape:
    """Two VirtualServices for the same thousands of hosts: every host of the second conflicts,
    and each message names the first, whose name is long."""
    half = size // 2
    long_name = "first-" + "n" * 200
    first, count = _fill(
        half,
        _vs_head(long_name) + "  hosts:\n",
        lambda i: f"  - h{i}.example.com\n",
        _route("backend") + "---\n",
    )
    hosts = "".join(f"  - h{i}.example.com\n" for i in range(count))
    second = _vs_head("second") + "  hosts:\n" + hosts + _route("backend")
    return Shape(first + second, host="h0.example.com")


def many_virtual_services_sharing_hosts(size: int) -> Shape:
    """A List of small VirtualServices, each claiming two shared hosts and one of its own."""
    head = "apiVersion: v1\nkind: List\nitems:\n"

    def unit(i: int) -> str:
        return (
            "- apiVersion: networking.istio.io/v1\n  kind: VirtualService\n"
            f"  metadata: {{name: vs-{i}}}\n"
            f"  spec:\n    hosts: [shared-a.example.com, shared-b, own-{i}.example.com]\n"
            f"    http:\n    - route:\n      - destination: {{host: backend-{i}}}\n"
        )

    text, count = _fill(size, head, unit)
    return Shape(text, host=f"own-{count - 1}.example.com")


def many_virtual_services_in_namespaces(size: int) -> Shape:
    """Short host names in many namespaces (each its own service), some without a namespace."""
    head = "apiVersion: v1\nkind: List\nitems:\n"

    def unit(i: int) -> str:
        namespace = f", namespace: team-{i}" if i % 5 else ""
        return (
            "- apiVersion: networking.istio.io/v1\n  kind: VirtualService\n"
            f"  metadata: {{name: reviews-{i}{namespace}}}\n"
            f"  spec:\n    hosts: [reviews, ratings-{i % 7}, details.team-{i}.svc.cluster.local]\n"
            "    http:\n    - route:\n      - destination: {host: reviews}\n"
        )

    text, _ = _fill(size, head, unit)
    return Shape(text, host="reviews")


def many_wildcard_hosts(size: int) -> Shape:
    """A Gateway of wildcard hosts and a VirtualService bound to it whose hosts are concrete
    names under them, wildcards of their own, and names that no wildcard covers."""
    half = size // 2
    gateway, count = _fill(
        half,
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: edge}\nspec:\n"
        "  selector: {istio: ingressgateway}\n  servers:\n"
        "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts:\n",
        lambda i: f"    - '*.z{i}.example.com'\n",
        "---\n",
    )

    def vs_host(i: int) -> str:
        kind = i % 3
        if kind == 0:
            return f"  - a.b.z{i % count}.example.com\n"
        if kind == 1:
            return f"  - '*.y{i}.z{i % count}.example.com'\n"
        return f"  - nowhere-{i}.example.org\n"

    vs, _ = _fill(
        size - len(gateway.encode()),
        _vs_head("wild", gateways=("edge",)) + "  hosts:\n",
        vs_host,
        _route("backend"),
    )
    return Shape(gateway + vs, host="a.b.z1.example.com")


# --- gateways ----------------------------------------------------------------------------


def many_gateways_on_one_port(size: int) -> Shape:
    """Gateways on the same workload and port: concrete hosts, then wildcards over them, then
    hosts a wildcard written earlier covers (IST0145 in both directions)."""
    head = "apiVersion: v1\nkind: List\nitems:\n"

    def unit(i: int) -> str:
        if i % 3 == 0:
            hosts = f"[app-{i}.shop.example.com, api-{i}.shop.example.com]"
        elif i % 3 == 1:
            hosts = f"['*.zone-{i}.example.com', 'team/app-{i - 1}.shop.example.com']"
        else:
            hosts = f"[x.zone-{i - 1}.example.com, 'ns/*.q{i}.example.com']"
        return (
            "- apiVersion: networking.istio.io/v1\n  kind: Gateway\n"
            f"  metadata: {{name: gw-{i}}}\n  spec:\n    selector: {{istio: ingressgateway}}\n"
            "    servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n"
            f"      hosts: {hosts}\n"
        )

    text, _ = _fill(size, head, unit)
    return Shape(text)


def gateway_with_many_hosts(size: int) -> Shape:
    """One Gateway with thousands of hosts; a VirtualService bound to it with thousands of
    hosts, half of them not served (each message lists the Gateway's hosts)."""
    half = size // 2
    gateway, count = _fill(
        half,
        "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: edge}\nspec:\n"
        "  selector: {istio: ingressgateway}\n  servers:\n"
        "  - port: {number: 80, name: http, protocol: HTTP}\n    hosts:\n",
        lambda i: f"    - served-{i}.example.com\n",
        "---\n",
    )
    vs, _ = _fill(
        size - len(gateway.encode()),
        _vs_head("bound", gateways=("edge",)) + "  hosts:\n",
        lambda i: f"  - {'served' if i % 2 else 'missing'}-{i % count}.example.com\n",
        _route("backend"),
    )
    return Shape(gateway + vs, host="served-1.example.com")


def many_gateway_references(size: int) -> Shape:
    """Many Gateways, and VirtualServices that each name all of them (several times) and have
    many hosts none of them serves."""
    gateways = max(12, size // (8 * KB))  # more than the checker compares (8), at any size
    head = "apiVersion: v1\nkind: List\nitems:\n" + "".join(
        "- apiVersion: networking.istio.io/v1\n  kind: Gateway\n"
        f"  metadata: {{name: gw-{g}}}\n  spec:\n    selector: {{istio: ingressgateway}}\n"
        "    servers:\n    - port: {number: 80, name: http, protocol: HTTP}\n"
        f"      hosts: [only-{g}.example.com]\n"
        for g in range(gateways)
    )
    names = ", ".join(f"gw-{g}" for g in range(gateways)) + ", gw-0, default/gw-1, mesh"

    def unit(i: int) -> str:
        hosts = ", ".join(f"host-{i}-{k}.example-domain.com" for k in range(40))
        return (
            "- apiVersion: networking.istio.io/v1\n  kind: VirtualService\n"
            f"  metadata: {{name: vs-{i}}}\n  spec:\n    gateways: [{names}]\n"
            f"    hosts: [{hosts}]\n"
            "    http:\n    - route:\n      - destination: {host: backend}\n"
        )

    text, _ = _fill(size, head, unit)
    return Shape(text, host="h0-1.example.com")


# --- subsets and destination rules ---------------------------------------------------------


def many_subsets(size: int) -> Shape:
    """A DestinationRule with thousands of subsets and a VirtualService rule routing to
    thousands of them (some undefined), traced: every share looks its subset up."""
    half = size // 2
    rule, count = _fill(
        half,
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\n"
        "spec:\n  host: reviews\n  trafficPolicy:\n    loadBalancer: {simple: ROUND_ROBIN}\n"
        "  subsets:\n",
        lambda i: (
            f"  - name: version-{i}\n    labels: {{version: release-{i}, track: track-{i % 4}}}\n"
            + ("    trafficPolicy: {tls: {mode: ISTIO_MUTUAL}}\n" if i % 5 == 0 else "")
        ),
        "---\n",
    )
    vs, _ = _fill(
        size - len(rule.encode()),
        _vs_head("reviews") + "  hosts: [reviews]\n  http:\n  - route:\n",
        lambda i: (
            f"    - destination: {{host: reviews, subset: version-{(i * 7) % (count + 50)}}}\n"
            "      weight: 1\n"
        ),
    )
    return Shape(rule + vs, host="reviews")


def many_destination_rules(size: int) -> Shape:
    """Many DestinationRules for the short name `reviews`, and destinations to many dotted
    `reviews.<ns>` hosts with subsets, each matching every one of those rules."""
    half = size // 2
    head = "apiVersion: v1\nkind: List\nitems:\n"
    rules, count = _fill(
        half,
        head,
        lambda i: (
            "- apiVersion: networking.istio.io/v1\n  kind: DestinationRule\n"
            f"  metadata: {{name: dr-{i}}}\n  spec:\n    host: reviews\n"
            f"    subsets: [{{name: subset-{i}, labels: {{version: subset-{i}}}}}, "
            "{name: common, labels: {version: common}}]\n"
        ),
        "---\n",
    )
    vs, _ = _fill(
        size - len(rules.encode()),
        _vs_head("many") + "  hosts: [reviews]\n  http:\n  - route:\n",
        lambda i: (
            f"    - destination: {{host: reviews.ns{i}, "
            f"subset: {'subset-' if i % 2 else 'missing-'}{i}}}\n"
            "      weight: 1\n"
        ),
    )
    return Shape(rules + vs, host="reviews")


# --- routes and matches --------------------------------------------------------------------


def many_http_rules(size: int) -> Shape:
    """One VirtualService with thousands of rules, some repeating an earlier match, traced to
    the last rule."""
    head = _vs_head("rules") + "  hosts: [reviews]\n  http:\n"

    def unit(i: int) -> str:
        prefix = f"/p{i // 2}" if i % 4 == 1 else f"/p{i}"
        return (
            f"  - name: rule-number-{i}\n    match:\n    - uri: {{prefix: /api/items{prefix}}}\n"
            f"      headers: {{x-team-name: {{exact: team-{i}}}}}\n"
            "    route:\n    - destination: "
            f"{{host: reviews.default.svc.cluster.local, subset: v{i % 3}}}\n"
        )

    text, count = _fill(size, head, unit, "  - route:\n    - destination: {host: reviews}\n")
    return Shape(text, host="reviews", path="/nothing-matches", headers={"x-team-name": "none"})


def many_match_conditions(size: int) -> Shape:
    """One rule whose thousands of match blocks (exact, prefix, regex; headers, query
    parameters, methods) are all tried by the trace and none matches."""
    head = _vs_head("matches") + "  hosts: [reviews]\n  http:\n  - match:\n"

    def unit(i: int) -> str:
        how = ("exact", "prefix", "regex")[i % 3]
        value = f"/api/v{i}/items/.*" if how == "regex" else f"/api/v{i}/items"
        return (
            f"    - uri: {{{how}: '{value}'}}\n      method: {{exact: POST}}\n"
            f"      headers: {{x-user-{i % 50}: {{prefix: user-{i}}}, x-environment: {{}}}}\n"
            f"      queryParams: {{query-{i % 20}: {{exact: 'value-{i}'}}}}\n"
        )

    tail = "    route:\n    - destination: {host: reviews}\n"
    text, _ = _fill(size, head, unit, tail)
    headers = {f"x-user-{k}": "nobody" for k in range(50)} | {"x-environment": "prod"}
    query = "&".join(f"query-{k}=x" for k in range(20))
    return Shape(text, host="reviews", path=f"/somewhere?{query}", headers=headers)


def overlapping_prefixes(size: int) -> Shape:
    """One VirtualService of thousands of rules with the same header condition, whose URI
    prefixes nest in chains (some under earlier ones, some above later ones, some repeated):
    the IST0131 prefix check sorts them once instead of comparing every pair."""
    head = _vs_head("prefixes") + "  hosts: [reviews]\n  http:\n"

    def unit(i: int) -> str:
        depth = i % 8 if (i // 8) % 2 else 7 - i % 8  # wide first, then narrow first
        prefix = f"/catalogue-section-{i // 8 % 40}" + "".join(f"/level-{k}" for k in range(depth))
        prefix += f"/item-{i}" if i % 3 == 0 else ""
        return (
            f"  - match:\n    - uri: {{prefix: '{prefix}'}}\n"
            "      headers: {x-team-colour: {exact: blue-and-green}}\n"
            "    route:\n    - destination: {host: reviews}\n"
        )

    text, _ = _fill(size, head, unit, "  - route:\n    - destination: {host: reviews}\n")
    return Shape(text, host="reviews", path="/none", headers={"x-team-colour": "red"})


def scoped_resources_in_namespaces(size: int) -> Shape:
    """A List of Sidecars without selectors (or with shared ones), ServiceEntries giving one
    host and port different protocols, and VirtualServices claiming one short host, all
    spread over a few namespaces and exported to several: every resource is in a clash."""
    head = "apiVersion: v1\nkind: List\nitems:\n"

    def unit(i: int) -> str:
        namespace, other = f"payments-team-{i % 5}", f"payments-team-{(i + 1) % 5}"
        meta = f"  metadata: {{name: resource-number-{i}, namespace: {namespace}}}\n  spec:\n"
        if i % 3 == 0:
            selector = f"    workloadSelector: {{labels: {{app: a{i % 2}}}}}\n" if i % 4 else ""
            return (
                "- apiVersion: networking.istio.io/v1\n  kind: Sidecar\n"
                + meta
                + selector
                + "    egress: [{hosts: ['./*']}]\n"
            )
        if i % 3 == 1:
            protocol = ("TLS", "HTTPS", "TCP")[i % 3 - 1 + (i // 3) % 2]
            return (
                "- apiVersion: networking.istio.io/v1\n  kind: ServiceEntry\n"
                + meta
                + "    hosts: [shared-payments-api.example.com]\n"
                + f"    exportTo: ['.', {other}, payments-team-{(i + 2) % 5}]\n"
                + f"    ports: [{{number: 443, name: p-{i}, protocol: {protocol}}}]\n"
                + "    resolution: DNS\n"
            )
        return (
            "- apiVersion: networking.istio.io/v1\n  kind: VirtualService\n"
            + meta
            + f"    hosts: [shared-payments, shared-payments.{other}.svc.cluster.local]\n"
            + f"    exportTo: ['.', {other}]\n"
            + "    http: [{route: [{destination: {host: shared-payments}}]}]\n"
        )

    text, _ = _fill(size, head, unit)
    return Shape(text, host="shared-payments")


def many_documents(size: int) -> Shape:
    """The most documents the reader takes (100), each a VirtualService and DestinationRule
    pair of the same size, traced through the last."""
    per_document = size // 50

    def document(d: int) -> str:
        vs, _ = _fill(
            per_document // 2,
            _vs_head(f"vs-{d}") + f"  hosts: [svc-{d}]\n  http:\n",
            lambda i: (
                f"  - match: [{{uri: {{prefix: /document-{d}/rule-{i}/items}}}}]\n"
                f"    route: [{{destination: {{host: svc-{d}.default.svc.cluster.local, "
                f"subset: subset-{i % 4}}}}}]\n"
            ),
            f"  - route: [{{destination: {{host: svc-{d}}}}}]\n---\n",
        )
        dr, _ = _fill(
            per_document - len(vs.encode()),
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
            f"metadata: {{name: dr-{d}}}\nspec:\n  host: svc-{d}\n  subsets:\n",
            lambda i: f"  - {{name: subset-{i}, labels: {{version: version-{i}-of-{d}}}}}\n",
            "---\n",
        )
        return vs + dr

    text = "".join(document(d) for d in range(50)).removesuffix("---\n")
    return Shape(text, host="svc-49", path="/document-49/rule-3/items")


# --- the YAML itself -----------------------------------------------------------------------


def anchors_and_aliases(size: int) -> Shape:
    """Rules built from anchored match blocks and routes, each alias used several times."""
    head = _vs_head("aliased") + "  hosts: [reviews]\n  http:\n"

    def unit(i: int) -> str:
        if i % 3 == 0:
            return (
                f"  - match:\n    - &m{i} {{uri: {{prefix: /api/anchored/{i}/items}}, "
                f"headers: {{x-anchored-header: {{exact: anchored-value-{i}-{'v' * 260}}}}}}}\n"
                f"    route: &r{i}\n    - destination: {{host: reviews.default.svc.cluster.local, "
                f"subset: anchored-subset-{i}}}\n"
                "      weight: 100\n"
            )
        base = i - i % 3
        return f"  - match: [*m{base}]\n    route: *r{base}\n"

    text, _ = _fill(size, head, unit, "  - route:\n    - destination: {host: reviews}\n")
    return Shape(text, host="reviews", path="/nowhere")


def deep_nesting(size: int) -> Shape:
    """Match blocks whose sourceLabels nest 90 levels deep (the reader allows 100), which the
    duplicate-match check and the trace both read in full."""
    head = _vs_head("deep") + "  hosts: [reviews]\n  http:\n"

    def unit(i: int) -> str:
        nested = "{".join(f"nesting-level-{k}: " for k in range(90)) + f"v{i}" + "}" * 89
        return (
            f"  - match:\n    - sourceLabels: {{{nested}}}\n      uri: {{prefix: /d{i}}}\n"
            "    route: [{destination: {host: reviews}}]\n"
        )

    text, _ = _fill(size, head, unit, "  - route: [{destination: {host: reviews}}]\n")
    return Shape(text, host="reviews", path="/d0")


def long_strings(size: int) -> Shape:
    """Long values everywhere a message quotes them: a 20 KB host claimed by two
    VirtualServices with long names, long header values, a long explicit key under headers
    with many unknown fields below it (each message's path starts with that key)."""
    long_host = "h" * (size // 13) + ".example.com"
    name = "n" * (size // 9)
    key = "k" * (size // 7)
    first = _vs_head(name) + f"  hosts: ['{long_host}']\n" + _route("backend") + "---\n"
    second_head = (
        _vs_head("second")
        + f"  hosts: ['{long_host}']\n  http:\n  - match:\n    - headers:\n"
        + f"        ? {key}\n        :\n"
    )
    second, _ = _fill(
        size - len(first.encode()),
        second_head,
        lambda i: f"          unknown-field-{i}: {'v' * 20}\n",
        "    route:\n    - destination: {host: backend}\n",
    )
    return Shape(first + second, host=long_host, headers={"x-long": "y" * 4000})


def long_regexes(size: int) -> Shape:
    """Regexes of up to 1000 characters (the longest evaluated), each different, in match
    blocks the trace tries one by one."""
    head = _vs_head("regexes") + "  hosts: [reviews]\n  http:\n  - match:\n"

    def unit(i: int) -> str:
        words = "|".join(f"w{i}x{k}" for k in range(120))
        pattern = f"^/({words})/[a-z0-9]+(/.*)?$"[:1000]
        return f"    - uri: {{regex: '{pattern}'}}\n"

    text, _ = _fill(size, head, unit, "    route: [{destination: {host: reviews}}]\n")
    return Shape(text, host="reviews", path="/" + "a" * 1500)


def many_unknown_fields(size: int) -> Shape:
    """Thousands of misspelled fields, each looked up for a close match ("did you mean")."""
    head = _vs_head("typos") + "  hosts: [reviews]\n  http:\n  - route:\n    - destination:\n"

    def unit(i: int) -> str:
        return f"        hots{i}: reviews\n"

    text, _ = _fill(size, head, unit, "        host: reviews\n")
    return Shape(text, host="reviews")


# --- meant to be stopped by the budget -----------------------------------------------------


def expensive_regexes(size: int) -> Shape:
    """Short regexes with Unicode classes: each `\\pL` compiles to about a thousand RE2
    instructions, so the work is out of proportion to the text."""
    head = _vs_head("unicode") + "  hosts: [reviews]\n  http:\n  - match:\n"
    text, _ = _fill(
        size,
        head,
        lambda i: f"    - uri: {{regex: '\\pL{{3}}\\pN/unicode-path-{i}'}}\n",
        "    route: [{destination: {host: reviews}}]\n",
    )
    return Shape(text, host="reviews")


def alias_string_bomb(size: int) -> Shape:
    """One long host, anchored once and aliased thousands of times: a few KB of text that
    stands for hundreds of megabytes of hosts."""
    long_host = "x" * min(size // 4, 60_000) + ".example.com"
    head = _vs_head("bomb") + f"  hosts:\n  - &h {long_host}\n"
    text, _ = _fill(size, head, lambda i: "  - *h  # again\n", _route("backend"))
    return Shape(text, host="reviews")


def deep_wildcard_hosts(size: int) -> Shape:
    """A gateway-bound VirtualService whose hosts have 120 one-letter labels each, wildcards
    and concrete names in turn: every host is checked label by label and for overlaps with all
    the others (issue 22's webhook rules; webhook_hosts.HostOverlaps)."""
    deep = ".".join("abcdefgh"[i % 8] for i in range(118))

    def unit(i: int) -> str:
        host = f"'*.h{i}.{deep}.com'" if i % 2 else f"x.h{i}.{deep}.com"
        return f"  - {host}\n"

    text, count = _fill(size, _vs_head("deep", gateways=("public",)) + "  hosts:\n", unit,
                        _route("backend"))  # fmt: skip
    return Shape(text, host=f"x.h0.{deep}.com")


SHAPES: dict[str, Callable[[int], Shape]] = {
    function.__name__: function
    for function in (
        hosts_in_two_virtual_services,
        same_hosts_in_two_virtual_services,
        many_virtual_services_sharing_hosts,
        many_virtual_services_in_namespaces,
        many_wildcard_hosts,
        many_gateways_on_one_port,
        gateway_with_many_hosts,
        many_gateway_references,
        many_subsets,
        many_destination_rules,
        many_http_rules,
        many_match_conditions,
        overlapping_prefixes,
        scoped_resources_in_namespaces,
        many_documents,
        anchors_and_aliases,
        deep_nesting,
        long_strings,
        long_regexes,
        many_unknown_fields,
        expensive_regexes,
        alias_string_bomb,
        deep_wildcard_hosts,
    )
}
BUDGET_STOPS = frozenset({"expensive_regexes", "alias_string_bomb"})
