"""The calculator's form, generated from INPUT_SPECS so the model stays the one truth."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django import forms

from .inputs import INPUT_SPECS, InputSpec, MeshInputs
from .results import Results

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


def form_data(params: Mapping[str, str]) -> dict[str, str]:
    """What the form validates: each input as sent, its default when left out."""
    data = dict(DEFAULTS)
    data.update({name: params[name] for name in DEFAULTS if name in params})
    return data


SPECS = {spec.name: spec for spec in INPUT_SPECS}


class CalculatorForm(forms.Form):
    """All calculator inputs; a missing parameter takes its default, an empty one is an error.

    Its fields are made from INPUT_SPECS below the class, one per input.
    """

    def __init__(self, params: Mapping[str, str] | None = None, **kwargs) -> None:
        super().__init__(None if params is None else form_data(params), initial=DEFAULTS, **kwargs)
        self.specs = SPECS
        for name, field in self.fields.items():
            # Help and error slots sit next to the field, ids derived from the field's id,
            # so two forms on one page (lesson embeds) never share an id.
            field_id = self.auto_id % name if self.auto_id else name
            field.widget.attrs["aria-describedby"] = f"{field_id}-help {field_id}-error"

    def groups(self) -> list[tuple[str, list[tuple[forms.BoundField, InputSpec]]]]:
        """Fields grouped for display, each with its spec (for the unit)."""
        return [
            (legend, [(self[name], self.specs[name]) for name in names])
            for legend, names in FIELD_GROUPS
        ]

    def mesh_inputs(self) -> MeshInputs:
        """The validated inputs; call only after is_valid()."""
        return MeshInputs(**self.cleaned_data)

    def results(self, chart_id: str = "calc-chart") -> Results | None:
        """What the result templates show for these inputs; None when they are not valid."""
        return Results(self.mesh_inputs(), chart_id) if self.is_valid() else None

    def query_as_sent(self) -> str:
        """The inputs as sent, defaults for those left out: the log-in form's way back."""
        return urlencode(self.data)

    def errors_by_field(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in errors] for name, errors in self.errors.items()}


# The declarative syntax, written out from the specs: Form.base_fields is what Django copies
# into each form's own `fields`.
CalculatorForm.base_fields.update({spec.name: _field(spec) for spec in INPUT_SPECS})


class ScenarioForm(forms.Form):
    """The name a learner gives the scenario on screen; the inputs come with it."""

    name = forms.CharField(
        max_length=80,
        strip=True,
        label="Scenario name",
        help_text="For example “payments, ambient”. Names are yours alone.",
    )
