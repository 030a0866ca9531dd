"""No lost answers: overdue policies, extra time, versioned saves and autosave."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from quizzes.forms import answer_data
from quizzes.models import Accommodation, Attempt, Quiz, Response
from quizzes.offerings import offering
from quizzes.standings import standings
from quizzes.starting import start_attempt
from tests.factories import (
    NumericQuestionFactory,
    QuizFactory,
    QuizQuestionFactory,
    ShortAnswerQuestionFactory,
    default_course,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def question_url(attempt: Attempt, position: int) -> str:
    return reverse("quizzes:attempt_question", args=[attempt.pk, position])


def finish_url(attempt: Attempt) -> str:
    return reverse("quizzes:finish_attempt", args=[attempt.pk])


def result_url(attempt: Attempt) -> str:
    return reverse("quizzes:attempt_result", args=[attempt.pk])


def correct(response: Response) -> str:
    return response.snapshot["correct"][0]


def wrong(response: Response) -> str:
    return next(o["id"] for o in response.snapshot["options"] if o["id"] != correct(response))


def right_data(response: Response) -> dict:
    """Form data choosing the right option, as the browser sends it."""
    return answer_data(response.snapshot, correct(response))


def wrong_data(response: Response) -> dict:
    return answer_data(response.snapshot, wrong(response))


def timed_quiz(policy=Quiz.OverdueHandling.AUTOSUBMIT, **fields) -> Quiz:
    return QuizFactory(
        question_count=3,
        feedback=Quiz.Feedback.DEFERRED,
        time_limit_minutes=30,
        overdue_handling=policy,
        **fields,
    )


def started_ago(quiz: Quiz, student, minutes: float) -> Attempt:
    return start_attempt(
        quiz=quiz, student=student, moment=timezone.now() - timedelta(minutes=minutes)
    )


def sweep() -> None:
    call_command("close_overdue_attempts", verbosity=0)


# Overdue policy: submit automatically


def test_autosubmit_sweeper_grades_at_the_deadline(student):
    attempt = started_ago(timed_quiz(), student, 10)
    first = attempt.responses.get(position=1)
    first.save_answer(correct(first))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))

    sweep()

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.EXPIRED
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == Decimal(1)
    assert Attempt.objects.counted().filter(pk=attempt.pk).exists()


# Overdue policy: a grace period to submit


def test_grace_period_refuses_answers_but_lets_the_student_submit(client, student):
    quiz = timed_quiz(Quiz.OverdueHandling.GRACE_PERIOD, grace_period_minutes=15)
    attempt = started_ago(quiz, student, 35)  # 5 minutes into the grace period
    assert attempt.in_grace_period()
    client.force_login(student)
    second = attempt.responses.get(position=2)

    posted = client.post(question_url(attempt, 2), right_data(second), follow=True)

    second.refresh_from_db()
    assert not second.is_answered
    assert "This answer arrived after the time limit, so it was not saved." in posted.text
    assert "Submit your saved answers by" in posted.text
    assert posted.redirect_chain[-1][0] == finish_url(attempt)
    page = client.get(finish_url(attempt)).text
    assert "data-grace" in page
    assert "Time left to submit" in page
    assert f'data-deadline="{attempt.grace_ends_at.isoformat()}"' in page

    client.post(finish_url(attempt))

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.deadline < attempt.submitted_at < attempt.grace_ends_at
    assert Attempt.objects.counted().filter(pk=attempt.pk).exists()


def test_grace_period_question_page_sends_the_student_to_submit(client, student):
    quiz = timed_quiz(Quiz.OverdueHandling.GRACE_PERIOD, grace_period_minutes=15)
    attempt = started_ago(quiz, student, 31)
    client.force_login(student)
    response = client.get(question_url(attempt, 1), headers=HTMX)
    assert response["HX-Redirect"] == finish_url(attempt)


def test_the_model_refuses_answers_in_the_grace_period(student):
    quiz = timed_quiz(Quiz.OverdueHandling.GRACE_PERIOD, grace_period_minutes=15)
    attempt = started_ago(quiz, student, 31)
    response = attempt.responses.get(position=1)
    with pytest.raises(Exception, match="You can still submit"):
        response.save_answer(correct(response))
    response.refresh_from_db()
    assert not response.is_answered


def test_sweeper_leaves_the_grace_period_alone_then_abandons(student):
    quiz = timed_quiz(Quiz.OverdueHandling.GRACE_PERIOD, grace_period_minutes=15)
    attempt = started_ago(quiz, student, 35)
    first = attempt.responses.get(position=1)
    Response.objects.filter(pk=first.pk).update(
        answer=correct(first), answered_at=attempt.started_at, marks=1
    )

    assert Attempt.objects.close_overdue() == 0
    assert Attempt.objects.close_overdue(attempt.grace_ends_at) == 1

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.ABANDONED
    assert attempt.submitted_at == attempt.grace_ends_at
    assert attempt.score is None  # never graded
    assert not Attempt.objects.counted().filter(pk=attempt.pk).exists()


# Overdue policy: not counted unless submitted in time


def test_abandoned_attempt_is_shown_as_not_counted(client, student):
    quiz = timed_quiz(Quiz.OverdueHandling.AUTOABANDON, attempts_allowed=2)
    attempt = started_ago(quiz, student, 31)
    client.force_login(student)

    response = client.get(question_url(attempt, 1), follow=True)

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.ABANDONED
    assert attempt.submitted_at == attempt.deadline
    assert response.redirect_chain[-1][0] == result_url(attempt)
    assert "does not count towards your grade" in response.text
    assert "data-abandoned" in response.text
    (standing,) = standings(student, [offering(student, quiz.slug)])
    assert standing.grade is None
    assert standing.used == 1  # it still used one of the attempts allowed
    detail = client.get(quiz.get_absolute_url()).text
    assert "Not submitted in time" in detail
    assert "Resume" not in detail
    assert "Not counted unless submitted in time" not in detail  # the policy is said in words
    assert "an attempt not submitted in time does not count" in detail


def test_submitting_in_time_counts_under_the_abandon_policy(client, student):
    attempt = started_ago(timed_quiz(Quiz.OverdueHandling.AUTOABANDON), student, 5)
    client.force_login(student)
    client.post(finish_url(attempt))
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.score == 0


def test_a_changed_policy_does_not_change_a_running_attempt(student):
    quiz = timed_quiz(Quiz.OverdueHandling.AUTOSUBMIT)
    attempt = started_ago(quiz, student, 40)
    quiz.overdue_handling = Quiz.OverdueHandling.AUTOABANDON
    quiz.save()
    Attempt.objects.close_overdue()
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.EXPIRED


# Extra time


def test_extra_time_stretches_the_time_limit(student):
    Accommodation.objects.create(
        course=default_course(), student=student, time_factor=Decimal("1.5")
    )
    now = timezone.now()
    attempt = start_attempt(quiz=timed_quiz(), student=student, moment=now)
    assert attempt.deadline == now + timedelta(minutes=45)
    assert attempt.accommodation_text == "You have 1.5× time"


def test_no_time_limit_leaves_only_the_closing_time(student):
    Accommodation.objects.create(course=default_course(), student=student, no_time_limit=True)
    now = timezone.now()
    assert start_attempt(quiz=timed_quiz(), student=student, moment=now).deadline is None
    closing = timed_quiz(closes_at=now + timedelta(minutes=10))
    assert start_attempt(quiz=closing, student=student, moment=now).deadline == closing.closes_at


def test_the_closing_time_still_closes_an_attempt_with_extra_time(student):
    Accommodation.objects.create(course=default_course(), student=student, time_factor=2)
    now = timezone.now()
    quiz = timed_quiz(closes_at=now + timedelta(minutes=40))
    assert start_attempt(quiz=quiz, student=student, moment=now).deadline == quiz.closes_at


def test_other_students_keep_the_standard_time(student, other_student):
    Accommodation.objects.create(course=default_course(), student=student, time_factor=2)
    now = timezone.now()
    attempt = start_attempt(quiz=timed_quiz(), student=other_student, moment=now)
    assert attempt.deadline == now + timedelta(minutes=30)
    assert attempt.accommodation_text == ""


def test_extra_time_is_shown_on_the_quiz_page_and_the_timer(client, student):
    Accommodation.objects.create(
        course=default_course(), student=student, time_factor=Decimal("1.5")
    )
    quiz = timed_quiz()
    client.force_login(student)
    assert "You have 1.5× time: 45 minutes" in client.get(quiz.get_absolute_url()).text
    attempt = start_attempt(quiz=quiz, student=student)
    page = client.get(question_url(attempt, 1)).text
    assert "data-accommodation>You have 1.5× time<" in page


def test_instructors_edit_accommodations_in_the_admin(client, instructor, student):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:quizzes_accommodation_add"),
        {
            "course": default_course().pk,
            "student": student.pk,
            "time_factor": "1.25",
            "no_time_limit": "",
            "note": "Letter",
        },
    )
    assert response.status_code == 302
    assert Accommodation.objects.get(student=student).time_factor == Decimal("1.25")


def test_a_time_factor_below_one_is_refused(client, instructor, student):
    client.force_login(instructor)
    response = client.post(
        reverse("admin:quizzes_accommodation_add"),
        {"course": default_course().pk, "student": student.pk, "time_factor": "0.5"},
    )
    assert response.status_code == 200
    assert not Accommodation.objects.exists()


# Versioned saves: a stale or replayed save never overwrites a newer answer


@pytest.fixture
def deferred_attempt(student):
    return start_attempt(quiz=QuizFactory(question_count=3, feedback="deferred"), student=student)


@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "plain"])
def test_an_older_save_arriving_late_keeps_the_newer_answer(
    client, student, deferred_attempt, headers
):
    response = deferred_attempt.responses.get(position=1)
    client.force_login(student)
    client.post(
        question_url(deferred_attempt, 1),
        {**right_data(response), "seq": 5},
    )

    late = client.post(
        question_url(deferred_attempt, 1),
        {**wrong_data(response), "seq": 3},
        headers=headers,
        follow=True,
    )

    response.refresh_from_db()
    assert response.answer == correct(response)
    assert response.answer_seq == 5
    assert "A newer answer to this question was already saved" in late.text
    kept = right_data(response)["answer"]
    assert re.search(rf'value="{kept}"[^>]*checked', late.text)  # shown as kept


def test_a_replayed_save_is_not_stored_twice(student, deferred_attempt):
    response = deferred_attempt.responses.get(position=1)
    assert response.save_answer(correct(response), seq=7) is True
    assert response.save_answer(wrong(response), seq=7) is False
    response.refresh_from_db()
    assert response.answer == correct(response)


def test_a_newer_save_replaces_the_answer(student, deferred_attempt):
    response = deferred_attempt.responses.get(position=1)
    response.save_answer(wrong(response), seq=3)
    assert response.save_answer(correct(response), seq=5) is True
    response.refresh_from_db()
    assert (response.answer, response.answer_seq, response.marks) == (correct(response), 5, 1)


def test_plain_posts_without_a_version_use_the_server_clock(client, student, deferred_attempt):
    response = deferred_attempt.responses.get(position=1)
    client.force_login(student)
    before = int(timezone.now().timestamp() * 1000)
    client.post(question_url(deferred_attempt, 1), right_data(response))
    response.refresh_from_db()
    assert response.answer_seq >= before


def test_two_plain_saves_within_one_millisecond_keep_the_second(deferred_attempt):
    response = deferred_attempt.responses.get(position=1)
    moment = timezone.now()
    assert response.save_answer(wrong(response), moment=moment) is True
    assert response.save_answer(correct(response), moment=moment) is True
    response.refresh_from_db()
    assert response.answer == correct(response)


def test_with_feedback_an_answer_is_stored_once_even_with_a_newer_version(student):
    attempt = start_attempt(quiz=QuizFactory(question_count=1), student=student)
    response = attempt.responses.get()
    assert response.save_answer(wrong(response), seq=1, once=True) is True
    assert response.save_answer(correct(response), seq=2, once=True) is False
    response.refresh_from_db()
    assert response.answer == wrong(response)


def test_an_unreadable_version_is_a_400(client, student, deferred_attempt):
    response = deferred_attempt.responses.get(position=1)
    client.force_login(student)
    posted = client.post(
        question_url(deferred_attempt, 1),
        {**right_data(response), "seq": "x"},
    )
    assert posted.status_code == 400
    response.refresh_from_db()
    assert not response.is_answered


# Autosave


def autosave(client, attempt, position, data, seq=None):
    payload = {**data, "autosave": "1"}
    if seq is not None:
        payload["seq"] = seq
    return client.post(question_url(attempt, position), payload, headers=HTMX)


def test_question_page_offers_autosave_in_a_deferred_quiz(client, student, deferred_attempt):
    client.force_login(student)
    page = client.get(question_url(deferred_attempt, 1)).text
    assert 'hx-trigger="input delay:800ms, autosave-now"' in page
    assert "data-autosave" in page
    assert 'id="save-status"' in page and 'role="status"' in page
    assert 'name="seq"' in page


def test_no_autosave_with_immediate_feedback(client, student, quiz):
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    assert "data-autosave" not in client.get(question_url(attempt, 1)).text
    response = attempt.responses.get(position=1)
    saved = autosave(client, attempt, 1, right_data(response))
    assert 'data-save-state="refused"' in saved.text
    response.refresh_from_db()
    assert not response.is_answered  # saving would have locked the answer


def test_autosave_stores_without_moving_on(client, student, deferred_attempt):
    response = deferred_attempt.responses.get(position=2)
    client.force_login(student)

    saved = autosave(client, deferred_attempt, 2, right_data(response), seq=11)

    assert saved.status_code == 200
    assert 'data-save-state="saved"' in saved.text
    assert 'data-saved-seq="11"' in saved.text
    assert 'id="question-card"' not in saved.text  # the student keeps typing in the same card
    assert 'id="navigator"' in saved.text and 'hx-swap-oob="true"' in saved.text
    assert "HX-Push-Url" not in saved and "HX-Redirect" not in saved
    assert "HX-Request" in saved["Vary"]
    response.refresh_from_db()
    assert (response.answer, response.answer_seq) == (correct(response), 11)
    deferred_attempt.refresh_from_db()
    assert deferred_attempt.is_in_progress


def test_autosave_of_a_typed_answer(client, student):
    quiz = QuizFactory(feedback="deferred")
    QuizQuestionFactory(
        quiz=quiz, question=ShortAnswerQuestionFactory(source_text=quiz.source_text)
    )
    QuizQuestionFactory(quiz=quiz, question=NumericQuestionFactory(source_text=quiz.source_text))
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)

    autosave(client, attempt, 1, {"answer": "Lip"}, seq=1)
    autosave(client, attempt, 1, {"answer": "Lipetsk"}, seq=2)
    half_typed = autosave(client, attempt, 2, {"answer": "19x"}, seq=3)

    assert attempt.responses.get(position=1).answer == "Lipetsk"
    assert 'data-save-state="invalid"' in half_typed.text
    assert "Not saved yet: Enter a number" in half_typed.text
    assert not attempt.responses.get(position=2).is_answered


def test_a_stale_autosave_says_so(client, student, deferred_attempt):
    response = deferred_attempt.responses.get(position=1)
    client.force_login(student)
    autosave(client, deferred_attempt, 1, right_data(response), seq=9)
    stale = autosave(client, deferred_attempt, 1, wrong_data(response), seq=8)
    assert 'data-save-state="stale"' in stale.text
    response.refresh_from_db()
    assert response.answer == correct(response)


def test_autosave_after_time_is_up_is_refused(client, student):
    attempt = started_ago(timed_quiz(), student, 31)
    response = attempt.responses.get(position=1)
    client.force_login(student)
    refused = autosave(client, attempt, 1, right_data(response))
    assert refused["HX-Redirect"] == result_url(attempt)
    response.refresh_from_db()
    assert not response.is_answered


def test_autosave_without_htmx_goes_back_to_the_question(client, student, deferred_attempt):
    client.force_login(student)
    posted = client.post(question_url(deferred_attempt, 1), {"autosave": "1", "answer": "x"})
    assert posted["Location"] == question_url(deferred_attempt, 1)


@pytest.mark.parametrize("size", [5, 50])
def test_autosave_queries_do_not_grow_with_the_quiz(
    client, student, django_assert_num_queries, size
):
    attempt = start_attempt(
        quiz=QuizFactory(question_count=size, feedback="deferred"), student=student
    )
    response = attempt.responses.get(position=3)
    client.force_login(student)
    # session, user, attempt, responses; savepoint, lock the attempt, update, release
    with django_assert_num_queries(8):
        autosave(client, attempt, 3, right_data(response), seq=1)
