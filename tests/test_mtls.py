"""mTLS between two workloads (istio_checker.mtls): PeerAuthentication composed mesh →
namespace → workload → port with UNSET inheriting, the client's DestinationRule `tls` or auto
mTLS, and sidecars on either side."""

import math

import pytest

from istio_checker import validate
from istio_checker.budget import WorkBudget, running
from istio_checker.mtls import connection, connection_text
from istio_checker.resources import load_resources
from istio_checker.workloads import Workload

CLIENT = Workload("productpage-v1", namespace="bookinfo", labels={"app": "productpage"})
SERVER = Workload(
    "reviews-v1",
    namespace="bookinfo",
    labels={"app": "reviews", "version": "v1"},
    service="reviews",
    ports=(9080,),
)
NO_SIDECAR_SERVER = Workload(
    "legacy", namespace="bookinfo", labels={"app": "legacy"}, service="legacy", sidecar=False
)
NO_SIDECAR_CLIENT = Workload("curl", namespace="bookinfo", sidecar=False)


def peer(name: str, spec: str, namespace: str = "bookinfo") -> str:
    body = "\n".join("  " + line for line in spec.strip("\n").splitlines())
    return (
        "apiVersion: security.istio.io/v1\nkind: PeerAuthentication\n"
        f"metadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{body}\n---\n"
    )


def rule(name: str, spec: str, namespace: str = "bookinfo") -> str:
    body = "\n".join("  " + line for line in spec.strip("\n").splitlines())
    return (
        "apiVersion: networking.istio.io/v1\nkind: DestinationRule\n"
        f"metadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{body}\n---\n"
    )


def probe(text: str, client=CLIENT, server=SERVER, port=None, subset=None):
    errors = [p for p in validate(text) if p.severity == "error"] if text else []
    assert not errors, errors  # every config here is one istiod accepts
    return connection(load_resources(text).resources, client, server, port, subset=subset)


MESH_STRICT = peer("default", "mtls: {mode: STRICT}", namespace="istio-system")
NS_PERMISSIVE = peer("default", "mtls: {mode: PERMISSIVE}")
DR_DISABLE = rule("reviews", "host: reviews\ntrafficPolicy:\n  tls: {mode: DISABLE}")
DR_ISTIO = rule("reviews", "host: reviews\ntrafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}")


def test_nothing_configured_is_permissive_and_auto_mtls_is_mutual():
    decision = probe("")
    assert (decision.outcome, decision.server_mode, decision.client_mode) == (
        "mutual",
        "PERMISSIVE",
        "auto",
    )
    assert (decision.peer_authentication, decision.destination_rule) == (None, None)
    assert "Auto mTLS" in decision.reason and "no DestinationRule sets `tls`" in decision.reason


def test_mesh_strict_applies_and_namespace_overrides_it():
    assert probe(MESH_STRICT).server_mode == "STRICT"
    assert probe(MESH_STRICT).peer_authentication == "istio-system/default"
    both = probe(MESH_STRICT + NS_PERMISSIVE)
    assert (both.server_mode, both.peer_authentication) == ("PERMISSIVE", "bookinfo/default")


def test_workload_policy_overrides_namespace_and_unset_inherits():
    workload = peer("reviews", "selector:\n  matchLabels: {app: reviews}\nmtls: {mode: DISABLE}")
    assert probe(MESH_STRICT + workload).server_mode == "DISABLE"
    unset = peer("reviews", "selector:\n  matchLabels: {app: reviews}\nmtls: {mode: UNSET}")
    decision = probe(MESH_STRICT + unset)
    assert (decision.server_mode, decision.peer_authentication) == (
        "STRICT",
        "istio-system/default",
    )
    other = peer("ratings", "selector:\n  matchLabels: {app: ratings}\nmtls: {mode: DISABLE}")
    assert probe(MESH_STRICT + other).server_mode == "STRICT"


def test_namespace_unset_inherits_the_mesh_mode():
    unset = peer("default", "mtls: {mode: UNSET}")
    assert probe(MESH_STRICT + unset).server_mode == "STRICT"


def test_root_namespace_policy_with_a_selector_is_ignored():
    root_selected = peer(
        "reviews", "selector:\n  matchLabels: {app: reviews}\nmtls: {mode: STRICT}", "istio-system"
    )
    assert probe(root_selected).server_mode == "PERMISSIVE"


def test_other_namespace_policy_does_not_apply():
    assert probe(peer("default", "mtls: {mode: STRICT}", namespace="shop")).server_mode == (
        "PERMISSIVE"
    )


def test_port_level_exception_and_unset_port_inherits_the_workload():
    spec = (
        "selector:\n  matchLabels: {app: reviews}\nmtls: {mode: STRICT}\nportLevelMtls:\n"
        "  8080: {mode: DISABLE}\n  9090: {mode: UNSET}"
    )
    text = peer("reviews", spec)
    assert probe(text, port=8080).server_mode == "DISABLE"
    assert probe(text, port=9090).server_mode == "STRICT"
    assert probe(text).server_mode == "STRICT"  # the server's only port, 9080
    plain = probe(text + DR_DISABLE, port=8080)
    assert plain.outcome == "plaintext"
    assert probe(text + DR_DISABLE, port=9080).outcome == "refused"


def test_client_disable_to_strict_is_refused_and_to_permissive_is_plaintext():
    refused = probe(MESH_STRICT + DR_DISABLE)
    assert (refused.outcome, refused.client_mode, refused.destination_rule) == (
        "refused",
        "DISABLE",
        "bookinfo/reviews",
    )
    assert "bookinfo/reviews" in refused.reason and "istio-system/default" in refused.reason
    assert probe(DR_DISABLE).outcome == "plaintext"


def test_istio_mutual_to_disable_is_refused_but_auto_falls_back_to_plaintext():
    disable = peer("default", "mtls: {mode: DISABLE}")
    assert probe(disable + DR_ISTIO).outcome == "refused"
    auto = probe(disable)
    assert (auto.outcome, auto.client_mode) == ("plaintext", "auto")


def test_server_without_sidecar():
    assert probe(MESH_STRICT, server=NO_SIDECAR_SERVER).outcome == "plaintext"
    explicit = rule("legacy", "host: legacy\ntrafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}")
    decision = probe(explicit, server=NO_SIDECAR_SERVER)
    assert decision.outcome == "refused" and "no sidecar" in decision.reason


def test_client_without_sidecar_sends_plaintext():
    assert probe(MESH_STRICT, client=NO_SIDECAR_CLIENT).outcome == "refused"
    decision = probe(NS_PERMISSIVE, client=NO_SIDECAR_CLIENT)
    assert (decision.outcome, decision.client_mode) == ("plaintext", "DISABLE")
    assert probe(DR_ISTIO, client=NO_SIDECAR_CLIENT).outcome == "plaintext"


def test_simple_tls_origination_to_a_mesh_workload_is_refused():
    simple = rule("reviews", "host: reviews\ntrafficPolicy:\n  tls: {mode: SIMPLE}")
    assert probe(simple).outcome == "refused"


def test_port_level_settings_and_subset_policy_of_the_destination_rule():
    spec = """
host: reviews.bookinfo.svc.cluster.local
trafficPolicy:
  tls: {mode: ISTIO_MUTUAL}
  portLevelSettings:
  - port: {number: 9080}
    tls: {mode: DISABLE}
subsets:
- name: v1
  labels: {version: v1}
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
"""
    text = MESH_STRICT + rule("reviews", spec)
    assert probe(text, port=9080).client_mode == "DISABLE"
    assert probe(text, port=9080).outcome == "refused"
    assert probe(text, port=8080).client_mode == "ISTIO_MUTUAL"
    assert probe(text, port=9080, subset="v1").outcome == "mutual"


def test_destination_rule_without_tls_leaves_auto_mtls():
    text = rule(
        "reviews", "host: reviews\ntrafficPolicy:\n  connectionPool:\n    tcp: {maxConnections: 10}"
    )
    decision = probe(MESH_STRICT + text)
    assert (decision.outcome, decision.client_mode, decision.destination_rule) == (
        "mutual",
        "auto",
        None,
    )
    assert decision.notes


def test_which_destination_rule_the_client_uses():
    in_server_ns = rule("reviews", "host: reviews\ntrafficPolicy:\n  tls: {mode: DISABLE}")
    wildcard = rule(
        "all", "host: '*.bookinfo.svc.cluster.local'\ntrafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}"
    )
    assert probe(wildcard + in_server_ns).destination_rule == "bookinfo/reviews"  # exact first
    other_ns = rule("reviews", "host: reviews\ntrafficPolicy:\n  tls: {mode: DISABLE}", "shop")
    assert probe(other_ns).destination_rule is None  # `reviews` there is shop's reviews
    in_client_ns = rule(
        "reviews",
        "host: reviews.bookinfo.svc.cluster.local\ntrafficPolicy:\n  tls: {mode: ISTIO_MUTUAL}",
        "front",
    )
    client = Workload("web", namespace="front")
    decision = probe(in_server_ns + in_client_ns, client=client)
    assert decision.destination_rule == "front/reviews"


def test_as_dict_and_the_text_entry_point():
    decision = connection_text(MESH_STRICT + DR_DISABLE, CLIENT, SERVER)
    assert decision.as_dict()["outcome"] == "refused"
    assert {"outcome", "server_mode", "client_mode", "peer_authentication", "reason"} <= set(
        decision.as_dict()
    )


@pytest.mark.parametrize("count", [100])
def test_many_policies_stay_linear_in_steps(count):
    def steps_for(n: int) -> int:
        text = "".join(
            peer(f"p{i}", f"selector:\n  matchLabels: {{app: a{i}}}\nmtls: {{mode: STRICT}}")
            + rule(f"r{i}", f"host: s{i}\ntrafficPolicy:\n  tls: {{mode: DISABLE}}")
            for i in range(n)
        )
        with running(WorkBudget(max_seconds=math.inf)) as budget:
            resources = load_resources(text).resources
            before = budget.steps
            connection(resources, CLIENT, SERVER)
            return budget.steps - before

    small, large = steps_for(count), steps_for(2 * count)
    assert large <= 2.2 * small
    assert large < 10_000


TLS = {
    "auto": "",
    "ISTIO_MUTUAL": DR_ISTIO,
    "DISABLE": DR_DISABLE,
    "SIMPLE": rule("reviews", "host: reviews\ntrafficPolicy:\n  tls: {mode: SIMPLE}"),
}
SERVER_STATES = {
    "STRICT": (peer("default", "mtls: {mode: STRICT}"), SERVER),
    "PERMISSIVE": (peer("default", "mtls: {mode: PERMISSIVE}"), SERVER),
    "DISABLE": (peer("default", "mtls: {mode: DISABLE}"), SERVER),
    "no sidecar": (
        "",
        Workload("reviews-v1", namespace="bookinfo", service="reviews", sidecar=False),
    ),
}
# The table of docs/authorization.md, row by row.
MATRIX = {
    "auto": ("mutual", "mutual", "plaintext", "plaintext"),
    "ISTIO_MUTUAL": ("mutual", "mutual", "refused", "refused"),
    "DISABLE": ("refused", "plaintext", "plaintext", "plaintext"),
    "SIMPLE": ("refused", "refused", "refused", "refused"),
}


@pytest.mark.parametrize("client_tls", list(MATRIX))
@pytest.mark.parametrize("server_state", list(SERVER_STATES))
def test_the_outcome_table(client_tls, server_state):
    peer_text, server = SERVER_STATES[server_state]
    expected = MATRIX[client_tls][list(SERVER_STATES).index(server_state)]
    decision = probe(peer_text + TLS[client_tls], server=server)
    assert decision.outcome == expected
    assert decision.client_mode == client_tls
