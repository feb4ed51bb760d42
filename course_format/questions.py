"""The rules every question of a course file meets, whichever way it is written (file or
admin). Pure Python: no Django."""

SINGLE = "single"
MULTIPLE = "multiple"
LINE = "line"  # its choices are its config's lines, made from the config (never authored)


def authoring_problems(kind: str, choices: int, correct: int) -> list[str]:
    """What makes a question unanswerable or unfair, in words for the instructor."""
    problems = []
    if kind == LINE:
        return problems
    if choices < 2:
        problems.append(f"A question needs at least two choices; this one has {choices}.")
    if kind == SINGLE and correct == 0:
        problems.append(
            "A single-choice question needs exactly one correct choice; none is marked correct."
        )
    elif kind == SINGLE and correct > 1:
        problems.append(
            f"A single-choice question needs exactly one correct choice; {correct} are marked "
            "correct. Keep one, or make it a multiple-choice question."
        )
    elif kind == MULTIPLE and correct == 0:
        problems.append("A multiple-choice question needs at least one correct choice.")
    return problems
