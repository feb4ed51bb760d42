"""Response: a learner's answer to one question of an attempt (its chosen choices, whether it
was right), kept beside models.py, which imports it. One per (attempt, question): a database
constraint (services.py)."""

from django.db import models


class Response(models.Model):
    attempt = models.ForeignKey(
        "quizzes.Attempt", on_delete=models.CASCADE, related_name="responses"
    )
    question = models.ForeignKey(
        "quizzes.Question", on_delete=models.CASCADE, related_name="responses"
    )
    choices = models.ManyToManyField("quizzes.Choice", related_name="responses")
    is_correct = models.BooleanField()
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question"], name="one_response_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.question_id} ({'right' if self.is_correct else 'wrong'})"
