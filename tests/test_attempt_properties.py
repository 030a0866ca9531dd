"""Random sequences of start, save, finish, sweep and clock changes against a reference model.

Hypothesis drives one student through one timed quiz under a random overdue policy and extra
time. After every step the database must agree with the model, and always: at most one attempt
in progress, nothing stored at or after the deadline, a score equal to the grade of the final
answers, and a finished attempt never changes again.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from quizzes import grading, kinds
from quizzes.models import Accommodation, AnswerRefused, Attempt, Quiz
from quizzes.starting import start_attempt
from tests.factories import QuizFactory, UserFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2030, 1, 6, 9, 0, tzinfo=UTC)
LIMIT = timedelta(minutes=10)
GRACE = timedelta(minutes=5)
QUESTIONS = 3
Policy = Quiz.OverdueHandling
State = Attempt.State
# Every operation first moves the clock by one of these (seconds): they land before, on and
# after deadlines (10 or 15 minutes) and grace periods (5 minutes) within a few moves.
STEPS = st.sampled_from([0, 0, 0, 0, 0, 0, 1, 30, 299, 300, 600, 900])


@dataclass
class ModelAttempt:
    """What the reference model expects of one attempt."""

    pk: int
    deadline: datetime | None
    grace_ends_at: datetime | None
    state: str = State.IN_PROGRESS
    submitted_at: datetime | None = None
    score: Decimal | None = None
    answers: dict = field(default_factory=dict)  # position -> (answer, seq)

    @property
    def closes_at(self):
        return self.grace_ends_at or self.deadline


class AttemptMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.now = T0
        self.attempts: list[ModelAttempt] = []
        self.frozen: dict[int, tuple] = {}  # finished attempt pk -> its rows when it finished

    @initialize(
        policy=st.sampled_from([Policy.AUTOSUBMIT, Policy.GRACE_PERIOD, Policy.AUTOABANDON]),
        extra=st.sampled_from(["standard", "1.5", "no limit"]),
    )
    def set_up(self, policy, extra):
        self.quiz = QuizFactory(
            question_count=QUESTIONS,
            feedback=Quiz.Feedback.DEFERRED,
            time_limit_minutes=int(LIMIT.total_seconds() // 60),
            overdue_handling=policy,
            grace_period_minutes=int(GRACE.total_seconds() // 60),
        )
        self.student = UserFactory()
        self.limit = LIMIT
        if extra != "standard":
            Accommodation.objects.create(
                course=self.quiz.course,
                student=self.student,
                time_factor=Decimal("1.5") if extra == "1.5" else 1,
                no_time_limit=extra == "no limit",
            )
            self.limit = None if extra == "no limit" else LIMIT * 1.5
        self.policy = policy
        self.start(0)

    # The reference model's rules

    def model_close(self, attempt: ModelAttempt, moment: datetime) -> bool:
        if attempt.state != State.IN_PROGRESS:
            return False
        state, at, graded = State.SUBMITTED, moment, True
        if attempt.deadline is not None and moment >= attempt.deadline:
            if self.policy == Policy.AUTOSUBMIT:
                state, at = State.EXPIRED, attempt.deadline
            elif moment >= attempt.closes_at or self.policy == Policy.AUTOABANDON:
                state, at, graded = State.ABANDONED, attempt.closes_at, False
        attempt.state, attempt.submitted_at = state, at
        attempt.score = self.model_score(attempt) if graded else None
        return True

    def model_score(self, attempt: ModelAttempt) -> Decimal:
        responses = {r.position: r for r in Attempt.objects.get(pk=attempt.pk).responses.all()}
        return sum(
            (
                grading.marks(responses[pos].points, kinds.grade(responses[pos].snapshot, ans))
                for pos, (ans, _) in attempt.answers.items()
            ),
            Decimal(0),
        )

    def current(self) -> ModelAttempt:
        return self.attempts[-1]

    # Operations

    @rule(step=STEPS)
    def start(self, step):
        self.now += timedelta(seconds=step)
        for attempt in self.attempts:
            closes = attempt.closes_at
            if attempt.state == State.IN_PROGRESS and closes and self.now >= closes:
                self.model_close(attempt, self.now)
        open_ones = [a for a in self.attempts if a.state == State.IN_PROGRESS]

        started = start_attempt(quiz=self.quiz, student=self.student, moment=self.now)

        if open_ones:
            assert started.pk == open_ones[0].pk
            return
        deadline = self.now + self.limit if self.limit else None
        grace = deadline + GRACE if deadline and self.policy == Policy.GRACE_PERIOD else None
        assert started.deadline == deadline
        self.attempts.append(ModelAttempt(started.pk, deadline, grace))

    @precondition(lambda self: self.attempts)
    @rule(
        step=STEPS,
        position=st.integers(1, QUESTIONS),
        pick=st.integers(0, 3),
        seq=st.one_of(st.none(), st.integers(1, 6)),
    )
    def save(self, step, position, pick, seq):
        self.now += timedelta(seconds=step)
        attempt = self.current()
        response = Attempt.objects.get(pk=attempt.pk).responses.get(position=position)
        options = [option["id"] for option in response.snapshot["options"]]
        answer = options[pick % len(options)]
        stored_version = attempt.answers.get(position, (None, 0))[1]
        # Without a version the server's clock stands in, rising past the stored one.
        server_version = max(int(self.now.timestamp() * 1000), stored_version + 1)
        version = server_version if seq is None else seq
        refused = attempt.state != State.IN_PROGRESS or (
            attempt.deadline is not None and self.now >= attempt.deadline
        )
        try:
            stored = response.save_answer(answer, moment=self.now, seq=seq)
        except AnswerRefused:
            assert refused
            return
        assert not refused
        newer = version > stored_version
        assert stored == newer
        if newer:
            attempt.answers[position] = (answer, version)

    @precondition(lambda self: self.attempts)
    @rule(step=STEPS)
    def finish(self, step):
        self.now += timedelta(seconds=step)
        attempt = self.current()
        expected = self.model_close(attempt, self.now)
        assert Attempt(pk=attempt.pk).finish(moment=self.now) == expected

    @rule(step=STEPS)
    def sweep(self, step):
        self.now += timedelta(seconds=step)
        expected = 0
        for attempt in self.attempts:
            closes = attempt.closes_at
            if attempt.state == State.IN_PROGRESS and closes and self.now >= closes:
                expected += self.model_close(attempt, self.now)
        assert Attempt.objects.filter(student=self.student).close_overdue(self.now) == expected

    @rule(step=STEPS)
    def advance_clock(self, step):
        self.now += timedelta(seconds=step)

    # What must always hold

    @invariant()
    def database_matches_the_model(self):
        if not hasattr(self, "student"):
            return
        rows = {a.pk: a for a in Attempt.objects.filter(student=self.student)}
        assert set(rows) == {attempt.pk for attempt in self.attempts}
        assert sum(1 for row in rows.values() if row.is_in_progress) <= 1
        for expected in self.attempts:
            row = rows[expected.pk]
            assert (row.state, row.submitted_at, row.score) == (
                expected.state,
                expected.submitted_at,
                expected.score,
            )
            responses = list(row.responses.all())
            stored = {r.position: (r.answer, r.answer_seq) for r in responses if r.is_answered}
            assert stored == expected.answers
            for response in responses:
                # Nothing is ever stored at or after the deadline.
                if response.is_answered and row.deadline is not None:
                    assert response.answered_at < row.deadline
            if row.score is not None:
                # The score is the grade of the final answers, from the snapshots alone.
                regraded = sum(
                    (
                        grading.marks(r.points, kinds.grade(r.snapshot, r.answer))
                        for r in responses
                        if r.is_answered
                    ),
                    Decimal(0),
                )
                assert row.score == regraded
            if not row.is_in_progress:
                rows_now = (row.state, row.submitted_at, row.score, sorted(stored.items()))
                assert self.frozen.setdefault(row.pk, rows_now) == rows_now


AttemptMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def test_attempts_follow_the_reference_model(db):
    AttemptMachine.TestCase().runTest()
