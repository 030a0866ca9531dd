"""Questions and their answer keys."""

import random
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from quizzes import grading, passages
from quizzes.models.texts import SourceText, Tag


class QuestionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Question.Status.PUBLISHED)

    def with_key(self):
        """Everything needed to build a question's snapshot, in a fixed number of queries."""
        return self.select_related("source_text").prefetch_related(
            "choices", "accepted_answers", "match_pairs"
        )


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE_CHOICE = grading.SINGLE_CHOICE, "Single choice"
        MULTIPLE_RESPONSE = grading.MULTIPLE_RESPONSE, "Multiple response"
        TRUE_FALSE = grading.TRUE_FALSE, "True/false"
        SHORT_ANSWER = grading.SHORT_ANSWER, "Short answer"
        NUMERIC = grading.NUMERIC, "Numeric"
        ORDERING = grading.ORDERING, "Ordering"
        MATCHING = grading.MATCHING, "Matching"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    CHOICE_KINDS = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_RESPONSE, Kind.ORDERING)

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
    statement_is_true = models.BooleanField(
        null=True, blank=True, help_text="True/false questions: whether the statement is true."
    )
    numeric_value = models.FloatField(null=True, blank=True, help_text="Numeric questions.")
    numeric_tolerance = models.FloatField(
        default=0, validators=[MinValueValidator(0)], help_text="Numeric questions: ± accepted."
    )
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
            models.CheckConstraint(
                condition=Q(numeric_tolerance__gte=0), name="question_tolerance_not_negative"
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
        if self.kind == self.Kind.TRUE_FALSE and self.statement_is_true is None:
            errors["statement_is_true"] = "Say whether the statement is true or false."
        if self.kind == self.Kind.NUMERIC and self.numeric_value is None:
            errors["numeric_value"] = "A numeric question needs its value."
        if errors:
            raise ValidationError(errors)

    def key_problems(self) -> list[str]:
        """What is wrong with this question's answer key; empty when it can be graded."""
        choices = list(self.choices.all())
        correct = [choice for choice in choices if choice.is_correct]
        texts = [" ".join(choice.text.split()).casefold() for choice in choices]
        problems = []
        if self.kind in self.CHOICE_KINDS and len(set(texts)) != len(texts):
            problems.append("Two options have the same text.")
        if self.kind == self.Kind.SINGLE_CHOICE:
            if len(choices) < 2:
                problems.append("A single-choice question needs at least two options.")
            if len(correct) != 1:
                problems.append("A single-choice question needs exactly one correct option.")
        elif self.kind == self.Kind.MULTIPLE_RESPONSE:
            if not correct:
                problems.append("A multiple-response question needs a correct option.")
            if len(choices) - len(correct) < 1:
                problems.append("A multiple-response question needs at least one wrong option.")
        elif self.kind == self.Kind.ORDERING:
            if len(choices) < 2:
                problems.append("An ordering question needs at least two items.")
        elif self.kind == self.Kind.TRUE_FALSE:
            if self.statement_is_true is None:
                problems.append("Say whether the statement is true or false.")
        elif self.kind == self.Kind.SHORT_ANSWER:
            if not [a for a in self.accepted_answers.all() if grading.normalise_text(a.text)]:
                problems.append("A short-answer question needs an accepted answer.")
        elif self.kind == self.Kind.NUMERIC:
            if self.numeric_value is None:
                problems.append("A numeric question needs its value.")
        elif self.kind == self.Kind.MATCHING:
            pairs = [pair for pair in self.match_pairs.all() if pair.prompt]
            if len(pairs) < 2:
                problems.append("A matching question needs at least two pairs.")
            answers = [" ".join(p.answer.split()).casefold() for p in self.match_pairs.all()]
            if len(set(answers)) != len(answers):
                problems.append("Two answers of a matching question have the same text.")
        return problems

    def snapshot(self, *, rng: random.Random | None = None) -> dict:
        """Everything an attempt needs to show, grade and review this question, frozen.

        Later edits to the question never change an attempt that has started. With an rng, the
        options are shuffled once here and the order is kept for the attempt's lifetime.
        """
        snapshot = {
            "kind": self.kind,
            "prompt": self.prompt,
            "explanation": self.explanation,
            "excerpt": {
                "start": self.excerpt_start,
                "end": self.excerpt_end,
                "text": self.excerpt,
            },
        }
        choices = sorted(self.choices.all(), key=lambda choice: (choice.position, choice.pk))
        options = [{"id": str(choice.pk), "text": choice.text} for choice in choices]
        if self.kind in (self.Kind.SINGLE_CHOICE, self.Kind.MULTIPLE_RESPONSE):
            if rng:
                rng.shuffle(options)
            snapshot["options"] = options
            snapshot["correct"] = [str(choice.pk) for choice in choices if choice.is_correct]
        elif self.kind == self.Kind.ORDERING:
            display = list(options)
            # Ordering items are always shown shuffled: in key order the answer is given away.
            (rng or random.Random(self.pk)).shuffle(display)
            if display == options and len(options) > 1:
                display.append(display.pop(0))
            snapshot["options"] = display
            snapshot["correct"] = [option["id"] for option in options]
        elif self.kind == self.Kind.TRUE_FALSE:
            snapshot["options"] = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
            snapshot["correct"] = ["true" if self.statement_is_true else "false"]
        elif self.kind == self.Kind.SHORT_ANSWER:
            snapshot["accepted"] = [answer.text for answer in self.accepted_answers.all()]
        elif self.kind == self.Kind.NUMERIC:
            snapshot["value"] = self.numeric_value
            snapshot["tolerance"] = self.numeric_tolerance
        elif self.kind == self.Kind.MATCHING:
            pairs = sorted(self.match_pairs.all(), key=lambda pair: (pair.position, pair.pk))
            prompts = [{"id": str(pair.pk), "text": pair.prompt} for pair in pairs if pair.prompt]
            targets = [{"id": str(pair.pk), "text": pair.answer} for pair in pairs]
            if rng:
                rng.shuffle(targets)
            else:
                targets.sort(key=lambda target: target["text"].casefold())
            snapshot["prompts"] = prompts
            snapshot["targets"] = targets
            snapshot["matches"] = {prompt["id"]: prompt["id"] for prompt in prompts}
        return snapshot


class Choice(models.Model):
    """An option of a choice question, or an item of an ordering question (position = order)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class AcceptedAnswer(models.Model):
    """An answer accepted for a short-answer question (case, spacing and punctuation ignored)."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="accepted_answers"
    )
    text = models.CharField(max_length=200)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class MatchPair(models.Model):
    """A prompt and its answer; a pair without a prompt is an extra distractor answer."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="match_pairs")
    prompt = models.CharField(max_length=300, blank=True)
    answer = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.prompt or '(distractor)'} → {self.answer}"
