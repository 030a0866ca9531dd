"""Taking an attempt through the test client: as htmx requests and as plain form posts."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from quizzes.forms import answer_data
from quizzes.models import Attempt, Quiz, Response
from quizzes.starting import start_attempt
from tests.factories import (
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    NumericQuestionFactory,
    OrderingQuestionFactory,
    QuizFactory,
    QuizQuestionFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    add_option,
    rename_option,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
EXPLANATION = "Because the text says so."  # QuestionFactory's explanation
EXCERPT = "The first paragraph names Lipetsk"  # QuestionFactory's excerpt

KIND_FACTORIES = {
    "single_choice": SingleChoiceQuestionFactory,
    "multiple_response": MultipleResponseQuestionFactory,
    "true_false": TrueFalseQuestionFactory,
    "short_answer": ShortAnswerQuestionFactory,
    "numeric": NumericQuestionFactory,
    "ordering": OrderingQuestionFactory,
    "matching": MatchingQuestionFactory,
}


def make_quiz(*kinds, feedback=Quiz.Feedback.DEFERRED, **quiz_fields) -> Quiz:
    """A published quiz with one question of each kind given, in that order."""
    quiz = QuizFactory(feedback=feedback, **quiz_fields)
    for position, kind in enumerate(kinds, start=1):
        QuizQuestionFactory(
            quiz=quiz,
            position=position,
            question=KIND_FACTORIES[kind](source_text=quiz.source_text),
        )
    return quiz


def by_text(snapshot: dict, key: str = "options") -> dict[str, str]:
    return {item["text"]: item["id"] for item in snapshot[key]}


def pick(snapshot: dict, *texts: str) -> dict:
    """Form data choosing the options with these texts, as the browser sends it."""
    ids = by_text(snapshot)
    if snapshot["kind"] == "multiple_response":
        return answer_data(snapshot, [ids[text] for text in texts])
    return answer_data(snapshot, ids[texts[0]])


def right_post(snapshot: dict) -> tuple[dict, object]:
    """Form data answering a question fully right, and the answer it should store."""
    kind = snapshot["kind"]
    if kind in ("single_choice", "true_false"):
        stored = snapshot["correct"][0]
    elif kind == "multiple_response":
        stored = [o["id"] for o in snapshot["options"] if o["id"] in snapshot["correct"]]
    elif kind == "short_answer":
        return {"answer": "  lipetsk. "}, "lipetsk."
    elif kind == "numeric":
        return {"answer": "1925"}, "1925"
    elif kind == "ordering":
        stored = snapshot["correct"]
    elif kind == "matching":
        stored = snapshot["matches"]
    else:
        raise AssertionError(kind)
    return answer_data(snapshot, stored), stored


def question_url(attempt: Attempt, position: int) -> str:
    return reverse("quizzes:attempt_question", args=[attempt.pk, position])


def response_at(attempt: Attempt, position: int) -> Response:
    return attempt.responses.get(position=position)


@pytest.fixture
def deferred_quiz():
    return make_quiz("single_choice", "short_answer", "numeric", feedback="deferred")


@pytest.fixture
def attempt(student, quiz):
    """An attempt at the three-question immediate-feedback quiz."""
    return start_attempt(quiz=quiz, student=student)


@pytest.fixture
def deferred_attempt(student, deferred_quiz):
    return start_attempt(quiz=deferred_quiz, student=student)


# Starting and resuming


def test_start_creates_an_attempt_and_opens_question_one(client, student, quiz):
    client.force_login(student)
    response = client.post(reverse("quizzes:start_quiz", args=[quiz.slug]))
    attempt = Attempt.objects.get(student=student, quiz=quiz)
    assert response.status_code == 302
    assert response["Location"] == question_url(attempt, 1)
    assert attempt.responses.count() == 3


def test_start_resumes_the_open_attempt_at_its_first_unanswered_question(client, student, attempt):
    response_at(attempt, 1).save_answer(response_at(attempt, 1).snapshot["correct"][0])
    client.force_login(student)
    response = client.post(reverse("quizzes:start_quiz", args=[attempt.quiz.slug]))
    assert response["Location"] == question_url(attempt, 2)
    assert Attempt.objects.filter(student=student).count() == 1


def test_start_over_htmx_redirects_the_whole_page(client, student, quiz):
    client.force_login(student)
    response = client.post(reverse("quizzes:start_quiz", args=[quiz.slug]), headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith("/attempts/")


def test_start_refused_with_a_message_when_no_attempts_are_left(client, student):
    quiz = make_quiz("single_choice", attempts_allowed=1)
    start_attempt(quiz=quiz, student=student).finish()
    client.force_login(student)
    response = client.post(reverse("quizzes:start_quiz", args=[quiz.slug]), follow=False)
    assert response["Location"] == quiz.get_absolute_url()
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages == ["You have used all your attempts at this quiz."]
    assert Attempt.objects.filter(student=student).count() == 1


def test_start_needs_post_and_login(client, student, quiz):
    url = reverse("quizzes:start_quiz", args=[quiz.slug])
    assert client.post(url)["Location"].startswith(reverse("login"))
    client.force_login(student)
    assert client.get(url).status_code == 405


def test_students_cannot_start_unpublished_quizzes(client, student):
    quiz = make_quiz("single_choice", is_published=False)
    client.force_login(student)
    assert client.post(reverse("quizzes:start_quiz", args=[quiz.slug])).status_code == 404


def test_instructor_previews_an_unpublished_quiz_and_it_never_counts(client, instructor):
    quiz = make_quiz("single_choice", is_published=False)
    client.force_login(instructor)
    response = client.post(reverse("quizzes:start_quiz", args=[quiz.slug]), follow=True)
    attempt = Attempt.objects.get(student=instructor)
    assert attempt.is_preview
    assert "Preview — not counted" in response.text
    client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    page = client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    assert "Preview — not counted" in page.text
    assert not Attempt.objects.counted().exists()


# The question page


def test_question_page_full(client, student, attempt):
    client.force_login(student)
    response = client.get(question_url(attempt, 2))
    html = response.text
    assert response.status_code == 200
    assert "<html" in html
    assert 'hx-history="false"' in html
    assert "no-store" in response["Cache-Control"]
    assert "Question 2 of 3" in html
    assert '<progress max="3" value="2"' in html
    assert 'id="navigator"' in html
    assert "<legend" in html
    assert attempt.responses.get(position=2).snapshot["prompt"] in html


def test_question_fragment_for_htmx(client, student, attempt):
    client.force_login(student)
    response = client.get(question_url(attempt, 2), headers=HTMX)
    html = response.text
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="question-card"')
    assert 'hx-swap-oob="true"' in html  # the navigator follows out of band
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_full_page(client, student, attempt):
    client.force_login(student)
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    response = client.get(question_url(attempt, 1), headers=headers)
    assert "<html" in response.text


def test_question_outside_the_attempt_is_404(client, student, attempt):
    client.force_login(student)
    assert client.get(question_url(attempt, 4)).status_code == 404
    assert client.get(question_url(attempt, 0)).status_code == 404


def test_question_is_shown_from_the_snapshot_not_the_live_question(client, student, attempt):
    question = response_at(attempt, 1).question
    question.prompt = "Edited after the attempt started?"
    question.save()
    rename_option(question, "Volsk", "Edited option")
    client.force_login(student)
    html = client.get(question_url(attempt, 1)).text
    assert "Edited" not in html
    assert "Volsk" in html


@pytest.mark.parametrize("kind", list(KIND_FACTORIES))
def test_each_kind_renders_labelled_keyboard_controls(client, student, kind):
    attempt = start_attempt(quiz=make_quiz(kind), student=student)
    client.force_login(student)
    html = client.get(question_url(attempt, 1)).text
    expected = {
        "single_choice": 'type="radio"',
        "true_false": 'type="radio"',
        "multiple_response": 'type="checkbox"',
        "short_answer": 'type="text"',
        "numeric": 'inputmode="decimal"',
        "ordering": "<select",
        "matching": "<select",
    }[kind]
    assert expected in html
    assert html.count("<label for=") >= 1
    if kind == "ordering":
        assert "Position of" in html
    if kind == "matching":
        snapshot = response_at(attempt, 1).snapshot
        targets = [target["text"] for target in snapshot["targets"]]
        positions = [html.index(f">{text}</option>") for text in targets]
        assert positions == sorted(positions)  # listed in the snapshot's order


# Answering every kind


@pytest.mark.parametrize("kind", list(KIND_FACTORIES))
def test_answer_each_kind_over_htmx(client, student, kind):
    attempt = start_attempt(quiz=make_quiz(kind, "single_choice"), student=student)
    data, stored = right_post(response_at(attempt, 1).snapshot)
    client.force_login(student)
    response = client.post(question_url(attempt, 1), data, headers=HTMX)
    saved = response_at(attempt, 1)
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]
    assert response["HX-Push-Url"] == question_url(attempt, 2)  # the card moved on
    assert "Question 2 of 2" in response.text
    assert "Your answer to question 1 was saved." in response.text
    assert saved.answer == stored
    assert saved.marks == saved.points


@pytest.mark.parametrize("kind", list(KIND_FACTORIES))
def test_answer_each_kind_as_a_plain_form_post(client, student, kind):
    attempt = start_attempt(quiz=make_quiz(kind, "single_choice"), student=student)
    data, stored = right_post(response_at(attempt, 1).snapshot)
    client.force_login(student)
    response = client.post(question_url(attempt, 1), data)
    assert response.status_code == 302
    assert response["Location"] == question_url(attempt, 2)
    assert response_at(attempt, 1).answer == stored


class AnswerControls(HTMLParser):
    """What a browser would send from a page's answer form: {name: [values]} (no JavaScript)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self.in_answer_form = False
        self.select: str | None = None
        self.first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_answer_form = "data-answer-form" in attrs
        if not self.in_answer_form:
            return
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            if "checked" in attrs:
                self.data.setdefault(attrs["name"], []).append(attrs["value"])
        elif tag == "input" and attrs.get("type") == "text":
            self.data[attrs["name"]] = [attrs.get("value", "")]
        elif tag == "select":
            self.select, self.first_option = attrs["name"], None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs["value"]
            if "selected" in attrs:
                self.data[self.select] = [attrs["value"]]

    def handle_endtag(self, tag):
        if tag == "select" and self.select:
            # A select with nothing marked sends its first option, as a browser does.
            self.data.setdefault(self.select, [self.first_option])
            self.select = None
        elif tag == "form":
            self.in_answer_form = False


def sent_by(html: str) -> dict[str, list[str]]:
    parser = AnswerControls()
    parser.feed(html)
    return parser.data


def as_lists(data: dict) -> dict[str, list[str]]:
    """Form data as sent_by() reads it; text boxes come back trimmed, as the form stores them."""
    return {
        name: value if isinstance(value, list) else [value.strip()] for name, value in data.items()
    }


@pytest.mark.parametrize("kind", list(KIND_FACTORIES))
def test_a_saved_answer_of_every_kind_is_shown_as_it_was_given(client, student, kind):
    attempt = start_attempt(quiz=make_quiz(kind, "single_choice"), student=student)
    data, _ = right_post(response_at(attempt, 1).snapshot)
    client.force_login(student)
    assert sent_by(client.get(question_url(attempt, 1)).text) != as_lists(data)
    client.post(question_url(attempt, 1), data)
    page = client.get(question_url(attempt, 1)).text
    # What the page would send again is what was saved.
    assert sent_by(page) == as_lists(data)


def test_a_refused_answer_is_shown_as_sent_with_its_controls_marked_invalid(client, student):
    attempt = start_attempt(quiz=make_quiz("ordering"), student=student)
    snapshot = response_at(attempt, 1).snapshot
    data = {f"item_{number}": "1" for number in range(1, len(snapshot["options"]) + 1)}
    client.force_login(student)
    page = client.post(question_url(attempt, 1), data, headers=HTMX).text
    assert sent_by(page) == as_lists(data)
    assert page.count('aria-invalid="true"') == 0  # the error is the form's, not one select's
    single = start_attempt(quiz=make_quiz("single_choice"), student=student)
    page = client.post(question_url(single, 1), {}, headers=HTMX).text
    radios = len(response_at(single, 1).snapshot["options"])
    assert page.count('aria-invalid="true"') == radios
    assert page.count(" required") >= radios


def test_option_texts_are_escaped_in_the_controls(client, student):
    question = SingleChoiceQuestionFactory()
    add_option(question, '<b>bold</b> & "quoted"')
    quiz = QuizFactory(source_text=question.source_text)
    QuizQuestionFactory(quiz=quiz, question=question, position=1)
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    html = client.get(question_url(attempt, 1)).text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;" in html
    assert "<b>bold</b>" not in html


def test_saving_the_last_question_goes_to_the_summary(client, student, deferred_attempt):
    client.force_login(student)
    response = client.post(question_url(deferred_attempt, 3), {"answer": "1922"}, headers=HTMX)
    assert response["HX-Redirect"] == reverse("quizzes:finish_attempt", args=[deferred_attempt.pk])
    assert response_at(deferred_attempt, 3).answer == "1922"


def test_saving_again_replaces_the_answer(client, student, deferred_attempt):
    first = response_at(deferred_attempt, 1)
    snapshot = first.snapshot
    ids = by_text(snapshot)
    client.force_login(student)
    client.post(question_url(deferred_attempt, 1), pick(snapshot, "Volsk"))
    client.post(question_url(deferred_attempt, 1), pick(snapshot, "Lipetsk"), headers=HTMX)
    rows = Response.objects.filter(attempt=deferred_attempt, position=1)
    assert rows.count() == 1
    assert rows.get().answer == ids["Lipetsk"]
    assert rows.get().marks == 1
    assert deferred_attempt.responses.count() == 3


def test_a_saved_answer_is_shown_when_the_question_is_reopened(client, student, deferred_attempt):
    client.force_login(student)
    client.post(question_url(deferred_attempt, 2), {"answer": "Kazan"})
    html = client.get(question_url(deferred_attempt, 2)).text
    assert 'value="Kazan"' in html
    assert "You can change this answer until you submit." in html


# Invalid input: a message, status 200, nothing stored


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_number_that_is_not_a_number_is_refused(client, student, deferred_attempt, headers):
    client.force_login(student)
    response = client.post(
        question_url(deferred_attempt, 3), {"answer": "nineteen"}, headers=headers
    )
    assert response.status_code == 200
    assert "Enter a number, e.g. 1922" in response.text
    assert 'aria-invalid="true"' in response.text
    assert not response_at(deferred_attempt, 3).is_answered


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("single_choice", {"answer": "999999"}),
        ("single_choice", {}),
        ("true_false", {"answer": "maybe"}),
        ("multiple_response", {"answer": ["999999"]}),
        ("short_answer", {"answer": "   "}),
        ("ordering", {"item_999999": "1"}),
        ("matching", {"match_999999": "1"}),
    ],
)
def test_ids_not_in_the_snapshot_or_missing_answers_are_refused(client, student, kind, data):
    attempt = start_attempt(quiz=make_quiz(kind), student=student)
    client.force_login(student)
    response = client.post(question_url(attempt, 1), data, headers=HTMX)
    assert response.status_code == 200
    assert 'id="answer-errors"' in response.text
    assert not response_at(attempt, 1).is_answered


def test_ordering_needs_distinct_positions(client, student):
    attempt = start_attempt(quiz=make_quiz("ordering"), student=student)
    snapshot = response_at(attempt, 1).snapshot
    data = {f"item_{number}": "1" for number in range(1, len(snapshot["options"]) + 1)}
    client.force_login(student)
    response = client.post(question_url(attempt, 1), data)
    assert response.status_code == 200
    assert "Give each item a different position" in response.text
    assert not response_at(attempt, 1).is_answered


def test_matching_rejects_a_value_that_is_not_one_of_its_targets(client, student):
    attempt = start_attempt(quiz=make_quiz("matching"), student=student)
    snapshot = response_at(attempt, 1).snapshot
    data = {f"match_{n}": "t99" for n in range(1, len(snapshot["prompts"]) + 1)}
    client.force_login(student)
    response = client.post(question_url(attempt, 1), data)
    assert response.status_code == 200
    assert "Choose a match from the list." in response.text
    assert not response_at(attempt, 1).is_answered


# Feedback: immediate shows it and locks the question; deferred shows nothing


def test_immediate_feedback_shows_the_key_explanation_and_excerpt(client, student, attempt):
    snapshot = response_at(attempt, 1).snapshot
    client.force_login(student)
    response = client.post(question_url(attempt, 1), pick(snapshot, "Volsk"), headers=HTMX)
    html = response.text
    assert response.status_code == 200
    assert response["HX-Replace-Url"] == question_url(attempt, 1)  # same card, no new entry
    assert "Wrong" in html
    assert "Correct answer" in html
    assert EXPLANATION in html
    assert f'<mark class="excerpt-highlight">{EXCERPT}</mark>' in html
    assert 'role="status"' in html
    assert "disabled" in html  # the answered question is read-only
    assert "Next →" in html
    text_url = reverse("quizzes:source_text_detail", args=[attempt.quiz.source_text.slug])
    assert f'href="{text_url}#p1"' in html


def test_immediate_feedback_after_a_plain_post(client, student, attempt):
    snapshot = response_at(attempt, 1).snapshot
    client.force_login(student)
    response = client.post(question_url(attempt, 1), pick(snapshot, "Lipetsk"))
    assert response["Location"] == question_url(attempt, 1)
    html = client.get(response["Location"]).text
    assert "Right" in html
    assert EXPLANATION in html


def test_the_question_page_links_to_the_text_when_the_quiz_allows_it(client, student):
    quiz = make_quiz("single_choice", text_during_quiz=True)
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    html = client.get(question_url(attempt, 1)).text
    text_url = reverse("quizzes:source_text_detail", args=[quiz.source_text.slug])
    assert f'<a href="{text_url}" target="_blank" rel="noopener">Read the text' in html


def test_no_text_link_during_the_quiz_when_the_text_is_closed(client, student):
    quiz = make_quiz("single_choice", feedback="immediate", text_during_quiz=False)
    attempt = start_attempt(quiz=quiz, student=student)
    snapshot = response_at(attempt, 1).snapshot
    client.force_login(student)
    html = client.post(question_url(attempt, 1), pick(snapshot, "Volsk"), headers=HTMX).text
    assert "excerpt-highlight" in html
    assert "Read in the text" not in html
    assert "Read the text" not in client.get(question_url(attempt, 1)).text


def test_an_answered_immediate_question_cannot_change(client, student, attempt):
    snapshot = response_at(attempt, 1).snapshot
    ids = by_text(snapshot)
    client.force_login(student)
    client.post(question_url(attempt, 1), pick(snapshot, "Volsk"))
    response = client.post(question_url(attempt, 1), pick(snapshot, "Lipetsk"), headers=HTMX)
    assert response.status_code == 200
    assert "cannot change" in response.text
    assert response_at(attempt, 1).answer == ids["Volsk"]


def test_partly_right_is_said_in_words(client, student):
    attempt = start_attempt(
        quiz=make_quiz("multiple_response", feedback="immediate"), student=student
    )
    snapshot = response_at(attempt, 1).snapshot
    client.force_login(student)
    html = client.post(question_url(attempt, 1), pick(snapshot, "Lipetsk"), headers=HTMX).text
    assert "Partly right" in html


def test_deferred_feedback_says_nothing_about_correctness(client, student, deferred_attempt):
    snapshot = response_at(deferred_attempt, 1).snapshot
    client.force_login(student)
    client.post(question_url(deferred_attempt, 1), pick(snapshot, "Volsk"))
    for position in (1, 2):
        html = client.get(question_url(deferred_attempt, position)).text
        for secret in (EXPLANATION, "Correct answer", "Wrong", "Right", "excerpt-highlight"):
            assert secret not in html


@pytest.mark.parametrize("kind", list(KIND_FACTORIES))
def test_the_key_is_never_in_the_page_before_review(client, student, kind):
    attempt = start_attempt(quiz=make_quiz(kind, feedback="immediate"), student=student)
    client.force_login(student)
    html = client.get(question_url(attempt, 1)).text.lower()
    for secret in (EXPLANATION, EXCERPT, "correct", "lipezk", "excerpt-highlight"):
        assert secret.lower() not in html
    # As a whole number: the page's clock reading in ms and its CSRF token may hold these digits.
    assert not re.search(r"\b1925\b", html)


# Flagging


def test_flag_over_htmx_swaps_the_button_and_navigator(client, student, attempt):
    client.force_login(student)
    url = reverse("quizzes:toggle_flag", args=[attempt.pk, 2])
    response = client.post(url, {"flagged": "on"}, headers=HTMX)
    html = response.text
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="flag-form"')
    assert 'aria-pressed="true"' in html
    assert 'id="navigator"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'aria-label="Question 2, not answered, flagged"' in html
    assert "HX-Request" in response["Vary"]
    assert response_at(attempt, 2).flagged


def test_the_navigator_names_each_question_state(client, student, deferred_attempt):
    client.force_login(student)
    client.post(question_url(deferred_attempt, 2), {"answer": "Kazan"})
    client.post(reverse("quizzes:toggle_flag", args=[deferred_attempt.pk, 2]), {"flagged": "on"})
    client.post(reverse("quizzes:toggle_flag", args=[deferred_attempt.pk, 3]), {"flagged": "on"})
    html = client.get(question_url(deferred_attempt, 3)).text
    first, second = question_url(deferred_attempt, 1), question_url(deferred_attempt, 2)
    assert f'class="nav-item" hx-get="{first}" aria-label="Question 1, not answered">1<' in html
    assert (
        f'class="nav-item is-answered is-flagged" hx-get="{second}"'
        ' aria-label="Question 2, answered, flagged">2<'
    ) in html
    assert 'aria-label="Question 3, not answered, flagged" aria-current="step">3<' in html
    assert "1 answered" in html


def test_flag_as_a_plain_post_then_clear_it(client, student, attempt):
    client.force_login(student)
    url = reverse("quizzes:toggle_flag", args=[attempt.pk, 2])
    response = client.post(url, {"flagged": "on"})
    assert response["Location"] == question_url(attempt, 2)
    assert response_at(attempt, 2).flagged
    client.post(url, {"flagged": ""})  # a replay of "clear" leaves it cleared
    client.post(url, {"flagged": ""})
    assert not response_at(attempt, 2).flagged


# Finishing


def test_finish_summary_lists_unanswered_and_flagged(client, student, deferred_attempt):
    client.force_login(student)
    client.post(question_url(deferred_attempt, 1), {"answer": "999999"})  # not an option
    client.post(question_url(deferred_attempt, 2), {"answer": "Lipetsk"})
    client.post(reverse("quizzes:toggle_flag", args=[deferred_attempt.pk, 3]), {"flagged": "on"})
    response = client.get(reverse("quizzes:finish_attempt", args=[deferred_attempt.pk]))
    html = response.text
    assert "no-store" in response["Cache-Control"]
    assert "1 of 3" in html
    assert "Not answered (2)" in html
    assert "Flagged for review (1)" in html
    assert f'href="{question_url(deferred_attempt, 3)}"' in html


def test_double_submit_grades_once(client, student, deferred_attempt):
    client.force_login(student)
    client.post(question_url(deferred_attempt, 2), {"answer": "Lipetsk"})
    url = reverse("quizzes:finish_attempt", args=[deferred_attempt.pk])
    first = client.post(url)
    deferred_attempt.refresh_from_db()
    submitted_at = deferred_attempt.submitted_at
    second = client.post(url, headers=HTMX)
    deferred_attempt.refresh_from_db()
    result_url = reverse("quizzes:attempt_result", args=[deferred_attempt.pk])
    assert first["Location"] == result_url
    assert second["HX-Redirect"] == result_url
    assert deferred_attempt.state == Attempt.State.SUBMITTED
    assert deferred_attempt.submitted_at == submitted_at
    assert deferred_attempt.score == 1


def test_no_answers_after_submitting(client, student, deferred_attempt):
    deferred_attempt.finish()
    client.force_login(student)
    response = client.post(question_url(deferred_attempt, 2), {"answer": "Lipetsk"})
    assert response["Location"] == reverse("quizzes:attempt_result", args=[deferred_attempt.pk])
    assert not response_at(deferred_attempt, 2).is_answered


# Deadlines: the server is the authority


def overdue(attempt: Attempt) -> Attempt:
    attempt.deadline = timezone.now() - timedelta(seconds=1)
    attempt.save(update_fields=["deadline"])
    return attempt


def test_answer_after_the_deadline_is_refused_and_not_stored(client, student, deferred_attempt):
    overdue(deferred_attempt)
    client.force_login(student)
    response = client.post(question_url(deferred_attempt, 2), {"answer": "Lipetsk"}, follow=True)
    deferred_attempt.refresh_from_db()
    assert not response_at(deferred_attempt, 2).is_answered
    assert deferred_attempt.state == Attempt.State.EXPIRED
    assert "this answer arrived after the deadline" not in response.text  # not the race message
    assert "Time ran out before this answer arrived, so it was not saved." in response.text
    assert "Time ran out: your saved answers were submitted." in response.text


def test_answer_racing_the_deadline_is_refused_in_the_card(
    client, student, deferred_attempt, monkeypatch
):
    # The deadline passes between the view's check and the save: the model refuses it.
    overdue(deferred_attempt)
    monkeypatch.setattr(Attempt, "is_overdue", lambda self, moment=None: False)
    client.force_login(student)
    response = client.post(question_url(deferred_attempt, 2), {"answer": "Lipetsk"}, headers=HTMX)
    assert response.status_code == 200
    assert 'id="question-card"' in response.text
    assert "after the deadline and was not saved" in response.text
    assert not response_at(deferred_attempt, 2).is_answered


def test_overdue_attempt_is_closed_when_viewed(client, student, deferred_attempt):
    client.force_login(student)
    client.post(question_url(deferred_attempt, 2), {"answer": "Lipetsk"})
    overdue(deferred_attempt)
    response = client.get(question_url(deferred_attempt, 1), headers=HTMX)
    deferred_attempt.refresh_from_db()
    assert response["HX-Redirect"] == reverse("quizzes:attempt_result", args=[deferred_attempt.pk])
    assert deferred_attempt.state == Attempt.State.EXPIRED
    assert deferred_attempt.submitted_at == deferred_attempt.deadline
    assert deferred_attempt.score == 1  # what was saved counts
    page = client.get(response["HX-Redirect"]).text
    assert "Time ran out: your saved answers were submitted." in page


def test_overdue_attempt_is_closed_by_its_results_page(client, student, deferred_attempt):
    overdue(deferred_attempt)
    client.force_login(student)
    response = client.get(reverse("quizzes:attempt_result", args=[deferred_attempt.pk]))
    assert response.status_code == 200
    assert "Time ran out" in response.text
    deferred_attempt.refresh_from_db()
    assert deferred_attempt.state == Attempt.State.EXPIRED


def test_timed_attempt_shows_a_countdown_from_the_server_deadline(client, student):
    quiz = make_quiz("single_choice", time_limit_minutes=15)
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    html = client.get(question_url(attempt, 1)).text
    assert f'data-deadline="{attempt.deadline.isoformat()}"' in html
    assert "data-now=" in html
    assert 'role="timer"' in html
    assert 'aria-live="polite" data-countdown-announce' in html
    shown = re.search(r"data-countdown-display>(\d+):(\d\d)<", html)
    minutes, seconds = int(shown[1]), int(shown[2])
    # Read a moment after the start: up to half a minute of a slow machine, never more than 15:00.
    assert 14 * 60 + 30 <= minutes * 60 + seconds <= 15 * 60


# Results


def test_results_page_content(client, student):
    quiz = make_quiz("single_choice", "ordering", "matching", attempts_allowed=2)
    attempt = start_attempt(quiz=quiz, student=student)
    client.force_login(student)
    first = response_at(attempt, 1)
    client.post(question_url(attempt, 1), pick(first.snapshot, "Lipetsk"))
    client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    response = client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    html = response.text
    assert response.status_code == 200
    assert "1 out of 3 marks" in html
    assert "33.3%" in html
    assert "Not passed" in html
    assert "Pass mark: 50%" in html
    assert html.count("Correct answer") == 3
    assert html.count('<span aria-hidden="true">–</span> Not answered') == 2
    assert "aviation → Lipetsk" in html  # the matching key as text
    assert html.count(EXPLANATION) == 3
    assert f'<mark class="excerpt-highlight">{EXCERPT}</mark>' in html
    text_url = reverse("quizzes:source_text_detail", args=[quiz.source_text.slug])
    assert f'href="{text_url}#p1"' in html
    assert "Retake this quiz" in html
    assert "1 attempt left" in html


def test_a_short_answer_review_shows_the_answer_and_its_variants_on_request(client, student):
    quiz = make_quiz("short_answer")
    attempt = start_attempt(quiz=quiz, student=student)
    attempt.finish()
    client.force_login(student)
    html = client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).text
    assert "Lipetsk or Lipezk" not in html
    assert "<li>Lipetsk</li>" in html
    details = re.search(r'<details class="also-accepted">(.*?)</details>', html, re.S).group(1)
    assert "Also accepted (1)" in details and "<li>Lipezk</li>" in details


def test_no_retake_when_attempts_are_used_up(client, student):
    quiz = make_quiz("single_choice", attempts_allowed=1)
    attempt = start_attempt(quiz=quiz, student=student)
    attempt.finish()
    client.force_login(student)
    html = client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).text
    assert "Retake" not in html
    assert "Not passed" in html


def test_results_of_an_attempt_in_progress_redirect_to_its_question(client, student, attempt):
    response_at(attempt, 1).save_answer(response_at(attempt, 1).snapshot["correct"][0])
    client.force_login(student)
    response = client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    assert response["Location"] == question_url(attempt, 2)


# Permissions


def attempt_urls(attempt: Attempt) -> list[tuple[str, str]]:
    return [
        ("get", question_url(attempt, 1)),
        ("post", question_url(attempt, 1)),
        ("post", reverse("quizzes:toggle_flag", args=[attempt.pk, 1])),
        ("get", reverse("quizzes:finish_attempt", args=[attempt.pk])),
        ("post", reverse("quizzes:finish_attempt", args=[attempt.pk])),
        ("get", reverse("quizzes:attempt_result", args=[attempt.pk])),
    ]


def test_anonymous_users_are_sent_to_log_in(client, attempt):
    for method, url in attempt_urls(attempt):
        response = getattr(client, method)(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_anonymous_htmx_request_gets_a_whole_page_redirect(client, attempt):
    response = client.post(question_url(attempt, 1), {"answer": "1"}, headers=HTMX)
    assert response["HX-Redirect"].startswith(reverse("login"))


@pytest.mark.parametrize("intruder", ["other_student", "instructor"])
def test_someone_elses_attempt_is_404(client, request, attempt, intruder):
    client.force_login(request.getfixturevalue(intruder))
    for method, url in attempt_urls(attempt):
        assert getattr(client, method)(url, {"answer": "1"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_in_progress
    assert not attempt.responses.answered().exists()


# Query budgets: the same for 5 questions and 50


def sized_attempt(student, size: int, feedback: str) -> Attempt:
    return start_attempt(quiz=QuizFactory(question_count=size, feedback=feedback), student=student)


@pytest.mark.parametrize("size", [5, 50])
def test_question_page_queries_do_not_grow_with_the_quiz(
    client, student, django_assert_num_queries, size
):
    attempt = sized_attempt(student, size, "deferred")
    client.force_login(student)
    # session, user, attempt with quiz and text, its responses; the full page too (a student's
    # menu needs no permission queries)
    with django_assert_num_queries(4):
        client.get(question_url(attempt, 3))
    with django_assert_num_queries(4):
        client.get(question_url(attempt, 3), headers=HTMX)


@pytest.mark.parametrize("size", [5, 50])
def test_answer_post_queries_do_not_grow_with_the_quiz(
    client, student, django_assert_num_queries, size
):
    attempt = sized_attempt(student, size, "deferred")
    snapshot = response_at(attempt, 3).snapshot
    data = answer_data(snapshot, snapshot["correct"][0])
    client.force_login(student)
    # session, user, attempt, responses; savepoint, lock the attempt, update, release
    with django_assert_num_queries(8):
        client.post(question_url(attempt, 3), data, headers=HTMX)


@pytest.mark.parametrize("size", [5, 50])
def test_immediate_feedback_queries_do_not_grow_with_the_quiz(
    client, student, django_assert_num_queries, size
):
    attempt = sized_attempt(student, size, "immediate")
    snapshot = response_at(attempt, 3).snapshot
    data = answer_data(snapshot, snapshot["correct"][0])
    client.force_login(student)
    # As a deferred save, plus the quiz's text for the feedback's excerpt in its paragraph (only
    # feedback needs the text, which may be megabytes: question pages link to it by slug), the
    # exam lock (no test in progress shares a question) and the course's review options.
    with django_assert_num_queries(11):
        client.post(question_url(attempt, 3), data, headers=HTMX)
    with django_assert_num_queries(7):
        client.get(question_url(attempt, 3))


def test_an_empty_matching_answer_says_so_once(client, student):
    attempt = start_attempt(quiz=make_quiz("matching"), student=student)
    client.force_login(student)
    response = client.post(question_url(attempt, 1), {}, headers=HTMX)
    assert response.text.count("Choose a match for every item.") == 1


def test_navigator_links_every_question_of_the_attempt(client, student):
    attempt = sized_attempt(student, 12, "deferred")
    client.force_login(student)
    response = client.get(question_url(attempt, 3))
    for position in (1, 10, 12):
        url = question_url(attempt, position)
        # A submit button of the answer form (saves without JavaScript), fetching with htmx.
        assert (
            f'<button type="submit" form="answer-form" name="go" value="{position}"'
            in response.text
        )
        assert f'hx-get="{url}" aria-label="Question {position}, not answered"' in response.text
    assert 'class="navigator-list" hx-target="#question-card"' in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/attempts/9223372036854775808/questions/1/",
        "/attempts/1/questions/9223372036854775808/",
        "/attempts/99999999999999999999/finish/",
        "/attempts/-1/",
        "/teach/attempts/9223372036854775808/",
        "/teach/questions/9223372036854775808/",
    ],
)
def test_ids_and_positions_past_what_a_row_can_have_are_404(client, student, instructor, path):
    client.force_login(instructor if path.startswith("/teach/") else student)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
