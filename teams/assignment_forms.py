"""The form a team's instructors and leads assign work with: what (a course, lesson, quiz or
practice task of the team's published courses), to whom (the whole team or members named by
username), and when (a wall-clock time in a chosen zone, stored in UTC)."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from lessons.models import Lesson
from practice.models import Task
from quizzes.models import Quiz

from . import due_times
from .assignment_models import Assignment
from .models import Team

MAX_NAMES = 1000  # bounded work: one IN query of at most this many names
WHO_CHOICES = [("everyone", "The whole team"), ("chosen", "Chosen members")]


def item_choices(team: Team) -> list:
    """Grouped choices, one group per published course of the team (four queries)."""
    courses = list(team.courses.filter(published=True).order_by("order", "title", "id"))
    lessons = Lesson.objects.published().filter(course__in=courses).order_by("order", "id")
    quizzes = Quiz.objects.published().filter(course__in=courses).order_by("order", "id")
    groups = {c.id: [(f"course:{c.id}", f"Course: {c.title}")] for c in courses}
    for lesson in lessons.only("id", "title", "course_id"):
        groups[lesson.course_id].append((f"lesson:{lesson.id}", f"Lesson: {lesson.title}"))
    for quiz in quizzes.only("id", "title", "course_id", "lesson_id"):
        kind = "Quiz" if quiz.lesson_id else "Final quiz"
        groups[quiz.course_id].append((f"quiz:{quiz.id}", f"{kind}: {quiz.title}"))
    tasks = Task.objects.filter(lesson__in=lessons).order_by("lesson__order", "order", "id")
    for task in tasks.values("id", "title", "lesson__course_id"):
        choice = (f"task:{task['id']}", f"Practice task: {task['title']}")
        groups[task["lesson__course_id"]].append(choice)
    return [("", "Choose…")] + [(c.title, groups[c.id]) for c in courses]


class AssignmentForm(forms.Form):
    item = forms.ChoiceField(
        label="What", help_text="A course, one of its lessons, a quiz or a practice task."
    )
    due_local = forms.DateTimeField(
        label="Due",
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Date and time in the zone below.",
    )
    time_zone = forms.ChoiceField(label="Time zone")
    who = forms.ChoiceField(
        label="For", choices=WHO_CHOICES, initial="everyone", widget=forms.RadioSelect
    )
    usernames = forms.CharField(
        label="Members",
        required=False,
        max_length=40_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For chosen members: their usernames, separated by spaces, commas or new lines.",
    )

    def __init__(self, *args, team: Team, instance: Assignment | None = None, **kwargs):
        self.team = team
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = _initial(instance)
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = item_choices(team)
        self.fields["time_zone"].choices = [(n, n) for n in due_times.zone_names()]
        self.fields["time_zone"].initial = "UTC"

    def clean_usernames(self) -> list:
        names = [n for n in re.split(r"[\s,;]+", self.cleaned_data["usernames"]) if n]
        if len(names) > MAX_NAMES:
            raise forms.ValidationError(f"Name at most {MAX_NAMES} members; assign the team.")
        users = list(
            get_user_model().objects.filter(
                team_memberships__team=self.team, username__in=set(names)
            )
        )
        unknown = sorted(set(names) - {u.username for u in users})
        if unknown:
            shown = ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else "")
            raise forms.ValidationError(f"Not members of {self.team.name}: {shown}.")
        return users

    def clean(self):
        data = super().clean()
        if data.get("who") == "chosen" and not data.get("usernames") and "usernames" in data:
            self.add_error("usernames", "Name at least one member, or assign the whole team.")
        local, zone = data.get("due_local"), data.get("time_zone")
        if local is not None and zone:
            try:
                data["due_at"] = due_times.to_utc(local, zone)
            except due_times.DueTimeError as error:
                self.add_error("due_local", str(error))
                return data
            unchanged = self.instance is not None and self.instance.due_at == data["due_at"]
            if data["due_at"] <= timezone.now() and not unchanged:
                self.add_error("due_local", "The due time has passed; choose a later one.")
        return data

    @transaction.atomic
    def save(self, *, created_by) -> Assignment:
        data = self.cleaned_data
        kind, _, item_id = data["item"].partition(":")
        assignment = self.instance or Assignment(team=self.team, created_by=created_by)
        assignment.kind = kind
        assignment.course_id = assignment.lesson_id = assignment.quiz_id = None
        assignment.task_id = None
        setattr(assignment, f"{kind}_id", int(item_id))
        assignment.due_at = data["due_at"]
        assignment.time_zone = data["time_zone"]
        assignment.everyone = data["who"] == "everyone"
        assignment.save()
        assignment.members.set([] if assignment.everyone else data["usernames"])
        return assignment


def _initial(assignment: Assignment) -> dict:
    local = due_times.in_zone(assignment.due_at, assignment.time_zone)
    return {
        "item": f"{assignment.kind}:{assignment.item.pk}",
        "due_local": local.replace(tzinfo=None),
        "time_zone": assignment.time_zone,
        "who": "everyone" if assignment.everyone else "chosen",
        "usernames": " ".join(u.username for u in assignment.members.order_by("username")),
    }
