"""The config lab's form: the pasted YAML and an optional sample request to trace."""

from __future__ import annotations

import re

from django import forms

from istio_checker import Request, parse_headers
from istio_checker.lab import suggested_host
from istio_checker.releases import NEWEST, RELEASES

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
_METHOD_TOKEN = re.compile(r"[A-Z]{1,16}")
_HOST = re.compile(r"[A-Za-z0-9._\-*:\[\]]{1,253}")

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
        )
