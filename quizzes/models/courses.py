"""Courses: a class with its teachers, assistants and students, and the quizzes given to it.

Texts, questions (through their text), tags and quizzes belong to one course, whose teachers
edit them. A quiz is given to its own course and, by its teachers, to any other course they
also teach, each with its own dates, time limit and attempts (an Assignment); a department's
shared bank is a course whose teachers are the department, with no students. Roles are per
course: a teacher in one course may be a student in another.
"""

import hashlib
import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from quizzes.models.review_fields import review_constraints, review_field, stored_options
from quizzes.review_options import ReviewOptions
from quizzes.schedules import Adjustment, ExtraTime

# Codes people type from a sheet or a board: no 0/O, 1/I/L, 5/S or U/V to confuse.
CODE_ALPHABET = "2346789ABCDEFGHJKMNPQRTWXYZ"
JOIN_CODE_LENGTH = 7
SETUP_CODE_LENGTH = 12
SETUP_CODE_LIFETIME = timedelta(days=14)


def random_code(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalized_code(typed: str) -> str:
    """A code as typed ("abcd-efgh 2345") in the form it was made in ("ABCDEFGH2345")."""
    return "".join(character for character in typed.upper() if character.isalnum())


def grouped_code(code: str) -> str:
    """ "ABCD-EFGH-2345": easier to read out and to type."""
    return "-".join(code[index : index + 4] for index in range(0, len(code), 4))


class Role(models.TextChoices):
    TEACHER = "teacher", "Teacher"
    ASSISTANT = "assistant", "Assistant"
    STUDENT = "student", "Student"


# Who reads a course's reports and attempts; only teachers edit its content and roster.
STAFF_ROLES = (Role.TEACHER, Role.ASSISTANT)


class CourseQuerySet(models.QuerySet):
    def with_role(self, user, roles) -> "CourseQuerySet":
        """Courses where the user is an active member in one of these roles (a superuser: all)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            memberships__user=user,
            memberships__removed_at__isnull=True,
            memberships__role__in=list(roles),
        )

    def teaching(self, user) -> "CourseQuerySet":
        """Courses whose content and roster the user edits."""
        return self.with_role(user, [Role.TEACHER])

    def staffed_by(self, user) -> "CourseQuerySet":
        """Courses whose reports, attempts and grading the user may see (teachers, assistants)."""
        return self.with_role(user, STAFF_ROLES)

    def learning(self, user) -> "CourseQuerySet":
        """The courses a user takes as a student, archived ones left out."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user,
            memberships__removed_at__isnull=True,
            memberships__role=Role.STUDENT,
            is_archived=False,
        )


class Course(models.Model):
    title = models.CharField(max_length=200)
    code = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Short and unique, used in addresses and exports: hist-9a-2026.",
    )
    term = models.CharField(max_length=60, blank=True, help_text="Term or year: 2026–27.")
    is_archived = models.BooleanField(
        "archived",
        default=False,
        help_text="Students no longer see an archived course; its teachers still read it.",
    )
    time_factor = models.DecimalField(
        "extra time for the whole class",
        max_digits=4,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="Multiplies every time limit in this course (1: none). A student's own extra "
        "time replaces it.",
    )
    join_code = models.CharField(max_length=16, unique=True)
    join_enabled = models.BooleanField(
        "students may join with the code",
        default=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_factor__gte=1) & Q(time_factor__lte=10),
                name="course_time_factor_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.term})" if self.term else self.title

    def save(self, *args, **kwargs) -> None:
        if not self.join_code:
            self.join_code = random_code(JOIN_CODE_LENGTH)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("quizzes:course_home", args=[self.code])

    def clean(self) -> None:
        # /teach/courses/new/ is the page that makes a course: a course coded "new" could not
        # be reached.
        if self.code == "new":
            raise ValidationError({"code": "“new” is taken by the page that makes a course."})

    def rotate_join_code(self) -> None:
        """A new code: the old one (on last term's board, in a forwarded message) stops working."""
        self.join_code = random_code(JOIN_CODE_LENGTH)
        self.save(update_fields=["join_code"])

    @property
    def join_path(self) -> str:
        return reverse("quizzes:join_course", args=[self.join_code])

    @property
    def extra_time(self) -> ExtraTime:
        return ExtraTime(time_factor=self.time_factor)


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(removed_at__isnull=True)

    def students(self):
        return self.filter(role=Role.STUDENT)


class Membership(models.Model):
    """A user in a course with a role. Removing a student keeps the row (and their attempts):
    the gradebook shows them as removed."""

    Role = Role

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.STUDENT)
    joined_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["course", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="membership_once_per_course"),
        ]
        indexes = [models.Index(fields=["user", "role"], name="membership_user_role")]

    def __str__(self) -> str:
        removed = " (removed)" if self.removed_at else ""
        return f"{self.user} – {self.get_role_display()} in {self.course}{removed}"

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class ScheduleFields(models.Model):
    """Dates, time limit and attempts that replace the quiz's own where they are set."""

    opens_at = models.DateTimeField(null=True, blank=True, help_text="Empty: as the quiz.")
    closes_at = models.DateTimeField(null=True, blank=True, help_text="Empty: as the quiz.")
    time_limit_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(60 * 24 * 7)],
        help_text="Empty: as the quiz. 0: no time limit.",
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text="Empty: as the quiz. 0: unlimited.",
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "It must close after it opens."})

    @property
    def adjustment(self) -> Adjustment:
        return Adjustment(
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            time_limit_minutes=self.time_limit_minutes,
            attempts_allowed=self.attempts_allowed,
        )


class AssignmentQuerySet(models.QuerySet):
    def for_student(self, user):
        """Published quizzes given to the courses the user takes."""
        return self.filter(
            course__in=Course.objects.learning(user), quiz__is_published=True
        ).select_related("quiz", "course")

    def for_staff(self, user):
        return self.filter(course__in=Course.objects.staffed_by(user))


class Assignment(ScheduleFields):
    """A quiz given to a course, with that course's dates, time limit and attempts."""

    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="assignments")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assignments")
    # Empty: the quiz's own review options.
    review_marks = review_field("marks", null=True)
    review_correctness = review_field("correctness", null=True)
    review_answer = review_field("answer", null=True)
    review_explanation = review_field("explanation", null=True)
    review_passage = review_field("passage", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["course", "quiz__title"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "course"], name="assignment_once_per_course"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="assignment_closes_after_opening",
            ),
            *review_constraints("assignment", null=True),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} in {self.course}"

    @property
    def review(self) -> ReviewOptions:
        """The review options in this course: its own, else the quiz's."""
        return stored_options(self) or self.quiz.review


class StudentOverride(ScheduleFields):
    """One student's own dates, time limit or attempts at one course's quiz (Moodle's user
    override): a second chance, a make-up day."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="overrides")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_overrides"
    )
    note = models.CharField(max_length=200, blank=True, help_text="For teachers only.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="override_once_per_student"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="override_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student}: {self.assignment}"


def code_digest(code: str) -> str:
    """What is stored of a one-time code: its SHA-256, so a copy of the database cannot use it.

    A plain hash is enough: the code is random with 57 bits, not a password a person chose."""
    return hashlib.sha256(normalized_code(code).encode()).hexdigest()


class SetupCodeQuerySet(models.QuerySet):
    def usable(self, moment: datetime | None = None):
        return self.filter(used_at__isnull=True, expires_at__gt=moment or timezone.now())


class SetupCode(models.Model):
    """A one-time code with which a student chooses a password: for a roster import's new
    accounts and for a forgotten password, where the school has no e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="setup_codes"
    )
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = SetupCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Set-up code for {self.user} ({'used' if self.used_at else 'unused'})"
