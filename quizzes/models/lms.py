"""What ties Quizsite to a learning platform (Moodle, Canvas) launching it over LTI 1.3.

django-lti (the `lti_tool` app) keeps the platform's registration, its deployments, the users,
contexts (courses), resource links and line items (gradebook columns) it has seen. These models
say what each of those is here: which course a context is, which quiz a resource link opens,
which origins may frame the site, and which grades are on their way to the platform.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone
from lti_tool.models import LtiContext, LtiLineItem, LtiRegistration, LtiResourceLink, LtiUser

from quizzes.models.courses import Course
from quizzes.models.quizzes import Quiz


class PlatformSettings(models.Model):
    """Quizsite's own settings for a registered platform."""

    registration = models.OneToOneField(
        LtiRegistration, on_delete=models.CASCADE, related_name="quizsite_settings"
    )
    frame_origins = models.TextField(
        "addresses that may show Quizsite in a frame",
        blank=True,
        help_text="The LMS's own addresses, one a line (https://moodle.school.example). Launches "
        "from this platform may be framed by these origins only.",
    )

    def __str__(self) -> str:
        return f"Settings of {self.registration}"

    @property
    def origins(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.frame_origins.split() if line.strip()]


class LmsCourse(models.Model):
    """An LMS course (a context of a deployment) and the Quizsite course it became."""

    context = models.OneToOneField(
        LtiContext, on_delete=models.CASCADE, related_name="quizsite_course"
    )
    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="lms_course")
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.context} → {self.course}"


class LmsQuizLink(models.Model):
    """A resource link of the LMS (an activity a teacher added) and the quiz it opens."""

    resource_link = models.OneToOneField(
        LtiResourceLink, on_delete=models.CASCADE, related_name="quizsite_quiz"
    )
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="lms_links")
    line_item = models.ForeignKey(
        LtiLineItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizsite_links",
    )

    def __str__(self) -> str:
        return f"{self.resource_link} → {self.quiz}"


class LaunchValue(models.Model):
    """A value of the OIDC login and launch (a nonce, a state, a validated launch's claims), in
    the database so that any server can finish a launch another began."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return self.key


# Waits before the next try after 1, 2, 3… failures: 30 s, 1 min, 2 min … at most an hour.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)


def retry_wait(failures: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(failures - 1, 0), LONGEST_WAIT)


class ScoreDeliveryQuerySet(models.QuerySet):
    def due(self, moment):
        """Waiting and due, or claimed by a sender that has not finished for five minutes (it
        died): they go again."""
        return self.filter(
            Q(status=ScoreDelivery.Status.WAITING, next_try_at__lte=moment)
            | Q(status=ScoreDelivery.Status.SENDING, claimed_at__lte=moment - timedelta(minutes=5))
        )


class ScoreDelivery(models.Model):
    """The grade a student has in a quiz, on its way to an LMS gradebook column.

    One row per column and student, holding the latest grade: a newer grade replaces one not
    yet sent, and a grade equal to the one the LMS already has is not sent again.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting to be sent"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"

    line_item = models.ForeignKey(LtiLineItem, on_delete=models.CASCADE, related_name="+")
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    # A percentage: the column's maximum is 100.
    percent = models.DecimalField(max_digits=7, decimal_places=4)
    graded_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    # Rises with every new grade, so a sender finishing late cannot mark a newer grade sent.
    version = models.PositiveIntegerField(default=1)
    failures = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScoreDeliveryQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["line_item", "lti_user"], name="score_delivery_once_per_column_and_user"
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100),
                name="score_delivery_percent_range",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_try_at"], name="score_delivery_due")]

    def __str__(self) -> str:
        return f"{self.lti_user} in {self.line_item}: {self.percent} ({self.status})"

    @property
    def score_maximum(self) -> Decimal:
        return Decimal(100)
