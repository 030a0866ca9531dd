"""Starting an attempt: who may start one now, and the questions frozen into it."""

import random
from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from quizzes import exam_lock
from quizzes.models import (
    STAFF_ROLES,
    Assignment,
    Attempt,
    AttemptNotAllowed,
    Course,
    Question,
    Quiz,
    RandomDraw,
    Response,
    SourceText,
    extra_time_for,
)
from quizzes.offerings import Offering, schedule_for
from quizzes.permissions import role_in
from quizzes.schedules import Schedule

ATTEMPT_FIELDS = (
    "pk",
    "quiz_id",
    "course_id",
    "student_id",
    "number",
    "is_preview",
    "state",
    "deadline",
    "grace_ends_at",
    "overdue_handling",
)


def start_attempt(
    *,
    quiz: Quiz,
    student,
    course: Course | None = None,
    moment: datetime | None = None,
    offered: Offering | None = None,
) -> Attempt:
    """Resume the student's open attempt at this quiz, or start one in the course (the quiz's own
    by default) with its order fixed, under the course's schedule and the student's override.

    The course's teachers and assistants start previews, which open unpublished and closed
    quizzes and never count. Raises AttemptNotAllowed with a message for the student.

    The questions are drawn and frozen first, outside any transaction; then, with the student's
    row locked (on SQLite the database's write lock), the attempts are read again and the limit
    checked before the new attempt is written. So concurrent starts, from several tabs or
    sessions, never make more attempts than the quiz allows: the later ones resume the first.

    `offered`: the quiz as the student's request already found it in their courses
    (offerings.offering: the course, preview or not, the schedule), which spares looking up the
    role, the assignment and the override again.
    """
    moment = moment or timezone.now()
    earlier = _attempts(quiz, student)
    existing = _resume(earlier, moment)
    if existing is not None:
        return existing
    if offered is not None:
        course, preview, schedule = offered.course, offered.is_preview, offered.schedule
    else:
        course = course or quiz.course
        role = role_in(student, course)
        preview = role in STAFF_ROLES
        if role is None:
            raise AttemptNotAllowed("You are not a member of this course.")
        assignment = Assignment.objects.filter(quiz=quiz, course=course).first()
        if assignment is None and not preview:
            raise AttemptNotAllowed("This quiz is not given to your course.")
        schedule = schedule_for(quiz, assignment, student)
    if not preview:
        in_course = [attempt for attempt in earlier if attempt.course_id == course.pk]
        _check_allowed(quiz, course, schedule, moment, in_course)
    rng = random.Random()
    slots = questions_for_attempt(quiz, preview=preview, rng=rng)
    if not slots:
        raise AttemptNotAllowed("This quiz has no questions yet.")
    if quiz.shuffle_questions:
        rng.shuffle(slots)
    snapshots = [
        (question, points, question.snapshot(rng=rng if quiz.shuffle_options else None))
        for question, points in slots
    ]
    extra = extra_time_for(student, course)
    deadline = schedule.deadline_for(moment, extra)
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=student.pk).values_list("pk").get()
        attempts = _attempts(quiz, student)
        existing = next((attempt for attempt in attempts if attempt.is_in_progress), None)
        if existing is not None:
            return existing
        in_course = [attempt for attempt in attempts if attempt.course_id == course.pk]
        if not preview:
            _check_allowed(quiz, course, schedule, moment, in_course)
            # Under the same lock, so a test started in another tab at this moment is seen.
            blocking = exam_lock.secure_attempt_sharing(
                student, [question.pk for question, _ in slots], moment, besides_quiz=quiz.pk
            )
            if blocking is not None:
                raise AttemptNotAllowed(exam_lock.refusal_message(blocking))
        attempt = Attempt.objects.create(
            quiz=quiz,
            course=course,
            student=student,
            number=max((a.number for a in in_course), default=0) + 1,
            is_preview=preview,
            started_at=moment,
            deadline=deadline,
            grace_ends_at=quiz.grace_end_for(deadline),
            overdue_handling=quiz.overdue_handling,
            time_factor=extra.time_factor,
            no_time_limit=extra.no_time_limit,
            max_score=sum((points for _, points, _ in snapshots), Decimal(0)),
        )
        Response.objects.bulk_create(
            Response(
                attempt=attempt,
                position=position,
                question=question,
                points=points,
                snapshot=snapshot,
            )
            for position, (question, points, snapshot) in enumerate(snapshots, start=1)
        )
    attempt.is_new = True
    return attempt


def _attempts(quiz: Quiz, student) -> list[Attempt]:
    attempts = Attempt.objects.filter(quiz=quiz, student=student).order_by()
    return list(attempts.only(*ATTEMPT_FIELDS))


def _resume(attempts: list[Attempt], moment: datetime) -> Attempt | None:
    """The student's attempt in progress, once any whose time is up has been closed."""
    for attempt in attempts:
        if attempt.is_in_progress:
            if not attempt.must_close(moment):
                return Attempt.objects.get(pk=attempt.pk)
            attempt.finish(moment=moment)
    return None


def _check_allowed(
    quiz: Quiz, course: Course, schedule: Schedule, moment: datetime, attempts: list[Attempt]
) -> None:
    """Refuse a start the schedule does not allow; `attempts`: the student's in the course."""
    if not quiz.is_published or course.is_archived or not schedule.is_open_at(moment):
        raise AttemptNotAllowed("This quiz is not open now.")
    if schedule.attempts_allowed is None:
        return
    used = sum(1 for attempt in attempts if not attempt.is_preview)
    if used >= schedule.attempts_allowed:
        raise AttemptNotAllowed("You have used all your attempts at this quiz.")


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
    for slot in quiz.slots(with_texts=False):
        if isinstance(slot, RandomDraw):
            pool = [question for question in slot.candidates() if question.pk not in drawn]
            for question in rng.sample(pool, min(slot.count, len(pool))):
                drawn.add(question.pk)
                chosen.append((question, slot.points or question.default_points))
        elif slot.question.status in shown:
            chosen.append((slot.question, slot.effective_points))
    # The texts once each, not once per question: a text may be megabytes.
    wanted = {question.source_text_id for question, _ in chosen}
    texts = SourceText.objects.in_bulk(wanted)
    for question, _ in chosen:
        question.source_text = texts[question.source_text_id]
    return chosen
