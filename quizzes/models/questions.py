"""Questions: a prompt, the passage of the text it comes from, and an answer key of its kind."""

import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from quizzes import kinds, passages
from quizzes.models.texts import SourceText, Tag

# One member per kind module (quizzes/kinds/): Question.Kind.SINGLE_CHOICE, ….
QuestionKindChoices = models.TextChoices(
    "QuestionKindChoices",
    [(kind.name.upper(), (kind.name, kind.label)) for kind in kinds.all_kinds()],
)


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)

    def with_key(self):
        """Everything needed to build a question's snapshot: the key is a column, the excerpt
        reads the text."""
        return self.select_related("source_text")


class Question(models.Model):
    Kind = QuestionKindChoices

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    source_text = models.ForeignKey(SourceText, on_delete=models.PROTECT, related_name="questions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    prompt = models.TextField()
    explanation = models.TextField(blank=True, help_text="Shown to students after answering.")
    default_points = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0.01)]
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    excerpt_start = models.PositiveIntegerField()
    excerpt_end = models.PositiveIntegerField()
    # Imported from another tool: the excerpt is the sentence that matched best, for a teacher
    # to confirm (or choose another) before the question is published.
    excerpt_to_confirm = models.BooleanField(default=False)
    # The answer key in the shape its kind defines (quizzes/kinds/<kind>.py).
    key = models.JSONField(default=dict, blank=True)
    bank_key = models.SlugField(
        max_length=80, blank=True, help_text="Identifier in an imported question bank."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["source_text", "excerpt_start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(excerpt_end__gt=models.F("excerpt_start")),
                name="question_excerpt_not_empty",
            ),
            models.CheckConstraint(
                condition=Q(default_points__gt=0), name="question_points_positive"
            ),
            models.UniqueConstraint(
                fields=["source_text", "bank_key"],
                condition=~Q(bank_key=""),
                name="question_bank_key_unique_per_text",
            ),
        ]

    def __str__(self) -> str:
        prompt = " ".join(self.prompt.split())
        return prompt if len(prompt) <= 80 else prompt[:79] + "…"

    @property
    def kind_type(self) -> kinds.QuestionKind:
        """This question's kind: its rules, forms and review (quizzes/kinds/)."""
        return kinds.get(self.kind)

    @property
    def excerpt(self) -> str:
        return self.source_text.body[self.excerpt_start : self.excerpt_end]

    def set_excerpt(self, excerpt: str) -> None:
        """Store an excerpt as offsets; passages.ExcerptError if it is not exactly in the text."""
        self.excerpt_start, self.excerpt_end = passages.locate_excerpt(
            self.source_text.body, excerpt
        )

    def clean(self) -> None:
        errors = {}
        if self.source_text_id is not None and self.excerpt_start is not None:
            body = self.source_text.body
            if not (0 <= self.excerpt_start < (self.excerpt_end or 0) <= len(body)):
                errors["excerpt_start"] = "The excerpt lies outside the text."
        if not isinstance(self.key, dict):
            errors["key"] = "The answer key must be an object."
        if errors:
            raise ValidationError(errors)

    def key_problems(self) -> list[str]:
        """What is wrong with this question's answer key; empty when it can be graded."""
        return self.kind_type.key_problems(self.key)

    def key_summary(self) -> kinds.KeySummary:
        return self.kind_type.key_summary(self.key)

    def snapshot(self, *, rng: random.Random | None = None) -> dict:
        """Everything an attempt needs to show, grade and review this question, frozen.

        Later edits to the question never change an attempt that has started. With an rng, the
        options are shuffled once here and the order is kept for the attempt's lifetime.
        """
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "excerpt": {
                "start": self.excerpt_start,
                "end": self.excerpt_end,
                "text": self.excerpt,
            },
            **self.kind_type.snapshot(self.key, rng=rng, seed=self.pk or 0),
        }
