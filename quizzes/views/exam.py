"""The practice exam's pages: a question at a time with the clock, then its tasks (an editor
each, submitted once: exam_task.py), and ending it early.

Unlike a quiz, nothing is marked while the exam runs: an answer goes straight to the next
question, and whether it was right, the right answer and the explanation appear only on the
result page, once the attempt is finished (by the last answer, the learner, or the clock).
Plain forms: every step works without JavaScript; static/js/exam.js only counts down.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..exam import attempt_close
from ..exam_tasks import task_progress
from ..models import Attempt, AttemptTask, Question
from .lookups import find_owned, quiz_or_404, result_url, see_other
from .taking import shown_choices


def render_exam_question(
    request: HttpRequest, attempt: Attempt, question: Question, asked: list[int], answered: int
) -> HttpResponse:
    tasks, submitted = task_progress(attempt)
    number = asked.index(question.id) + 1
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "question": question,
        "choices": shown_choices(attempt, question),
        "number": number,
        "count": len(asked),
        "position": f"Question {number} of {len(asked)}" + _then_tasks(tasks),
        "tasks": tasks,
        "items": len(asked) + tasks,
        "answered": answered + submitted,
        "seconds_left": _seconds_left(attempt),
    }
    return render(request, "quizzes/exam.html", context)


def render_exam_task(
    request: HttpRequest, attempt: Attempt, item: AttemptTask, questions: int
) -> HttpResponse:
    """A task of the exam, once its questions are answered: the scenario, the workloads and an
    editor, and nothing that grades (no hints, no checks' verdicts, no solution)."""
    tasks, submitted = task_progress(attempt)
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "item": item,
        "task": item.task,
        "position": f"Task {item.order} of {tasks}",
        "tasks": tasks,
        "items": questions + tasks,
        "answered": questions + submitted,
        "seconds_left": _seconds_left(attempt),
        "config": item.task.starting_config,
    }
    return render(request, "quizzes/exam_task.html", context)


def _then_tasks(tasks: int) -> str:
    if not tasks:
        return ""
    return ", then 1 task" if tasks == 1 else f", then {tasks} tasks"


def _seconds_left(attempt: Attempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - timezone.now()).total_seconds()))


@require_POST
def exam_end(request: HttpRequest, slug: str, attempt_id: int) -> HttpResponse:
    """The learner ends their exam now: questions and tasks left open count as not right."""
    quiz = quiz_or_404(request, slug)
    attempt = find_owned(request, quiz, attempt_id)
    if attempt is None or not quiz.is_exam:
        raise Http404("No such attempt.")
    attempt = attempt_close(attempt_id=attempt.id, only_if_overdue=False)
    attempt.quiz = quiz
    return see_other(result_url(attempt))


def close_if_overdue(request: HttpRequest, attempt: Attempt) -> HttpResponse | None:
    """A redirect to the result of an attempt whose clock has run out (finished now), or None."""
    if not attempt.overdue(timezone.now()):
        return None
    quiz = attempt.quiz
    attempt = attempt_close(attempt_id=attempt.id)
    attempt.quiz = quiz
    messages.info(request, "Time is up: the exam ended at its deadline and has been marked.")
    return redirect(result_url(attempt))
