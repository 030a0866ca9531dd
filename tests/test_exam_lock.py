"""One secure attempt at a time: a test in progress locks every other attempt sharing its
questions (start, feedback, review) and the text it closes, in every tab; the key leak of a
bank quiz taken during the test is closed."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from quizzes import review_options
from quizzes.models import Attempt, Quiz
from quizzes.models.review_fields import store_options
from quizzes.starting import start_attempt
from tests.factories import (
    QuizFactory,
    QuizQuestionFactory,
    ShortAnswerQuestionFactory,
    SourceTextFactory,
)

pytestmark = pytest.mark.django_db

# What a key looks like on any page: the short answers' correct answer block and explanation.
KEY_SIGNS = ("<dt>Correct answer</dt>", "Because the text says so.", "Lipezk")


def make_test_and_bank():
    """A timed test (secure, text closed, keys after it closes) and a practice bank that names
    the same questions and shows keys right after submitting: the leak the issue describes."""
    text = SourceTextFactory()
    questions = [ShortAnswerQuestionFactory(source_text=text) for _ in range(3)]
    test = QuizFactory(
        source_text=text,
        title="The test",
        is_secure=True,
        time_limit_minutes=20,
        attempts_allowed=2,
        text_during_quiz=False,
        feedback=Quiz.Feedback.DEFERRED,
    )
    store_options(test, review_options.TEST)
    test.save()
    bank = QuizFactory(source_text=text, title="The bank", feedback=Quiz.Feedback.DEFERRED)
    for position, question in enumerate(questions, start=1):
        QuizQuestionFactory(quiz=test, question=question, position=position)
        QuizQuestionFactory(quiz=bank, question=question, position=position)
    return test, bank


def assert_no_key(page: str) -> None:
    for sign in KEY_SIGNS:
        assert sign not in page, sign


def test_the_key_leak_through_a_shared_bank_quiz_is_closed(client, student):
    test, bank = make_test_and_bank()
    client.force_login(student)
    started = client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    assert started.status_code == 302
    (test_attempt,) = Attempt.objects.filter(quiz=test)

    refused = client.post(reverse("quizzes:start_quiz", args=[bank.slug]), follow=True)
    assert not Attempt.objects.filter(quiz=bank).exists()
    assert "“The test”, a test" in refused.text
    assert_no_key(refused.text)

    # Everything the student can still open while the test runs shows no key.
    pages = [
        client.get(bank.get_absolute_url()).text,
        client.get(reverse("quizzes:my_scores")).text,
        client.get(reverse("quizzes:quiz_list")).text,
        *(
            client.get(reverse("quizzes:attempt_question", args=[test_attempt.pk, n])).text
            for n in (1, 2, 3)
        ),
        client.get(reverse("quizzes:finish_attempt", args=[test_attempt.pk])).text,
    ]
    for page in pages:
        assert_no_key(page)

    # Submitted blank, the test shows marks only; its keys wait for the quiz to close.
    client.post(reverse("quizzes:finish_attempt", args=[test_attempt.pk]))
    result = client.get(reverse("quizzes:attempt_result", args=[test_attempt.pk]))
    assert "0 out of 3 marks" in result.text
    assert_no_key(result.text)
    assert "1 attempt left" in result.text


def test_a_bank_attempt_from_before_the_test_cannot_be_reviewed_during_it(client, student):
    test, bank = make_test_and_bank()
    earlier = start_attempt(quiz=bank, student=student)
    earlier.finish()
    client.force_login(student)
    result_url = reverse("quizzes:attempt_result", args=[earlier.pk])
    assert "<dt>Correct answer</dt>" in client.get(result_url).text  # practice: keys shown

    client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    locked = client.get(result_url)
    assert locked.status_code == 403
    assert "Locked while your test is in progress" in locked.text
    assert_no_key(locked.text)

    (test_attempt,) = Attempt.objects.filter(quiz=test)
    client.post(reverse("quizzes:finish_attempt", args=[test_attempt.pk]))
    assert client.get(result_url).status_code == 200


def test_an_open_attempt_with_feedback_is_locked_during_the_test(client, student):
    test, bank = make_test_and_bank()
    Quiz.objects.filter(pk=bank.pk).update(feedback=Quiz.Feedback.IMMEDIATE)
    open_bank = start_attempt(quiz=Quiz.objects.get(pk=bank.pk), student=student)
    client.force_login(student)
    client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    question = reverse("quizzes:attempt_question", args=[open_bank.pk, 1])
    assert client.get(question).status_code == 403
    answered = client.post(question, {"answer": "Lipetsk"})
    assert answered.status_code == 403
    assert_no_key(answered.text)
    assert not open_bank.responses.filter(answered_at__isnull=False).exists()
    over_htmx = client.post(question, {"answer": "Lipetsk"}, headers={"HX-Request": "true"})
    assert over_htmx["HX-Redirect"] == question


def test_a_quiz_with_other_questions_stays_open(client, student):
    test, _ = make_test_and_bank()
    other_text = SourceTextFactory()
    other = QuizFactory(source_text=other_text, question_count=2)
    client.force_login(student)
    client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    client.post(reverse("quizzes:start_quiz", args=[other.slug]))
    assert Attempt.objects.filter(quiz=other).exists()


def test_a_text_the_test_closes_is_not_quoted_by_other_reviews(client, student):
    test, _ = make_test_and_bank()
    # Other questions, on the same text: no question shared, but the review quotes the text.
    on_the_text = QuizFactory(source_text=test.source_text, question_count=1)
    earlier = start_attempt(quiz=on_the_text, student=student)
    earlier.finish()
    client.force_login(student)
    client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    page = client.get(reverse("quizzes:attempt_result", args=[earlier.pk]))
    assert page.status_code == 403
    assert "closes its text" not in page.text  # the test's own reason comes first
    text_page = client.get(test.source_text.get_absolute_url())
    assert text_page.status_code == 403


def test_a_lapsed_test_locks_nothing(client, student):
    test, bank = make_test_and_bank()
    attempt = start_attempt(quiz=test, student=student)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    client.force_login(student)
    client.post(reverse("quizzes:start_quiz", args=[bank.slug]))
    assert Attempt.objects.filter(quiz=bank).exists()


def test_a_teachers_preview_of_a_test_locks_nothing(client, instructor):
    test, bank = make_test_and_bank()
    client.force_login(instructor)
    client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    client.post(reverse("quizzes:start_quiz", args=[bank.slug]))
    assert Attempt.objects.filter(quiz=bank, student=instructor).exists()


def test_the_quiz_page_states_the_lock(client, student):
    test, bank = make_test_and_bank()
    client.force_login(student)
    page = client.get(test.get_absolute_url()).text
    assert "This is a test." in page
    assert "nor read its text" in page
    assert "After the quiz closes: whether each answer was right" in page
    assert "This is a test." not in client.get(bank.get_absolute_url()).text


def test_starting_the_bank_says_why_it_was_refused(client, student):
    test, bank = make_test_and_bank()
    client.force_login(student)
    client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    response = client.post(reverse("quizzes:start_quiz", args=[bank.slug]))
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    assert re.search(r"Until you submit it, quizzes that share its questions", message)


def test_the_bank_page_says_it_is_locked_before_the_button_is_pressed(client, student):
    test, bank = make_test_and_bank()
    client.force_login(student)
    assert "Start the quiz" in client.get(bank.get_absolute_url()).text
    client.post(reverse("quizzes:start_quiz", args=[test.slug]))
    page = client.get(bank.get_absolute_url()).text
    assert "Until you submit it, quizzes that share its questions cannot be started" in page
    assert "Start the quiz" not in page
