"""Previous, Next, the navigator, Flag and Finish are submit buttons of the answer form: without
JavaScript they save the answer before leaving; and two windows do not overwrite each other."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from quizzes.forms import answer_data
from quizzes.models import Quiz, Response
from quizzes.starting import start_attempt
from tests.factories import (
    OrderingQuestionFactory,
    QuizFactory,
    QuizQuestionFactory,
    ShortAnswerQuestionFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def attempt(student):
    quiz = QuizFactory(feedback=Quiz.Feedback.DEFERRED, question_count=3)
    return start_attempt(quiz=quiz, student=student)


def url(attempt, position):
    return reverse("quizzes:attempt_question", args=[attempt.pk, position])


def ticked(attempt, position=1):
    response = attempt.responses.get(position=position)
    return response, answer_data(response.snapshot, response.snapshot["correct"][0])


@pytest.mark.parametrize(
    ("go", "lands_on"),
    [("2", "question 2"), ("3", "question 3"), ("flag", "question 1"), ("finish", "finish")],
)
def test_each_way_out_saves_the_ticked_answer(client, student, attempt, go, lands_on):
    client.force_login(student)
    response, data = ticked(attempt)
    left = client.post(url(attempt, 1), {**data, "go": go})
    expected = {
        "question 1": url(attempt, 1),
        "question 2": url(attempt, 2),
        "question 3": url(attempt, 3),
        "finish": reverse("quizzes:finish_attempt", args=[attempt.pk]),
    }[lands_on]
    assert left.status_code == 302
    assert left["Location"] == expected
    response.refresh_from_db()
    assert response.answer == response.snapshot["correct"][0]
    assert response.flagged is (go == "flag")
    assert "Your answer to question 1 was saved." in [
        str(m) for m in get_messages(left.wsgi_request)
    ]


def test_finish_counts_the_answer_saved_on_the_way(client, student, attempt):
    client.force_login(student)
    _, data = ticked(attempt)
    page = client.post(url(attempt, 1), {**data, "go": "finish"}, follow=True)
    assert "You have answered <strong>1 of 3</strong> questions." in page.text


def test_unflag_clears_the_flag_and_keeps_the_answer(client, student, attempt):
    client.force_login(student)
    response, data = ticked(attempt)
    client.post(url(attempt, 1), {**data, "go": "flag"})
    client.post(url(attempt, 1), {**data, "go": "unflag"})
    response.refresh_from_db()
    assert not response.flagged
    assert response.is_answered


def test_leaving_a_blank_question_stores_nothing(client, student, attempt):
    client.force_login(student)
    left = client.post(url(attempt, 1), {"go": "2"})
    assert left["Location"] == url(attempt, 2)
    assert not attempt.responses.filter(answered_at__isnull=False).exists()


def test_an_unchanged_answer_is_not_saved_again(client, student, attempt):
    client.force_login(student)
    response, data = ticked(attempt)
    client.post(url(attempt, 1), data)
    response.refresh_from_db()
    seq = response.answer_seq
    client.post(url(attempt, 1), {**data, "go": "2"})
    response.refresh_from_db()
    assert response.answer_seq == seq


def test_an_unreadable_answer_keeps_the_student_on_the_question(client, student):
    quiz = QuizFactory(feedback=Quiz.Feedback.DEFERRED)
    QuizQuestionFactory(
        quiz=quiz, question=ShortAnswerQuestionFactory(source_text=quiz.source_text)
    )
    QuizQuestionFactory(
        quiz=quiz, position=2, question=ShortAnswerQuestionFactory(source_text=quiz.source_text)
    )
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    page = client.post(url(attempt, 1), {"answer": "x" * 500, "go": "2"})
    assert page.status_code == 200
    assert "Question 1 of 2" in page.text
    assert not attempt.responses.filter(answered_at__isnull=False).exists()


def test_an_untouched_ordering_question_stores_no_order(client, student):
    quiz = QuizFactory(feedback=Quiz.Feedback.DEFERRED)
    QuizQuestionFactory(quiz=quiz, question=OrderingQuestionFactory(source_text=quiz.source_text))
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    page = client.get(url(attempt, 1)).text
    assert '<option value="">–</option>' in page
    assert " selected" not in page
    # What the browser sends for untouched selects: each one's empty first choice.
    response = attempt.responses.get()
    untouched = {
        name: ""
        for name in answer_data(response.snapshot, [i["id"] for i in response.snapshot["options"]])
    }
    client.post(url(attempt, 1), {**untouched, "go": "finish"})
    response.refresh_from_db()
    assert response.answer is None


def test_with_feedback_after_each_answer_leaving_never_checks_an_answer(client, student):
    quiz = QuizFactory(feedback=Quiz.Feedback.IMMEDIATE, question_count=2)
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    _, data = ticked(attempt)
    left = client.post(url(attempt, 1), {**data, "go": "2"})
    assert left["Location"] == url(attempt, 2)
    assert not attempt.responses.filter(answered_at__isnull=False).exists()


def test_finish_over_htmx_redirects_the_whole_page(client, student, attempt):
    client.force_login(student)
    _, data = ticked(attempt)
    done = client.post(url(attempt, 1), {**data, "go": "finish", "seq": "5"}, headers=HTMX)
    assert done["HX-Redirect"] == reverse("quizzes:finish_attempt", args=[attempt.pk])
    assert attempt.responses.get(position=1).answer_seq == 5


@pytest.mark.parametrize("go", ["0", "next", "-1", "99999", "flag; drop"])
def test_a_malformed_way_out_is_refused(client, student, attempt, go):
    client.force_login(student)
    assert client.post(url(attempt, 1), {"go": go}).status_code == 400


def test_a_way_out_past_the_last_question_is_404(client, student, attempt):
    client.force_login(student)
    left = client.post(url(attempt, 1), {"go": "9"})
    assert client.get(left["Location"]).status_code == 404


# Two windows on the same answer


def save(client, attempt, data, seq, base=None):
    fields = {**data, "autosave": "1", "seq": str(seq)}
    if base is not None:
        fields["base"] = str(base)
    return client.post(url(attempt, 1), fields, headers=HTMX)


def test_a_later_save_from_another_window_wins_and_the_first_learns_of_it(client, student, attempt):
    client.force_login(student)
    response = attempt.responses.get(position=1)
    options = [option["id"] for option in response.snapshot["options"]]
    first = answer_data(response.snapshot, options[0])
    second = answer_data(response.snapshot, options[1])
    assert 'data-save-state="saved"' in save(client, attempt, first, 100).text  # window A
    assert 'data-save-state="saved"' in save(client, attempt, second, 200).text  # window B
    # Window A edits again: its last save (100) is no longer the stored one.
    told = save(client, attempt, first, 300, base=100).text
    assert 'data-save-state="conflict"' in told
    assert "Changed in another window" in told
    assert f'href="{url(attempt, 1)}">Reload</a>' in told
    response.refresh_from_db()
    assert response.answer == options[1]
    # Window B goes on saving over its own version.
    assert 'data-save-state="saved"' in save(client, attempt, second, 400, base=200).text


def test_a_late_save_from_the_same_window_is_only_stale(client, student, attempt):
    client.force_login(student)
    response = attempt.responses.get(position=1)
    options = [option["id"] for option in response.snapshot["options"]]
    save(client, attempt, answer_data(response.snapshot, options[0]), 200, base=None)
    late = save(client, attempt, answer_data(response.snapshot, options[1]), 150, base=200).text
    assert 'data-save-state="stale"' in late


def test_the_button_save_is_refused_over_another_windows_answer(client, student, attempt):
    client.force_login(student)
    response = attempt.responses.get(position=1)
    options = [option["id"] for option in response.snapshot["options"]]
    save(client, attempt, answer_data(response.snapshot, options[0]), 100)
    save(client, attempt, answer_data(response.snapshot, options[1]), 200)
    page = client.post(
        url(attempt, 1),
        {**answer_data(response.snapshot, options[0]), "seq": "300", "base": "100"},
        headers=HTMX,
    )
    assert "Changed in another window" in page.text
    assert Response.objects.get(pk=response.pk).answer == options[1]
