"""A `line` question's choices: one per line of its config, in order, the faulty line the
correct one. Made from the config whenever it is saved (the admin; loading.py does the same
from a file), so they never drift from it. A line keeps its row by position, so answers given
to it stay attached while the config is only edited."""

from django.db import transaction

from course_format.question_schema import config_lines

from .models import Choice, Question


@transaction.atomic
def line_choices_sync(*, question: Question) -> None:
    if question.kind != Question.Kind.LINE:
        return
    lines = config_lines(question.config)
    rows = list(question.choices.order_by("order", "id"))
    for number, text in enumerate(lines, start=1):
        choice = rows[number - 1] if number <= len(rows) else Choice(question=question)
        values = {
            "order": number * 10,
            "text": text[:500],
            "is_correct": number == question.correct_line,
        }
        if choice.pk is None or any(getattr(choice, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(choice, key, value)
            choice.yaml, choice.why = "", ""
            choice.save()
    Choice.objects.filter(pk__in=[c.pk for c in rows[len(lines) :]]).delete()
