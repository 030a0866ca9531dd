"""Instructor pages: permission, full page and htmx fragment, content, fixed query counts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from quizzes.models import Attempt, Membership, Regrade, RegradedResponse, Role
from quizzes.simulation import simulate_class
from tests.factories import QuizFactory, mark_correct

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def taught(quiz):
    """The fixture quiz with a simulated class of eight students."""
    simulate_class(quiz=quiz, students=8, seed=7, attempts=2)
    return quiz


def _urls(quiz):
    attempt = Attempt.objects.filter(quiz=quiz).first()
    return [
        reverse("quizzes:course_overview"),
        reverse("quizzes:gradebook", args=["the-class", quiz.slug]),
        reverse("quizzes:item_analysis", args=["the-class", quiz.slug]),
        reverse("quizzes:text_heatmap", args=["the-class", quiz.slug]),
        reverse("quizzes:regrade_quiz", args=[quiz.slug]),
        reverse("quizzes:export_csv", args=["the-class", quiz.slug, "grades"]),
        reverse("quizzes:export_csv", args=["the-class", quiz.slug, "attempts"]),
        reverse("quizzes:export_csv", args=["the-class", quiz.slug, "responses"]),
        reverse("quizzes:student_attempts", args=["the-class", attempt.student_id]),
        reverse("quizzes:attempt_review", args=[attempt.pk]),
    ]


# Permission


def test_students_get_403_on_every_instructor_page(client, student, taught):
    client.force_login(student)
    for url in _urls(taught):
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"sim-" not in response.content


def test_anonymous_visitors_are_sent_to_log_in(client, taught):
    for url in _urls(taught):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_students_cannot_regrade(client, student, taught):
    client.force_login(student)
    url = reverse("quizzes:regrade_quiz", args=[taught.slug])
    response = client.post(url, {"mode": "current_key", "action": "apply"})
    assert response.status_code == 403
    assert not Regrade.objects.exists()


def test_every_page_renders_for_an_instructor(client, instructor, taught):
    client.force_login(instructor)
    for url in _urls(taught):
        assert client.get(url).status_code == 200, url


def test_nav_links_to_teaching_for_instructors_only(client, instructor, student):
    client.force_login(instructor)
    assert reverse("quizzes:course_overview") in client.get(reverse("quizzes:quiz_list")).text
    client.force_login(student)
    assert reverse("quizzes:course_overview") not in client.get(reverse("quizzes:quiz_list")).text


def test_the_menu_marks_the_section_an_instructor_is_in(client, instructor):
    client.force_login(instructor)

    def current(url: str) -> list[str]:
        page = client.get(url).text
        return re.findall(r'<a href="[^"]*" aria-current="page"[^>]*>([^<]+)</a>', page)

    assert current(reverse("quizzes:quiz_list")) == ["Quizzes"]
    assert current(reverse("quizzes:course_overview")) == ["Teaching"]
    assert current(reverse("quizzes:text_list")) == ["Texts"]


# Query counts: the same whatever the size of the class


def _class_of(size, seed):
    quiz = QuizFactory(question_count=4)
    simulate_class(quiz=quiz, students=size, seed=seed, attempts=2)
    return quiz


def _roster_of(size: int, quiz) -> None:
    """Students on the quiz's course roster who have not attempted it."""
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"roster-{quiz.slug}-{index}") for index in range(size)
    )
    Membership.objects.bulk_create(
        Membership(course=quiz.course, user=user, role=Role.STUDENT) for user in users
    )


# Session, user, two permission lookups (the menu), the course, the quiz; then the report's own
# queries: the gradebook three (the roster, attempts, grades sent to an LMS), item analysis and
# heatmap three (questions
# with their keys, attempts, responses); the full page adds the courses the quiz is given to
# (its tabs).
REPORT_PAGES = [
    ("quizzes:gradebook", {}, 10),
    ("quizzes:gradebook", HTMX, 9),
    ("quizzes:item_analysis", {}, 10),
    ("quizzes:item_analysis", HTMX, 9),
    ("quizzes:text_heatmap", {}, 10),
    ("quizzes:text_heatmap", HTMX, 9),
]


@pytest.mark.parametrize(("name", "headers", "expected"), REPORT_PAGES)
def test_report_query_count_does_not_grow_with_the_class(
    client, instructor, name, headers, expected, django_assert_num_queries
):
    client.force_login(instructor)
    small, large = _class_of(3, seed=1), _class_of(40, seed=2)
    _roster_of(260, large)  # 300 on the roster, 40 of whom attempted
    for quiz in (small, large):
        with django_assert_num_queries(expected):
            response = client.get(reverse(name, args=["the-class", quiz.slug]), headers=headers)
        assert response.status_code == 200
    if name == "quizzes:gradebook" and not headers:
        assert len(response.context["rows"]) == 300 + 3  # both classes are in the course


# Gradebook


def test_gradebook_full_page_lists_each_student_once(client, instructor, taught):
    client.force_login(instructor)
    response = client.get(reverse("quizzes:gradebook", args=["the-class", taught.slug]))
    assert "<html" in response.text
    assert 'id="gradebook-table"' in response.text
    assert response.text.count("sim-") >= 8
    assert len(response.context["rows"]) == 8
    assert "HX-Request" in response["Vary"]


def test_gradebook_fragment_is_only_the_table(client, instructor, taught):
    client.force_login(instructor)
    url = reverse("quizzes:gradebook", args=["the-class", taught.slug])
    response = client.get(url, {"sort": "grade", "desc": "on"}, headers=HTMX)
    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="gradebook-table"')
    assert 'aria-sort="descending"' in response.text
    page = client.get(url, {"sort": "grade", "desc": "on"})
    grades = [row.grade for row in page.context["rows"]]
    assert grades == sorted(grades, reverse=True)


def test_gradebook_grade_follows_the_grading_method(client, instructor, taught):
    client.force_login(instructor)
    taught.grading_method = "first"
    taught.save()
    rows = client.get(reverse("quizzes:gradebook", args=["the-class", taught.slug])).context["rows"]
    for row in rows:
        assert row.grade == row.attempts[0].result.percent
        assert row.best == max(a.result.percent for a in row.attempts)


def test_gradebook_search_and_status_filter(client, instructor, taught):
    client.force_login(instructor)
    url = reverse("quizzes:gradebook", args=["the-class", taught.slug])
    rows = client.get(url, {"q": "00003"}).context["rows"]
    assert [row.student.username for row in rows] == [f"sim-{taught.slug}-7-00003"]
    passed = client.get(url, {"status": "passed"}).context["rows"]
    assert all(row.passed for row in passed)


def test_gradebook_chart_follows_the_filter(client, instructor, taught):
    client.force_login(instructor)
    url = reverse("quizzes:gradebook", args=["the-class", taught.slug])
    everyone = client.get(url, headers=HTMX).text
    one = client.get(url, {"q": "00003"}, headers=HTMX).text
    assert '<section id="gradebook-chart" class="card stack"' in one
    assert 'hx-swap-oob="true"' in one
    assert "8 attempts;" in everyone and "(the students listed)" not in everyone
    assert "1 attempt;" in one and "(the students listed)" in one


def test_gradebook_bad_parameters_fall_back_to_defaults(client, instructor, taught):
    client.force_login(instructor)
    url = reverse("quizzes:gradebook", args=["the-class", taught.slug])
    response = client.get(url, {"sort": "password", "status": "x" * 500})
    assert response.status_code == 200
    assert len(response.context["rows"]) == 8


def test_previews_never_reach_the_gradebook(client, instructor, taught):
    Attempt.objects.update(is_preview=True)
    client.force_login(instructor)
    response = client.get(reverse("quizzes:gradebook", args=["the-class", taught.slug]))
    rows = response.context["rows"]
    assert len(rows) == 8  # the class is on the roster, with nothing attempted
    assert all(row.attempts == [] for row in rows)


# Item analysis, heatmap, charts


def test_item_analysis_full_page_and_fragment(client, instructor, taught):
    client.force_login(instructor)
    url = reverse("quizzes:item_analysis", args=["the-class", taught.slug])
    page = client.get(url, {"attempts": "all"})
    assert "<html" in page.text and 'id="analysis"' in page.text
    assert page.context["summary"].attempts == Attempt.objects.filter(quiz=taught).count()
    assert '<svg class="chart-svg"' in page.text and "<title id=" in page.text
    fragment = client.get(url, {"attempts": "first"}, headers=HTMX)
    assert "<html" not in fragment.text
    assert fragment.text.lstrip().startswith('<div id="analysis"')
    assert fragment.context["summary"].attempts == 8
    assert "HX-Request" in fragment["Vary"]


def test_item_analysis_flags_a_wrong_key(client, instructor, quiz):
    """Move the key of question 1 to an option the abler students avoid: it gets flagged."""
    simulate_class(quiz=quiz, students=30, seed=3)
    slot = quiz.quiz_questions.first()
    mark_correct(slot.question, slot.question.key["options"][-1]["text"])
    client.force_login(instructor)
    url = reverse("quizzes:regrade_quiz", args=[quiz.slug])
    client.post(url, {"mode": "current_key", "action": "apply", "question": slot.question_id})
    report = client.get(reverse("quizzes:item_analysis", args=["the-class", quiz.slug])).context[
        "report"
    ]
    first = report.questions[0]
    assert first.stats.discrimination_index < 0
    assert any("check the key" in flag for flag in first.stats.flags)


def test_heatmap_marks_each_excerpt_with_its_questions(client, instructor, taught):
    client.force_login(instructor)
    response = client.get(reverse("quizzes:text_heatmap", args=["the-class", taught.slug]))
    text = response.text
    assert '<mark tabindex="0" class="heat heat-' in text
    assert 'aria-describedby="note-' in text
    # All three fixture questions cite the same opening words.
    assert "Q1: facility" in text and "Q3: facility" in text
    assert 'style="' not in text
    fragment = client.get(
        reverse("quizzes:text_heatmap", args=["the-class", taught.slug]), headers=HTMX
    ).text
    assert fragment.lstrip().startswith('<div id="heatmap"')


def test_pages_have_no_inline_styles_or_scripts(client, instructor, taught):
    client.force_login(instructor)
    for url in _urls(taught)[:5]:
        text = client.get(url).text
        assert 'style="' not in text, url
        assert "<script>" not in text, url


def test_student_page_shows_scores_over_time(client, instructor, taught):
    attempt = Attempt.objects.filter(quiz=taught).first()
    client.force_login(instructor)
    response = client.get(
        reverse("quizzes:student_attempts", args=["the-class", attempt.student_id])
    )
    assert "Scores over time" in response.text
    assert '<polyline class="chart-line"' in response.text or "<circle" in response.text


def test_attempt_review_shows_every_response(client, instructor, taught):
    attempt = Attempt.objects.filter(quiz=taught).first()
    client.force_login(instructor)
    response = client.get(reverse("quizzes:attempt_review", args=[attempt.pk]))
    assert response.text.count('class="card review-card') == 3
    assert "Correct answer" in response.text


# Regrading


def _rekey_first_question(quiz):
    """Make option 2 ("Volsk") the key of the quiz's first question."""
    question = quiz.quiz_questions.first().question
    mark_correct(question, "Volsk")
    return question


def test_regrade_dry_run_changes_nothing(client, instructor, taught):
    question = _rekey_first_question(taught)
    before = list(Attempt.objects.order_by("pk").values_list("score", flat=True))
    client.force_login(instructor)
    url = reverse("quizzes:regrade_quiz", args=[taught.slug])
    response = client.post(
        url, {"mode": "current_key", "action": "preview", "question": question.pk}
    )
    assert response.status_code == 200
    plan = response.context["plan"]
    assert plan.attempts
    assert all(item.new_score - item.old_score == item.delta for item in plan.attempts)
    assert list(Attempt.objects.order_by("pk").values_list("score", flat=True)) == before
    assert not Regrade.objects.exists()


def test_regrade_applies_records_and_shows_students(client, instructor, taught):
    question = _rekey_first_question(taught)
    client.force_login(instructor)
    url = reverse("quizzes:regrade_quiz", args=[taught.slug])
    plan = client.post(
        url, {"mode": "current_key", "action": "preview", "question": question.pk}
    ).context["plan"]
    expected = {item.attempt.pk: item.new_score for item in plan.attempts}
    response = client.post(
        url,
        {"mode": "current_key", "action": "apply", "question": question.pk, "note": "Key fixed"},
    )
    assert response.status_code == 302
    regrade = Regrade.objects.get()
    assert regrade.regraded_by == instructor and regrade.question == question
    for attempt in Attempt.objects.filter(pk__in=expected):
        assert attempt.score == expected[attempt.pk]
        assert attempt.score == sum(r.marks or 0 for r in attempt.responses.all())
    change = RegradedResponse.objects.filter(regrade=regrade).first()
    review = client.get(reverse("quizzes:attempt_review", args=[change.attempt_id]))
    assert "This attempt was regraded" in review.text and "Key fixed" in review.text
    client.force_login(change.attempt.student)
    result = client.get(reverse("quizzes:attempt_result", args=[change.attempt_id]))
    assert "This attempt was regraded" in result.text and "Key fixed" in result.text


def test_full_marks_for_everyone_who_answered(client, instructor, taught):
    question = taught.quiz_questions.first().question
    client.force_login(instructor)
    url = reverse("quizzes:regrade_quiz", args=[taught.slug])
    client.post(url, {"mode": "full_marks", "action": "apply", "question": question.pk})
    responses = question.responses.filter(attempt__quiz=taught)
    assert all(r.marks == r.points for r in responses if r.is_answered)
    assert all(r.marks is None for r in responses if not r.is_answered)


def test_full_marks_needs_a_question(client, instructor, taught):
    client.force_login(instructor)
    url = reverse("quizzes:regrade_quiz", args=[taught.slug])
    response = client.post(url, {"mode": "full_marks", "action": "apply"})
    assert response.status_code == 400
    assert "Choose the question" in response.text
    assert not Regrade.objects.exists()
