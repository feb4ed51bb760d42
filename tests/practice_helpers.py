"""Practice tasks for the progress tests, made with the ORM (the grader is not needed to say
that a learner passed one: TaskProgress is what the grader's views record)."""

from django.utils import timezone

from practice.models import Task, TaskProgress

CHECKS = [{"name": "Istio accepts the config", "valid": {}}]


def make_task(lesson, slug: str, *, domain: str = "traffic", order: int = 0, title=None) -> Task:
    return Task.objects.create(
        lesson=lesson,
        slug=slug,
        order=order,
        title=title or f"Task {slug}",
        domain=domain,
        scenario="Route every request to v1.",
        solution="apiVersion: networking.istio.io/v1\nkind: VirtualService\n",
        hints=["Which field names the subset?"],
        checks=CHECKS,
    )


def pass_task(user, task: Task, *, when=None, after_solution: bool = False) -> TaskProgress:
    when = when or timezone.now()
    row, _ = TaskProgress.objects.update_or_create(
        user=user,
        task=task,
        defaults={
            "passed_at": when,
            "passed_after_solution": after_solution,
            "gave_up_at": when if after_solution else None,
        },
    )
    return row


def visitor_passes(client, *tasks) -> None:
    """A visitor's passes, in their session as practice/progress.py keeps them."""
    session = client.session
    session["practice"] = {
        str(task.id): {"hints": 0, "passed": timezone.now().isoformat()} for task in tasks
    }
    session.save()
