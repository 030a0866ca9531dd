"""A teacher's marking: a response's mark overridden, a comment on an answer or on the whole
attempt. Every change is kept (who, when, the marks before and after) and never edited."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Sum
from django.utils import timezone

from quizzes import signals
from quizzes.models.attempts import Attempt, Response


class MarkingEvent(models.Model):
    """One act of marking: a response's new mark and comment, or the attempt's comment."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="marking_events")
    response = models.ForeignKey(
        Response,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="marking_events",
        help_text="Empty: a comment on the whole attempt.",
    )
    old_marks = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    new_marks = models.DecimalField(max_digits=9, decimal_places=4, null=True, blank=True)
    comment = models.TextField(blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["marked_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(response__isnull=False) | Q(new_marks__isnull=True),
                name="marking_event_marks_need_a_response",
            ),
            models.CheckConstraint(
                condition=Q(new_marks__isnull=True) | Q(new_marks__gte=0),
                name="marking_event_marks_not_negative",
            ),
        ]

    def __str__(self) -> str:
        target = f"Q{self.response.position}" if self.response_id else "the attempt"
        return f"{self.attempt}: {target} marked by {self.marked_by} ({self.marked_at:%Y-%m-%d})"


class MarkingRefused(Exception):
    """A mark that cannot be given; the message is shown to the teacher."""


def mark_response(
    response: Response, *, marks: Decimal, comment: str, teacher, moment=None
) -> MarkingEvent:
    """Give a finished attempt's answered response these marks (0 to its points) with a
    comment, recompute the attempt's score and record who did it, in one transaction."""
    moment = moment or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=response.attempt_id)
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if attempt.is_in_progress or attempt.is_abandoned:
            raise MarkingRefused("Only a submitted attempt can be marked.")
        if not locked.is_answered:
            raise MarkingRefused("This question was not answered, so it has no mark to change.")
        if not Decimal(0) <= marks <= locked.points:
            raise MarkingRefused(f"Give between 0 and {locked.points.normalize():f} marks.")
        marks = marks.quantize(Decimal("0.0001"))
        event = MarkingEvent(
            attempt=attempt,
            response=locked,
            old_marks=locked.marks,
            new_marks=marks,
            comment=comment,
            marked_by=teacher,
            marked_at=moment,
        )
        try:
            event.full_clean()
        except ValidationError as error:
            raise MarkingRefused(" ".join(error.messages)) from None
        event.save()
        locked.marks, locked.marked_by_teacher, locked.comment = marks, True, comment
        locked.save(update_fields=["marks", "marked_by_teacher", "comment"])
        attempt.score = attempt.responses.aggregate(total=Sum("marks"))["total"] or Decimal(0)
        attempt.save(update_fields=["score"])
        signals.grade_changed.send(
            MarkingEvent,
            quiz_id=attempt.quiz_id,
            course_id=attempt.course_id,
            student_id=attempt.student_id,
        )
    response.marks, response.marked_by_teacher, response.comment = marks, True, comment
    return event


def comment_on_attempt(attempt: Attempt, *, comment: str, teacher, moment=None) -> MarkingEvent:
    """Set the comment on a whole finished attempt, recording who did it."""
    with transaction.atomic():
        locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.is_in_progress:
            raise MarkingRefused("Comment once the attempt is submitted.")
        event = MarkingEvent.objects.create(
            attempt=locked, comment=comment, marked_by=teacher, marked_at=moment or timezone.now()
        )
        locked.comment = comment
        locked.save(update_fields=["comment"])
    attempt.comment = comment
    return event
