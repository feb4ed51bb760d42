"""Where a learner stands on practice tasks: hints seen, given up, passed.

A signed-in learner's state is a TaskProgress row; a visitor's lives in the session under
SESSION_KEY until they sign up or log in, when `merge_session_progress` moves it to the account
(like read marks: lessons/progress.py). Nothing here grades: the views grade with grading.py and
record the outcome here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from shared.ids import parse_id

from .models import Task, TaskProgress

SESSION_KEY = (
    "practice"  # {task id (str): {"hints": n, "gave_up": iso, "passed": iso, "after": bool}}
)
MAX_SESSION_TASKS = 500  # a visitor cannot grow their session without bound


@dataclass(frozen=True)
class TaskState:
    hints_shown: int = 0
    gave_up_at: datetime | None = None
    passed_at: datetime | None = None
    passed_after_solution: bool = False

    @property
    def passed(self) -> bool:
        return self.passed_at is not None

    @property
    def solution_visible(self) -> bool:
        """The reference solution is shown only once the task is passed or given up."""
        return self.passed_at is not None or self.gave_up_at is not None

    @property
    def status(self) -> str:
        if self.passed_at is not None:
            return "passed"
        return "gave-up" if self.gave_up_at is not None else "open"


def _parse_time(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None  # a damaged session entry is ignored, not fatal


def _session_state(entry) -> TaskState:
    if not isinstance(entry, dict):
        return TaskState()
    hints = entry.get("hints")
    return TaskState(
        hints_shown=hints if isinstance(hints, int) and 0 <= hints <= 100 else 0,
        gave_up_at=_parse_time(entry.get("gave_up")),
        passed_at=_parse_time(entry.get("passed")),
        passed_after_solution=entry.get("after") is True,
    )


def task_states(request, task_ids=None) -> dict[int, TaskState]:
    """task id → state for the current learner (one query, or none for a visitor); tasks never
    touched are absent. `task_ids` limits the lookup."""
    if request.user.is_authenticated:
        rows = TaskProgress.objects.filter(user=request.user).order_by()
        if task_ids is not None:
            rows = rows.filter(task_id__in=task_ids)
        return {
            row["task_id"]: TaskState(
                row["hints_shown"],
                row["gave_up_at"],
                row["passed_at"],
                row["passed_after_solution"],
            )
            for row in rows.values(
                "task_id", "hints_shown", "gave_up_at", "passed_at", "passed_after_solution"
            )
        }
    states = {}
    for key, entry in (request.session.get(SESSION_KEY) or {}).items():
        task_id = parse_id(key)
        if task_id is not None and (task_ids is None or task_id in task_ids):
            states[task_id] = _session_state(entry)
    return states


def task_state(request, task: Task) -> TaskState:
    return task_states(request, [task.id]).get(task.id, TaskState())


def passed_task_ids(request) -> set[int]:
    return {task_id for task_id, state in task_states(request).items() if state.passed}


def record_check(request, task: Task, *, passed: bool, config: str) -> TaskState:
    """A "check my work": counts it, keeps the learner's config (signed in), and on the first
    pass records when (after the solution was shown, if it was). A later failing check never
    takes a pass away."""
    now = timezone.now()
    if request.user.is_authenticated:
        with transaction.atomic():
            row = _locked_row(request.user, task)
            row.checks_run += 1
            row.last_config = config
            if passed and row.passed_at is None:
                row.passed_at = now
                row.passed_after_solution = row.gave_up_at is not None
            row.save()
        return _row_state(row)
    entry = _session_entry(request, task)
    if entry is None:
        return TaskState()
    if passed and not entry.get("passed"):
        entry["passed"] = now.isoformat()
        entry["after"] = bool(entry.get("gave_up"))
    _save_session_entry(request, task, entry)
    return _session_state(entry)


def last_config(request, task: Task) -> str | None:
    """The config a signed-in learner last checked on this task (None: never, or a visitor)."""
    if not request.user.is_authenticated:
        return None
    rows = TaskProgress.objects.filter(user=request.user, task=task)
    row = rows.values("last_config", "checks_run").first()
    return row["last_config"] if row and row["checks_run"] else None


def reveal_hint(request, task: Task, *, seen: int | None = None) -> TaskState:
    """One more hint, never past the last. `seen`: how many hints the page that asked showed;
    a replayed POST (the learner has seen more since) then shows nothing new."""
    total = len(task.hints)
    if request.user.is_authenticated:
        with transaction.atomic():
            row = _locked_row(request.user, task)
            if row.hints_shown < total and (seen is None or seen == row.hints_shown):
                row.hints_shown += 1
                row.save(update_fields=["hints_shown", "updated_at"])
        return _row_state(row)
    entry = _session_entry(request, task)
    if entry is None:
        return TaskState()
    hints = entry.get("hints") if isinstance(entry.get("hints"), int) else 0
    if seen is None or seen == max(hints, 0):
        entry["hints"] = min(max(hints, 0) + 1, total)
    _save_session_entry(request, task, entry)
    return _session_state(entry)


def give_up(request, task: Task) -> TaskState:
    """Show the reference solution from now on; the first time is kept."""
    now = timezone.now()
    if request.user.is_authenticated:
        with transaction.atomic():
            row = _locked_row(request.user, task)
            if row.gave_up_at is None:
                row.gave_up_at = now
                row.save(update_fields=["gave_up_at", "updated_at"])
        return _row_state(row)
    entry = _session_entry(request, task)
    if entry is None:
        return TaskState()
    entry.setdefault("gave_up", now.isoformat())
    _save_session_entry(request, task, entry)
    return _session_state(entry)


def _locked_row(user, task: Task | int) -> TaskProgress:
    """The learner's row for `task` (a Task or its id), created if need be, locked until the
    caller's transaction ends."""
    task_id = task if isinstance(task, int) else task.id
    try:
        with transaction.atomic():  # a savepoint, so a race loser can read the winner's row
            TaskProgress.objects.get_or_create(user=user, task_id=task_id)
    except IntegrityError:
        pass
    return TaskProgress.objects.select_for_update().get(user=user, task_id=task_id)


def _row_state(row: TaskProgress) -> TaskState:
    return TaskState(row.hints_shown, row.gave_up_at, row.passed_at, row.passed_after_solution)


def _session_entry(request, task: Task) -> dict | None:
    entries = request.session.get(SESSION_KEY) or {}
    entry = entries.get(str(task.id))
    if isinstance(entry, dict):
        return dict(entry)
    if len(entries) >= MAX_SESSION_TASKS:
        return None
    return {}


def _save_session_entry(request, task: Task, entry: dict) -> None:
    entries = dict(request.session.get(SESSION_KEY) or {})
    entries[str(task.id)] = entry
    request.session[SESSION_KEY] = entries


def merge_session_progress(*, user, session) -> int:
    """Move a visitor's task progress into their account; returns how many tasks it touched.
    The account keeps its earlier pass, the most hints and the earliest give-up."""
    entries = session.get(SESSION_KEY) or {}
    if not entries:
        return 0
    by_id = {parse_id(key): _session_state(entry) for key, entry in entries.items()}
    by_id.pop(None, None)
    existing = set(Task.objects.filter(id__in=by_id).values_list("id", flat=True))
    merged = 0
    for task_id, state in by_id.items():
        if task_id not in existing:
            continue
        with transaction.atomic():
            row = _locked_row(user, task_id)
            row.hints_shown = max(row.hints_shown, state.hints_shown)
            if state.gave_up_at and (row.gave_up_at is None or state.gave_up_at < row.gave_up_at):
                row.gave_up_at = state.gave_up_at
            if state.passed_at and (row.passed_at is None or state.passed_at < row.passed_at):
                row.passed_at = state.passed_at
                row.passed_after_solution = state.passed_after_solution
            row.save()
        merged += 1
    session.pop(SESSION_KEY, None)
    return merged
