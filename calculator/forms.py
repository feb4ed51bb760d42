"""The calculator's form, generated from INPUT_SPECS so the model stays the one truth."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from django import forms

from .model import INPUT_SPECS, InputSpec, MeshInputs

ON_OFF = (("on", "On"), ("off", "Off"))
NOT_A_NUMBER = "A number is required: this is empty, or what is typed is not a number."


def _as_text(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FIELD_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Mesh", ("mode", "figures", "services", "replicas", "namespaces", "nodes")),
    ("Traffic", ("rps", "hops", "cpu_budget")),
    ("Your application", ("app_cpu", "app_memory")),
    ("Security", ("mtls", "authz_policies", "egress_lockdown", "jwt")),
    ("Observability", ("metrics", "tracing_pct", "access_logs")),
    ("Configuration", ("scoping",)),
)
EMBED_FIELDS = ("mode", "figures", "services", "replicas", "namespaces", "nodes", "rps", "hops")

DEFAULTS: dict[str, str] = {spec.name: _as_text(spec.default) for spec in INPUT_SPECS}


def _field(spec: InputSpec) -> forms.Field:
    common = {"label": spec.label, "help_text": spec.help}
    if spec.kind == "choice":
        return forms.ChoiceField(choices=spec.choices, **common)
    if spec.kind == "bool":
        # A select, not a checkbox: an absent parameter then means "default", and a
        # shared link may leave out anything it does not change.
        return forms.TypedChoiceField(choices=ON_OFF, coerce=lambda v: v == "on", **common)
    bounds = {"min_value": spec.minimum, "max_value": spec.maximum}
    # A browser sends a number box holding "e" or "1-" as empty: say both, not only "required".
    common["error_messages"] = {"required": NOT_A_NUMBER}
    if spec.kind == "int":
        return forms.IntegerField(**bounds, **common)
    field = forms.FloatField(**bounds, **common)
    field.widget.attrs["step"] = "any"
    return field


@lru_cache(maxsize=64)  # one per auto_id: the page's and each lesson embed's
def _fields(auto_id: str | bool) -> dict[str, forms.Field]:
    fields = {}
    for spec in INPUT_SPECS:
        field = _field(spec)
        # Help and error slots sit next to the field, ids derived from the field's id
        # so two forms on one page (lesson embeds) never share an id.
        field_id = auto_id % spec.name if auto_id else spec.name
        field.widget.attrs["aria-describedby"] = f"{field_id}-help {field_id}-error"
        fields[spec.name] = field
    return fields


def form_data(params: Mapping[str, str]) -> dict[str, str]:
    """What the form validates: each input as sent, its default when left out."""
    data = dict(DEFAULTS)
    data.update({name: params[name] for name in DEFAULTS if name in params})
    return data


SPECS = {spec.name: spec for spec in INPUT_SPECS}


class CalculatorForm(forms.Form):
    """All calculator inputs; a missing parameter takes its default, an empty one is an error.

    The fields are built once per auto_id and shared by every form with that id scheme:
    building 19 fields (or deep-copying them, Django's way) costs more than the rest of
    a validation. Nothing changes a field after it is built, so sharing is safe; code that
    wants to adjust one must copy it first.
    """

    def __init__(self, params: Mapping[str, str] | None = None, **kwargs) -> None:
        super().__init__(None if params is None else form_data(params), initial=DEFAULTS, **kwargs)
        self.fields = dict(_fields(self.auto_id))
        self.specs = SPECS

    def groups(self) -> list[tuple[str, list[tuple[forms.BoundField, InputSpec]]]]:
        """Fields grouped for display, each with its spec (for the unit)."""
        return [
            (legend, [(self[name], self.specs[name]) for name in names])
            for legend, names in FIELD_GROUPS
        ]

    def mesh_inputs(self) -> MeshInputs:
        """The validated inputs; call only after is_valid()."""
        return MeshInputs(**self.cleaned_data)

    def errors_by_field(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in errors] for name, errors in self.errors.items()}


class ScenarioForm(forms.Form):
    """The name a learner gives the scenario on screen; the inputs come with it."""

    name = forms.CharField(
        max_length=80,
        strip=True,
        label="Scenario name",
        help_text="For example “payments, ambient”. Names are yours alone.",
    )
