"""The CSV export's `tasks` column group: each member's practice tasks passed, in total and per
course ("n of m"), and when they last passed one.

A group as teams/export.py defines them, registered in EXTRA_COLUMN_GROUPS by teams/apps.py:
the team's tasks are read once for the export (one query), then each chunk of members costs one
grouped query (COUNT and MAX per member and course, teams/task_report.py). A team whose courses
have no practice task gets no column (and no query per chunk).
"""

from django.utils import timezone

from .models import Membership, Team
from .summary import TeamContent
from .task_report import passed_counts, team_tasks


class TaskColumns:
    def __init__(self, team: Team, content: TeamContent):
        self.tasks = team_tasks(content.lessons)
        self.courses = [c for c in content.courses if self.tasks.per_course.get(c.id)]
        self.header = []  # no column at all while the team's courses have no task
        if self.tasks.total:
            self.header = ["Tasks passed", "Tasks total", "Last task passed"] + [
                f"{course.title}: tasks passed" for course in self.courses
            ]

    def cells(self, members: list[Membership]) -> dict[int, list]:
        if not self.tasks.total:
            return {m.id: [] for m in members}
        user_ids = [m.user_id for m in members]
        passed = passed_counts(user_ids, self.tasks.ids, "task__lesson__course_id")
        out = {}
        for m in members:
            per_course = [passed.get((m.user_id, c.id), (0, None)) for c in self.courses]
            last = max((when for _, when in per_course if when), default=None)
            line = [
                sum(n for n, _ in per_course),
                self.tasks.total,
                timezone.localtime(last).isoformat(timespec="minutes") if last else "",
            ]
            line += [
                f"{n} of {self.tasks.per_course[c.id]}"
                for (n, _), c in zip(per_course, self.courses, strict=True)
            ]
            out[m.id] = line
        return out


def task_columns(team: Team, content: TeamContent) -> TaskColumns:
    return TaskColumns(team, content)
