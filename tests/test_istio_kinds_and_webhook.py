"""Every kind of the current Istio API, and the rules istiod's webhook and the CRDs' CEL
expressions add to the field schemas (issue 22): a valid config per kind and per new field that
must check clean, and broken ones that must be refused at the right path and line.

The YAML is ours, written for these tests. Each case is one resource: `res()` puts the spec
under a fixed six-line header, so the spec's first line is line 7. No database.
"""

import textwrap

import pytest

from istio_checker import validate
from istio_checker.releases import NEWEST, RELEASES, parse_release
from istio_checker.schema import KINDS, OTHER_ISTIO_KINDS

API = {
    "security": "security.istio.io/v1",
    "telemetry": "telemetry.istio.io/v1",
    "extensions": "extensions.istio.io/v1alpha1",
    "EnvoyFilter": "networking.istio.io/v1alpha3",
    "ProxyConfig": "networking.istio.io/v1beta1",
}
SECURITY = ("PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication")


def res(kind: str, spec: str) -> str:
    api = API.get(kind) or (
        API["security"]
        if kind in SECURITY
        else API["telemetry"]
        if kind == "Telemetry"
        else API["extensions"]
        if kind == "WasmPlugin"
        else "networking.istio.io/v1"
    )
    body = textwrap.indent(textwrap.dedent(spec).strip("\n"), "  ")
    return (
        f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\n  namespace: shop\nspec:\n{body}\n"
    )


def errors(text: str, release: str | None = None) -> list[tuple[str, int]]:
    return [(p.path, p.line) for p in validate(text, release) if p.severity == "error"]


def test_every_kind_of_the_current_api_has_a_field_table():
    kinds = {
        "VirtualService", "DestinationRule", "Gateway", "ServiceEntry", "Sidecar",
        "WorkloadEntry", "WorkloadGroup", "EnvoyFilter", "ProxyConfig",
        "PeerAuthentication", "AuthorizationPolicy", "RequestAuthentication",
        "Telemetry", "WasmPlugin",
    }  # fmt: skip
    assert kinds <= set(KINDS)
    assert not OTHER_ISTIO_KINDS & kinds


def test_a_newer_kind_the_lab_has_no_table_for_is_noted_not_refused():
    text = (
        "apiVersion: extensions.istio.io/v1alpha1\nkind: TrafficExtension\nmetadata:\n  name: x\n"
    )
    assert [(p.severity, p.code) for p in validate(text)] == [("info", "ML0011")]


VALID = {
    "vs-retries-headers-gateway": res(
        "VirtualService",
        """
        hosts: [shop.example.com]
        gateways: [istio-ingress/public, mesh]
        http:
        - retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,connect-failure,503"}
          headers: {request: {set: {x-shop: "1"}}}
          route: [{destination: {host: cart}}]
        tcp:
        - route: [{destination: {host: db, port: {number: 5432}}}]
    """,
    ),
    "dr-warmup-zone-aware": res(
        "DestinationRule",
        """
        host: cart.shop.svc.cluster.local
        trafficPolicy:
          loadBalancer:
            simple: LEAST_REQUEST
            warmup: {duration: 30s, aggression: 0.5}
            zoneAwareLbSetting: {enabled: true, minClusterSize: 3}
          connectionPool: {http: {http2KeepAlive: {interval: 10s, timeout: 3s}}}
        subsets:
        - {name: v1, labels: {version: v1}}
    """,
    ),
    "gateway-two-servers": res(
        "Gateway",
        """
        selector: {istio: ingress}
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: ["shop/*.example.com"]
          tls: {httpsRedirect: true}
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: ["*.example.com"]
          tls: {mode: SIMPLE, credentialName: shop-cert}
    """,
    ),
    "se-dynamic-dns": res(
        "ServiceEntry",
        """
        hosts: ["*.wikipedia.org"]
        ports: [{number: 443, name: tls, protocol: TLS}]
        resolution: DYNAMIC_DNS
        location: MESH_EXTERNAL
    """,
    ),
    "se-static-cidr-endpoints": res(
        "ServiceEntry",
        """
        hosts: [db.internal.example]
        addresses: [10.1.0.0/16]
        ports: [{number: 5432, name: pg, protocol: TCP}]
        resolution: STATIC
        endpoints: [{address: 10.1.2.3, ports: {pg: 5433}}]
    """,
    ),
    "se-dns-endpoint-name": res(
        "ServiceEntry",
        """
        hosts: [api.example.com]
        ports: [{number: 443, name: https, protocol: HTTPS}]
        resolution: DNS
        endpoints: [{address: api-eu.example.com}]
    """,
    ),
    "sidecar-egress": res(
        "Sidecar",
        """
        egress:
        - port: {number: 5432, protocol: TCP, name: pg}
          hosts: [shop/db.shop.svc.cluster.local]
        - hosts: ["./*", "istio-system/*"]
    """,
    ),
    "workload-entry": res(
        "WorkloadEntry",
        """
        address: 10.0.0.7
        ports: {http: 8080}
        labels: {app: legacy}
        serviceAccount: legacy
    """,
    ),
    "workload-group": res(
        "WorkloadGroup",
        """
        metadata: {labels: {app: legacy}}
        template: {serviceAccount: legacy, ports: {http: 8080}}
        probe: {periodSeconds: 5, httpGet: {path: /ready, port: 8080}}
    """,
    ),
    "envoy-filter-waypoint": res(
        "EnvoyFilter",
        """
        targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: waypoint}]
        configPatches:
        - applyTo: HTTP_FILTER
          match: {context: WAYPOINT, waypoint: {portNumber: 15008}}
          patch: {operation: INSERT_BEFORE, value: {name: my.lua}}
    """,
    ),
    "envoy-filter-sidecar": res(
        "EnvoyFilter",
        """
        workloadSelector: {labels: {app: cart}}
        configPatches:
        - applyTo: HTTP_FILTER
          match:
            context: SIDECAR_INBOUND
            listener: {filterChain: {filter: {name: envoy.filters.network.http_connection_manager}}}
          patch: {operation: INSERT_BEFORE, value: {name: envoy.lua}}
    """,
    ),
    "proxy-config": res(
        "ProxyConfig",
        """
        selector: {matchLabels: {app: cart}}
        concurrency: 0
        environmentVariables: {ISTIO_META_X: "1"}
    """,
    ),
    "peer-auth-port-level": res(
        "PeerAuthentication",
        """
        selector: {matchLabels: {app: cart}}
        mtls: {mode: STRICT}
        portLevelMtls: {"8080": {mode: PERMISSIVE}}
    """,
    ),
    "authz-trust-domains": res(
        "AuthorizationPolicy",
        """
        action: DENY
        rules:
        - from: [{source: {notTrustDomains: [cluster.local]}}]
        - from: [{source: {serviceAccounts: [shop/cart]}}]
          when: [{key: "request.headers[x-debug]", values: ["1"]}]
    """,
    ),
    "request-auth-new-fields": res(
        "RequestAuthentication",
        """
        jwtRules:
        - issuer: https://login.example.com
          jwksUri: https://login.example.com/keys
          spaceDelimitedClaims: [scope, roles]
          outputClaimToHeaders: [{header: x-user, claim: sub}]
    """,
    ),
    "telemetry-tracing-metrics": res(
        "Telemetry",
        """
        tracing:
        - randomSamplingPercentage: 10
          customTags:
            cluster: {formatter: {value: "%UPSTREAM_CLUSTER%"}}
            team: {literal: {value: shop}}
        metrics:
        - overrides:
          - match: {metric: REQUEST_COUNT}
            tagOverrides: {request_host: {operation: REMOVE}, team: {value: shop}}
    """,
    ),
    "wasm-plugin": res(
        "WasmPlugin",
        """
        selector: {matchLabels: {app: cart}}
        url: oci://ghcr.io/example/filter:1.0
        phase: AUTHN
        failStrategy: FAIL_RELOAD
        vmConfig: {env: [{name: POD, valueFrom: HOST}]}
    """,
    ),
}


@pytest.mark.parametrize("name", VALID)
def test_valid_configs_of_every_kind_check_clean(name):
    problems = validate(VALID[name])
    assert [p for p in problems if p.severity != "info"] == []


def test_the_snake_case_alias_is_accepted_with_a_note():
    text = res(
        "RequestAuthentication",
        """
        jwtRules: [{issuer: https://a.example, jwks_uri: "https://a.example/keys"}]
    """,
    )
    problems = validate(text)
    assert [(p.severity, p.code, p.path) for p in problems] == [
        ("info", "ML0027", "spec.jwtRules[0].jwks_uri")
    ]


# (name, spec, the errors expected: (path, line)); the spec's first line is line 7.
INVALID = [
    # host syntax
    (
        "vs-host-empty-label",
        "VirtualService",
        """
        hosts: [shop..example.com]
        http: [{route: [{destination: {host: cart}}]}]
    """,
        [("spec.hosts[0]", 7)],
    ),
    (
        "vs-host-inner-wildcard",
        "VirtualService",
        """
        hosts: [cart, "shop.*.example.com"]
        http: [{route: [{destination: {host: cart}}]}]
    """,
        [("spec.hosts[1]", 7)],
    ),
    (
        "vs-host-bad-character",
        "VirtualService",
        """
        hosts:
        - shop_example.com
        http: [{route: [{destination: {host: cart}}]}]
    """,
        [("spec.hosts[0]", 8)],
    ),
    (
        "vs-hosts-overlap",
        "VirtualService",
        """
        hosts: ["*.example.com", shop.example.com]
        gateways: [public]
        http: [{route: [{destination: {host: cart}}]}]
    """,
        [("spec.hosts[1]", 7)],
    ),
    (
        "dr-host-wildcard-inside",
        "DestinationRule",
        """
        host: cart.*.svc
    """,
        [("spec.host", 7)],
    ),
    # gateway references
    (
        "vs-gateway-empty-namespace",
        "VirtualService",
        """
        hosts: [shop.example.com]
        gateways: [/public]
        http: [{route: [{destination: {host: cart}}]}]
    """,
        [("spec.gateways[0]", 8)],
    ),
    (
        "vs-gateway-name-with-dot",
        "VirtualService",
        """
        hosts: [shop.example.com]
        gateways: [istio-ingress/public.gw]
        http: [{route: [{destination: {host: cart}}]}]
    """,
        [("spec.gateways[0]", 8)],
    ),
    # duplicate port names and numbers
    (
        "gateway-port-name-twice",
        "Gateway",
        """
        servers:
        - {port: {number: 80, name: web, protocol: HTTP}, hosts: ["*"]}
        - {port: {number: 8080, name: web, protocol: HTTP}, hosts: ["*"]}
    """,
        [("spec.servers[1].port.name", 9)],
    ),
    (
        "se-port-number-twice",
        "ServiceEntry",
        """
        hosts: [api.example.com]
        ports:
        - {number: 443, name: https, protocol: HTTPS}
        - {number: 443, name: tls, protocol: TLS}
        resolution: DNS
    """,
        [("spec.ports[1].number", 10)],
    ),
    # ServiceEntry rules
    (
        "se-host-star",
        "ServiceEntry",
        """
        hosts: ["*"]
        ports: [{number: 80, name: http, protocol: HTTP}]
    """,
        [("spec.hosts[0]", 7)],
    ),
    (
        "se-endpoints-and-selector",
        "ServiceEntry",
        """
        hosts: [vm.example.com]
        ports: [{number: 80, name: http, protocol: HTTP}]
        resolution: STATIC
        workloadSelector: {labels: {app: vm}}
        endpoints: [{address: 10.0.0.1}]
    """,
        [("spec", 7)],
    ),
    (
        "se-cidr-with-dns",
        "ServiceEntry",
        """
        hosts: [db.example.com]
        addresses: [10.2.0.0/24]
        ports: [{number: 5432, name: pg, protocol: TCP}]
        resolution: DNS
    """,
        [("spec.addresses[0]", 8)],
    ),
    (
        "se-none-with-endpoints",
        "ServiceEntry",
        """
        hosts: [db.example.com]
        ports: [{number: 5432, name: pg, protocol: TCP}]
        endpoints: [{address: 10.0.0.2}]
    """,
        [("spec.endpoints", 9)],
    ),
    (
        "se-static-endpoint-port-unknown",
        "ServiceEntry",
        """
        hosts: [db.example.com]
        ports: [{number: 5432, name: pg, protocol: TCP}]
        resolution: STATIC
        endpoints: [{address: 10.0.0.2, ports: {postgres: 5432}}]
    """,
        [("spec.endpoints[0].ports.postgres", 10)],
    ),
    (
        "se-dynamic-dns-plain-host",
        "ServiceEntry",
        """
        hosts: [api.example.com]
        ports: [{number: 443, name: tls, protocol: TLS}]
        resolution: DYNAMIC_DNS
    """,
        [("spec.hosts[0]", 7)],
    ),
    # tcp/tls rules without a route
    (
        "vs-tcp-without-route",
        "VirtualService",
        """
        hosts: [db]
        tcp:
        - match: [{port: 5432}]
    """,
        [("spec.tcp[0].route", 9)],
    ),
    (
        "vs-tls-without-route",
        "VirtualService",
        """
        hosts: [shop.example.com]
        tls:
        - match: [{sniHosts: [shop.example.com]}]
    """,
        [("spec.tls[0].route", 9)],
    ),
    # retry policies
    (
        "retry-attempts-0-with-policy",
        "VirtualService",
        """
        hosts: [cart]
        http:
        - route: [{destination: {host: cart}}]
          retries: {attempts: 0, perTryTimeout: 1s}
    """,
        [("spec.http[0].retries.attempts", 10)],
    ),
    (
        "retry-on-unknown",
        "VirtualService",
        """
        hosts: [cart]
        http:
        - route: [{destination: {host: cart}}]
          retries: {attempts: 2, retryOn: "5xx,timeout"}
    """,
        [("spec.http[0].retries.retryOn", 10)],
    ),
    (
        "retry-on-status-out-of-range",
        "VirtualService",
        """
        hosts: [cart]
        http:
        - route: [{destination: {host: cart}}]
          retries:
            attempts: 2
            retryOn: "503,999"
    """,
        [("spec.http[0].retries.retryOn", 12)],
    ),
    # :authority set twice
    (
        "authority-twice",
        "VirtualService",
        """
        hosts: [cart]
        http:
        - route: [{destination: {host: cart}}]
          rewrite: {authority: cart.internal}
          headers:
            request:
              set: {":authority": other.internal}
    """,
        [("spec.http[0].headers.request.set.:authority", 13)],
    ),
    # empty strings where Istio needs a value
    (
        "ra-empty-issuer",
        "RequestAuthentication",
        """
        jwtRules:
        - issuer: ""
          jwks: '{"keys": []}'
    """,
        [("spec.jwtRules[0].issuer", 8)],
    ),
    (
        "ra-empty-jwks-and-claim",
        "RequestAuthentication",
        """
        jwtRules:
        - issuer: https://a.example
          jwks: ""
          outputClaimToHeaders: [{header: x-sub, claim: ""}]
    """,
        [("spec.jwtRules[0].jwks", 9), ("spec.jwtRules[0].outputClaimToHeaders[0].claim", 10)],
    ),
    (
        "ra-jwks-uri-not-http",
        "RequestAuthentication",
        """
        jwtRules: [{issuer: a, jwksUri: "ftp://a.example/keys"}]
    """,
        [("spec.jwtRules[0].jwksUri", 7)],
    ),
    # Sidecar egress rules
    (
        "sidecar-egress-no-hosts",
        "Sidecar",
        """
        egress:
        - hosts: []
    """,
        [("spec.egress[0].hosts", 8)],
    ),
    (
        "sidecar-egress-bare-star",
        "Sidecar",
        """
        egress:
        - hosts: ["*"]
    """,
        [("spec.egress[0].hosts[0]", 8)],
    ),
    (
        "sidecar-two-catch-alls",
        "Sidecar",
        """
        egress:
        - hosts: ["./*"]
        - hosts: ["istio-system/*"]
    """,
        [("spec.egress[0]", 8), ("spec.egress[1]", 9)],
    ),
    (
        "sidecar-empty",
        "Sidecar",
        """
        workloadSelector: {labels: {app: cart}}
    """,
        [("spec", 7)],
    ),
    # DestinationRule names
    (
        "dr-empty-host",
        "DestinationRule",
        """
        host: ""
    """,
        [("spec.host", 7)],
    ),
    (
        "dr-subset-names",
        "DestinationRule",
        """
        host: cart
        subsets:
        - name: ""
        - name: v1.2
    """,
        [("spec.subsets[0].name", 9), ("spec.subsets[1].name", 10)],
    ),
    # CEL rules: port keys, patterns, one-of fields, wildcards in selectors
    (
        "pa-port-key-not-a-number",
        "PeerAuthentication",
        """
        selector: {matchLabels: {app: cart}}
        portLevelMtls: {http: {mode: DISABLE}}
    """,
        [("spec.portLevelMtls.http", 8)],
    ),
    (
        "ap-selector-wildcard",
        "AuthorizationPolicy",
        """
        selector: {matchLabels: {app: "cart*"}}
    """,
        [("spec.selector.matchLabels.app", 7)],
    ),
    (
        "ap-target-other-namespace",
        "AuthorizationPolicy",
        """
        targetRefs: [{kind: Gateway, group: gateway.networking.k8s.io, name: gw, namespace: other}]
    """,
        [("spec.targetRefs[0].namespace", 7)],
    ),
    (
        "ap-service-accounts-with-namespaces",
        "AuthorizationPolicy",
        """
        rules:
        - from: [{source: {serviceAccounts: [shop/cart], namespaces: [shop]}}]
    """,
        [("spec.rules[0].from[0].source", 8)],
    ),
    (
        "telemetry-selector-and-target",
        "Telemetry",
        """
        selector: {matchLabels: {app: cart}}
        targetRef: {kind: Service, group: "", name: cart}
    """,
        [("spec", 7)],
    ),
    (
        "telemetry-remove-with-value",
        "Telemetry",
        """
        metrics:
        - overrides:
          - tagOverrides: {team: {operation: REMOVE, value: shop}}
    """,
        [("spec.metrics[0].overrides[0].tagOverrides.team.value", 9)],
    ),
    (
        "envoy-filter-waypoint-wrong-context",
        "EnvoyFilter",
        """
        configPatches:
        - applyTo: HTTP_FILTER
          match: {context: GATEWAY, waypoint: {portNumber: 15008}}
          patch: {operation: MERGE, value: {}}
    """,
        [("spec.configPatches[0].match.waypoint", 9)],
    ),
    (
        "envoy-filter-cluster-with-listener-match",
        "EnvoyFilter",
        """
        configPatches:
        - applyTo: CLUSTER
          match: {listener: {portNumber: 80}}
          patch: {operation: REMOVE}
    """,
        [("spec.configPatches[0].match.listener", 9)],
    ),
    (
        "wasm-sha-and-scheme",
        "WasmPlugin",
        """
        url: ftp://example.com/filter.wasm
        sha256: ABC
    """,
        [("spec.url", 7), ("spec.sha256", 8)],
    ),
    (
        "workload-entry-no-address",
        "WorkloadEntry",
        """
        labels: {app: vm}
    """,
        [("spec.address", 7)],
    ),
    (
        "dr-warmup-aggression-zero",
        "DestinationRule",
        """
        host: cart
        trafficPolicy:
          loadBalancer:
            warmup: {duration: 10s, aggression: 0}
    """,
        [("spec.trafficPolicy.loadBalancer.warmup.aggression", 10)],
    ),
]


# fmt: off
INVALID += [
    # more of the webhook's rules, one case each
    ("ap-deny-without-rules", "AuthorizationPolicy", """
        action: DENY
    """, [("spec.rules", 7)]),
    ("ap-when-without-values", "AuthorizationPolicy", """
        rules:
        - when: [{key: "request.auth.claims[iss]"}]
    """, [("spec.rules[0].when[0]", 8)]),
    ("dr-empty-traffic-policy-and-maglev", "DestinationRule", """
        host: cart
        trafficPolicy:
          loadBalancer: {consistentHash: {maglev: {tableSize: 1000}}}
        subsets:
        - name: v1
          trafficPolicy: {}
    """, [("spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize", 9),
          ("spec.subsets[0].trafficPolicy", 12)]),
    ("gateway-tls-on-tcp-and-target-port", "Gateway", """
        servers:
        - port: {number: 3306, name: mysql, protocol: TCP, targetPort: 3307}
          hosts: ["*"]
          tls: {mode: SIMPLE, credentialName: db-cert}
    """, [("spec.servers[0].port.targetPort", 8), ("spec.servers[0].tls", 10)]),
    ("gateway-short-host", "Gateway", """
        servers:
        - port: {number: 80, name: http, protocol: HTTP}
          hosts: [shop/reviews]
    """, [("spec.servers[0].hosts[0]", 9)]),
    ("sidecar-port-twice", "Sidecar", """
        ingress:
        - port: {number: 8080, protocol: HTTP, name: a}
        - port: {number: 8080, protocol: HTTP, name: b}
    """, [("spec.ingress[1].port.number", 9)]),
    ("se-dns-wildcard-no-endpoints", "ServiceEntry", """
        hosts: ["*.example.com"]
        ports: [{number: 443, name: https, protocol: HTTPS}]
        resolution: DNS
    """, [("spec.hosts[0]", 7)]),
    ("se-address-and-unix-endpoint", "ServiceEntry", """
        hosts: [local.example.com]
        addresses: [not-an-ip]
        ports: [{number: 80, name: http, protocol: HTTP}]
        resolution: STATIC
        endpoints: [{address: "unix://relative.sock"}]
    """, [("spec.addresses[0]", 8), ("spec.endpoints[0].address", 11)]),
    ("vs-redirect-rewrite-fault-empty", "VirtualService", """
        hosts: [cart]
        http:
        - redirect: {redirectCode: 301}
          fault: {}
        - rewrite: {}
          route: [{destination: {host: cart}}]
    """, [("spec.http[0].redirect", 9), ("spec.http[0].fault", 10), ("spec.http[1].rewrite", 11)]),
    ("vs-empty-prefix-and-header-ops", "VirtualService", """
        hosts: [cart]
        http:
        - match: [{method: {prefix: ""}}]
          headers: {response: {set: {":status": "200"}}}
          route: [{destination: {host: cart}}]
    """, [("spec.http[0].match[0].method.prefix", 9),
          ("spec.http[0].headers.response.set.:status", 10)]),
    ("vs-delegate-with-gateways", "VirtualService", """
        hosts: []
        gateways: [public]
        http: [{route: [{destination: {host: cart}}]}]
    """, [("spec.gateways", 8)]),
    ("vs-source-namespace", "VirtualService", """
        hosts: [cart]
        http:
        - match: [{sourceNamespace: Shop_1}]
          route: [{destination: {host: cart}}]
        - route: [{destination: {host: cart}}]
    """, [("spec.http[0].match[0].sourceNamespace", 9)]),
    ("wasm-env-host-with-value", "WasmPlugin", """
        url: oci://ghcr.io/example/filter:1.0
        vmConfig: {env: [{name: POD, valueFrom: HOST, value: x}, {name: POD}]}
    """, [("spec.vmConfig.env[0].value", 8), ("spec.vmConfig.env[1].name", 8)]),
    ("telemetry-upsert-without-value", "Telemetry", """
        metrics:
        - overrides:
          - tagOverrides: {team: {operation: UPSERT}}
    """, [("spec.metrics[0].overrides[0].tagOverrides.team", 9)]),
    ("envoy-filter-missing-pieces", "EnvoyFilter", """
        configPatches:
        - patch: {operation: MERGE, value: {}}
        - applyTo: CLUSTER
          patch: {value: {}}
        - applyTo: CLUSTER
          patch: {operation: ADD}
        - applyTo: HTTP_FILTER
          match: {context: WAYPOINT}
          patch: {operation: ADD, value: {}}
    """, [("spec.configPatches[0].applyTo", 8), ("spec.configPatches[1].patch.operation", 10),
          ("spec.configPatches[2].patch.value", 12), ("spec.configPatches[3].match.waypoint", 14)]),
]
# fmt: on


@pytest.mark.parametrize(
    ("kind", "spec", "expected"),
    [case[1:] for case in INVALID],
    ids=[case[0] for case in INVALID],
)
def test_what_istio_refuses_the_lab_refuses_at_the_right_place(kind, spec, expected):
    assert sorted(errors(res(kind, spec))) == sorted(expected)


def test_error_messages_name_the_rule():
    text = res(
        "VirtualService",
        """
        hosts: [cart]
        http:
        - route: [{destination: {host: cart}}]
          retries: {attempts: 2, retryOn: "5xx, reset"}
    """,
    )
    [problem] = [p for p in validate(text) if p.severity == "error"]
    assert "` reset`" in problem.message and "without spaces" in problem.hint


@pytest.mark.parametrize(
    ("release", "text", "newer"),
    [
        ("1.27", VALID["se-dynamic-dns"], ["spec.resolution"]),
        ("1.28", VALID["se-dynamic-dns"], []),
        ("1.27", VALID["request-auth-new-fields"], ["spec.jwtRules[0].spaceDelimitedClaims"]),
        ("1.29", VALID["authz-trust-domains"], ["spec.rules[0].from[0].source.notTrustDomains"]),
        ("1.30", VALID["authz-trust-domains"], []),
        ("1.28", VALID["envoy-filter-waypoint"], ["spec.configPatches[0].match.context",
                                                   "spec.configPatches[0].match.waypoint"]),
        (None, VALID["dr-warmup-zone-aware"], []),
        ("1.30", VALID["dr-warmup-zone-aware"], [
            "spec.trafficPolicy.connectionPool.http.http2KeepAlive",
            "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting",
        ]),
    ],
)  # fmt: skip
def test_fields_newer_than_the_release_checked_for_are_flagged(release, text, newer):
    found = [p.path for p in validate(text, release) if p.code == "ML0026"]
    assert sorted(found) == sorted(newer)
    assert all(p.severity == "warning" for p in validate(text, release) if p.code == "ML0026")


def test_releases_parse_leniently_and_default_to_the_newest():
    assert parse_release("v1.28.3") == "1.28"
    assert parse_release("1.31") == NEWEST == RELEASES[-1]
    assert parse_release("2.0") is None and parse_release(None) is None


ISTIO_OPERATOR = """\
apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
spec:
  profile: default
  revision: 1-31
  hub: docker.io/istio
  tag: 1.31.0
  meshConfig:
    accessLogFile: /dev/stdout
  components:
    egressGateways:
    - name: istio-egressgateway
      enabled: true
  values:
    global: {proxy: {privileged: false}}
"""


def test_an_istio_operator_is_noted_and_its_top_level_fields_checked():
    """IstioOperator (install.istio.io/v1alpha1, istio/api operator/v1alpha1/operator.proto's
    IstioOperatorSpec) is an install file for istioctl, not an unknown Istio kind: an info
    note, and its spec's fields checked by type, an unknown one refused."""
    assert [(p.severity, p.code) for p in validate(ISTIO_OPERATOR)] == [("info", "ML0011")]
    typo = ISTIO_OPERATOR.replace("  values:", "  valuez:")
    errors = [p for p in validate(typo) if p.severity == "error"]
    assert [(p.path, p.line) for p in errors] == [("spec.valuez", 17)]
    assert "Did you mean `values`?" in errors[0].hint
    wrong = ISTIO_OPERATOR.replace("enabled: true", "enabled: sometimes")
    errors = [p for p in validate(wrong) if p.severity == "error"]
    assert [p.path for p in errors] == ["spec.components.egressGateways[0].enabled"]
    beta = ISTIO_OPERATOR.replace("v1alpha1", "v1")
    assert [p.path for p in validate(beta) if p.severity == "error"] == ["apiVersion"]
