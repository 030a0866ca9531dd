"""Attempts, responses and the history they keep."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from quizzes.models import AnswerRefused, Attempt, AttemptNotAllowed, Question, Response
from quizzes.starting import start_attempt
from tests.factories import (
    MatchingQuestionFactory,
    OrderingQuestionFactory,
    QuizFactory,
    QuizQuestionFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
    SourceTextFactory,
    add_option,
    mark_correct,
)

pytestmark = pytest.mark.django_db


def correct_option(response: Response) -> str:
    return response.snapshot["correct"][0]


def test_start_attempt_creates_one_response_per_question_in_quiz_order(quiz, student):
    attempt = start_attempt(quiz=quiz, student=student)
    responses = list(attempt.responses.all())
    assert [r.position for r in responses] == [1, 2, 3]
    assert [r.question_id for r in responses] == [
        slot.question_id for slot in quiz.quiz_questions.all()
    ]
    assert attempt.max_score == Decimal(3)
    assert attempt.number == 1
    assert not attempt.is_preview


def test_start_attempt_resumes_the_open_attempt(quiz, student):
    first = start_attempt(quiz=quiz, student=student)
    assert start_attempt(quiz=quiz, student=student) == first
    assert Attempt.objects.count() == 1


def test_database_refuses_a_second_open_attempt(quiz, student):
    start_attempt(quiz=quiz, student=student)
    with pytest.raises(IntegrityError):
        Attempt.objects.create(quiz=quiz, student=student, number=2)


def test_attempts_allowed_is_enforced(student):
    quiz = QuizFactory(question_count=1, attempts_allowed=1)
    start_attempt(quiz=quiz, student=student).finish()
    with pytest.raises(AttemptNotAllowed, match="used all your attempts"):
        start_attempt(quiz=quiz, student=student)


@pytest.mark.parametrize(
    "quiz_settings",
    [
        {"is_published": False},
        {"opens_at": timezone.now() + timedelta(days=1)},
        {"closes_at": timezone.now() - timedelta(minutes=1)},
    ],
)
def test_students_cannot_start_unpublished_or_closed_quizzes(student, quiz_settings):
    quiz = QuizFactory(question_count=1, **quiz_settings)
    with pytest.raises(AttemptNotAllowed, match="not open"):
        start_attempt(quiz=quiz, student=student)


def test_instructors_preview_unpublished_quizzes_without_counting(instructor):
    quiz = QuizFactory(question_count=1, is_published=False, attempts_allowed=1)
    start_attempt(quiz=quiz, student=instructor).finish()
    second = start_attempt(quiz=quiz, student=instructor)
    assert second.is_preview
    assert not Attempt.objects.counted().exists()


def test_a_quiz_without_questions_cannot_start(student):
    with pytest.raises(AttemptNotAllowed, match="no questions"):
        start_attempt(quiz=QuizFactory(), student=student)


def test_deadline_is_the_time_limit_or_the_closing_time_whichever_first(student):
    now = timezone.now()
    quiz = QuizFactory(question_count=1, time_limit_minutes=20)
    assert start_attempt(quiz=quiz, student=student, moment=now).deadline == now + timedelta(
        minutes=20
    )
    closing = QuizFactory(question_count=1, closes_at=now + timedelta(minutes=5))
    closing.time_limit_minutes = 20
    assert start_attempt(quiz=closing, student=student, moment=now).deadline == closing.closes_at


def test_saving_again_replaces_the_answer(quiz, student):
    response = start_attempt(quiz=quiz, student=student).responses.first()
    wrong = next(
        o["id"] for o in response.snapshot["options"] if o["id"] != correct_option(response)
    )
    response.save_answer(wrong)
    response.save_answer(correct_option(response))
    stored = Response.objects.get(pk=response.pk)
    assert stored.answer == correct_option(response)
    assert stored.marks == Decimal(1)
    assert Response.objects.filter(attempt=response.attempt).count() == 3


def test_answers_after_the_deadline_are_refused_and_not_stored(student):
    quiz = QuizFactory(question_count=1, time_limit_minutes=10)
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.get()
    with pytest.raises(AnswerRefused, match="Time is up"):
        response.save_answer(correct_option(response), moment=attempt.deadline)
    assert Response.objects.get(pk=response.pk).answer is None


def test_answers_to_a_submitted_attempt_are_refused(quiz, student):
    attempt = start_attempt(quiz=quiz, student=student)
    attempt.finish()
    response = attempt.responses.first()
    with pytest.raises(AnswerRefused, match="submitted"):
        response.save_answer(correct_option(response))


def test_finish_scores_the_saved_answers_once(quiz, student):
    attempt = start_attempt(quiz=quiz, student=student)
    for response in attempt.responses.all()[:2]:
        response.save_answer(correct_option(response))
    assert attempt.finish() is True
    assert attempt.finish() is False
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.score == Decimal(2)
    assert attempt.result.percent == pytest.approx(200 / 3)


def test_overdue_attempts_close_as_expired_at_their_deadline(student):
    quiz = QuizFactory(question_count=2, time_limit_minutes=10)
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.first()
    response.save_answer(correct_option(response))
    later = attempt.deadline + timedelta(hours=3)
    assert Attempt.objects.close_overdue(later) == 1
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.EXPIRED
    assert attempt.submitted_at == attempt.deadline
    assert attempt.score == Decimal(1)
    assert Attempt.objects.close_overdue(later) == 0


def test_editing_a_question_never_changes_a_started_attempt(quiz, student):
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.first()
    response.save_answer(correct_option(response))
    question = response.question
    question.prompt = "Rewritten"
    question.save()
    mark_correct(question)
    add_option(question, "New key", correct=True)
    attempt.finish()
    response.refresh_from_db()
    assert response.snapshot["prompt"] != "Rewritten"
    assert len(response.snapshot["options"]) == 3
    assert response.marks == Decimal(1)
    assert Attempt.objects.get(pk=attempt.pk).score == Decimal(1)


def test_shuffled_order_is_fixed_at_start(student):
    quiz = QuizFactory(question_count=8, shuffle_questions=True, shuffle_options=True)
    attempt = start_attempt(quiz=quiz, student=student)
    before = [(r.question_id, r.snapshot["options"]) for r in attempt.responses.all()]
    again = start_attempt(quiz=quiz, student=student)
    assert [(r.question_id, r.snapshot["options"]) for r in again.responses.all()] == before


def test_ordering_items_are_never_shown_in_key_order():
    question = OrderingQuestionFactory()
    snapshot = question.snapshot()
    assert [o["id"] for o in snapshot["options"]] != snapshot["correct"]
    assert sorted(o["id"] for o in snapshot["options"]) == sorted(snapshot["correct"])


def test_matching_snapshot_keeps_distractors_as_targets_only():
    snapshot = MatchingQuestionFactory().snapshot()
    assert [p["text"] for p in snapshot["prompts"]] == ["aviation", "gas", "tank"]
    assert sorted(t["text"] for t in snapshot["targets"]) == ["Kazan", "Lipetsk", "Moscow", "Volsk"]
    assert len(snapshot["matches"]) == 3


def test_key_problems_name_what_is_wrong():
    question = SingleChoiceQuestionFactory()
    assert question.key_problems() == []
    mark_correct(question, "Lipetsk", "Volsk", "Kazan")
    assert "exactly one correct option" in " ".join(question.key_problems())
    short = ShortAnswerQuestionFactory(key={"answers": []})
    assert short.key_problems() == ["A short-answer question needs an accepted answer."]


def test_excerpt_must_be_exactly_in_the_text():
    question = SingleChoiceQuestionFactory.build(source_text=SourceTextFactory())
    question.set_excerpt("a gas school")
    assert question.excerpt == "a gas school"
    with pytest.raises(ValueError, match="not in the text"):
        question.set_excerpt("a gas  school")


def test_editing_a_text_that_moves_an_excerpt_is_refused():
    question = SingleChoiceQuestionFactory()
    text = question.source_text
    text.body = "New opening words. " + text.body
    with pytest.raises(ValidationError, match="moves the excerpts"):
        text.full_clean()
    text.body = Question.objects.get(pk=question.pk).source_text.body + "\n\nMore."
    text.full_clean()


def test_quiz_points_override_the_question_default(student):
    quiz = QuizFactory()
    QuizQuestionFactory(quiz=quiz, points=Decimal("2.5"))
    assert start_attempt(quiz=quiz, student=student).max_score == Decimal("2.5")


def test_students_get_published_questions_and_previews_drafts_too(student, instructor):
    quiz = QuizFactory(question_count=2)
    draft = QuizQuestionFactory(quiz=quiz, question__status=Question.Status.DRAFT)
    QuizQuestionFactory(quiz=quiz, question__status=Question.Status.RETIRED)
    assert start_attempt(quiz=quiz, student=student).responses.count() == 2
    preview = start_attempt(quiz=quiz, student=instructor)
    assert preview.responses.filter(question=draft.question).exists()
    assert preview.responses.count() == 3
