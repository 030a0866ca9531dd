"""The student pages around an attempt: home, quiz page, the text, my scores, accounts."""

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse, set_script_prefix
from django.utils import timezone

from quizzes.context_processors import menu_links
from quizzes.models import Attempt, Membership, Quiz, Role
from quizzes.starting import start_attempt
from quizzes.views import reverse_cached
from tests.factories import CourseFactory, QuizFactory, SourceTextFactory, UserFactory

pytestmark = pytest.mark.django_db


def page_text(response) -> str:
    """The visible text of a page, whitespace collapsed, for asserting on plain words."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\xa0", " ")
    return " ".join(text.split())


def take(quiz, student, *, correct: int, moment=None, course=None) -> Attempt:
    """Start an attempt, answer the first `correct` questions right and the rest wrong, submit."""
    attempt = start_attempt(quiz=quiz, student=student, moment=moment, course=course)
    for index, response in enumerate(attempt.responses.order_by("position")):
        key = response.snapshot["correct"]
        wrong = next(o["id"] for o in response.snapshot["options"] if o["id"] not in key)
        response.save_answer(key[0] if index < correct else wrong, moment=moment)
    attempt.finish(moment=moment)
    return attempt


# Everyone must log in


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("quizzes:quiz_list", []),
        ("quizzes:quiz_detail", ["quiz-slug"]),
        ("quizzes:source_text_detail", ["text-slug"]),
        ("quizzes:my_scores", []),
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


# Home


def test_home_lists_open_published_quizzes_with_their_facts(client, student):
    now = timezone.now()
    timed = QuizFactory(
        title="Timed test", question_count=3, time_limit_minutes=20, attempts_allowed=2
    )
    QuizFactory(title="Hidden draft", is_published=False, question_count=1)
    QuizFactory(title="Closed quiz", closes_at=now - timedelta(days=1), question_count=1)
    QuizFactory(title="Future quiz", opens_at=now + timedelta(days=1), question_count=1)
    take(timed, student, correct=2)
    client.force_login(student)

    response = client.get(reverse("quizzes:quiz_list"))

    text = page_text(response)
    assert response.status_code == 200
    assert "Timed test" in text
    assert "Hidden draft" not in text
    assert "Closed quiz" not in text
    assert "Future quiz" not in text
    assert "Questions 3" in text
    assert "Time limit 20 min" in text
    assert "Attempts 1 of 2" in text
    assert "Best score 66.7 %" in text
    assert timed.get_absolute_url() in response.text


def test_home_best_score_is_the_highest_counted_attempt(client, student, other_student, quiz):
    take(quiz, student, correct=1)
    take(quiz, student, correct=3)
    take(quiz, student, correct=2)
    take(quiz, other_student, correct=0)
    client.force_login(student)

    text = page_text(client.get(reverse("quizzes:quiz_list")))

    assert "Best score 100 %" in text
    assert "Attempts 3 (no limit)" in text


def test_home_offers_resume_for_an_attempt_in_progress(client, student, quiz):
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)

    response = client.get(reverse("quizzes:quiz_list"))

    assert "In progress" in page_text(response)
    assert f'href="{attempt.get_absolute_url()}"' in response.text


def test_home_submits_overdue_attempts_before_listing(client, student):
    timed = QuizFactory(question_count=2, time_limit_minutes=10)
    attempt = start_attempt(quiz=timed, student=student, moment=timezone.now() - timedelta(hours=1))
    client.force_login(student)

    response = client.get(reverse("quizzes:quiz_list"))

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.EXPIRED
    assert "In progress" not in page_text(response)


def test_teachers_see_their_drafts_on_the_course_page_not_on_their_student_home(client, instructor):
    QuizFactory(title="Work in progress", is_published=False, question_count=1)
    client.force_login(instructor)

    home = page_text(client.get(reverse("quizzes:quiz_list")))
    course = page_text(client.get(reverse("quizzes:course_home", args=["the-class"])))

    assert "Work in progress" not in home
    assert "Your teaching" in home
    assert "Work in progress Draft" in course


@pytest.mark.parametrize("course_count", [1, 10])
def test_home_query_count_does_not_grow_with_courses_or_quizzes(
    client, student, course_count, django_assert_num_queries
):
    for _ in range(course_count):
        course = CourseFactory()
        Membership.objects.create(course=course, user=student, role=Role.STUDENT)
        for _ in range(2):
            quiz = QuizFactory(question_count=2, course=course)
            take(quiz, student, correct=1, course=course)
            start_attempt(quiz=quiz, student=student, course=course)
    client.force_login(student)

    # session, user, overdue attempts, the student's courses, the quizzes given to them with
    # question counts, the student's overrides, their attempts (a student is not staff, so no
    # permission lookups)
    with django_assert_num_queries(7):
        response = client.get(reverse("quizzes:quiz_list"))

    assert response.text.count('class="card quiz-card"') == 2 * course_count
    assert response.text.count('class="stack course-section"') == course_count + 1


# The quiz page


def test_quiz_page_states_the_settings_in_plain_words(client, student):
    source = SourceTextFactory(title="The Rapallo article")
    quiz = QuizFactory(
        title="Timed test",
        description="Twenty minutes on the treaty.",
        source_text=source,
        question_count=3,
        time_limit_minutes=20,
        attempts_allowed=2,
        grading_method=Quiz.GradingMethod.HIGHEST,
        feedback=Quiz.Feedback.IMMEDIATE,
        pass_mark=Decimal(60),
        text_during_quiz=True,
    )
    take(quiz, student, correct=3)
    client.force_login(student)

    response = client.get(quiz.get_absolute_url())

    text = page_text(response)
    for words in [
        "Twenty minutes on the treaty.",
        "3 questions",
        "20 minutes",
        "2 attempts allowed, 1 used",
        "Your grade is your highest attempt",
        "Feedback after each answer",
        "Pass mark 60 %",
        "You may read the text during the quiz",
        "Read the text: The Rapallo article",
    ]:
        assert words in text
    assert f'href="{source.get_absolute_url()}"' in response.text


def test_quiz_page_states_the_other_settings_in_plain_words(client, student):
    now = timezone.now()
    quiz = QuizFactory(
        question_count=1,
        grading_method=Quiz.GradingMethod.AVERAGE,
        feedback=Quiz.Feedback.DEFERRED,
        pass_mark=Decimal("62.5"),
        text_during_quiz=False,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    client.force_login(student)

    text = page_text(client.get(quiz.get_absolute_url()))

    for words in [
        "1 question ",
        "No time limit",
        "Unlimited attempts, 0 used",
        "Your grade is the average of your attempts",
        "Feedback after you submit",
        "Pass mark 62.5 %",
        "The text is closed during the quiz",
        "Opened ",
        "Closes ",
    ]:
        assert words in text


@pytest.mark.parametrize(
    ("method", "grade"),
    [
        (Quiz.GradingMethod.HIGHEST, "100 %"),
        (Quiz.GradingMethod.LAST, "66.7 %"),
        (Quiz.GradingMethod.FIRST, "33.3 %"),
        (Quiz.GradingMethod.AVERAGE, "66.7 %"),
    ],
)
def test_quiz_page_grade_follows_the_grading_method(client, student, method, grade):
    quiz = QuizFactory(question_count=3, grading_method=method)
    for correct in (1, 3, 2):
        take(quiz, student, correct=correct)
    client.force_login(student)

    text = page_text(client.get(quiz.get_absolute_url()))

    assert f"Your grade: {grade}" in text


def test_quiz_page_lists_attempts_with_scores_and_links(client, student, quiz):
    first = take(quiz, student, correct=3)
    second = take(quiz, student, correct=0)
    open_attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)

    response = client.get(quiz.get_absolute_url())

    text = page_text(response)
    assert "100 % Pass 3 / 3 marks Review attempt 1" in text
    assert "0 % Fail 0 / 3 marks Review attempt 2" in text
    assert "3 In progress" in text
    assert reverse("quizzes:attempt_result", args=[first.pk]) in response.text
    assert reverse("quizzes:attempt_result", args=[second.pk]) in response.text
    assert open_attempt.get_absolute_url() in response.text
    assert "Resume attempt 3" in text


def test_quiz_page_start_button_posts_to_start_quiz(client, student, quiz):
    client.force_login(student)

    response = client.get(quiz.get_absolute_url())

    assert f'action="{reverse("quizzes:start_quiz", args=[quiz.slug])}"' in response.text
    assert 'method="post"' in response.text
    assert "Start the quiz" in page_text(response)


def test_quiz_page_offers_a_retake_while_attempts_remain(client, student):
    quiz = QuizFactory(question_count=1, attempts_allowed=2)
    take(quiz, student, correct=1)
    client.force_login(student)

    text = page_text(client.get(quiz.get_absolute_url()))

    assert "Retake the quiz" in text
    assert "1 attempt left" in text


def test_quiz_page_says_why_no_attempts_are_left(client, student):
    quiz = QuizFactory(question_count=1, attempts_allowed=1)
    take(quiz, student, correct=1)
    client.force_login(student)

    response = client.get(quiz.get_absolute_url())

    assert "You have used all your attempts at this quiz." in page_text(response)
    assert reverse("quizzes:start_quiz", args=[quiz.slug]) not in response.text


def test_quiz_page_of_a_closed_quiz_shows_past_attempts_but_no_start(client, student):
    quiz = QuizFactory(question_count=1)
    take(quiz, student, correct=1, moment=timezone.now() - timedelta(days=2))
    quiz.closes_at = timezone.now() - timedelta(days=1)
    quiz.save()
    client.force_login(student)

    response = client.get(quiz.get_absolute_url())

    text = page_text(response)
    assert "This quiz is closed." in text
    assert "Your grade: 100 %" in text
    assert reverse("quizzes:start_quiz", args=[quiz.slug]) not in response.text


def test_unpublished_quiz_is_not_found_for_students(client, student):
    draft = QuizFactory(is_published=False, question_count=1)
    client.force_login(student)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_instructors_can_open_an_unpublished_quiz_to_preview_it(client, instructor):
    draft = QuizFactory(is_published=False, question_count=1)
    client.force_login(instructor)

    response = client.get(draft.get_absolute_url())

    text = page_text(response)
    assert response.status_code == 200
    assert "Draft — preview" in text
    assert "Preview the quiz" in text


def test_previews_are_listed_but_never_count_in_the_grade(client, instructor, quiz):
    take(quiz, instructor, correct=3)
    client.force_login(instructor)

    response = client.get(quiz.get_absolute_url())

    text = page_text(response)
    assert "1 Preview" in text
    assert "Unlimited attempts, 0 used" in text
    assert "Your grade:" not in text
    assert "Preview the quiz" in text


@pytest.mark.parametrize("attempt_count", [1, 6])
def test_quiz_page_query_count_does_not_grow_with_attempts(
    client, student, quiz, attempt_count, django_assert_num_queries
):
    for _ in range(attempt_count):
        take(quiz, student, correct=2)
    client.force_login(student)

    # session, user, quiz, its assignments, the user's memberships of their courses, the user's
    # override, overdue attempts, the user's attempts, a test in progress sharing its questions
    # (no permission lookups for a student, who is not staff)
    with django_assert_num_queries(9):
        response = client.get(quiz.get_absolute_url())

    assert response.status_code == 200


# The text


def test_text_page_shows_paragraphs_with_anchors_and_attribution(client, student):
    text = SourceTextFactory(
        title="Treaty of Rapallo",
        publisher="Example Press",
        page_title="Rapallo, 1922",
        url="https://example.org/rapallo",
        published_on=timezone.now().date().replace(year=2020, month=4, day=16),
    )
    QuizFactory(source_text=text, question_count=1)
    client.force_login(student)

    response = client.get(text.get_absolute_url())

    page = page_text(response)
    assert response.status_code == 200
    assert "Treaty of Rapallo" in page
    assert (
        'From “<a href="https://example.org/rapallo" rel="noopener noreferrer">Rapallo, 1922</a>”'
        ', Example Press, <time datetime="2020-04-16">16 April 2020</time>.'
    ) in response.text
    for number, paragraph in enumerate(text.paragraphs(), start=1):
        assert f'id="p{number}"' in response.text
        assert f'href="#p{number}"' in response.text
        assert paragraph.text in page
    assert 'id="p4"' not in response.text


def test_unknown_text_is_not_found(client, student):
    client.force_login(student)

    assert client.get(reverse("quizzes:source_text_detail", args=["nope"])).status_code == 404


def test_text_is_closed_during_a_quiz_that_forbids_it(client, student):
    quiz = QuizFactory(question_count=1, text_during_quiz=False)
    start_attempt(quiz=quiz, student=student)
    client.force_login(student)

    response = client.get(quiz.source_text.get_absolute_url())

    assert response.status_code == 403
    assert "The text is closed while you take" in page_text(response)
    assert 'id="p1"' not in response.text


def test_text_opens_again_once_the_attempt_is_submitted(client, student):
    quiz = QuizFactory(question_count=1, text_during_quiz=False)
    take(quiz, student, correct=1)
    client.force_login(student)

    response = client.get(quiz.source_text.get_absolute_url())

    assert response.status_code == 200
    assert 'id="p1"' in response.text


# My scores


def test_my_scores_lists_counted_attempts_with_each_quiz_grade(client, student, other_student):
    practice = QuizFactory(title="Practice", question_count=3, pass_mark=Decimal(50))
    test = QuizFactory(title="Test", question_count=3, grading_method=Quiz.GradingMethod.LAST)
    untouched = QuizFactory(title="Untouched", question_count=1)
    first = take(practice, student, correct=1)
    take(practice, student, correct=3)
    take(test, student, correct=3)
    take(test, student, correct=1)
    start_attempt(quiz=test, student=student)
    take(untouched, other_student, correct=1)
    client.force_login(student)

    response = client.get(reverse("quizzes:my_scores"))

    text = page_text(response)
    assert "Practice The class Grade: 100 %" in text
    assert "Test The class Grade: 33.3 %" in text
    assert "Untouched" not in text
    assert "33.3 % Fail 1 / 3 marks" in text
    assert "100 % Pass 3 / 3 marks" in text
    assert text.count("Review attempt") == 4
    assert reverse("quizzes:attempt_result", args=[first.pk]) in response.text


def test_my_scores_marks_attempts_that_ran_out_of_time(client, student):
    timed = QuizFactory(question_count=2, time_limit_minutes=5)
    start_attempt(quiz=timed, student=student, moment=timezone.now() - timedelta(hours=1))
    client.force_login(student)

    text = page_text(client.get(reverse("quizzes:my_scores")))

    assert "Time ran out" in text
    assert "0 % Fail 0 / 2 marks" in text


def test_my_scores_without_attempts_points_to_the_quizzes(client, student):
    client.force_login(student)

    response = client.get(reverse("quizzes:my_scores"))

    assert "No scores yet" in page_text(response)


@pytest.mark.parametrize("quiz_count", [1, 6])
def test_my_scores_query_count_does_not_grow(
    client, student, quiz_count, django_assert_num_queries
):
    for _ in range(quiz_count):
        quiz = QuizFactory(question_count=2)
        take(quiz, student, correct=1)
        take(quiz, student, correct=2)
    client.force_login(student)

    # session, user, overdue attempts, counted attempts with their quizzes, the courses'
    # assignments (their review options and dates; a student's menu needs no permission queries)
    with django_assert_num_queries(5):
        response = client.get(reverse("quizzes:my_scores"))

    assert page_text(response).count("Review attempt") == 2 * quiz_count


# Accounts


def test_signup_creates_an_account_and_logs_in(client):
    response = client.post(
        reverse("signup"),
        {"username": "nadia", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
        follow=True,
    )

    assert response.redirect_chain == [(reverse("quizzes:quiz_list"), 302)]
    assert response.context["user"].get_username() == "nadia"
    assert get_user_model().objects.filter(username="nadia").exists()
    assert "Welcome, nadia" in page_text(response)


def test_signup_with_mismatched_passwords_shows_errors(client):
    response = client.post(
        reverse("signup"),
        {"username": "nadia", "password1": "a-long-pass-phrase", "password2": "something-else"},
    )

    assert response.status_code == 400
    assert "The two password fields didn’t match." in page_text(response)
    assert 'aria-invalid="true"' in response.text
    assert not get_user_model().objects.filter(username="nadia").exists()


def test_signup_refuses_a_taken_username(client, student):
    response = client.post(
        reverse("signup"),
        {"username": "SAM", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )

    assert response.status_code == 400
    assert "A user with that username already exists." in page_text(response)
    assert get_user_model().objects.count() == 1


def test_signup_page_has_labelled_fields(client):
    response = client.get(reverse("signup"))

    assert response.status_code == 200
    for field in ("username", "password1", "password2"):
        assert f'<label for="id_{field}">' in response.text


def test_logged_in_user_is_sent_home_from_signup(client, student):
    client.force_login(student)

    response = client.get(reverse("signup"))

    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:quiz_list")


def test_login_with_a_wrong_password_says_so(client, student):
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in page_text(response)


def test_login_then_home(client):
    UserFactory(username="lena")

    response = client.post(
        reverse("login"), {"username": "lena", "password": "correct-horse-battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:quiz_list")


def test_password_change_pages(client, student):
    client.force_login(student)

    form = client.get(reverse("password_change"))
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "another-long-phrase",
            "new_password2": "another-long-phrase",
        },
        follow=True,
    )

    assert "Change your password" in page_text(form)
    assert "Password changed" in page_text(response)
    student.refresh_from_db()
    assert student.check_password("another-long-phrase")


def test_logging_out_leads_to_the_login_page(client, student):
    client.force_login(student)

    response = client.post(reverse("logout"), follow=True)

    assert response.redirect_chain == [(reverse("login"), 302)]
    assert response.context["user"].is_anonymous


def test_logged_out_page_when_no_redirect_is_set(client, student, settings):
    settings.LOGOUT_REDIRECT_URL = None
    client.force_login(student)

    response = client.post(reverse("logout"))

    assert response.status_code == 200
    assert "You are logged out" in page_text(response)


# The site menu (quizzes/context_processors.py)


def test_the_menu_links_where_its_words_say(client, student):
    client.force_login(student)
    page = client.get(reverse("quizzes:my_scores")).text
    for path, words in [
        (reverse("quizzes:quiz_list"), "Quizzes"),
        (reverse("quizzes:my_scores"), "My scores"),
    ]:
        assert re.search(rf'<a href="{path}"[^>]*>{words}</a>', page)
    assert f'action="{reverse("logout")}"' in page
    assert f'href="{reverse("password_change")}"' in page

    client.logout()
    page = client.get(reverse("login")).text
    assert f'href="{reverse("signup")}"' in page


def test_the_menu_follows_the_script_prefix_the_site_is_served_under(rf):
    try:
        set_script_prefix("/school/")
        assert menu_links(rf.get("/"))["menu"]["my_scores"] == "/school/scores/"
    finally:
        set_script_prefix("/")
    assert menu_links(rf.get("/"))["menu"]["my_scores"] == "/scores/"


def test_cached_urls_are_reverses_under_the_script_prefix_in_use():
    assert reverse_cached("quizzes:finish_attempt", 7) == reverse(
        "quizzes:finish_attempt", args=[7]
    )
    assert reverse_cached("quizzes:attempt_question", 7, 3) == "/attempts/7/questions/3/"
    try:
        set_script_prefix("/school/")
        assert reverse_cached("quizzes:attempt_question", 7, 3) == (
            "/school/attempts/7/questions/3/"
        )
    finally:
        set_script_prefix("/")
