"""The admin form for config examples: the Istio checker runs before an example is saved.

An example with errors is refused, with every error listed by line, unless the author ticks
"deliberately broken" to teach the mistake; the model then stores the problems and the lesson
page shows them to learners beside the example.
"""

from django import forms

from istio_checker import validate
from lessons.models import ConfigExample

from .text import KeepsUnchangedText, TrimmedAuthorTextField


class ConfigExampleAdminForm(KeepsUnchangedText, forms.ModelForm):
    class Meta:
        model = ConfigExample
        fields = ("section", "slug", "order", "title", "yaml_text", "explanation", "broken")
        # Trimmed when edited, as before; unchanged, saved as stored (admin_text.py).
        field_classes = {"yaml_text": TrimmedAuthorTextField, "explanation": TrimmedAuthorTextField}

    # Warnings do not stop a save, but the author should read them: the admin shows them as
    # messages once the example is saved (lessons/admin/).
    checker_warnings: list[str] = []

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("yaml_text")
        self.checker_warnings = []
        if not text or cleaned.get("broken"):
            return cleaned
        problems = validate(text)
        title = cleaned.get("title") or "this example"
        self.checker_warnings = [
            f"Example “{title}”, {_described(p)}" for p in problems if p.severity == "warning"
        ]
        errors = [problem for problem in problems if problem.severity == "error"]
        if errors:
            messages = [_described(p, capital=True) for p in errors]
            messages.append(
                "If the mistake is deliberate, tick “deliberately broken”: learners will then "
                "see these problems beside the example."
            )
            self.add_error("yaml_text", messages)
        return cleaned


def _described(problem, *, capital: bool = False) -> str:
    return (
        f"{'Line' if capital else 'line'} {problem.line}, column {problem.column} ({problem.code}"
        + (f", {problem.path}" if problem.path else "")
        + f"): {problem.message}"
        + (f" {problem.hint}" if problem.hint else "")
    )
