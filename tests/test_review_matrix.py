"""Every cell of the review matrix: an item shown at one moment appears at that moment only, on
the results page, the feedback after an answer (page and fragment), and nothing else leaks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Quiz
from quizzes.review_options import ITEM_LABELS, Moment
from quizzes.starting import start_attempt
from tests.factories import QuizFactory, QuizQuestionFactory, ShortAnswerQuestionFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
# What each item puts on a page (the student answers "Volsk": wrong).
MARKERS = {
    "marks": "of 1 mark",
    "correctness": "</span> Wrong</span>",
    "answer": "<dt>Correct answer</dt>",
    "explanation": "Because the text says so.",
    "passage": 'class="excerpt-highlight"',
}
LOOKS = [Moment.DURING, Moment.IMMEDIATELY_AFTER, Moment.LATER_WHILE_OPEN, Moment.AFTER_CLOSE]


def only(item: str, moment: Moment, **quiz_fields) -> Quiz:
    """A one-question quiz whose review shows `item` at `moment` and nothing else ever."""
    columns = {f"review_{name}": 0 for name in ITEM_LABELS}
    columns[f"review_{item}"] = int(moment)
    quiz = QuizFactory(**columns, **quiz_fields)
    QuizQuestionFactory(
        quiz=quiz, question=ShortAnswerQuestionFactory(source_text=quiz.source_text)
    )
    return quiz


def pages_at(client, student, quiz: Quiz, look: Moment) -> list[str]:
    """The pages that show the attempt's answers at that moment, as the student gets them."""
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    question = reverse("quizzes:attempt_question", args=[attempt.pk, 1])
    if look == Moment.DURING:
        fragment = client.post(question, {"answer": "Volsk"}, headers=HTMX).text
        return [fragment, client.get(question).text]
    client.post(question, {"answer": "Volsk"})
    client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    attempt.refresh_from_db()
    if look == Moment.LATER_WHILE_OPEN:
        Attempt.objects.filter(pk=attempt.pk).update(
            submitted_at=attempt.submitted_at - timedelta(minutes=10)
        )
    elif look == Moment.AFTER_CLOSE:
        Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    return [client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).text]


@pytest.mark.parametrize("look", LOOKS, ids=lambda m: m.name)
@pytest.mark.parametrize("shown_at", LOOKS, ids=lambda m: m.name)
@pytest.mark.parametrize("item", list(ITEM_LABELS))
def test_each_item_shows_at_its_moment_only(client, student, item, shown_at, look):
    feedback = Quiz.Feedback.IMMEDIATE if look == Moment.DURING else Quiz.Feedback.DEFERRED
    quiz = only(item, shown_at, feedback=feedback)
    for page in pages_at(client, student, quiz, look):
        assert (MARKERS[item] in page) is (shown_at == look), (item, page)
        for other, marker in MARKERS.items():
            if other != item:
                assert marker not in page, (other, item)


def test_the_last_attempt_counts_as_closed(client, student):
    quiz = only("answer", Moment.AFTER_CLOSE, feedback=Quiz.Feedback.DEFERRED, attempts_allowed=1)
    (page,) = pages_at(client, student, quiz, Moment.IMMEDIATELY_AFTER)
    assert MARKERS["answer"] in page


def test_with_attempts_left_the_answers_wait_and_the_page_says_when(client, student):
    quiz = only("answer", Moment.AFTER_CLOSE, feedback=Quiz.Feedback.DEFERRED, attempts_allowed=2)
    (page,) = pages_at(client, student, quiz, Moment.IMMEDIATELY_AFTER)
    assert MARKERS["answer"] not in page
    assert "The correct answers will be shown once the quiz closes or you have used your" in page


def test_a_course_can_show_less_than_the_quiz(client, student):
    quiz = QuizFactory(feedback=Quiz.Feedback.DEFERRED)  # the quiz's own: practice, everything
    QuizQuestionFactory(
        quiz=quiz, question=ShortAnswerQuestionFactory(source_text=quiz.source_text)
    )
    Assignment.objects.filter(quiz=quiz).update(
        review_marks=0,
        review_correctness=0,
        review_answer=0,
        review_explanation=0,
        review_passage=0,
    )
    (page,) = pages_at(client, student, quiz, Moment.IMMEDIATELY_AFTER)
    for marker in MARKERS.values():
        assert marker not in page
    assert "Your marks will be shown later" in page


def test_hidden_marks_are_hidden_on_the_quiz_page_and_my_scores(client, student):
    quiz = only("answer", Moment.AFTER_CLOSE, feedback=Quiz.Feedback.DEFERRED)
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    client.post(reverse("quizzes:attempt_question", args=[attempt.pk, 1]), {"answer": "Lipetsk"})
    client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    for url in (
        quiz.get_absolute_url(),
        reverse("quizzes:my_scores"),
        reverse("quizzes:quiz_list"),
    ):
        page = client.get(url).text
        assert "100&nbsp;%" not in page and "1 / 1 marks" not in page, url
    assert "Marks shown later" in client.get(quiz.get_absolute_url()).text
    Quiz.objects.filter(pk=quiz.pk).update(review_marks=int(Moment.LATER_WHILE_OPEN))
    Attempt.objects.filter(pk=attempt.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=10)
    )
    assert "100&nbsp;%" in client.get(reverse("quizzes:my_scores")).text


def test_a_teachers_preview_shows_everything(client, instructor):
    quiz = only("marks", 0, feedback=Quiz.Feedback.DEFERRED)
    (page,) = pages_at(client, instructor, quiz, Moment.IMMEDIATELY_AFTER)
    for marker in MARKERS.values():
        assert marker in page
