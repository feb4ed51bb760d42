"""What changing a team's courses changes, and how to say it. Plain functions, no queries.

Only the published courses are the lead's to change: a draft that staff assigned stays
assigned, so it is neither among `current` nor among `chosen` here.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CourseChange:
    added: list  # Course objects, in the order they were given
    removed: list
    kept: list  # still assigned after the change

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)


def course_change(current, chosen) -> CourseChange:
    """From the published courses assigned now to those chosen (duplicates ignored)."""
    current_ids = {course.id for course in current}
    chosen_ids: set[int] = set()
    chosen_unique = []
    for course in chosen:
        if course.id not in chosen_ids:
            chosen_ids.add(course.id)
            chosen_unique.append(course)
    return CourseChange(
        added=[course for course in chosen_unique if course.id not in current_ids],
        removed=[course for course in current if course.id not in chosen_ids],
        kept=chosen_unique,
    )


def _titles(courses) -> str:
    return ", ".join(f"“{course.title}”" for course in courses)


def describe_change(change: CourseChange, team_name: str) -> str:
    """The confirmation shown after a save: what was added and removed, in words."""
    if not change.changed:
        return f"Nothing changed: {team_name} already trains on these courses."
    parts = []
    if change.added:
        parts.append(f"Added {_titles(change.added)}.")
    if change.removed:
        # The worry a lead has when removing: it is the team's view that changes, not progress.
        parts.append(
            f"Removed {_titles(change.removed)}; learners keep their progress in "
            f"{'it' if len(change.removed) == 1 else 'them'}."
        )
    if change.kept:
        parts.append(f"{team_name} now trains on {_titles(change.kept)}.")
    else:
        parts.append(f"{team_name} has no published course now.")
    return " ".join(parts)
