"""A teacher's marking: a response's mark overridden with a comment (who, when, before, after),
a comment on the whole attempt, what the student and the gradebook then show."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import regrading
from quizzes.models import (
    Attempt,
    MarkingEvent,
    MarkingRefused,
    Membership,
    Quiz,
    Role,
    mark_response,
)
from quizzes.starting import start_attempt
from tests.factories import QuizFactory, UserFactory, mark_correct

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def submitted(student):
    """A practice attempt with question 1 answered wrong ("Volsk") and question 2 blank."""
    quiz = QuizFactory(feedback=Quiz.Feedback.DEFERRED, question_count=2)
    attempt = start_attempt(quiz=quiz, student=student)
    first = attempt.responses.get(position=1)
    volsk = next(o["id"] for o in first.snapshot["options"] if o["text"] == "Volsk")
    first.save_answer(volsk)
    attempt.finish()
    return attempt


def review_url(attempt):
    return reverse("quizzes:attempt_review", args=[attempt.pk])


def test_a_teacher_overrides_a_mark_with_a_comment(client, instructor, submitted):
    client.force_login(instructor)
    done = client.post(
        review_url(submitted), {"position": 1, "marks": "0.5", "comment": "Half: Volsk is close."}
    )
    assert done.status_code == 302
    assert done["Location"].endswith("#q1")
    response = submitted.responses.get(position=1)
    assert response.marks == Decimal("0.5") and response.marked_by_teacher
    assert response.comment == "Half: Volsk is close."
    submitted.refresh_from_db()
    assert submitted.score == Decimal("0.5")
    (event,) = MarkingEvent.objects.all()
    assert (event.old_marks, event.new_marks, event.marked_by) == (
        Decimal(0),
        Decimal("0.5"),
        instructor,
    )
    page = client.get(review_url(submitted)).text
    assert "Marking history (1)" in page
    assert "ines: 0 → 0.5" in page
    assert "Answer given" in page and "Your answer" not in page


def test_every_change_is_kept(client, instructor, submitted):
    client.force_login(instructor)
    for marks in ("0.5", "1", "0.25"):
        client.post(review_url(submitted), {"position": 1, "marks": marks, "comment": ""})
    history = list(MarkingEvent.objects.values_list("old_marks", "new_marks"))
    assert history == [
        (Decimal(0), Decimal("0.5")),
        (Decimal("0.5"), Decimal(1)),
        (Decimal(1), Decimal("0.25")),
    ]


def test_marking_over_htmx_swaps_the_card(client, instructor, submitted):
    client.force_login(instructor)
    page = client.post(
        review_url(submitted), {"position": 1, "marks": "1", "comment": "OK"}, headers=HTMX
    )
    assert page.status_code == 200
    assert "<html" not in page.text
    assert page.text.lstrip().startswith('<article class="card review-card stack" id="q1"')
    assert "Mark overridden" in page.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"position": 1, "marks": "2"}, "Give between 0 and 1 marks."),
        ({"position": 1, "marks": "-1"}, "greater than or equal to 0"),
        ({"position": 1, "marks": "many"}, "Enter a number."),
        ({"position": 1}, "Give the marks for this answer."),
        ({"position": 2, "marks": "1"}, "was not answered"),
    ],
)
def test_bad_marks_are_refused_with_the_reason(client, instructor, submitted, data, reason):
    client.force_login(instructor)
    refused = client.post(review_url(submitted), data)
    assert refused.status_code == 400
    assert reason in refused.text
    over_htmx = client.post(review_url(submitted), data, headers=HTMX)
    assert over_htmx["HX-Retarget"] == "#marking-errors"
    assert reason in over_htmx.text
    assert not MarkingEvent.objects.exists()
    submitted.refresh_from_db()
    assert submitted.score == 0


def test_an_attempt_in_progress_cannot_be_marked(instructor, student):
    attempt = start_attempt(quiz=QuizFactory(question_count=1), student=student)
    response = attempt.responses.get()
    response.save_answer(response.snapshot["correct"][0])
    with pytest.raises(MarkingRefused, match="submitted"):
        mark_response(response, marks=Decimal(0), comment="", teacher=instructor)


def test_a_position_the_attempt_lacks_is_404(client, instructor, submitted):
    client.force_login(instructor)
    assert client.post(review_url(submitted), {"position": 7, "marks": "1"}).status_code == 404


def test_students_and_other_courses_teachers_cannot_mark(client, student, submitted):
    client.force_login(student)
    assert client.post(review_url(submitted), {"position": 1, "marks": "1"}).status_code == 403
    stranger = UserFactory(username="tom", is_staff=True)
    client.force_login(stranger)
    assert client.post(review_url(submitted), {"position": 1, "marks": "1"}).status_code in (
        403,
        404,
    )
    assert not MarkingEvent.objects.exists()


def test_an_assistant_marks(client, submitted):
    assistant = UserFactory(username="asa", is_staff=True)
    Membership.objects.update_or_create(
        course=submitted.course, user=assistant, defaults={"role": Role.ASSISTANT}
    )
    client.force_login(assistant)
    client.post(review_url(submitted), {"position": 1, "marks": "1", "comment": ""})
    assert MarkingEvent.objects.get().marked_by == assistant


def test_the_student_sees_the_mark_and_comment_as_the_review_options_allow(
    client, instructor, student, submitted
):
    client.force_login(instructor)
    client.post(review_url(submitted), {"position": 1, "marks": "1", "comment": "Volsk counts."})
    client.post(review_url(submitted), {"comment": "Good work overall."})
    client.force_login(student)
    result = client.get(reverse("quizzes:attempt_result", args=[submitted.pk])).text
    assert "1 out of 2 marks" in result
    assert "Marked by your teacher" in result
    assert "Volsk counts." in result and "Good work overall." in result
    # Explanations (and so comments) hidden: neither comment shows.
    Quiz.objects.filter(pk=submitted.quiz_id).update(review_explanation=0)
    result = client.get(reverse("quizzes:attempt_result", args=[submitted.pk])).text
    assert "Volsk counts." not in result and "Good work overall." not in result


def test_the_gradebook_shows_the_overridden_mark(client, instructor, submitted):
    client.force_login(instructor)
    client.post(review_url(submitted), {"position": 1, "marks": "1", "comment": ""})
    page = client.get(
        reverse("quizzes:gradebook", args=[submitted.course.code, submitted.quiz.slug])
    )
    assert "50.0 %" in page.text
    assert "Marked by hand" in page.text


def test_a_regrade_keeps_a_teachers_mark(instructor, submitted):
    response = submitted.responses.get(position=1)
    mark_response(response, marks=Decimal("0.5"), comment="", teacher=instructor)
    mark_correct(response.question, "Volsk")  # the key now says Volsk: the rule would give 1
    regrading.apply_regrade(submitted.quiz, mode="current_key", by=instructor)
    response.refresh_from_db()
    assert response.marks == Decimal("0.5")
    assert Attempt.objects.get(pk=submitted.pk).score == Decimal("0.5")
