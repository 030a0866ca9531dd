"""A simulated class: students whose answers follow an ability model, for realistic reports.

Each student has an ability θ ~ N(0, 1); each question a difficulty b ~ N(0, 1) and a
discrimination a ~ U(0.6, 2.0). A student answers right with probability
c + (1 − c) / (1 + e^(−a(θ − b))) (the three-parameter logistic model, c the random-guess score),
so abler students get harder questions right more often. Later attempts add 0.3 to θ. Everything
is drawn from one random.Random(seed) in a fixed order, so a seed gives the same class.

The rows are what the app itself stores: a snapshot per response from Question.snapshot(), the
answer in its stored format, marks from grading, the attempt's score as the sum of its marks.
"""

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from quizzes import grading, kinds
from quizzes.models import Attempt, Membership, Quiz, QuizQuestion, Response, Role
from quizzes.reports import random_guess

BLANK_RATE = 0.03


@dataclass(frozen=True)
class SimulatedClass:
    students: int
    attempts: int
    responses: int


def simulate_class(
    *,
    quiz: Quiz,
    students: int,
    seed: int,
    attempts: int = 1,
    moment: datetime | None = None,
    batch_size: int = 2000,
) -> SimulatedClass:
    """Create `students` accounts in the quiz's course, each with 1..`attempts` submitted
    attempts at the quiz."""
    if students < 1 or attempts < 1:
        raise ValueError("Simulate at least one student and one attempt.")
    rng = random.Random(seed)
    moment = moment or timezone.now()
    slots: list[QuizQuestion] = list(
        quiz.quiz_questions.select_related("question__source_text").order_by("position", "pk")
    )
    if not slots:
        raise ValueError("This quiz has no questions to answer.")
    params = {
        slot.question_id: (
            rng.gauss(0, 1),
            rng.uniform(0.6, 2.0),
            random_guess(slot.question) or 0.0,
        )
        for slot in slots
    }
    User = get_user_model()
    prefix = f"sim-{quiz.slug}-{seed}-"
    names = [f"{prefix}{number:05d}" for number in range(1, students + 1)]
    if User.objects.filter(username__in=names[:1] + names[-1:]).exists():
        raise ValueError(f"Simulated students {prefix}… exist already: use another seed.")
    password = make_password(None)  # unusable: nobody logs in as a simulated student
    User.objects.bulk_create(
        [User(username=name, email=f"{name}@example.invalid", password=password) for name in names],
        batch_size=batch_size,
    )
    users = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
    Membership.objects.bulk_create(
        [
            Membership(course_id=quiz.course_id, user_id=pk, role=Role.STUDENT)
            for pk in users.values()
        ],
        batch_size=batch_size,
    )
    max_score = sum((slot.effective_points for slot in slots), Decimal(0))
    total_attempts = total_responses = 0
    pending: list[tuple[Attempt, list[Response]]] = []

    def flush():
        Attempt.objects.bulk_create([attempt for attempt, _ in pending], batch_size=batch_size)
        for attempt, responses in pending:
            for response in responses:
                response.attempt = attempt  # the attempt has its pk now
        Response.objects.bulk_create(
            [response for _, responses in pending for response in responses],
            batch_size=batch_size,
        )
        pending.clear()

    for name in names:
        ability = rng.gauss(0, 1)
        count = rng.randint(1, attempts)
        started = moment - timedelta(days=14) + timedelta(minutes=rng.randrange(0, 60 * 24 * 7))
        for number in range(1, count + 1):
            order = list(slots)
            if quiz.shuffle_questions:
                rng.shuffle(order)
            taken = timedelta(seconds=rng.randint(120, 1800))
            responses = []
            score = Decimal(0)
            for position, slot in enumerate(order, start=1):
                snapshot = slot.question.snapshot(rng=rng if quiz.shuffle_options else None)
                difficulty, discrimination, guess = params[slot.question_id]
                theta = ability + 0.3 * (number - 1)
                logistic = 1 / (1 + math.exp(-discrimination * (theta - difficulty)))
                chance = guess + (1 - guess) * logistic
                points = slot.effective_points
                response = Response(
                    position=position, question=slot.question, points=points, snapshot=snapshot
                )
                if rng.random() >= BLANK_RATE:
                    kind = kinds.of(snapshot)
                    answer = (
                        kind.right_answer(snapshot)
                        if rng.random() < chance
                        else kind.wrong_answer(rng, snapshot)
                    )
                    response.answer = answer
                    response.answered_at = started + taken * position / (len(order) + 1)
                    response.marks = grading.marks(points, kinds.grade(snapshot, answer))
                    score += response.marks
                responses.append(response)
            attempt = Attempt(
                quiz=quiz,
                course_id=quiz.course_id,
                student_id=users[name],
                number=number,
                state=Attempt.State.SUBMITTED,
                started_at=started,
                submitted_at=started + taken,
                score=score,
                max_score=max_score,
            )
            pending.append((attempt, responses))
            total_attempts += 1
            total_responses += len(responses)
            started += taken + timedelta(hours=rng.randint(1, 48))
        if sum(len(r) for _, r in pending) >= 20 * batch_size:
            flush()
    if pending:
        flush()
    return SimulatedClass(students=students, attempts=total_attempts, responses=total_responses)
