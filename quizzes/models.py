"""Source texts, questions, quizzes, attempts and their responses."""

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.db.models import Count, ExpressionWrapper, F, Q, Sum
from django.urls import reverse
from django.utils import timezone

from quizzes import grading, passages
from quizzes.prepared import Param, PreparedQuery, PreparedUpdate

INSTRUCTORS_GROUP = "Instructors"
INSTRUCTOR_PERMISSIONS = {
    "sourcetext": ("add", "change", "delete", "view"),
    "tag": ("add", "change", "delete", "view"),
    "question": ("add", "change", "delete", "view"),
    "choice": ("add", "change", "delete", "view"),
    "acceptedanswer": ("add", "change", "delete", "view"),
    "matchpair": ("add", "change", "delete", "view"),
    "quiz": ("add", "change", "delete", "view"),
    "quizquestion": ("add", "change", "delete", "view"),
    "attempt": ("view",),
    "response": ("view",),
}


def instructors_group() -> Group:
    """The Instructors group with every permission instructors need, created or completed."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    codenames = [
        f"{action}_{model}"
        for model, actions in INSTRUCTOR_PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )
    return group


def is_instructor(user) -> bool:
    """Staff in the Instructors group (or superusers) author and preview quizzes."""
    return user.is_authenticated and user.has_perm("quizzes.change_quiz")


# Source texts


class SourceText(models.Model):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    body = models.TextField(help_text="The text exactly as students read it.")
    publisher = models.CharField(max_length=200, blank=True)
    page_title = models.CharField(max_length=300, blank=True)
    url = models.URLField("URL", max_length=500, blank=True)
    published_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:source_text_detail", args=[self.slug])

    def paragraphs(self) -> list[passages.Paragraph]:
        return passages.paragraphs(self.body)

    def clean(self) -> None:
        if self.pk:
            self.check_excerpts_survive_edit()

    def check_excerpts_survive_edit(self) -> None:
        """Refuse a body edit that would move or cut a question's excerpt."""
        stored_body = SourceText.objects.filter(pk=self.pk).values_list("body", flat=True).first()
        if stored_body is None or stored_body == self.body:
            return
        broken = [
            question
            for question in self.questions.only("pk", "excerpt_start", "excerpt_end", "prompt")
            if self.body[question.excerpt_start : question.excerpt_end]
            != stored_body[question.excerpt_start : question.excerpt_end]
        ]
        if broken:
            names = ", ".join(f"#{question.pk}" for question in broken[:10])
            raise ValidationError(
                {
                    "body": f"This edit moves the excerpts of {len(broken)} question(s) "
                    f"({names}). Edit text after the last excerpt, or move the questions first."
                }
            )


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# Questions


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


# Quizzes


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open_at(self, moment: datetime):
        return self.filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=moment),
            Q(closes_at__isnull=True) | Q(closes_at__gt=moment),
        )

    def available_to(self, user):
        """Quizzes this user may open: instructors see every quiz, students published ones."""
        return self if is_instructor(user) else self.published()


class Quiz(models.Model):
    class GradingMethod(models.TextChoices):
        HIGHEST = grading.HIGHEST, "Highest attempt"
        LAST = grading.LAST, "Last attempt"
        FIRST = grading.FIRST, "First attempt"
        AVERAGE = grading.AVERAGE, "Average of attempts"

    class Feedback(models.TextChoices):
        IMMEDIATE = "immediate", "After each answer"
        DEFERRED = "deferred", "After submitting"

    class OverdueHandling(models.TextChoices):
        """What happens when time runs out (Moodle's three choices)."""

        AUTOSUBMIT = "autosubmit", "Submit the saved answers automatically"
        GRACE_PERIOD = "graceperiod", "A grace period to submit, but not to change answers"
        AUTOABANDON = "autoabandon", "Not counted unless submitted in time"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True)
    source_text = models.ForeignKey(
        SourceText, on_delete=models.PROTECT, related_name="quizzes", null=True, blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    questions = models.ManyToManyField(Question, through="QuizQuestion", related_name="quizzes")
    is_published = models.BooleanField("published", default=False)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: no limit."
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)], help_text="Empty: unlimited."
    )
    overdue_handling = models.CharField(
        "when time runs out",
        max_length=12,
        choices=OverdueHandling.choices,
        default=OverdueHandling.AUTOSUBMIT,
    )
    grace_period_minutes = models.PositiveIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text="With a grace period: how long a student may still submit after time runs out.",
    )
    grading_method = models.CharField(
        max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_options = models.BooleanField(default=True)
    feedback = models.CharField(max_length=10, choices=Feedback.choices, default=Feedback.DEFERRED)
    pass_mark = models.DecimalField(
        "pass mark (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    text_during_quiz = models.BooleanField("text may be read during the quiz", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="quiz_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0) & Q(pass_mark__lte=100),
                name="quiz_pass_mark_is_percentage",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gt=0),
                name="quiz_time_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__isnull=True) | Q(attempts_allowed__gt=0),
                name="quiz_attempts_allowed_positive",
            ),
            models.CheckConstraint(
                condition=Q(grace_period_minutes__gt=0), name="quiz_grace_period_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz_detail", args=[self.slug])

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The quiz must close after it opens."})

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    @property
    def pass_mark_text(self) -> str:
        """The pass mark as people write it: "60", "62.5" (not "60.00")."""
        text = f"{self.pass_mark:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def is_open_at(self, moment: datetime) -> bool:
        return (self.opens_at is None or self.opens_at <= moment) and (
            self.closes_at is None or moment < self.closes_at
        )

    def time_limit_for(self, accommodation: "Accommodation | None") -> timedelta | None:
        """The time limit with a student's accommodation: stretched by its factor, or none."""
        if self.time_limit is None or accommodation is None:
            return self.time_limit
        if accommodation.no_time_limit:
            return None
        return self.time_limit * float(accommodation.time_factor)

    def deadline_for(
        self, started_at: datetime, accommodation: "Accommodation | None" = None
    ) -> datetime | None:
        """When an attempt started now must end: the time limit or the closing time, earlier.

        An accommodation changes the time limit only; the closing time still closes the quiz for
        everyone (as in Moodle, where a user override of the time limit keeps the close date).
        """
        limit = self.time_limit_for(accommodation)
        ends = [
            moment
            for moment in (started_at + limit if limit else None, self.closes_at)
            if moment is not None
        ]
        return min(ends) if ends else None

    def grace_end_for(self, deadline: datetime | None) -> datetime | None:
        """With a grace period: until when an attempt with this deadline may still be submitted."""
        if deadline is None or self.overdue_handling != self.OverdueHandling.GRACE_PERIOD:
            return None
        return deadline + timedelta(minutes=self.grace_period_minutes)


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="quiz_questions")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="quiz_slots")
    position = models.PositiveSmallIntegerField(default=0)
    points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Empty: the question's default points.",
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quiz_question_once"),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gt=0),
                name="quiz_question_points_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.question}"

    @property
    def effective_points(self) -> Decimal:
        return self.points if self.points is not None else self.question.default_points


# Attempts


class Accommodation(models.Model):
    """A student's extra time on every timed quiz: a factor on the time limit, or no limit.

    It changes the time limit only: a quiz's closing time still closes every attempt. It is read
    when an attempt starts and frozen on it, so a change applies from the next attempt on.
    """

    student = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodation"
    )
    time_factor = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.5"),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Multiplies every time limit: 1.5 gives 90 minutes for 60.",
    )
    no_time_limit = models.BooleanField(
        default=False, help_text="No time limit at all (the quiz's closing time still applies)."
    )
    note = models.CharField(max_length=200, blank=True, help_text="For instructors only.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["student__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_factor__gte=1) & Q(time_factor__lte=10),
                name="accommodation_time_factor_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {describe_extra_time(self.time_factor, self.no_time_limit)}"

    @property
    def text(self) -> str:
        """As the student reads it: "You have 1.5× time"."""
        return "You have " + describe_extra_time(self.time_factor, self.no_time_limit)


def describe_extra_time(time_factor: Decimal, no_time_limit: bool) -> str:
    """ "1.5× time", "no time limit", or "" for the standard time."""
    if no_time_limit:
        return "no time limit"
    if time_factor == 1:
        return ""
    return f"{time_factor:f}".rstrip("0").rstrip(".") + "× time"


class AttemptQuerySet(models.QuerySet):
    def for_student(self, user):
        return self.filter(student=user)

    def in_progress(self):
        return self.filter(state=Attempt.State.IN_PROGRESS)

    def finished(self):
        return self.exclude(state=Attempt.State.IN_PROGRESS)

    def counted(self):
        """Finished attempts that count towards grades (previews and abandoned ones never do)."""
        return self.finished().filter(is_preview=False).exclude(state=Attempt.State.ABANDONED)

    def overdue(self, moment: datetime):
        """Attempts past the last moment they could be submitted (deadline plus any grace)."""
        return self.in_progress().filter(
            Q(grace_ends_at__isnull=True, deadline__lte=moment) | Q(grace_ends_at__lte=moment)
        )

    def close_overdue(self, moment: datetime | None = None) -> int:
        """Close every overdue attempt in this set under its quiz's policy; how many closed.

        Safe to run often and from several processes at once: finish() locks the row and closes
        an attempt once, so a concurrent sweep (or the student's own submit) just counts 0.
        """
        moment = moment or timezone.now()
        closed = 0
        for pk in list(self.overdue(moment).values_list("pk", flat=True)):
            closed += Attempt(pk=pk).finish(moment=moment)
        return closed


class AttemptNotAllowed(Exception):
    """Why a student may not start an attempt now; the message is shown to them."""


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        EXPIRED = "expired", "Time ran out (submitted automatically)"
        ABANDONED = "abandoned", "Never submitted (not counted)"

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField()
    is_preview = models.BooleanField(default=False)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(
        null=True, blank=True, help_text="Answers are refused from this moment."
    )
    # Frozen at the start like the questions, so changing the quiz never changes a running attempt.
    overdue_handling = models.CharField(
        max_length=12, choices=Quiz.OverdueHandling.choices, default=Quiz.OverdueHandling.AUTOSUBMIT
    )
    grace_ends_at = models.DateTimeField(
        null=True, blank=True, help_text="With a grace period: it may be submitted until then."
    )
    time_factor = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal(1), help_text="Accommodation applied."
    )
    no_time_limit = models.BooleanField(default=False, help_text="Accommodation applied.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    max_score = models.DecimalField(max_digits=9, decimal_places=4, default=Decimal(0))

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "student"],
                condition=Q(state="in_progress"),
                name="attempt_one_in_progress_per_quiz",
            ),
            models.UniqueConstraint(
                fields=["quiz", "student", "number"], name="attempt_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(state="in_progress", submitted_at__isnull=True, score__isnull=True)
                | Q(state="abandoned", submitted_at__isnull=False, score__isnull=True)
                | (
                    ~Q(state__in=["in_progress", "abandoned"])
                    & Q(submitted_at__isnull=False, score__isnull=False)
                ),
                name="attempt_finished_has_score",
            ),
            models.CheckConstraint(
                condition=Q(grace_ends_at__isnull=True)
                | Q(deadline__isnull=False, grace_ends_at__gte=models.F("deadline")),
                name="attempt_grace_ends_after_deadline",
            ),
            models.CheckConstraint(
                condition=Q(time_factor__gte=1), name="attempt_time_factor_at_least_one"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.quiz} #{self.number}"

    def get_absolute_url(self) -> str:
        if self.is_in_progress:
            return reverse("quizzes:attempt_question", args=[self.pk, 1])
        return reverse("quizzes:attempt_result", args=[self.pk])

    @property
    def is_in_progress(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def is_abandoned(self) -> bool:
        return self.state == self.State.ABANDONED

    def is_overdue(self, moment: datetime | None = None) -> bool:
        """Past the deadline: answers are refused (it may still be in its grace period)."""
        return (
            self.is_in_progress
            and self.deadline is not None
            and (moment or timezone.now()) >= self.deadline
        )

    @property
    def closes_at(self) -> datetime | None:
        """The last moment it can be submitted: the end of its grace period, or its deadline."""
        return self.grace_ends_at or self.deadline

    def must_close(self, moment: datetime | None = None) -> bool:
        """Past the last moment it could be submitted: the next request or sweep closes it."""
        moment = moment or timezone.now()
        return self.is_overdue(moment) and (
            self.grace_ends_at is None or moment >= self.grace_ends_at
        )

    def in_grace_period(self, moment: datetime | None = None) -> bool:
        """Time is up, answers are refused, but the student may still submit."""
        moment = moment or timezone.now()
        return self.is_overdue(moment) and not self.must_close(moment)

    @property
    def accommodation_text(self) -> str:
        """The extra time this attempt was given, as the student reads it ("" for none)."""
        extra = describe_extra_time(self.time_factor, self.no_time_limit)
        return f"You have {extra}" if extra else ""

    @property
    def result(self) -> grading.Score | None:
        if self.score is None:
            return None
        return grading.Score(earned=self.score, possible=self.max_score)

    def passed(self) -> bool | None:
        result = self.result
        return None if result is None else result.passed(self.quiz.pass_mark)

    def response_states(self) -> list[tuple[int, bool, bool]]:
        """(position, answered, flagged) per response in order: the navigator's plain values."""
        # Sorted in Python: the rows are few, and the query stays prepared (no ORDER BY needed).
        return sorted(_response_states.fetch(attempt=self.pk))

    def regrade_notes(self) -> list:
        """The marks regrades changed in this attempt, oldest first, in one query."""
        return list(
            self.regraded_responses.select_related("regrade", "response").order_by(
                "regrade__created_at", "response__position"
            )
        )

    def finish(self, *, moment: datetime | None = None) -> bool:
        """Close the attempt and store its score; False when it was already closed.

        The row lock makes concurrent finishes (a double click, the sweeper) grade once, and
        makes an answer being saved at the same moment either land before grading or be refused.
        Past the deadline the quiz's overdue policy decides: submitted automatically (expired, at
        the deadline); submitted within the grace period (as normal); or, when nobody submitted
        in time, abandoned at the last moment it could have been submitted, never graded.
        """
        moment = moment or timezone.now()
        with transaction.atomic():
            locked = (
                Attempt.objects.select_for_update()
                .filter(pk=self.pk, state=self.State.IN_PROGRESS)
                .only("pk", "deadline", "grace_ends_at", "overdue_handling")
                .first()
            )
            if locked is None:
                return False
            state, earned = self.State.SUBMITTED, None
            if locked.deadline is not None and moment >= locked.deadline:
                if locked.overdue_handling == Quiz.OverdueHandling.AUTOSUBMIT:
                    state, moment = self.State.EXPIRED, locked.deadline
                elif moment >= locked.closes_at or (
                    locked.overdue_handling == Quiz.OverdueHandling.AUTOABANDON
                ):
                    state, moment = self.State.ABANDONED, locked.closes_at
            if state != self.State.ABANDONED:
                earned = self.responses.aggregate(total=Sum("marks"))["total"] or Decimal(0)
            # The state condition repeats the lock's: a second close updates nothing.
            closed = Attempt.objects.filter(pk=self.pk, state=self.State.IN_PROGRESS).update(
                state=state, submitted_at=moment, score=earned
            )
        if not closed:
            return False
        self.state, self.submitted_at, self.score = state, moment, earned
        return True


def start_attempt(*, quiz: Quiz, student, moment: datetime | None = None) -> Attempt:
    """Resume the student's open attempt at this quiz, or start one with its order fixed.

    Instructors start previews, which open unpublished and closed quizzes and never count.
    Raises AttemptNotAllowed with a message for the student.
    """
    moment = moment or timezone.now()
    preview = is_instructor(student)
    Attempt.objects.filter(quiz=quiz, student=student).close_overdue(moment)
    existing = Attempt.objects.filter(quiz=quiz, student=student).in_progress().first()
    if existing:
        return existing
    if not preview:
        if not quiz.is_published or not quiz.is_open_at(moment):
            raise AttemptNotAllowed("This quiz is not open now.")
        used = Attempt.objects.filter(quiz=quiz, student=student, is_preview=False).count()
        if quiz.attempts_allowed is not None and used >= quiz.attempts_allowed:
            raise AttemptNotAllowed("You have used all your attempts at this quiz.")
    # Students get the published questions; a preview also shows drafts, so they can be tried.
    shown = [Question.Status.PUBLISHED, *([Question.Status.DRAFT] if preview else [])]
    slots = list(
        quiz.quiz_questions.filter(question__status__in=shown)
        .select_related("question__source_text")
        .prefetch_related(
            "question__choices", "question__accepted_answers", "question__match_pairs"
        )
    )
    if not slots:
        raise AttemptNotAllowed("This quiz has no questions yet.")
    rng = random.Random()
    if quiz.shuffle_questions:
        rng.shuffle(slots)
    accommodation = Accommodation.objects.filter(student=student).first()
    deadline = quiz.deadline_for(moment, accommodation)
    try:
        with transaction.atomic():
            number = (
                Attempt.objects.filter(quiz=quiz, student=student).aggregate(
                    last=models.Max("number")
                )["last"]
                or 0
            ) + 1
            # The partial unique constraint on in-progress attempts, not the check above, is
            # what makes concurrent starts create one attempt: the losers resume the winner's.
            attempt = Attempt.objects.create(
                quiz=quiz,
                student=student,
                number=number,
                is_preview=preview,
                started_at=moment,
                deadline=deadline,
                grace_ends_at=quiz.grace_end_for(deadline),
                overdue_handling=quiz.overdue_handling,
                time_factor=accommodation.time_factor if accommodation else Decimal(1),
                no_time_limit=bool(accommodation and accommodation.no_time_limit),
                max_score=sum((slot.effective_points for slot in slots), Decimal(0)),
            )
            Response.objects.bulk_create(
                Response(
                    attempt=attempt,
                    position=position,
                    question=slot.question,
                    points=slot.effective_points,
                    snapshot=slot.question.snapshot(rng=rng if quiz.shuffle_options else None),
                )
                for position, slot in enumerate(slots, start=1)
            )
    except IntegrityError:
        # A concurrent request started the attempt first: resume that one.
        existing = Attempt.objects.filter(quiz=quiz, student=student).in_progress().first()
        if existing is None:
            raise
        return existing
    return attempt


class ResponseQuerySet(models.QuerySet):
    def for_student(self, user):
        return self.filter(attempt__student=user)

    def answered(self):
        return self.filter(answered_at__isnull=False)


class AnswerRefused(Exception):
    """An answer that cannot be stored; the message is shown to the student."""


class Response(models.Model):
    """One question of an attempt: its frozen snapshot, the student's answer and its marks.

    Created for every question when the attempt starts, so saving an answer always updates the
    one row for that question and never duplicates it.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    points = models.DecimalField(max_digits=6, decimal_places=2)
    snapshot = models.JSONField()
    answer = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    marks = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    # The client's version of the stored answer (app.js: a clock reading, rising with each edit;
    # plain posts: the server's clock in ms, or one more than the version it replaces if that is
    # higher). A save only lands over a lower one, so a delayed or replayed older save never
    # overwrites a newer answer.
    answer_seq = models.BigIntegerField(default=0)
    flagged = models.BooleanField(default=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="response_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="response_question"),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, marks__isnull=True)
                | Q(answered_at__isnull=False, marks__isnull=False),
                name="response_answered_has_marks",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} Q{self.position}"

    @property
    def kind(self) -> str:
        return self.snapshot["kind"]

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None

    @property
    def fraction(self) -> float | None:
        if self.marks is None or not self.points:
            return None
        return float(self.marks / self.points)

    @property
    def is_correct(self) -> bool:
        return self.marks is not None and self.marks >= self.points

    @property
    def is_partially_correct(self) -> bool:
        return self.marks is not None and 0 < self.marks < self.points

    def save_answer(
        self,
        answer,
        *,
        moment: datetime | None = None,
        seq: int | None = None,
        once: bool = False,
    ) -> bool:
        """Store (or replace) the answer with its marks, while the attempt is open and in time.

        Returns False, keeping the stored answer (reloaded into self), when a newer version
        (a higher seq) is already stored or, with once=True, when any answer is. Raises
        AnswerRefused when the attempt is closed or past its deadline.
        """
        moment = moment or timezone.now()
        if seq is None:
            # The server's clock stands in, made to rise past the version this save replaces:
            # two saves within one millisecond must not make the second look stale.
            seq = max(int(moment.timestamp() * 1000), self.answer_seq + 1)
        marks = grading.marks(self.points, grading.grade(self.snapshot, answer))
        with transaction.atomic():
            # Locking the attempt orders this save against finish(): it lands before grading
            # or finds the attempt closed.
            (attempt,) = _attempt_to_answer.fetch(pk=self.attempt_id)
            if attempt.state != Attempt.State.IN_PROGRESS:
                raise AnswerRefused(
                    "This attempt has been submitted; answers can no longer change."
                )
            if attempt.deadline is not None and moment >= attempt.deadline:
                if attempt.grace_ends_at and moment < attempt.grace_ends_at:
                    until = timezone.localtime(attempt.grace_ends_at)
                    raise AnswerRefused(
                        "Time is up, so this answer was not saved. You can still submit the "
                        f"answers saved before, until {until:%H:%M}."
                    )
                raise AnswerRefused(
                    "Time is up: this answer arrived after the deadline and was not saved."
                )
            store = _store_first_answer if once else _store_answer
            stored = store.run(pk=self.pk, answer=answer, moment=moment, marks=marks, seq=seq)
        if stored:
            self.answer, self.answered_at, self.marks, self.answer_seq = answer, moment, marks, seq
        else:
            self.refresh_from_db(fields=["answer", "answered_at", "marks", "answer_seq"])
        return bool(stored)


def responses_shown(student, attempt_id: int, position: int, next_position: int) -> list:
    """The student's responses at these positions of an attempt (the same twice for one), in
    order, each with the attempt and its quiz: one query; none if the attempt is not theirs.

    Each has `source_text_id` (its question's text) and `quiz_text_slug` (the quiz's text, not
    loaded: it may be megabytes, and a question card only links to it).
    """
    shown = _responses_shown.fetch(
        student=student.pk, attempt=attempt_id, position=position, next_position=next_position
    )
    # Sorted here: the rows are at most two, and the query stays prepared.
    shown.sort(key=lambda response: response.position)
    for response in shown[1:]:
        response.attempt = shown[0].attempt
    return shown


# The queries of the answer loop (every question page and every answer), compiled once
# (quizzes/prepared.py): compiling them cost more than running them.
_responses_shown = PreparedQuery(
    lambda: (
        Response.objects.filter(
            attempt__student_id=Param("student"),
            attempt_id=Param("attempt"),
            position__in=[Param("position"), Param("next_position")],
        )
        .select_related("attempt__quiz")
        # What a question card and the checks before it use: converting the columns into
        # values (datetimes, decimals) and building the objects was most of the query's cost.
        .only(
            "attempt_id",
            "position",
            "question_id",
            "points",
            "snapshot",
            "answer",
            "answered_at",
            "marks",
            "answer_seq",
            "flagged",
            "attempt__quiz_id",
            "attempt__student_id",
            "attempt__is_preview",
            "attempt__state",
            "attempt__deadline",
            "attempt__overdue_handling",
            "attempt__grace_ends_at",
            "attempt__time_factor",
            "attempt__no_time_limit",
            "attempt__quiz__title",
            "attempt__quiz__source_text_id",
            "attempt__quiz__feedback",
            "attempt__quiz__text_during_quiz",
        )
        .annotate(
            source_text_id=F("question__source_text_id"),
            quiz_text_slug=F("attempt__quiz__source_text__slug"),
        )
        .order_by()
    )
)
_response_states = PreparedQuery(
    lambda: (
        Response.objects.filter(attempt_id=Param("attempt"))
        .order_by()
        .values_list(
            "position",
            ExpressionWrapper(Q(answered_at__isnull=False), output_field=models.BooleanField()),
            "flagged",
        )
    )
)
_attempt_to_answer = PreparedQuery(
    lambda: (
        Attempt.objects.select_for_update()
        .filter(pk=Param("pk"))
        .only("state", "deadline", "grace_ends_at")
        .order_by()
    )
)
_answer_values = {
    "answer": Param("answer"),
    "answered_at": Param("moment"),
    "marks": Param("marks"),
    "answer_seq": Param("seq"),
}
# A save lands only over an older version (seq); a first answer only where there is none.
_store_answer = PreparedUpdate(
    lambda: Response.objects.filter(pk=Param("pk"), answer_seq__lt=Param("seq")), **_answer_values
)
_store_first_answer = PreparedUpdate(
    lambda: Response.objects.filter(
        pk=Param("pk"), answer_seq__lt=Param("seq"), answered_at__isnull=True
    ),
    **_answer_values,
)


def attempt_counts(user, quizzes) -> dict[int, dict]:
    """Per quiz: the student's counted attempts and best percentage, in one query."""
    rows = (
        Attempt.objects.for_student(user)
        .counted()
        .filter(quiz__in=quizzes)
        .values("quiz_id")
        .annotate(used=Count("pk"))
    )
    return {row["quiz_id"]: row for row in rows}


class Standing:
    """One student's attempts at one quiz, oldest first, and what follows from them."""

    def __init__(self, quiz: Quiz, attempts: list[Attempt]):
        self.quiz = quiz
        self.attempts = attempts
        for attempt in attempts:
            attempt.quiz = quiz  # passed() reads the pass mark without a query per attempt

    @property
    def used(self) -> int:
        """Attempts that count against the limit, the one in progress included."""
        return sum(1 for attempt in self.attempts if not attempt.is_preview)

    @property
    def attempts_left(self) -> int | None:
        if self.quiz.attempts_allowed is None:
            return None
        return max(0, self.quiz.attempts_allowed - self.used)

    @property
    def in_progress(self) -> Attempt | None:
        return next((attempt for attempt in self.attempts if attempt.is_in_progress), None)

    @property
    def counted(self) -> list[Attempt]:
        return [
            a
            for a in self.attempts
            if not a.is_preview and not a.is_in_progress and not a.is_abandoned
        ]

    @property
    def best_percent(self) -> float | None:
        return max((attempt.result.percent for attempt in self.counted), default=None)

    @property
    def grade(self) -> float | None:
        """The quiz grade under its grading method, over the counted attempts."""
        percents = [attempt.result.percent for attempt in self.counted]
        return grading.overall_grade(self.quiz.grading_method, percents)

    @property
    def grade_passed(self) -> bool | None:
        grade = self.grade
        return None if grade is None else grade >= float(self.quiz.pass_mark)


def standings(user, quizzes) -> dict[int, Standing]:
    """Per quiz id: the user's standing, from one query for all their attempts at these quizzes."""
    quizzes = list(quizzes)
    by_quiz: dict[int, list[Attempt]] = {quiz.pk: [] for quiz in quizzes}
    attempts = (
        Attempt.objects.for_student(user)
        .filter(quiz__in=[quiz.pk for quiz in quizzes])
        .order_by("started_at", "pk")
    )
    for attempt in attempts:
        by_quiz[attempt.quiz_id].append(attempt)
    return {quiz.pk: Standing(quiz, by_quiz[quiz.pk]) for quiz in quizzes}


# Regrades (instructor reports)


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


# Drafts derived from a text (quizzes/question_generator.py proposes, quizzes/drafting.py stores)


class QuestionDraftQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Drafts are instructors' working material: everyone else sees none."""
        return self if is_instructor(user) else self.none()

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
