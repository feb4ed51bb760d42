"""The config lab's form: the pasted YAML, an optional sample request to trace, and an
optional caller and called workload to authorize that request for (issue 24)."""

from __future__ import annotations

import ipaddress
import json
import re

from django import forms

from istio_checker import Request, parse_headers
from istio_checker.authorization import AccessRequest, Caller
from istio_checker.lab import suggested_host
from istio_checker.releases import NEWEST, RELEASES
from istio_checker.workloads import Workload

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_METHOD_TOKEN = re.compile(r"[A-Z]{1,16}")
_HOST = re.compile(r"[A-Za-z0-9._\-*:\[\]]{1,253}")
_NAMESPACE = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")  # a DNS label, as Kubernetes wants
_LABEL_KEY = re.compile(r"([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?")
_LABEL_VALUE = re.compile(r"([A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?")
MAX_CLAIMS_CHARS = 4096
MAX_CLAIMS_DEPTH = 8  # nested claims such as {"org": {"team": {"name": ...}}}
MAX_CLAIMS_VALUES = 200
MAX_LABEL_LINES = 64
# The fields of the access check: shown in their own fieldset, not among the trace's.
ACCESS_FIELDS = (
    "source_principal",
    "source_namespace",
    "source_labels",
    "source_ip",
    "jwt_claims",
    "namespace",
    "workload_labels",
)
_PLAIN = {"autocapitalize": "off", "spellcheck": "false"}

SAMPLE_CONFIG = """\
# Try it: delete the last rule (everyone-else),
# or trace the request without the end-user header.
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - name: jason-sees-v2
    match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: reviews
        subset: v2
  - name: everyone-else
    route:
    - destination:
        host: reviews
        subset: v1
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
"""


def starting_data(example_yaml: str | None) -> dict[str, str]:
    """What the lab shows first: the sample and a request it routes, or a lesson example's
    YAML with the host it suggests."""
    if example_yaml is None:
        return {
            "config": SAMPLE_CONFIG,
            "host": "reviews",
            "path": "/",
            "method": "GET",
            "headers": "end-user: jason",
        }
    return {
        "config": example_yaml,
        "host": suggested_host(example_yaml),
        "path": "/",
        "method": "GET",
    }


class LabForm(forms.Form):
    access_fields = ACCESS_FIELDS  # the template draws them in their own fieldset
    config = forms.CharField(
        label="Istio YAML",
        required=False,
        strip=False,  # whitespace is meaning in YAML, and line numbers must stay true
        widget=forms.Textarea(
            attrs={
                "class": "lab-textarea",
                "wrap": "off",
                "spellcheck": "false",
                "autocapitalize": "off",
                "autocomplete": "off",
                "aria-describedby": "lab-config-help lab-summary",
            }
        ),
    )
    # Which Istio the config is for: fields newer than it are flagged (istio_checker.releases).
    release = forms.ChoiceField(
        label="Istio release",
        required=False,
        choices=[
            (r, f"Istio {r}" + (" (newest)" if r == NEWEST else "")) for r in reversed(RELEASES)
        ],
    )
    host = forms.CharField(
        required=False,
        max_length=253,
        help_text="The service the request is for, e.g. reviews or bookinfo.example.com.",
        widget=forms.TextInput(attrs={"autocapitalize": "off", "spellcheck": "false"}),
    )
    path = forms.CharField(
        required=False,
        max_length=2048,
        help_text="With an optional ?query=string.",
        widget=forms.TextInput(attrs={"autocapitalize": "off", "spellcheck": "false"}),
    )
    method = forms.CharField(
        required=False,
        max_length=16,
        widget=forms.Select(choices=[(m, m) for m in METHODS]),
    )
    headers = forms.CharField(
        required=False,
        max_length=8192,
        strip=False,
        help_text="One “Name: value” per line.",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "autocapitalize": "off"}),
    )
    gateway = forms.CharField(
        required=False,
        max_length=253,
        help_text="Leave empty to let the VirtualService's gateways list decide.",
        widget=forms.TextInput(attrs={"autocapitalize": "off", "spellcheck": "false"}),
    )

    source_principal = forms.CharField(
        label="Caller's principal",
        required=False,
        max_length=512,
        help_text="Its mTLS identity, e.g. cluster.local/ns/bookinfo/sa/bookinfo-productpage.",
        widget=forms.TextInput(attrs=_PLAIN),
    )
    source_namespace = forms.CharField(
        label="Caller's namespace",
        required=False,
        max_length=63,
        help_text="Also decides a route's sourceNamespace match.",
        widget=forms.TextInput(attrs=_PLAIN),
    )
    source_labels = forms.CharField(
        label="Caller's labels",
        required=False,
        max_length=4096,
        strip=False,
        help_text="One key=value per line: decides a route's sourceLabels, and with the called "
        "workload, the mTLS between them.",
        widget=forms.Textarea(attrs={"rows": 2, **_PLAIN}),
    )
    source_ip = forms.CharField(
        label="Caller's IP",
        required=False,
        max_length=45,
        widget=forms.TextInput(attrs=_PLAIN),
    )
    jwt_claims = forms.CharField(
        label="JWT claims (JSON)",
        required=False,
        max_length=MAX_CLAIMS_CHARS,
        strip=False,
        help_text='A valid token\'s claims, e.g. {"iss": "https://issuer.example.com", '
        '"sub": "alice"}. Empty: no token.',
        widget=forms.Textarea(attrs={"rows": 3, **_PLAIN}),
    )
    namespace = forms.CharField(
        label="Called workload's namespace",
        required=False,
        max_length=63,
        help_text="With it or labels, the request is authorized against the policies above.",
        widget=forms.TextInput(attrs=_PLAIN),
    )
    workload_labels = forms.CharField(
        label="Called workload's labels",
        required=False,
        max_length=4096,
        strip=False,
        help_text="One key=value per line, e.g. app=reviews.",
        widget=forms.Textarea(attrs={"rows": 3, **_PLAIN}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A live check redraws the error slots but not the inputs, so each input names its
        # slot from the start instead of only when the page was drawn with an error.
        for name, field in self.fields.items():
            if name != "config":
                field_id = self.auto_id % name
                help_id = f"{field_id}_helptext " if field.help_text else ""
                field.widget.attrs["aria-describedby"] = f"{help_id}{field_id}-error"

    def clean_method(self) -> str:
        method = (self.cleaned_data.get("method") or "GET").strip().upper()
        if not _METHOD_TOKEN.fullmatch(method):
            raise forms.ValidationError("An HTTP method is a word such as GET or POST.")
        return method

    def clean_host(self) -> str:
        host = self.cleaned_data.get("host", "").strip()
        if host and not _HOST.fullmatch(host):
            raise forms.ValidationError("A host is a name such as reviews or shop.example.com.")
        return host

    def clean_path(self) -> str:
        path = self.cleaned_data.get("path", "").strip() or "/"
        return path if path.startswith("/") else "/" + path

    def clean_source_principal(self) -> str:
        principal = self.cleaned_data.get("source_principal", "").strip()
        if any(ch.isspace() for ch in principal):
            raise forms.ValidationError(
                "A principal has no spaces, e.g. cluster.local/ns/default/sa/sleep."
            )
        return principal

    def clean_source_namespace(self) -> str:
        return _namespace(self.cleaned_data.get("source_namespace", ""))

    def clean_namespace(self) -> str:
        return _namespace(self.cleaned_data.get("namespace", ""))

    def clean_source_ip(self) -> str:
        address = self.cleaned_data.get("source_ip", "").strip()
        if address:
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise forms.ValidationError("An IP address such as 10.8.0.11 or fd00::1.") from None
        return address

    def clean_jwt_claims(self) -> dict | None:
        raw = (self.cleaned_data.get("jwt_claims") or "").strip()
        if not raw:
            return None
        try:
            claims = json.loads(raw)
        except (ValueError, RecursionError):
            raise forms.ValidationError(
                'The claims are not JSON; write an object such as {"iss": "…", "sub": "alice"}.'
            ) from None
        if not isinstance(claims, dict):
            raise forms.ValidationError('The claims are a JSON object: {"name": value, …}.')
        if not _within(claims, MAX_CLAIMS_DEPTH, [MAX_CLAIMS_VALUES]):
            raise forms.ValidationError(
                f"The claims nest deeper than {MAX_CLAIMS_DEPTH} levels or hold more than "
                f"{MAX_CLAIMS_VALUES} values."
            )
        return claims

    def clean_workload_labels(self) -> dict[str, str]:
        return _labels(self.cleaned_data.get("workload_labels") or "")

    def clean_source_labels(self) -> dict[str, str]:
        return _labels(self.cleaned_data.get("source_labels") or "")

    def access_request(self) -> AccessRequest | None:
        """The request to authorize, or None when no called workload is given (neither a
        namespace nor labels) or a field is wrong."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if not data["namespace"] and not data["workload_labels"]:
            return None
        caller = Caller(
            principal=data["source_principal"] or None,
            namespace=data["source_namespace"] or None,
            ip=data["source_ip"] or None,
            jwt_claims=data["jwt_claims"],
        )
        host = data["host"] or None
        return AccessRequest(
            caller=caller,
            workload=self._called(),
            path=data["path"],
            method=data["method"],
            host=host,
            headers=parse_headers(data["headers"]),
        )

    def _called(self) -> Workload:
        data = self.cleaned_data
        host = data["host"]
        return Workload(
            name="the called workload",
            namespace=data["namespace"] or "default",
            labels=data["workload_labels"],
            service=host.split(".")[0] if host else None,
        )

    def mtls_pair(self) -> tuple[Workload, Workload] | None:
        """(caller, called workload) when both are workloads: each with a namespace or labels."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        caller_given = data["source_namespace"] or data["source_labels"]
        if not caller_given or not (data["namespace"] or data["workload_labels"]):
            return None
        caller = Workload(
            name="the caller",
            namespace=data["source_namespace"] or "default",
            labels=data["source_labels"],
        )
        return caller, self._called()

    def config_text(self) -> str:
        if self.is_bound and hasattr(self, "cleaned_data"):
            return self.cleaned_data.get("config", "") or ""
        return ""

    def chosen_release(self) -> str | None:
        """The release chosen (None: the newest), or None when it is not one we know."""
        if self.is_bound and hasattr(self, "cleaned_data"):
            return self.cleaned_data.get("release") or None
        return None

    def sample_request(self) -> Request | None:
        """The request to trace, or None when no host is given or a request field is wrong."""
        if not self.is_valid() or not self.cleaned_data.get("host"):
            return None
        data = self.cleaned_data
        return Request(
            host=data["host"],
            path=data["path"],
            method=data["method"],
            headers=parse_headers(data["headers"]),
            gateway=data["gateway"].strip() or None,
            source_namespace=data["source_namespace"] or None,
            source_labels=data["source_labels"] or None,
        )


def _labels(raw: str) -> dict[str, str]:
    """`key=value` per line → {key: value}; a line without `=` or a value Kubernetes would
    refuse as a label is a field error."""
    labels: dict[str, str] = {}
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(lines) > MAX_LABEL_LINES:
        raise forms.ValidationError(f"At most {MAX_LABEL_LINES} labels.")
    for number, line in enumerate(lines, start=1):
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep:
            raise forms.ValidationError(f"Label {number} has no “=”: write key=value.")
        if not _LABEL_KEY.fullmatch(key) or not _LABEL_VALUE.fullmatch(value):
            raise forms.ValidationError(
                f"Label {number} is not a Kubernetes label: letters, digits, “-”, “_”, “.” "
                "(63 at most), and a key may start with a prefix and “/”."
            )
        labels[key] = value
    return labels


def _namespace(raw: str) -> str:
    namespace = raw.strip()
    if namespace and not _NAMESPACE.fullmatch(namespace):
        raise forms.ValidationError(
            "A namespace is lowercase letters, digits and “-”, e.g. bookinfo."
        )
    return namespace


def _within(value: object, depth: int, budget: list[int]) -> bool:
    """JSON no deeper than `depth` and with at most `budget[0]` values in all."""
    budget[0] -= 1
    if budget[0] < 0 or depth < 0:
        return False
    if isinstance(value, dict):
        return all(_within(v, depth - 1, budget) for v in value.values())
    if isinstance(value, list):
        return all(_within(v, depth - 1, budget) for v in value)
    return True
