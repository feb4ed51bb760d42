"""The bridge between stored config examples and the Istio checker in `istio_checker`."""

from dataclasses import asdict


def check_example(yaml_text: str) -> list[dict]:
    """The checker's problems as JSON-ready dicts (stored on deliberately broken examples)."""
    from istio_checker import (
        validate,  # the checker is pure Python; imported late to keep startup light
    )

    return [asdict(problem) for problem in validate(yaml_text)]
