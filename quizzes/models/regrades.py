"""Regrades of a quiz after its answer key was fixed (quizzes/regrading.py has the rule)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from quizzes.models.attempts import Attempt, Response
from quizzes.models.questions import Question
from quizzes.models.quizzes import Quiz


class Regrade(models.Model):
    """An instructor's regrade of a quiz or of one of its questions: who, when and how.

    The marks it changed are its RegradedResponse rows; see quizzes/regrading.py for the rule.
    """

    class Mode(models.TextChoices):
        CURRENT_KEY = "current_key", "Mark again against the current answer key"
        FULL_MARKS = "full_marks", "Give everyone who answered full marks"

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="regrades")
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, null=True, blank=True, related_name="regrades"
    )
    mode = models.CharField(max_length=12, choices=Mode.choices)
    regraded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True, help_text="Shown to affected students.")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        target = f"question {self.question_id}" if self.question_id else "all questions"
        return f"{self.quiz}: {self.get_mode_display().lower()} ({target})"


class RegradedResponse(models.Model):
    """A response whose marks a regrade changed, with the marks before and after."""

    regrade = models.ForeignKey(Regrade, on_delete=models.CASCADE, related_name="changes")
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="regraded_responses"
    )
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="regrades")
    old_marks = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    new_marks = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["regrade", "response__position"]

    def __str__(self) -> str:
        return f"{self.response}: {self.old_marks} → {self.new_marks}"
