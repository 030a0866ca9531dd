"""Drafts derived from a text: question_generator.py proposes them, drafting.py stores them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from quizzes.models.courses import Course
from quizzes.models.questions import Question
from quizzes.models.texts import SourceText


class QuestionDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Drafts are teachers' working material: only the teachers of the text's course."""
        return self.filter(source_text__course__in=Course.objects.teaching(user))

    def pending(self):
        return self.filter(status=QuestionDraft.Status.PENDING)


class QuestionDraft(models.Model):
    """A question the generator proposed from a text, waiting for an instructor's review.

    `original` is the generator's JSON as proposed (the fingerprint is taken from it, so a re-run
    recognises the draft after edits); `data` is the same JSON as the reviewer has edited it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    source_text = models.ForeignKey(SourceText, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=20, choices=Question.Kind.choices)
    rule = models.CharField(max_length=40)
    prompt = models.TextField()
    original = models.JSONField()
    data = models.JSONField()
    source_start = models.PositiveIntegerField()
    source_end = models.PositiveIntegerField()
    answer_start = models.PositiveIntegerField()
    answer_end = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    edited = models.BooleanField(default=False)
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionDraftQuerySet.as_manager()

    class Meta:
        ordering = ["source_text", "source_start", "answer_start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_text", "fingerprint"], name="draft_fingerprint_unique_per_text"
            ),
            models.CheckConstraint(
                condition=Q(source_start__lte=models.F("answer_start"))
                & Q(answer_start__lt=models.F("answer_end"))
                & Q(answer_end__lte=models.F("source_end")),
                name="draft_answer_inside_sentence",
            ),
        ]

    def __str__(self) -> str:
        prompt = " ".join(self.prompt.split())
        return prompt if len(prompt) <= 80 else prompt[:79] + "…"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class DraftDecision(models.Model):
    """What a reviewer did with a draft, kept per generator rule so the rules can be tuned.

    One row per decided draft: accepted as proposed, accepted after editing, or rejected. The rule
    and kind are copied so the counts survive the draft being deleted with its text.
    """

    class Action(models.TextChoices):
        ACCEPT = "accept", "Accepted as proposed"
        EDIT = "edit", "Accepted after editing"
        REJECT = "reject", "Rejected"

    draft = models.ForeignKey(
        QuestionDraft, on_delete=models.SET_NULL, null=True, related_name="decisions"
    )
    rule = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Question.Kind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    changes = models.JSONField(default=list, blank=True, help_text="The parts the reviewer edited.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.rule}: {self.get_action_display().lower()}"


class RestoredBlock(models.Model):
    """A boilerplate line of a text that an instructor asked the generator to read anyway."""

    source_text = models.ForeignKey(
        SourceText, on_delete=models.CASCADE, related_name="restored_blocks"
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()

    class Meta:
        ordering = ["source_text", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_text", "start", "end"], name="restored_block_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_text}: {self.start}–{self.end}"
