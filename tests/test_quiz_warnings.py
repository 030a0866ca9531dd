"""The quiz settings page: review options (presets, the matrix, a course's own), the test mark,
and the warnings of a key given away by option order or by another quiz."""

import re

import pytest
from django.urls import reverse

from quizzes import review_options
from quizzes.models import Assignment, Quiz
from quizzes.models.review_fields import store_options, stored_options
from quizzes.quiz_warnings import option_order_warnings, shared_keys
from quizzes.review_options import Moment
from tests.factories import (
    QuizFactory,
    QuizQuestionFactory,
    SingleChoiceQuestionFactory,
    SourceTextFactory,
)

pytestmark = pytest.mark.django_db

SETTINGS = {
    "title": "A quiz",
    "overdue_handling": "autosubmit",
    "grace_period_minutes": "10",
    "grading_method": "highest",
    "feedback": "deferred",
    "pass_mark": "50",
}


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


# Option order (plain values)


def test_correct_options_first_in_every_question():
    places = [("Q1", [True, False, False]), ("Q2", [True, True, False]), ("Q3", [False, True])]
    (first, *_) = option_order_warnings(places)
    assert first.startswith("In 2 of 3 questions the correct options come first (Q1, Q2)")


def test_the_answer_always_in_the_same_place():
    places = [(f"Q{n}", [False, True, False]) for n in range(3)]
    assert option_order_warnings(places) == [
        "The right answer is always option 2 of the 3 questions with one right answer. "
        "Shuffle the options, or reorder them."
    ]


@pytest.mark.parametrize(
    "places",
    [
        [],
        [("Q1", [False, True]), ("Q2", [False, True, False]), ("Q3", [False, False, True])],
        [("Q1", [False, True]), ("Q2", [False, True])],  # two questions are no pattern yet
        [("Q1", [True, True])],  # every option correct: no order gives anything away
    ],
)
def test_no_warning_for_a_varied_order(places):
    assert option_order_warnings(places) == []


def test_the_settings_page_warns_of_the_order_only_without_shuffling(teacher):
    quiz = QuizFactory(shuffle_options=False, question_count=3)
    page = teacher.get(reverse("quizzes:quiz_settings", args=[quiz.slug])).text
    assert "the correct options come first" in page
    Quiz.objects.filter(pk=quiz.pk).update(shuffle_options=True)
    page = teacher.get(reverse("quizzes:quiz_settings", args=[quiz.slug])).text
    assert "data-option-order" not in page


# A test's questions in a quiz that shows keys


def test_a_test_sharing_questions_with_a_key_showing_quiz_is_warned_both_ways(teacher):
    text = SourceTextFactory()
    test = QuizFactory(source_text=text, is_secure=True, title="Unit test")
    store_options(test, review_options.TEST)
    test.save()
    bank = QuizFactory(source_text=text, title="Bank")
    unrelated = QuizFactory(source_text=text, question_count=1)
    for position in (1, 2):
        question = SingleChoiceQuestionFactory(source_text=text)
        QuizQuestionFactory(quiz=test, question=question, position=position)
        QuizQuestionFactory(quiz=bank, question=question, position=position)
    (warning,) = shared_keys(test)
    assert (warning.quiz, warning.shared) == (bank, 2)
    assert [item.quiz for item in shared_keys(bank)] == [test]
    assert shared_keys(unrelated) == []
    page = teacher.get(reverse("quizzes:quiz_settings", args=[test.slug])).text
    settings_url = reverse("quizzes:quiz_settings", args=[bank.slug])
    assert f'“<a href="{settings_url}">Bank</a>” has 2 of this test’s questions' in page
    # The bank shows keys only after it closes now: no warning.
    store_options(bank, review_options.TEST)
    bank.save()
    assert shared_keys(test) == []
    # ... unless a course it is given to shows them earlier.
    Assignment.objects.filter(quiz=bank).update(
        review_marks=15,
        review_correctness=15,
        review_answer=15,
        review_explanation=15,
        review_passage=15,
    )
    assert [item.quiz for item in shared_keys(test)] == [bank]


# Review options in the forms


def test_a_new_timed_quiz_is_a_test_automatically(teacher):
    text = SourceTextFactory()
    data = {
        **SETTINGS,
        "course": text.course_id,
        "source_text": text.pk,
        "time_limit_minutes": "20",
    }
    teacher.post(reverse("quizzes:quiz_new"), data)
    assert Quiz.objects.get().review == review_options.TEST
    data = {**SETTINGS, "course": text.course_id, "title": "Practice", "source_text": text.pk}
    teacher.post(reverse("quizzes:quiz_new"), data)
    assert Quiz.objects.get(title="Practice").review == review_options.PRACTICE


@pytest.mark.parametrize(
    ("preset", "expected"), [("practice", review_options.PRACTICE), ("test", review_options.TEST)]
)
def test_a_preset_sets_every_item(teacher, preset, expected):
    quiz = QuizFactory()
    data = {**SETTINGS, "slug": quiz.slug, "review_preset": preset}
    assert teacher.post(reverse("quizzes:quiz_settings", args=[quiz.slug]), data).status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).review == expected


def test_a_custom_matrix_is_stored_cell_by_cell(teacher):
    quiz = QuizFactory()
    data = {
        **SETTINGS,
        "slug": quiz.slug,
        "review_preset": "custom",
        "review_marks_moments": [str(int(Moment.IMMEDIATELY_AFTER)), str(int(Moment.AFTER_CLOSE))],
        "review_passage_moments": [str(int(Moment.DURING))],
    }
    assert teacher.post(reverse("quizzes:quiz_settings", args=[quiz.slug]), data).status_code == 302
    review = Quiz.objects.get(pk=quiz.pk).review
    assert review.marks == Moment.IMMEDIATELY_AFTER | Moment.AFTER_CLOSE
    assert review.passage == Moment.DURING
    assert review.answer == review.correctness == review.explanation == 0
    page = teacher.get(reverse("quizzes:quiz_settings", args=[quiz.slug])).text
    assert re.search(r'<input type="radio" name="review_preset" value="custom"[^>]* checked', page)
    assert page.count('name="review_marks_moments"') == 4


def test_a_bad_moment_is_refused(teacher):
    quiz = QuizFactory()
    data = {
        **SETTINGS,
        "slug": quiz.slug,
        "review_preset": "custom",
        "review_answer_moments": ["16"],
    }
    response = teacher.post(reverse("quizzes:quiz_settings", args=[quiz.slug]), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert Quiz.objects.get(pk=quiz.pk).review == review_options.PRACTICE


def test_a_course_sets_its_own_review_options_or_goes_back_to_the_quizs(teacher):
    quiz = QuizFactory()
    url = reverse("quizzes:assignment", args=[quiz.course.code, quiz.slug])
    page = teacher.get(url).text
    assert "As the quiz: Right after answering" in page
    teacher.post(url, {"form": "schedule", "review_preset": "test"})
    assignment = Assignment.objects.get(quiz=quiz)
    assert stored_options(assignment) == review_options.TEST
    assert assignment.review == review_options.TEST
    teacher.post(url, {"form": "schedule", "review_preset": "quiz"})
    assignment.refresh_from_db()
    assert stored_options(assignment) is None
    assert assignment.review == quiz.review


def test_the_database_refuses_half_an_assignments_options():
    from django.db import IntegrityError

    quiz = QuizFactory()
    with pytest.raises(IntegrityError):
        Assignment.objects.filter(quiz=quiz).update(review_marks=1)
