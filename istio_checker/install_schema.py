"""The top-level fields of an IstioOperator (`install.istio.io/v1alpha1`), the file
`istioctl install -f` reads: not a resource istiod serves, so the lab checks only the shape of
its `spec` (each field's type; an unknown field is an error, as istioctl's strict reading
refuses it) and leaves the Helm `values` and the component details to istioctl.

Fields from IstioOperatorSpec and IstioComponentSetSpec in istio/api's
operator/v1alpha1/operator.proto (removed from istio/api in #3286, kept in istio/istio as
operator/pkg/apis/types.go); reference:
https://istio.io/latest/docs/reference/config/istio.operator.v1alpha1/
"""

from __future__ import annotations

from .field_types import Anything, Boolean, KindSchema, ListOf, MapOf, Text, obj, old

DOC = "https://istio.io/latest/docs/reference/config/istio.operator.v1alpha1/"
GROUP = "install.istio.io"

_K8S = MapOf(Anything())  # KubernetesResourcesSpec: left to istioctl
_COMPONENT = obj(
    "ComponentSpec",
    DOC + "#ComponentSpec",
    {
        "enabled": Boolean(),
        "namespace": Text(),
        "hub": Text(),
        "tag": Anything(),  # google.protobuf.Value: "1.31.0" or a number
        "spec": MapOf(Anything()),
        "k8s": _K8S,
    },
)
_BASE = obj("BaseComponentSpec", DOC + "#BaseComponentSpec", {"enabled": Boolean(), "k8s": _K8S})
_GATEWAY = obj(
    "GatewaySpec",
    DOC + "#GatewaySpec",
    {
        "enabled": Boolean(),
        "namespace": Text(),
        "name": Text(),
        "label": MapOf(Text()),
        "hub": Text(),
        "tag": Anything(),
        "k8s": _K8S,
    },
)
COMPONENTS = obj(
    "IstioComponentSetSpec",
    DOC + "#IstioComponentSetSpec",
    {
        "base": _BASE,
        "pilot": _COMPONENT,
        "cni": _COMPONENT,
        "ztunnel": _COMPONENT,
        "istiodRemote": _COMPONENT,
        "ingressGateways": ListOf(_GATEWAY),
        "egressGateways": ListOf(_GATEWAY),
    },
)
ISTIO_OPERATOR_SPEC = obj(
    "IstioOperatorSpec",
    DOC + "#IstioOperatorSpec",
    {
        "profile": Text(),
        "installPackagePath": Text(),
        "hub": Text(),
        "tag": Anything(),
        "resourceSuffix": old(Text(), "IstioOperator's resourceSuffix is deprecated."),
        "namespace": Text(),
        "revision": Text(),
        "compatibilityVersion": Text(),
        "meshConfig": MapOf(Anything()),  # google.protobuf.Struct (MeshConfig)
        "components": COMPONENTS,
        "values": MapOf(Anything()),  # Helm values: istioctl checks them
        "unvalidatedValues": MapOf(Anything()),
    },
)
# Kinds of install.istio.io the lab knows: checked as above, noted (info), never refused.
INSTALL_KINDS = {
    "IstioOperator": KindSchema("IstioOperator", GROUP, ISTIO_OPERATOR_SPEC, DOC, {"v1alpha1": ""})
}
