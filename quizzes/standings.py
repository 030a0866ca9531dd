"""A student's standing in a quiz in a course: attempts used and left, the one in progress, the
grade."""

from datetime import datetime

from django.utils import timezone

from quizzes import grading, review_options
from quizzes.models import Attempt, Quiz
from quizzes.offerings import Offering
from quizzes.review_options import Moment, ReviewOptions, Visible
from quizzes.schedules import Schedule


class Standing:
    """One student's attempts at one quiz in one course, oldest first, and what follows.

    Each attempt gets `marks_shown`: whether the review options let the student see its marks
    now (a teacher's preview always shows them).
    """

    def __init__(
        self,
        quiz: Quiz,
        attempts: list[Attempt],
        schedule: Schedule | None = None,
        review: ReviewOptions | None = None,
        now: datetime | None = None,
    ):
        self.quiz = quiz
        self.attempts = attempts
        self.schedule = schedule or quiz.schedule
        self.review = review or quiz.review
        self.now = now or timezone.now()
        for attempt in attempts:
            attempt.quiz = quiz  # passed() reads the pass mark without a query per attempt
            attempt.marks_shown = self.shown(attempt).marks

    @property
    def is_over(self) -> bool:
        """Nothing the student learns now can change their grade here: the quiz has closed for
        them, or they have no attempt left and none in progress."""
        return self.schedule.has_closed(self.now) or (
            self.attempts_left == 0 and self.in_progress is None
        )

    def shown(self, attempt: Attempt) -> Visible:
        """What the student may see of this attempt now, under the review options."""
        if attempt.is_preview:
            return review_options.EVERYTHING
        moment = review_options.moment_of(
            submitted_at=attempt.submitted_at, now=self.now, closed=self.is_over
        )
        return self.review.at(moment)

    @property
    def grade_shown(self) -> bool:
        """Whether the grade (and best score) may be shown: marks are shown from now on."""
        later = Moment.AFTER_CLOSE if self.is_over else Moment.LATER_WHILE_OPEN
        return self.review.at(later).marks

    @property
    def used(self) -> int:
        """Attempts that count against the limit, the one in progress included."""
        return sum(1 for attempt in self.attempts if not attempt.is_preview)

    @property
    def attempts_left(self) -> int | None:
        return self.schedule.attempts_left(self.used)

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


def standings(user, offerings: list[Offering]) -> list[Standing]:
    """The user's standing in each offering (a quiz in a course), from one query for all their
    attempts at these quizzes."""
    by_place: dict[tuple[int, int], list[Attempt]] = {
        (offering.quiz.pk, offering.course.pk): [] for offering in offerings
    }
    attempts = (
        Attempt.objects.for_student(user)
        .filter(quiz__in={offering.quiz.pk for offering in offerings})
        .order_by("started_at", "pk")
    )
    for attempt in attempts:
        place = by_place.get((attempt.quiz_id, attempt.course_id))
        if place is not None:
            place.append(attempt)
    return [
        Standing(
            offering.quiz,
            by_place[(offering.quiz.pk, offering.course.pk)],
            offering.schedule,
            offering.review,
        )
        for offering in offerings
    ]
