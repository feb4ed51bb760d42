"""The rows of a member list: one member's figures and the cells of their row.

Cells are made here with format_html, once per distinct value (a page has few: "✓", "2/3",
"–"), instead of a template include per cell: at 50 members × 20 courses an include per cell
cost more than all the queries together (17 s of the old 5,000-member page was includes).
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Sum
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from lessons.models import LessonReadCount
from lessons.progress import LessonProgress, Status

from .members import Scope, in_list
from .models import Membership
from .scores import MeanScore, QuizScore, mean_score, quiz_scores, scores_in_order
from .summary import TeamContent
from .task_report import passed_counts


@dataclass
class MemberLine:
    membership: Membership
    read: int
    total: int
    last_activity: datetime | None
    score: MeanScore
    cells: list[SafeString]  # the row's cells after the fixed columns

    @property
    def user(self):
        return self.membership.user

    @property
    def is_learner(self) -> bool:
        return self.membership.role == Membership.Role.LEARNER

    @property
    def percent(self) -> int:
        return round(100 * self.read / self.total) if self.total else 0


def read_counts(user_ids, lesson_ids, key: str) -> dict[tuple[int, int], int]:
    """{(user id, `key` of the lesson): sections read}, in one query over the users' read
    counts per lesson (lessons.LessonReadCount). `key`: "lesson_id" or "lesson__course_id"."""
    if not user_ids or not lesson_ids:
        return {}
    counts = in_list(LessonReadCount.objects.filter(user_id__in=user_ids), "lesson_id", lesson_ids)
    if key == "lesson_id":  # a row per lesson already
        return {(u, lesson): n for u, lesson, n in counts.values_list("user_id", key, "read")}
    rows = counts.values_list("user_id", key).annotate(n=Sum("read")).order_by()
    return {(user_id, key_id): n for user_id, key_id, n in rows}


class CellMaker:
    """Cells by value, each made once per page."""

    def __init__(self):
        self._made: dict[tuple, SafeString] = {}

    def _once(self, key: tuple, make) -> SafeString:
        cell = self._made.get(key)
        if cell is None:
            cell = self._made[key] = make()
        return cell

    def course(self, read: int, total: int) -> SafeString:
        def make():
            if not total:
                return mark_safe('<td class="num muted">—</td>')  # a constant
            percent = round(100 * read / total)
            return format_html(
                '<td class="num" title="{} of {} sections read">{}%</td>', read, total, percent
            )

        return self._once(("course", read, total), make)

    def lesson(self, read: int, total: int, passed: int = 0, tasks: int = 0) -> SafeString:
        def make():
            progress = LessonProgress(0, read, total, None, passed, tasks)
            status = progress.status
            title = f"{progress.status_label}: {read} of {total} sections read"
            if tasks:
                title += f", {passed} of {tasks} tasks passed"
            if status == Status.COMPLETED:
                inner = format_html(
                    '<span aria-hidden="true">✓</span><span class="visually-hidden">{}</span>',
                    "Completed",
                )
            elif status == Status.IN_PROGRESS:
                inner = format_html(
                    '{}/{}<span class="visually-hidden"> sections read, in progress</span>',
                    read,
                    total,
                )
            else:
                inner = format_html(
                    '<span aria-hidden="true">–</span><span class="visually-hidden">{}</span>',
                    "Not started",
                )
            return format_html('<td class="cell cell-{}" title="{}">{}</td>', status, title, inner)

        return self._once(("lesson", read, total, passed, tasks), make)

    def quiz(self, score: QuizScore) -> SafeString:
        def make():
            if not score.taken:
                return mark_safe('<td class="num"><span class="muted">not taken</span></td>')
            passed = mark_safe(' <span class="status status-completed">passed</span>')
            return format_html(
                '<td class="num">{}% <span class="meta">({})</span>{}</td>',
                score.best_percent,
                score.attempts,
                passed if score.passed else "",
            )

        return self._once(("quiz", score.best_percent, score.attempts, score.passed), make)


def _line(membership, scope: Scope, scores, cells) -> MemberLine:
    own = scores_in_order(scores, membership.user_id, scope.quiz_ids)
    return MemberLine(
        membership=membership,
        read=membership.read,
        total=len(scope.section_ids),
        last_activity=membership.last_activity,
        score=mean_score(own, len(scope.quiz_ids)),
        cells=cells(own),
    )


def dashboard_lines(content: TeamContent, scope: Scope, members) -> list[MemberLine]:
    """The dashboard's rows: a cell per course with the member's completion of it."""
    user_ids = [m.user_id for m in members]
    reads = read_counts(user_ids, scope.lesson_ids, "lesson__course_id")
    scores, _ = quiz_scores(user_ids, scope.quiz_ids)
    totals: dict[int, int] = {}
    for lesson in content.lessons:
        totals[lesson.course_id] = totals.get(lesson.course_id, 0) + len(
            content.sections[lesson.id]
        )
    make = CellMaker()
    lines = []
    for m in members:
        cells = [
            make.course(reads.get((m.user_id, c.id), 0), totals.get(c.id, 0))
            for c in content.courses
        ]
        lines.append(_line(m, scope, scores, lambda _own, cells=cells: cells))
    return lines


def course_lines(content: TeamContent, scope: Scope, members, tasks=None) -> list[MemberLine]:
    """A course page's rows: a cell per lesson (status), then one per quiz (best score)."""
    user_ids = [m.user_id for m in members]
    reads = read_counts(user_ids, scope.lesson_ids, "lesson_id")
    scores, _ = quiz_scores(user_ids, scope.quiz_ids)
    # With `tasks` (task_report.TeamTasks), a lesson's status asks for its tasks passed too.
    passes = passed_counts(user_ids, tasks.ids, "task__lesson_id") if tasks else {}
    per_lesson = tasks.per_lesson if tasks else {}
    make = CellMaker()
    lines = []
    for m in members:
        lesson_cells = [
            make.lesson(
                reads.get((m.user_id, lesson.id), 0),
                len(content.sections[lesson.id]),
                passes.get((m.user_id, lesson.id), (0, None))[0],
                per_lesson.get(lesson.id, 0),
            )
            for lesson in content.lessons
        ]
        lines.append(
            _line(m, scope, scores, lambda own, c=lesson_cells: c + [make.quiz(s) for s in own])
        )
    return lines
