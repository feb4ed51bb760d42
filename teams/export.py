"""The dashboard's table as CSV rows: a header row, then one row per member."""

from datetime import datetime

from django.utils import timezone

from lessons.progress import LessonProgress, Status

from .assignments import CSV_HEADER, csv_cells
from .reporting import MemberRow, TeamReport


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="minutes") if value else ""


def _lesson_cell(progress: LessonProgress) -> str:
    if progress.status == Status.IN_PROGRESS:
        return f"{progress.status_label} ({progress.read}/{progress.total})"
    return progress.status_label


def report_rows(report: TeamReport, rows: list[MemberRow]) -> list[list]:
    header = [
        "Username",
        "Name",
        "Role",
        "Joined",
        "Completion %",
        "Sections read",
        "Sections total",
        "Last activity",
        "Quiz score %",
        "Quiz attempts",
    ]
    header += CSV_HEADER
    header += [f"{c.lesson.course.title} / {c.lesson.title}" for c in report.lessons]
    for quiz in report.quizzes:
        header += [f"{quiz.title}: best %", f"{quiz.title}: attempts", f"{quiz.title}: passed"]
    out = [header]
    for row in rows:
        line = [
            row.user.get_username(),
            row.user.get_full_name(),
            row.membership.get_role_display(),
            _when(row.membership.joined_at),
            row.percent,
            row.read,
            row.total,
            _when(row.last_activity),
            row.score,
            row.attempts,
            *csv_cells(getattr(row, "assignments", None)),
        ]
        line += [_lesson_cell(progress) for progress in row.lessons]
        for score in row.quizzes:
            line += [score.best_percent, score.attempts, "yes" if score.passed else "no"]
        out.append(line)
    return out
