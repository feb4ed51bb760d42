"""The admin form for config examples: the Istio checker runs before an example is saved.

An example with errors is refused, with every error listed by line, unless the author ticks
"deliberately broken" to teach the mistake; the model then stores the problems and the lesson
page shows them to learners beside the example.
"""

from django import forms

from .istio import validate
from .models import ConfigExample


class ConfigExampleAdminForm(forms.ModelForm):
    class Meta:
        model = ConfigExample
        fields = ("section", "slug", "order", "title", "yaml_text", "explanation", "broken")

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("yaml_text")
        if not text or cleaned.get("broken"):
            return cleaned
        errors = [problem for problem in validate(text) if problem.severity == "error"]
        if errors:
            messages = [
                f"Line {p.line}, column {p.column} ({p.code}"
                + (f", {p.path}" if p.path else "")
                + f"): {p.message}"
                + (f" {p.hint}" if p.hint else "")
                for p in errors
            ]
            messages.append(
                "If the mistake is deliberate, tick “deliberately broken”: learners will then "
                "see these problems beside the example."
            )
            self.add_error("yaml_text", messages)
        return cleaned
