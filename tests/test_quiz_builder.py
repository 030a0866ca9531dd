"""Quizzes under /teach/quizzes/: settings, duplicating, the builder and its random draws."""

from decimal import Decimal

import pytest
from django.urls import reverse

from quizzes import building, drafting
from quizzes.models import Question, Quiz, QuizQuestion, RandomDraw
from quizzes.starting import start_attempt
from tests.factories import (
    QuestionDraftFactory,
    QuizFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
    SourceTextFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


def order_of(quiz: Quiz) -> list[str]:
    return [building.slot_id(slot) for slot in Quiz.objects.get(pk=quiz.pk).slots()]


def prompts_of(quiz: Quiz) -> list[str]:
    return [slot.question.prompt for slot in quiz.quiz_questions.order_by("position")]


def url(name: str, quiz: Quiz, *args) -> str:
    return reverse(f"quizzes:{name}", args=[quiz.slug, *args])


# Settings


def test_a_new_quiz_gets_a_slug_from_its_title_and_an_owner(teacher, instructor):
    text = SourceTextFactory()
    data = {
        "course": text.course_id,
        "title": "Rapallo test",
        "source_text": text.pk,
        "overdue_handling": "autosubmit",
        "grace_period_minutes": "10",
        "grading_method": "highest",
        "feedback": "deferred",
        "pass_mark": "50",
        "shuffle_options": "on",
    }
    response = teacher.post(reverse("quizzes:quiz_new"), data)
    quiz = Quiz.objects.get()
    assert (quiz.slug, quiz.owner, quiz.is_published) == ("rapallo-test", instructor, False)
    assert response["Location"] == url("quiz_builder", quiz)
    again = teacher.post(reverse("quizzes:quiz_new"), data)
    assert again.status_code == 302
    assert Quiz.objects.filter(slug="rapallo-test-2").exists()


def test_the_slug_new_is_refused(teacher):
    response = teacher.post(reverse("quizzes:quiz_new"), {"title": "New", "slug": "new"})
    assert response.status_code == 400
    assert "“new” is taken" in response.text


def test_settings_are_saved(teacher, quiz):
    data = {
        "title": "Renamed",
        "slug": quiz.slug,
        "overdue_handling": "graceperiod",
        "grace_period_minutes": "5",
        "grading_method": "last",
        "feedback": "deferred",
        "pass_mark": "60",
        "time_limit_minutes": "20",
        "attempts_allowed": "2",
        "opens_at": "2026-12-01T09:00",
        "closes_at": "2026-12-01T08:00",
    }
    response = teacher.post(url("quiz_settings", quiz), data)
    assert response.status_code == 400
    assert "The quiz must close after it opens." in response.text
    data["closes_at"] = "2026-12-02T09:00"
    assert teacher.post(url("quiz_settings", quiz), data).status_code == 302
    quiz.refresh_from_db()
    assert (quiz.title, quiz.time_limit_minutes, quiz.attempts_allowed) == ("Renamed", 20, 2)


def test_duplicating_copies_the_questions_draws_and_settings_unpublished(teacher, instructor):
    quiz = QuizFactory(question_count=3, time_limit_minutes=15, pass_mark=Decimal(70))
    quiz.quiz_questions.filter(position=2).update(points=Decimal(3))
    RandomDraw.objects.create(quiz=quiz, position=4, count=2, tag=TagFactory(name="dates"))
    response = teacher.post(url("quiz_duplicate", quiz))
    copy = Quiz.objects.exclude(pk=quiz.pk).get()
    assert response["Location"] == url("quiz_settings", copy)
    assert (copy.slug, copy.title, copy.is_published) == (
        f"{quiz.slug}-copy",
        f"Copy of {quiz.title}",
        False,
    )
    assert (copy.time_limit_minutes, copy.pass_mark, copy.owner) == (15, Decimal(70), instructor)
    assert [(s.question_id, s.position, s.points) for s in copy.quiz_questions.all()] == [
        (s.question_id, s.position, s.points) for s in quiz.quiz_questions.all()
    ]
    assert copy.random_draws.get().description == "2 random questions tagged “dates”"
    teacher.post(url("quiz_duplicate", quiz))
    assert Quiz.objects.filter(slug=f"{quiz.slug}-copy-2").exists()


# The builder


def test_the_builder_lists_the_slots_with_their_total_and_the_bank(teacher, quiz):
    extra = SingleChoiceQuestionFactory(source_text=quiz.source_text, prompt="Not yet in it?")
    page = teacher.get(url("quiz_builder", quiz))
    assert page.status_code == 200
    assert "3 slots · total 3 marks" in page.text
    assert "Not yet in it?" in page.text
    assert page.text.count("In this quiz</span>") == 3
    assert f'value="{extra.pk}"' in page.text  # its Add button


def test_adding_a_question_puts_it_last_once(teacher, quiz):
    question = SingleChoiceQuestionFactory(source_text=quiz.source_text, prompt="Added?")
    response = teacher.post(url("builder_add", quiz), {"question": question.pk}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="builder-slots"')
    assert 'id="bank-results" class="stack" hx-swap-oob="true"' in response.text
    assert prompts_of(quiz)[-1] == "Added?"
    assert quiz.quiz_questions.get(question=question).position == 4
    again = teacher.post(url("builder_add", quiz), {"question": question.pk}, follow=True)
    assert "already in this quiz" in again.text
    assert quiz.quiz_questions.count() == 4


def test_a_retired_or_unknown_question_cannot_be_added(teacher, quiz):
    retired = SingleChoiceQuestionFactory(status=Question.Status.RETIRED)
    for value in (retired.pk, 0, "x"):
        response = teacher.post(url("builder_add", quiz), {"question": value})
        assert response.status_code == 302
    assert quiz.quiz_questions.count() == 3


def test_moving_and_removing_renumber_the_slots(teacher, quiz):
    first, second, third = order_of(quiz)
    teacher.post(url("builder_slot", quiz, third), {"action": "up"})
    assert order_of(quiz) == [first, third, second]
    teacher.post(url("builder_slot", quiz, first), {"action": "up"})  # already first: stays
    assert order_of(quiz) == [first, third, second]
    teacher.post(url("builder_slot", quiz, first), {"action": "remove"})
    assert order_of(quiz) == [third, second]
    assert [slot.position for slot in quiz.slots()] == [1, 2]


def test_a_slot_of_another_quiz_is_refused(teacher, quiz):
    other = QuizFactory(question_count=1)
    foreign = building.slot_id(other.quiz_questions.get())
    response = teacher.post(url("builder_slot", quiz, foreign), {"action": "remove"}, headers=HTMX)
    assert response.status_code == 409
    assert other.quiz_questions.exists()


def test_marks_per_slot_and_back_to_the_questions_own(teacher, quiz):
    slot = order_of(quiz)[0]
    teacher.post(url("builder_slot", quiz, slot), {"action": "points", "points": "2.5"})
    assert quiz.quiz_questions.order_by("position").first().points == Decimal("2.5")
    page = teacher.get(url("quiz_builder", quiz))
    assert "total 4.50 marks" in page.text
    teacher.post(url("builder_slot", quiz, slot), {"action": "points", "points": ""})
    assert quiz.quiz_questions.order_by("position").first().points is None
    bad = teacher.post(url("builder_slot", quiz, slot), {"action": "points", "points": "-1"})
    assert bad.status_code == 302
    assert quiz.quiz_questions.order_by("position").first().points is None


def test_drag_and_drop_posts_the_whole_order(teacher, quiz):
    first, second, third = order_of(quiz)
    response = teacher.post(
        url("builder_order", quiz), {"order": f"{third},{first},{second}"}, headers=HTMX
    )
    assert response.status_code == 200
    assert order_of(quiz) == [third, first, second]
    stale = teacher.post(url("builder_order", quiz), {"order": f"{first},{second}"}, headers=HTMX)
    assert stale.status_code == 409
    assert "reload the page" in stale.text
    assert order_of(quiz) == [third, first, second]


def test_the_builder_page_query_count_does_not_grow_with_the_quiz(
    teacher, django_assert_num_queries
):
    for size in (2, 20):
        quiz = QuizFactory(question_count=size)
        RandomDraw.objects.create(
            quiz=quiz, position=size + 1, count=1, source_text=quiz.source_text
        )
        # Session, user, the permission lookups, the quiz and its text, the user's role in its
        # course, its slots (questions by name, draws), the bank filters' text and their choices
        # (texts, tags), the bank's count, its page and their tags, the draw form's choices
        # (texts, tags), the courses the user teaches (the bank's course filter).
        with django_assert_num_queries(17):
            teacher.get(url("quiz_builder", quiz))


# Random draws


@pytest.fixture
def pooled():
    """A quiz naming one question, and five more on its text tagged "pool"."""
    quiz = QuizFactory(question_count=1, feedback=Quiz.Feedback.DEFERRED)
    pool = TagFactory(name="pool")
    named = quiz.quiz_questions.get().question
    named.tags.add(pool)
    for number in range(5):
        SingleChoiceQuestionFactory(
            source_text=quiz.source_text, prompt=f"Pool {number}?"
        ).tags.add(pool)
    ShortAnswerQuestionFactory(source_text=quiz.source_text, status=Question.Status.DRAFT).tags.add(
        pool
    )
    return quiz


def test_a_draw_is_added_from_the_builder(teacher, pooled):
    data = {"count": "2", "tag": TagFactory(name="pool").pk, "points": "2"}
    response = teacher.post(url("builder_add", pooled), data, follow=True)
    draw = pooled.random_draws.get()
    assert (draw.count, draw.points, draw.position) == (2, Decimal(2), 2)
    assert "Added: 2 random questions tagged “pool”" in response.text
    assert "2 slots · total 5 marks" in response.text


def test_a_draw_needs_a_pool(teacher, pooled):
    response = teacher.post(url("builder_add", pooled), {"count": "2"}, follow=True)
    assert "Draw from a tag, a text, or a paragraph of a text." in response.text
    assert not pooled.random_draws.exists()


def test_a_draw_larger_than_its_pool_says_so(teacher, pooled):
    data = {"count": "9", "tag": TagFactory(name="pool").pk}
    response = teacher.post(url("builder_add", pooled), data, follow=True)
    assert "Only 5 published question(s) match" in response.text


def test_each_attempt_draws_its_own_questions_frozen_when_it_starts(pooled):
    RandomDraw.objects.create(quiz=pooled, position=2, count=3, tag=TagFactory(name="pool"))
    named = pooled.quiz_questions.get().question
    drawn = []
    for _ in range(12):
        attempt = start_attempt(quiz=pooled, student=UserFactory())
        questions = [response.question for response in attempt.responses.order_by("position")]
        assert questions[0] == named
        assert len(questions) == 4 == len(set(questions))
        assert all(q.status == Question.Status.PUBLISHED and q != named for q in questions[1:])
        assert attempt.max_score == 4
        assert start_attempt(quiz=pooled, student=attempt.student).pk == attempt.pk  # resumed
        drawn.append(frozenset(q.pk for q in questions[1:]))
    assert len(set(drawn)) > 1  # 10 possible draws of 3 among 5: twelve attempts differ


def test_a_draw_from_a_paragraph_takes_only_its_questions(pooled):
    text = pooled.source_text
    second = text.paragraphs()[1]
    inside = SingleChoiceQuestionFactory(
        source_text=text, excerpt_start=second.start, excerpt_end=second.start + 5
    )
    draw = RandomDraw.objects.create(
        quiz=pooled, position=2, count=5, source_text=text, paragraph=2
    )
    assert list(draw.candidates()) == [inside]
    assert draw.description == f"5 random questions on paragraph 2 of “{text}”"


def test_the_item_analysis_and_regrade_know_drawn_questions(teacher, pooled, student):
    RandomDraw.objects.create(quiz=pooled, position=2, count=1, tag=TagFactory(name="pool"))
    attempt = start_attempt(quiz=pooled, student=student)
    drawn = attempt.responses.get(position=2).question
    form = teacher.get(url("regrade_quiz", pooled)).context["form"]
    assert drawn in form.fields["question"].queryset


# From the review queue


def test_a_draft_accepted_into_a_quiz_lands_at_its_end(teacher, quiz, instructor):
    draft = QuestionDraftFactory(source_text=quiz.source_text)
    question = drafting.accept_draft(draft, user=instructor, quiz=quiz)
    assert prompts_of(quiz)[-1] == question.prompt


def test_accepting_in_the_queue_adds_to_the_chosen_quiz(teacher, quiz):
    draft = QuestionDraftFactory(source_text=quiz.source_text)
    accept = reverse("quizzes:draft_accept", args=[draft.source_text.slug, draft.pk])
    response = teacher.post(accept, {"status": "published", "quiz": quiz.slug}, follow=True)
    assert f"Accepted into the question bank and added to “{quiz.title}”" in response.text
    draft.refresh_from_db()
    assert QuizQuestion.objects.get(quiz=quiz, question=draft.question).position == 4


def test_the_item_analysis_reports_drawn_questions_over_the_attempts_that_had_them(teacher, pooled):
    RandomDraw.objects.create(quiz=pooled, position=2, count=1, tag=TagFactory(name="pool"))
    for _ in range(6):
        attempt = start_attempt(quiz=pooled, student=UserFactory())
        drawn = attempt.responses.get(position=2)
        drawn.save_answer(drawn.snapshot["correct"][0])
        attempt.finish()
    analysis = reverse("quizzes:item_analysis", args=[pooled.course.code, pooled.slug])
    report = teacher.get(analysis).context["report"]
    assert [item.question for item in report.questions] == [pooled.quiz_questions.get().question]
    assert sum(item.stats.attempts for item in report.drawn) == 6
    assert all(item.stats.facility == 100 for item in report.drawn)
