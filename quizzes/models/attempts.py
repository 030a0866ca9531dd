"""Attempts at a quiz and their responses: one frozen question each, with the answer."""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import DEFAULT_DB_ALIAS, models, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone

from quizzes import grading, kinds, signals, sql
from quizzes.models.courses import Course
from quizzes.models.questions import Question
from quizzes.models.quizzes import Quiz
from quizzes.schedules import ExtraTime


class Accommodation(models.Model):
    """A student's extra time on every timed quiz of a course: a factor on the time limit, or no
    limit. It replaces the course's extra time for the whole class, if any.

    It changes the time limit only: a quiz's closing time still closes every attempt. It is read
    when an attempt starts and frozen on it, so a change applies from the next attempt on.
    """

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="accommodations")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations"
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
        ordering = ["course", "student__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_factor__gte=1) & Q(time_factor__lte=10),
                name="accommodation_time_factor_range",
            ),
            models.UniqueConstraint(
                fields=["course", "student"], name="accommodation_once_per_course"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} in {self.course}: {self.extra_time.text or 'standard time'}"

    @property
    def extra_time(self) -> ExtraTime:
        return ExtraTime(time_factor=self.time_factor, no_time_limit=self.no_time_limit)


def extra_time_for(student, course: Course) -> ExtraTime:
    """The student's extra time in the course: their own, else the whole class's: one query."""
    found = Accommodation.objects.filter(student=student, course=course).order_by()[:1]
    own = next(iter(found), None)
    return own.extra_time if own else course.extra_time


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
    # The course the quiz was taken in: its gradebook counts it, its schedule applied.
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="attempts")
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
    comment = models.TextField(blank=True, help_text="The teacher's comment on the whole attempt.")

    objects = AttemptQuerySet.as_manager()

    # True on the attempt start_attempt has just made, so the view knows it starts at question 1.
    is_new = False

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["quiz", "student"],
                condition=Q(state="in_progress"),
                name="attempt_one_in_progress_per_quiz",
            ),
            models.UniqueConstraint(
                fields=["quiz", "course", "student", "number"], name="attempt_number_unique"
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
        extra = ExtraTime(time_factor=self.time_factor, no_time_limit=self.no_time_limit).text
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
        return sql.response_states(self.pk)

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
                .only(
                    "pk",
                    "deadline",
                    "grace_ends_at",
                    "overdue_handling",
                    "quiz_id",
                    "course_id",
                    "student_id",
                    "is_preview",
                )
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
            if closed and state != self.State.ABANDONED and not locked.is_preview:
                signals.grade_changed.send(
                    Attempt,
                    quiz_id=locked.quiz_id,
                    course_id=locked.course_id,
                    student_id=locked.student_id,
                )
        if not closed:
            return False
        self.state, self.submitted_at, self.score = state, moment, earned
        return True


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
    # A teacher's mark replaced the automatic one (the MarkingEvent rows say who, when, why);
    # a regrade leaves it alone.
    marked_by_teacher = models.BooleanField(default=False)
    comment = models.TextField(blank=True, help_text="The teacher's comment on this answer.")

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
        base: int | None = None,
    ) -> bool:
        """Store (or replace) the answer with its marks, while the attempt is open and in time.

        Returns False, keeping the stored answer (reloaded into self), when a newer version
        (a higher seq) is already stored, with once=True when any answer is, or with a base
        when the stored version is another (changed in another window; see changed_elsewhere).
        Raises AnswerRefused when the attempt is closed or past its deadline.
        """
        moment = moment or timezone.now()
        if seq is None:
            # The server's clock stands in, made to rise past the version this save replaces:
            # two saves within one millisecond must not make the second look stale.
            seq = max(int(moment.timestamp() * 1000), self.answer_seq + 1)
        marks = grading.marks(self.points, kinds.grade(self.snapshot, answer))
        with transaction.atomic():
            # Locking the attempt orders this save against finish(): it lands before grading
            # or finds the attempt closed.
            state, deadline, grace_ends_at = sql.lock_attempt(self.attempt_id)
            if state != Attempt.State.IN_PROGRESS:
                raise AnswerRefused(
                    "This attempt has been submitted; answers can no longer change."
                )
            if deadline is not None and moment >= deadline:
                if grace_ends_at and moment < grace_ends_at:
                    until = timezone.localtime(grace_ends_at)
                    raise AnswerRefused(
                        "Time is up, so this answer was not saved. You can still submit the "
                        f"answers saved before, until {until:%H:%M}."
                    )
                raise AnswerRefused(
                    "Time is up: this answer arrived after the deadline and was not saved."
                )
            stored = sql.store_answer(
                self.pk, answer=answer, moment=moment, marks=marks, seq=seq, once=once, base=base
            )
        if stored:
            self.answer, self.answered_at, self.marks, self.answer_seq = answer, moment, marks, seq
        else:
            self.refresh_from_db(fields=["answer", "answered_at", "marks", "answer_seq"])
        return bool(stored)


def changed_elsewhere(response: Response, *, base: int | None) -> bool:
    """After a refused save: whether another window stored a version this page never saw (the
    stored one is not the page's own last save) rather than this page's save arriving late."""
    return base is not None and response.answer_seq != base


def responses_shown(student, attempt_id: int, position: int, next_position: int) -> list:
    """The student's responses at these positions of an attempt (the same twice for one), in
    order, each with the attempt and its quiz: one query (quizzes/sql.py); none if the attempt
    is not theirs.

    Each has `source_text_id` (its question's text) and `quiz_text_slug` (the quiz's text, not
    loaded: it may be megabytes, and a question card only links to it).
    """
    shown = []
    attempt = None
    for response_values, attempt_values, quiz_values, text_id, slug in sql.responses_shown(
        student.pk, attempt_id, [position, next_position]
    ):
        if attempt is None:
            attempt = Attempt.from_db(DEFAULT_DB_ALIAS, sql.ATTEMPT_COLUMNS, attempt_values)
            attempt.quiz = Quiz.from_db(DEFAULT_DB_ALIAS, sql.QUIZ_COLUMNS, quiz_values)
        response = Response.from_db(DEFAULT_DB_ALIAS, sql.RESPONSE_COLUMNS, response_values)
        response.attempt = attempt
        response.source_text_id = text_id
        response.quiz_text_slug = slug
        shown.append(response)
    return shown
