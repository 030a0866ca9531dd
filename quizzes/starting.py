"""Starting an attempt: who may start one now, and the questions frozen into it."""

import random
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from quizzes.models import (
    Accommodation,
    Attempt,
    AttemptNotAllowed,
    Question,
    Quiz,
    RandomDraw,
    Response,
)
from quizzes.permissions import is_instructor


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
    rng = random.Random()
    slots = questions_for_attempt(quiz, preview=preview, rng=rng)
    if not slots:
        raise AttemptNotAllowed("This quiz has no questions yet.")
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
                max_score=sum((points for _, points in slots), Decimal(0)),
            )
            Response.objects.bulk_create(
                Response(
                    attempt=attempt,
                    position=position,
                    question=question,
                    points=points,
                    snapshot=question.snapshot(rng=rng if quiz.shuffle_options else None),
                )
                for position, (question, points) in enumerate(slots, start=1)
            )
    except IntegrityError:
        # A concurrent request started the attempt first: resume that one.
        existing = Attempt.objects.filter(quiz=quiz, student=student).in_progress().first()
        if existing is None:
            raise
        return existing
    return attempt


def questions_for_attempt(
    quiz: Quiz, *, preview: bool, rng: random.Random
) -> list[tuple[Question, Decimal]]:
    """The questions of a new attempt with their points, in the quiz's order: its questions by
    name, and for each random draw as many as it asks for of its pool (fewer if the pool is
    smaller), never one twice. Students get published questions; a preview also shows the
    drafts named in the quiz, so they can be tried."""
    shown = [Question.Status.PUBLISHED, *([Question.Status.DRAFT] if preview else [])]
    chosen: list[tuple[Question, Decimal]] = []
    drawn: set[int] = set()
    for slot in quiz.slots():
        if isinstance(slot, RandomDraw):
            pool = [question for question in slot.candidates() if question.pk not in drawn]
            for question in rng.sample(pool, min(slot.count, len(pool))):
                drawn.add(question.pk)
                chosen.append((question, slot.points or question.default_points))
        elif slot.question.status in shown:
            chosen.append((slot.question, slot.effective_points))
    return chosen
