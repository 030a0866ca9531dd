"""Quizzes and the questions in them."""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from quizzes import grading, review_options
from quizzes.models.courses import Assignment, Course
from quizzes.models.questions import Question
from quizzes.models.review_fields import review_constraints, review_field, stored_options
from quizzes.models.texts import SourceText, Tag
from quizzes.schedules import Schedule


class QuizQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def editable_by(self, user):
        """Quizzes whose questions and settings the user edits: those of courses they teach."""
        return self.filter(course__in=Course.objects.teaching(user))

    def reported_to(self, user):
        """Quizzes whose reports the user reads: of, or given to, a course they teach or assist."""
        if user.is_superuser:
            return self
        staffed = Course.objects.staffed_by(user)
        return self.filter(
            Q(course__in=staffed)
            | Q(pk__in=Assignment.objects.filter(course__in=staffed).values("quiz"))
        )


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

    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        related_name="quizzes",
        help_text="The course whose teachers edit it; it may be given to other courses too.",
    )
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
    is_secure = models.BooleanField(
        "a test (one secure attempt at a time)",
        default=False,
        help_text="While a student's attempt is in progress, no other quiz with any of its "
        "questions can be started or reviewed, in any tab.",
    )
    review_marks = review_field("marks", null=False)
    review_correctness = review_field("correctness", null=False)
    review_answer = review_field("answer", null=False)
    review_explanation = review_field("explanation", null=False)
    review_passage = review_field("passage", null=False)
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
            *review_constraints("quiz", null=False),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:quiz_detail", args=[self.slug])

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The quiz must close after it opens."})

    @property
    def schedule(self) -> Schedule:
        """The quiz's own dates, time limit and attempts, before any course's or student's."""
        return Schedule(
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            time_limit_minutes=self.time_limit_minutes,
            attempts_allowed=self.attempts_allowed,
        )

    @property
    def review(self) -> review_options.ReviewOptions:
        """What its students see of their answers, and when (an assignment may differ)."""
        options = stored_options(self)
        assert options is not None  # the quiz's columns are never empty
        return options

    @property
    def time_limit(self) -> timedelta | None:
        return self.schedule.time_limit

    @property
    def pass_mark_text(self) -> str:
        """The pass mark as people write it: "60", "62.5" (not "60.00")."""
        text = f"{self.pass_mark:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text

    def slots(self, *, with_texts: bool = True) -> list["QuizQuestion | RandomDraw"]:
        """The quiz's questions by name and its random draws, in order: two queries. Without
        texts, each question's text is left for the caller to load (once per text)."""
        named = list(
            self.quiz_questions.select_related(
                "question__source_text" if with_texts else "question"
            )
        )
        draws = list(self.random_draws.select_related("tag", "source_text"))
        return sorted([*named, *draws], key=lambda slot: (slot.position, slot.pk))

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

    def clean(self) -> None:
        if (
            self.quiz_id
            and self.question_id
            and self.question.source_text.course_id != self.quiz.course_id
        ):
            raise ValidationError({"question": "Choose a question of the quiz's course."})

    @property
    def effective_points(self) -> Decimal:
        return self.points if self.points is not None else self.question.default_points


class RandomDraw(models.Model):
    """Questions drawn at random for each attempt (Moodle's random questions).

    From the published questions with a tag, or on a text (or one paragraph of it), leaving out
    the questions the quiz has by name; drawn when an attempt starts and frozen in it.
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="random_draws")
    position = models.PositiveSmallIntegerField(default=0)
    count = models.PositiveSmallIntegerField(
        "how many",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.PROTECT, null=True, blank=True, related_name="random_draws"
    )
    source_text = models.ForeignKey(
        SourceText, on_delete=models.PROTECT, null=True, blank=True, related_name="random_draws"
    )
    paragraph = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Only questions whose excerpt is in this paragraph of the text.",
    )
    points = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Marks per question drawn. Empty: each question's default points.",
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="random_draw_count_positive"),
            models.CheckConstraint(
                condition=Q(tag__isnull=False) | Q(source_text__isnull=False),
                name="random_draw_has_a_pool",
            ),
            models.CheckConstraint(
                condition=Q(paragraph__isnull=True) | Q(source_text__isnull=False),
                name="random_draw_paragraph_of_a_text",
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gt=0),
                name="random_draw_points_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz}: {self.description}"

    def clean(self) -> None:
        if self.tag_id is None and self.source_text_id is None:
            raise ValidationError("Draw from a tag, a text, or a paragraph of a text.")
        course_id = self.quiz.course_id if self.quiz_id else None
        if self.tag_id is not None and self.tag.course_id != course_id:
            raise ValidationError({"tag": "Choose a tag of the quiz's course."})
        if self.source_text_id is not None and self.source_text.course_id != course_id:
            raise ValidationError({"source_text": "Choose a text of the quiz's course."})
        if self.paragraph is not None and self.source_text_id is None:
            raise ValidationError({"paragraph": "Choose the text the paragraph belongs to."})
        if self.paragraph is not None and self.paragraph > len(self.source_text.paragraphs()):
            raise ValidationError(
                {"paragraph": f"The text has {len(self.source_text.paragraphs())} paragraphs."}
            )

    @property
    def description(self) -> str:
        """ "2 random questions tagged “dates”, on paragraph 3 of “Rapallo”"."""
        noun = "question" if self.count == 1 else "questions"
        parts = [f"{self.count} random {noun}"]
        if self.tag_id is not None:
            parts.append(f"tagged “{self.tag}”")
        if self.source_text_id is not None:
            where = f"paragraph {self.paragraph} of " if self.paragraph else ""
            parts.append(f"on {where}“{self.source_text}”")
        return " ".join(parts)

    def candidates(self):
        """The published questions this draw picks from (the quiz's named ones left out)."""
        questions = Question.objects.published().exclude(quiz_slots__quiz_id=self.quiz_id)
        if self.tag_id is not None:
            questions = questions.filter(tags=self.tag_id)
        if self.source_text_id is not None:
            questions = questions.filter(source_text_id=self.source_text_id)
            if self.paragraph is not None:
                paragraphs = self.source_text.paragraphs()
                if self.paragraph > len(paragraphs):
                    return questions.none()
                paragraph = paragraphs[self.paragraph - 1]
                questions = questions.filter(
                    excerpt_start__gte=paragraph.start, excerpt_end__lte=paragraph.end
                )
        return questions.select_related("source_text").order_by("pk")
