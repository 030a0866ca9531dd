"""A student's standing in a quiz: attempts used and left, the one in progress, the grade."""

from quizzes import grading
from quizzes.models import Attempt, Quiz


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
