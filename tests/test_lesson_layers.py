"""The lessons app sits below the apps built on it: it imports none of them, not even late.

The order (HOUSE): accounts → teams → coursefiles → (quizzes | lab) → lessons → calculator →
(shared | istio_checker | course_format).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ABOVE_LESSONS = {"accounts", "teams", "coursefiles", "quizzes", "lab"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import in the file, at any depth (inside functions too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize(
    "path", sorted((ROOT / "lessons").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT))
)
def test_lessons_imports_no_app_above_it(path):
    upward = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for line, module in imported_modules(path)
        if module.split(".")[0] in ABOVE_LESSONS
    ]
    assert upward == []


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def late():\n    from quizzes.models import Quiz\n    return Quiz\n")
    assert imported_modules(sample) == [(2, "quizzes.models")]
