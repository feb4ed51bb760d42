"""The "Calculator parameters" table in docs/calculator.md is INPUT_SPECS, word for word."""

from pathlib import Path

from calculator.inputs import INPUT_SPECS, parameters_table

README = Path(__file__).resolve().parent.parent / "docs" / "calculator.md"


def _section(text: str) -> str:
    start = text.index("## Calculator parameters")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_readme_table_matches_input_specs():
    section = _section(README.read_text(encoding="utf-8"))
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert table == parameters_table().splitlines()
    documented = [row.split("`")[1] for row in table[2:]]
    assert documented == [spec.name for spec in INPUT_SPECS]
