"""Shared by the assignment and reminder tests: a team on the mini course, and assigning."""

from datetime import timedelta

from django.utils import timezone

from lessons.models import Course, Lesson
from practice.models import Task
from quizzes.models import Quiz
from teams.assignment_models import Assignment


def assign(team, item, *, due_in=timedelta(days=7), members=(), tz="Europe/Berlin", by=None):
    kind = {Course: "course", Lesson: "lesson", Quiz: "quiz", Task: "task"}[type(item)]
    assignment = Assignment.objects.create(
        team=team,
        kind=kind,
        **{kind: item},
        everyone=not members,
        due_at=timezone.now() + due_in,
        time_zone=tz,
        created_by=by,
    )
    assignment.members.set(members)
    return assignment
