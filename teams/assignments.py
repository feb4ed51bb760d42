"""Who has done which assignment: done, due or overdue, per member, in a fixed number of queries.

An assignment asks for:
- a course: every section of its published lessons read, their practice tasks passed, and its
  published quizzes (lesson quizzes and the final quiz) passed;
- a lesson: its sections read, its practice tasks passed, and its quiz passed if it has one;
- a quiz (the practice exam too): a passed attempt;
- a practice task: passed (after the solution was shown too, as everywhere).
Reading is counted per lesson (each member's read counts per lesson, lessons.LessonReadCount, never
every mark with its time); a quiz counts as passed by the same rule as everywhere else
(quizzes.results). Nine queries at most, whatever the number of members or assignments: the
assignments, their chosen members, the memberships, the section counts, the quizzes, the tasks, the
read counts, the passed quizzes and the passed tasks.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from lessons.models import Lesson, LessonReadCount, Section
from practice.models import Task, TaskProgress
from quizzes.models import Attempt, Quiz
from quizzes.question_sets import askable
from quizzes.results import passed_attempts

from . import due_times
from .assignment_models import Assignment
from .models import Membership, Team


class State:
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    LABELS = {DONE: "Done", DUE: "Due", OVERDUE: "Overdue"}


@dataclass
class Requirement:
    lessons: dict[int, int] = field(default_factory=dict)  # lesson id → its number of sections
    quizzes: set[int] = field(default_factory=set)
    tasks: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class Progress:
    reads: dict[tuple[int, int], int]  # (user id, lesson id) → sections read
    passed: set[tuple[int, int]]  # (user id, quiz id)
    tasks_passed: set[tuple[int, int]] = frozenset()  # (user id, task id)

    def meets(self, user_id: int, need: Requirement) -> bool:
        for lesson_id, sections in need.lessons.items():
            if self.reads.get((user_id, lesson_id), 0) < sections:
                return False
        if not all((user_id, task_id) in self.tasks_passed for task_id in need.tasks):
            return False
        return all((user_id, quiz_id) in self.passed for quiz_id in need.quizzes)


def state_of(done: bool, due_at: datetime, now: datetime) -> str:
    if done:
        return State.DONE
    return State.OVERDUE if now >= due_at else State.DUE


def requirements(assignments: list[Assignment]) -> dict[int, Requirement]:
    """assignment id → what it asks for (three queries for any number of assignments)."""
    course_ids = {a.course_id for a in assignments if a.kind == Assignment.Kind.COURSE}
    lesson_ids = {a.lesson_id for a in assignments if a.kind == Assignment.Kind.LESSON}
    by_course: dict[int, Requirement] = defaultdict(Requirement)
    by_lesson: dict[int, Requirement] = defaultdict(Requirement)
    if course_ids or lesson_ids:
        scope = Q(lesson__course_id__in=course_ids) | Q(lesson_id__in=lesson_ids)
        sections = (
            Section.objects.filter(scope, lesson__in=Lesson.objects.published())
            .values("lesson_id", "lesson__course_id")
            .annotate(count=Count("id"))
            .order_by()
        )
        for row in sections:
            by_course[row["lesson__course_id"]].lessons[row["lesson_id"]] = row["count"]
            by_lesson[row["lesson_id"]].lessons[row["lesson_id"]] = row["count"]
        quiz_scope = Q(course_id__in=course_ids) | Q(lesson_id__in=lesson_ids)
        quizzes = Quiz.objects.published().filter(askable(), quiz_scope)
        for quiz_id, course_id, lesson_id in quizzes.values_list("id", "course_id", "lesson_id"):
            if course_id in course_ids:
                by_course[course_id].quizzes.add(quiz_id)
            if lesson_id in lesson_ids:
                by_lesson[lesson_id].quizzes.add(quiz_id)
        task_scope = Q(lesson__course_id__in=course_ids) | Q(lesson_id__in=lesson_ids)
        tasks = Task.objects.filter(task_scope, lesson__in=Lesson.objects.published())
        for task_id, course_id, lesson_id in tasks.values_list(
            "id", "lesson__course_id", "lesson_id"
        ):
            if course_id in course_ids:
                by_course[course_id].tasks.add(task_id)
            if lesson_id in lesson_ids:
                by_lesson[lesson_id].tasks.add(task_id)
    out = {}
    for a in assignments:
        if a.kind == Assignment.Kind.COURSE:
            out[a.id] = by_course[a.course_id]
        elif a.kind == Assignment.Kind.LESSON:
            out[a.id] = by_lesson[a.lesson_id]
        elif a.kind == Assignment.Kind.TASK:
            out[a.id] = Requirement(tasks={a.task_id})
        else:
            out[a.id] = Requirement(quizzes={a.quiz_id})
    return out


def progress(users: Q, needs: list[Requirement]) -> Progress:
    """The members' read counts, passed quizzes and passed tasks for what the requirements
    name (three queries at most). `users` filters rows by their user (a team join, or a list
    of ids)."""
    lesson_ids = {lesson_id for need in needs for lesson_id in need.lessons}
    quiz_ids = {quiz_id for need in needs for quiz_id in need.quizzes}
    task_ids = {task_id for need in needs for task_id in need.tasks}
    reads: dict[tuple[int, int], int] = {}
    passed: set[tuple[int, int]] = set()
    tasks_passed: set[tuple[int, int]] = set()
    if task_ids:
        rows = TaskProgress.objects.filter(users, task_id__in=task_ids, passed_at__isnull=False)
        tasks_passed = set(rows.values_list("user_id", "task_id").order_by())
    if lesson_ids:  # the read counts per lesson (lessons.LessonReadCount), not every mark
        rows = LessonReadCount.objects.filter(users, lesson_id__in=lesson_ids)
        reads = {
            (u, lesson): n for u, lesson, n in rows.values_list("user_id", "lesson_id", "read")
        }
    if quiz_ids:
        rows = (
            Attempt.objects.counted()
            .filter(users, passed_attempts(F("quiz__pass_percent")), quiz_id__in=quiz_ids)
            .values_list("user_id", "quiz_id")
            .distinct()
            .order_by()
        )
        passed = set(rows)
    return Progress(reads, passed, tasks_passed)


def _targets(assignments, memberships: dict[int, str]) -> dict[int, set[int]]:
    """assignment id → the user ids it is for among `memberships` (user id → role): every
    learner for a whole-team assignment, else the chosen members still in the team."""
    chosen: dict[int, set[int]] = defaultdict(set)
    through = Assignment.members.through.objects.filter(
        assignment_id__in=[a.id for a in assignments if not a.everyone]
    )
    for assignment_id, user_id in through.values_list("assignment_id", "user_id"):
        if user_id in memberships:
            chosen[assignment_id].add(user_id)
    learners = {uid for uid, role in memberships.items() if role == Membership.Role.LEARNER}
    return {a.id: set(learners) if a.everyone else chosen[a.id] for a in assignments}


@dataclass
class Counts:
    done: int = 0
    due: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.due + self.overdue

    def add(self, state: str) -> None:
        setattr(self, state, getattr(self, state) + 1)

    def __str__(self) -> str:
        return f"{self.done} done, {self.due} due, {self.overdue} overdue"


@dataclass
class TeamStates:
    assignments: list[Assignment]
    targets: dict[int, set[int]]  # assignment id → user ids
    states: dict[tuple[int, int], str]  # (assignment id, user id) → State

    def per_member(self) -> dict[int, Counts]:
        out: dict[int, Counts] = defaultdict(Counts)
        for (_, user_id), state in self.states.items():
            out[user_id].add(state)
        return out

    def per_assignment(self) -> dict[int, Counts]:
        out: dict[int, Counts] = {a.id: Counts() for a in self.assignments}
        for (assignment_id, _), state in self.states.items():
            out[assignment_id].add(state)
        return out


def team_assignments(team: Team):
    return Assignment.objects.filter(team=team).select_related("course", "lesson", "quiz", "task")


def team_states(team: Team, *, user_ids=None, assignments=None, now=None) -> TeamStates:
    """Every (assignment, member) state of a team, or of the members `user_ids` names (a page
    of the dashboard): nine queries at most, none per member."""
    now = now or timezone.now()
    assignments = list(team_assignments(team) if assignments is None else assignments)
    if not assignments:  # most teams' dashboards: one query
        return TeamStates([], {}, {})
    memberships = team.memberships.all()
    users = Q(user__team_memberships__team=team)
    if user_ids is not None:
        memberships = memberships.filter(user_id__in=list(user_ids))
        users = Q(user_id__in=list(user_ids))
    roles = dict(memberships.values_list("user_id", "role"))
    if not roles:
        return TeamStates(assignments, {a.id: set() for a in assignments}, {})
    targets = _targets(assignments, roles)
    needs = requirements(assignments)
    done = progress(users, list(needs.values()))
    states = {
        (a.id, user_id): state_of(done.meets(user_id, needs[a.id]), a.due_at, now)
        for a in assignments
        for user_id in targets[a.id]
    }
    return TeamStates(assignments, targets, states)


def member_counts(team: Team, user_ids=None, *, now=None, assignments=None) -> dict[int, Counts]:
    """user id → how many of their assignments are done, due and overdue: what the dashboard
    and the CSV show per member (a member with none is missing; read it with .get). One query
    for a team without assignments, seven with (one fewer with `assignments` given)."""
    return team_states(team, user_ids=user_ids, now=now, assignments=assignments).per_member()


def overdue_count(team: Team, assignments: list[Assignment], *, now=None) -> int | None:
    """How many assignments are overdue, member by member (one assigned to ten members and not
    done by three of them by its due time counts 3): the dashboard summary's figure. None when
    the team has no assignment.

    Counted in SQL, four queries whatever the team's size (three for what the past-due assignments
    ask: sections, quizzes, tasks; one aggregate): per past-due assignment, its members, and those
    of them who read all its sections (their read counts per lesson, lessons.LessonReadCount, add up
    to the sections), passed all its quizzes (a passing attempt at each) and all its practice tasks;
    nothing of a member is read into Python. Per assignment, uncorrelated subqueries over its
    lessons' read counts, its quizzes' attempts and its tasks' passes, restricted to the team's
    members."""
    if not assignments:
        return None
    now = now or timezone.now()
    past_due = [a for a in assignments if a.due_at <= now]
    if not past_due:
        return 0
    needs = requirements(past_due)
    members = Membership.objects.filter(team=team)
    team_users = members.values("user_id")
    figures = {}
    for a in past_due:
        need = needs[a.id]
        if a.everyone:
            target = Q(role=Membership.Role.LEARNER)
        else:
            chosen = Assignment.members.through.objects.filter(assignment_id=a.id)
            target = Q(user_id__in=chosen.values("user_id"))
        done = target & _done_by(need, team_users)
        figures[f"for_{a.id}"] = Count("id", filter=target)
        figures[f"done_{a.id}"] = Count("id", filter=done)
    row = members.aggregate(**figures)
    return sum(row[f"for_{a.id}"] - row[f"done_{a.id}"] for a in past_due)


def _done_by(need: Requirement, team_users) -> Q:
    """Members (among `team_users`, a subquery) who did all `need` asks: one uncorrelated
    subquery per kind of work it names."""
    done = Q()
    if need.lessons:
        readers = (
            LessonReadCount.objects.filter(user_id__in=team_users, lesson_id__in=list(need.lessons))
            .values("user_id")
            .annotate(read=Sum("read"))
            .filter(read__gte=sum(need.lessons.values()))
            .values("user_id")
        )
        done &= Q(user_id__in=readers)
    if need.quizzes:
        passers = (
            Attempt.objects.counted()
            .filter(
                passed_attempts(F("quiz__pass_percent")),
                user_id__in=team_users,
                quiz_id__in=list(need.quizzes),
            )
            .values("user_id")
            .annotate(passed=Count("quiz_id", distinct=True))
            .filter(passed=len(need.quizzes))
            .values("user_id")
        )
        done &= Q(user_id__in=passers)
    if need.tasks:  # a pass after the solution was shown counts, as everywhere
        solvers = (
            TaskProgress.objects.filter(
                user_id__in=team_users, task_id__in=list(need.tasks), passed_at__isnull=False
            )
            .values("user_id")
            .annotate(passed=Count("task_id", distinct=True))
            .filter(passed=len(need.tasks))
            .values("user_id")
        )
        done &= Q(user_id__in=solvers)
    return done


def attach_counts(rows, counts: dict[int, Counts]) -> None:
    """Give each dashboard row (anything with .user) its `assignments` Counts, or None."""
    for row in rows:
        row.assignments = counts.get(row.user.pk)


CSV_HEADER = ["Assignments done", "Assignments due", "Assignments overdue"]


def csv_cells(counts: Counts | None) -> list:
    """The CSV's three assignment columns for one member: empty when nothing is theirs."""
    return ["", "", ""] if counts is None else [counts.done, counts.due, counts.overdue]


@dataclass(frozen=True)
class LearnerItem:
    assignment: Assignment
    state: str
    due_label: str

    @property
    def state_label(self) -> str:
        return State.LABELS[self.state]


def team_roles(user) -> dict[int, str]:
    """team id → the user's role in it (one query)."""
    return dict(Membership.objects.filter(user=user).values_list("team_id", "role"))


def learner_items(user, *, roles=None, now=None, limit: int = 50) -> list[LearnerItem]:
    """The learner's assignments in every team, overdue first, then by due time: seven queries
    with `roles` (team_roles) given, one for it otherwise, one alone when in no team."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    roles = team_roles(user) if roles is None else roles
    if not roles:
        return []
    chosen = Assignment.members.through.objects.filter(assignment=OuterRef("pk"), user=user)
    learner_teams = [t for t, role in roles.items() if role == Membership.Role.LEARNER]
    assignments = list(
        Assignment.objects.filter(team_id__in=roles)
        .filter(Q(everyone=True, team_id__in=learner_teams) | Q(Exists(chosen), everyone=False))
        .select_related("course", "lesson", "quiz", "task", "team")
        .order_by("due_at", "id")[: limit * 4]
    )
    if not assignments:
        return []
    needs = requirements(assignments)
    done = progress(Q(user_id=user.pk), list(needs.values()))
    items = [
        LearnerItem(
            a,
            state_of(done.meets(user.pk, needs[a.id]), a.due_at, now),
            due_times.label(a.due_at, a.time_zone),
        )
        for a in assignments
    ]
    rank = {State.OVERDUE: 0, State.DUE: 1, State.DONE: 2}
    items.sort(key=lambda item: (rank[item.state], item.assignment.due_at))
    return items[:limit]
