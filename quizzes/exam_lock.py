"""One secure attempt at a time (the exam lock).

While a student's attempt at a test (a quiz marked secure) is in progress and in time, they
cannot start, or open the feedback or review of, any other attempt that has one of its questions;
while an attempt at a quiz that closes its text is in progress, no other attempt's review quotes
that text. The checks read the database, so they hold in every tab and on every device; starting
an attempt checks inside the transaction that holds the student's row lock (quizzes/starting.py).
"""

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.urls import reverse

from quizzes.models import Attempt, Response

LOCKED_PAGE = "quizzes/student/locked.html"


def _in_time(moment: datetime) -> Q:
    """Attempts that can still be submitted: a lapsed one locks nothing (the next look closes
    it)."""
    return (
        Q(grace_ends_at__isnull=True, deadline__isnull=True)
        | Q(grace_ends_at__isnull=True, deadline__gt=moment)
        | Q(grace_ends_at__gt=moment)
    )


def _locking(student, moment: datetime, *, besides: int | None = None):
    """The student's attempts in progress, in time, not previews, other than `besides`."""
    attempts = (
        Attempt.objects.for_student(student)
        .in_progress()
        .filter(_in_time(moment), is_preview=False)
    )
    return attempts.exclude(pk=besides) if besides is not None else attempts


def secure_attempt_sharing(
    student, question_ids: Iterable[int] | QuerySet, moment: datetime, *, besides_quiz: int
) -> Attempt | None:
    """The student's secure attempt in progress at another quiz that has one of these questions
    (ids, or a subquery of them), if any: one query. Starting an attempt with these questions
    must then be refused."""
    found = (
        Response.objects.filter(
            attempt__in=_locking(student, moment).filter(quiz__is_secure=True),
            question_id__in=question_ids,
        )
        .exclude(attempt__quiz_id=besides_quiz)
        .select_related("attempt__quiz")
        .order_by()[:1]
    )
    response = next(iter(found), None)
    return response.attempt if response else None


def blocking_attempt(student, attempt: Attempt, moment: datetime) -> Attempt | None:
    """Another attempt in progress that forbids showing this one's feedback or review: a secure
    one sharing a question with it, or one whose quiz closes a text it quotes. One query."""
    questions = Response.objects.filter(attempt=attempt.pk)
    question_ids = questions.values("question_id")
    text_ids = questions.values("question__source_text_id")
    shares_a_question = Q(quiz__is_secure=True, responses__question_id__in=question_ids)
    quoted = Q(quiz__source_text_id__in=text_ids) | Q(
        responses__question__source_text_id__in=text_ids
    )
    if attempt.quiz.source_text_id is not None:
        quoted |= Q(quiz__source_text_id=attempt.quiz.source_text_id)
    closes_a_text = Q(quiz__text_during_quiz=False) & quoted
    return (
        _locking(student, moment, besides=attempt.pk)
        .filter(shares_a_question | closes_a_text)
        .select_related("quiz")
        .order_by()
        .first()
    )


def refusal_message(blocking: Attempt) -> str:
    """Why a page or a start is refused, as the student reads it."""
    if blocking.quiz.is_secure:
        return (
            f"You are taking “{blocking.quiz.title}”, a test. Until you submit it, quizzes "
            "that share its questions cannot be started or reviewed."
        )
    return (
        f"You are taking “{blocking.quiz.title}”, which closes its text while it is in progress. "
        "Until you submit it, reviews that quote the text cannot be opened."
    )


def locked_page(request, blocking: Attempt):
    """The 403 page that says which attempt locks this one, with the way back to it."""
    return render(
        request,
        LOCKED_PAGE,
        {
            "blocking": blocking,
            "message": refusal_message(blocking),
            "resume_url": reverse("quizzes:attempt_question", args=[blocking.pk, 1]),
        },
        status=403,
    )
