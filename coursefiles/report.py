"""What a course load did: rows created, updated (and of those, only renumbered), left as
they were and deleted, with the learners' work that went with deleted rows."""

from collections import Counter
from dataclasses import dataclass, field

from lessons.models import Course

# The report's labels, in the order of the course's parts, with their singular.
_LABELS = {
    "course": "course",
    "lessons": "lesson",
    "sections": "section",
    "examples": "example",
    "quizzes": "quiz",
    "questions": "question",
    "choices": "choice",
    "tasks": "task",
}


@dataclass
class LoadReport:
    course: Course | None = None
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)  # every row saved again, reordered or not
    reordered: Counter = field(default_factory=Counter)  # of those, the ones only renumbered
    unchanged: Counter = field(default_factory=Counter)
    deleted: Counter = field(default_factory=Counter)
    # Learners' work that went with the deleted rows ("read marks", "quiz attempts",
    # "answers"), and the deleted lessons, sections and quizzes that held marks or attempts.
    # (Answers to a removed question go with it, but finished attempts keep their scores:
    # that is an edit of a quiz, not a loss of a learner's record.)
    work_lost: Counter = field(default_factory=Counter)
    deleted_with_work: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)

    @property
    def content_changed(self) -> Counter:
        """The updated rows whose content changed (not only their position)."""
        return self.updated - self.reordered

    def summary(self) -> str:
        """What the load did, in one line. "updated" counts every row written again; the
        sentences after it say which of those only moved in the order, and what was left."""
        if not self.changed:
            return (
                f"No changes: course '{self.course.slug}' is already up to date."
                + self._breakdown()
            )
        parts = []
        for verb, counter in (
            ("created", self.created),
            ("updated", self.updated),
            ("deleted", self.deleted),
        ):
            if counter:
                items = ", ".join(f"{n} {name}" for name, n in sorted(counter.items()))
                parts.append(f"{verb} {items}")
        if self.work_lost:
            parts.append(f"learners' work removed with them: {self.work_lost_text()}")
        return f"Course '{self.course.slug}': " + "; ".join(parts) + "." + self._breakdown()

    def _breakdown(self) -> str:
        text = ""
        if self.reordered:
            content = _counted(self.content_changed) or "none"
            text += f" Content changed: {content}; only reordered: {_counted(self.reordered)}."
        if self.unchanged:
            text += f" Unchanged: {_counted(self.unchanged)}."
        return text

    def work_lost_text(self) -> str:
        return ", ".join(
            f"{n} {name if n != 1 else name[:-1]}" for name, n in sorted(self.work_lost.items())
        )

    def reading_times(self) -> str:
        """One line per lesson with its derived reading time, and the course total."""
        lessons = list(self.course.lessons.all())
        width = max((len(lesson.title) for lesson in lessons), default=0)
        lines = [
            f"  {lesson.title:<{width}}  {lesson.reading_minutes:>3} min" for lesson in lessons
        ]
        total = sum(lesson.reading_minutes for lesson in lessons)
        return "\n".join(
            ["Reading time per lesson:", *lines, f"  {'Total':<{width}}  {total:>3} min"]
        )


def _counted(counter: Counter) -> str:
    """'1 lesson, 3 sections', in the order of the course's parts."""
    return ", ".join(
        f"{counter[label]} {singular if counter[label] == 1 else label}"
        for label, singular in _LABELS.items()
        if counter[label]
    )
