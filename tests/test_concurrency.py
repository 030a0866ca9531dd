"""Races with real threads: double submits, double starts, stale saves, concurrent sweepers.

Each thread has its own database connection (closed at its end) and all wait at a barrier, so
the requests really overlap. On SQLite the single writer serialises them; run these on
PostgreSQL too (`make test-postgres`), where only the row locks, conditional updates and
constraints stand between the threads.
"""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Attempt, AttemptNotAllowed, Response
from quizzes.starting import start_attempt
from tests.factories import QuizFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, work) -> list:
    """Run work(i) in `count` threads released at once; their results, re-raising any error."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:  # reported in the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def correct(response: Response) -> str:
    return response.snapshot["correct"][0]


@pytest.fixture
def deferred_quiz():
    return QuizFactory(question_count=3, feedback="deferred")


@pytest.fixture
def counted_finishes(monkeypatch):
    """Every call of Attempt.finish and what it returned."""
    calls: list[bool] = []
    original = Attempt.finish

    def finish(self, **kwargs):
        closed = original(self, **kwargs)
        calls.append(closed)
        return closed

    monkeypatch.setattr(Attempt, "finish", finish)
    return calls


def test_twenty_concurrent_finishes_grade_once(student, deferred_quiz):
    attempt = start_attempt(quiz=deferred_quiz, student=student)
    first = attempt.responses.get(position=1)
    first.save_answer(correct(first))

    closed = run_together(20, lambda _: Attempt.objects.get(pk=attempt.pk).finish())

    assert closed.count(True) == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.score == Decimal(1)


def test_twenty_concurrent_submit_posts_grade_once(student, deferred_quiz, counted_finishes):
    attempt = start_attempt(quiz=deferred_quiz, student=student)
    url = reverse("quizzes:finish_attempt", args=[attempt.pk])
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(student)
        clients.append(client)

    responses = run_together(20, lambda index: clients[index].post(url))

    result_url = reverse("quizzes:attempt_result", args=[attempt.pk])
    assert {response.status_code for response in responses} == {302}
    assert {response["Location"] for response in responses} == {result_url}
    assert counted_finishes.count(True) == 1
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.SUBMITTED


def test_ten_concurrent_starts_make_one_attempt(student, deferred_quiz):
    url = reverse("quizzes:start_quiz", args=[deferred_quiz.slug])
    clients = []
    for _ in range(10):
        client = Client()
        client.force_login(student)
        clients.append(client)

    responses = run_together(10, lambda index: clients[index].post(url))

    assert Attempt.objects.filter(quiz=deferred_quiz, student=student).count() == 1
    attempt = Attempt.objects.get(quiz=deferred_quiz, student=student)
    assert {response["Location"] for response in responses} == {
        reverse("quizzes:attempt_question", args=[attempt.pk, 1])
    }
    assert attempt.responses.count() == 3


def test_ten_concurrent_starts_through_the_model_return_the_same_attempt(student, deferred_quiz):
    attempts = run_together(10, lambda _: start_attempt(quiz=deferred_quiz, student=student).pk)
    assert len(set(attempts)) == 1
    assert Attempt.objects.filter(student=student).count() == 1


def test_racing_start_and_finish_loops_never_exceed_the_attempt_limit(student):
    """Six sessions each start and hand in three times; the quiz allows two attempts."""
    quiz = QuizFactory(question_count=2, feedback="deferred", attempts_allowed=2)

    def start_and_finish(_):
        refused = 0
        for _ in range(3):
            try:
                attempt = start_attempt(quiz=quiz, student=student)
            except AttemptNotAllowed:
                refused += 1
                continue
            Attempt.objects.get(pk=attempt.pk).finish()
        return refused

    refusals = run_together(6, start_and_finish)

    numbers = sorted(
        Attempt.objects.filter(quiz=quiz, student=student).values_list("number", flat=True)
    )
    assert numbers == [1, 2]
    assert sum(refusals) > 0
    assert not Attempt.objects.filter(quiz=quiz, state=Attempt.State.IN_PROGRESS).exists()


def test_concurrent_saves_keep_the_newest_version(student):
    quiz = QuizFactory(question_count=1, feedback="deferred")
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.get()
    options = [option["id"] for option in response.snapshot["options"]]
    # 20 versions of the answer arrive at once in any order; version 20 must win.
    versions = [(seq, options[seq % len(options)]) for seq in range(1, 21)]

    run_together(
        20,
        lambda index: Response.objects.get(pk=response.pk).save_answer(
            versions[index][1], seq=versions[index][0]
        ),
    )

    response.refresh_from_db()
    assert response.answer_seq == 20
    assert response.answer == versions[-1][1]


def test_saves_racing_a_submit_are_graded_or_refused(student):
    quiz = QuizFactory(question_count=10, feedback="deferred")
    attempt = start_attempt(quiz=quiz, student=student)
    responses = list(attempt.responses.order_by("position"))

    def work(index: int):
        if index == len(responses):
            return Attempt.objects.get(pk=attempt.pk).finish()
        try:
            return responses[index].save_answer(correct(responses[index]))
        except Exception as refused:  # AnswerRefused when the submit won
            return type(refused).__name__

    run_together(len(responses) + 1, work)

    attempt.refresh_from_db()
    stored = Response.objects.filter(attempt=attempt, answered_at__isnull=False).count()
    # The score is exactly the marks of the answers that were stored: none slipped in after.
    assert attempt.score == Decimal(stored)


def test_concurrent_sweepers_close_each_attempt_once(counted_finishes):
    quiz = QuizFactory(question_count=2, feedback="deferred", time_limit_minutes=5)
    started = timezone.now() - timedelta(minutes=10)
    attempts = [start_attempt(quiz=quiz, student=UserFactory(), moment=started) for _ in range(12)]

    def sweep(_):
        call_command("close_overdue_attempts", verbosity=0)

    run_together(6, sweep)

    assert counted_finishes.count(True) == 12
    for attempt in attempts:
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.EXPIRED
        assert attempt.submitted_at == attempt.deadline
