"""Security: answers stay hidden until review, CSRF, logins, headers, deploy settings, escaping."""

import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse

from quizzes.forms import answer_data
from quizzes.models import Attempt, Question, QuestionDraft, Quiz, Response
from quizzes.starting import start_attempt
from tests.factories import (
    InstructorFactory,
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    NumericQuestionFactory,
    OrderingQuestionFactory,
    QuestionDraftFactory,
    QuestionFactory,
    QuizFactory,
    QuizQuestionFactory,
    SingleChoiceQuestionFactory,
    SourceTextFactory,
    TrueFalseQuestionFactory,
    UserFactory,
    options_key,
)
from tests.test_authorization_matrix import DONE, MATRIX, OWNER, TEACHER_A
from tests.test_authorization_matrix import world as world_fixture

world = world_fixture  # the matrix's objects: two quizzes, attempts, a text and a draft

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
HTMX = {"HX-Request": "true"}
SECRET_EXPLANATION = "Explained-only-after-review"
SECRET_ACCEPTED = ("Qwertzland", "Qwertzlandia")
SECRET_NUMBER = 739182


# Correct answers never reach the browser before review


def _question(kind: str, text) -> Question:
    fields = {"source_text": text, "explanation": SECRET_EXPLANATION}
    if kind == "short_answer":
        return QuestionFactory(
            kind=Question.Kind.SHORT_ANSWER, key={"answers": list(SECRET_ACCEPTED)}, **fields
        )
    if kind == "numeric":
        return NumericQuestionFactory(key={"value": SECRET_NUMBER, "tolerance": 0}, **fields)
    factory = {
        "single_choice": SingleChoiceQuestionFactory,
        "multiple_response": MultipleResponseQuestionFactory,
        "true_false": TrueFalseQuestionFactory,
        "ordering": OrderingQuestionFactory,
        "matching": MatchingQuestionFactory,
    }[kind]
    return factory(**fields)


def _attempt(kind: str, feedback: str, student) -> Attempt:
    quiz = QuizFactory(feedback=feedback, shuffle_options=True)
    for position in (1, 2):
        QuizQuestionFactory(
            quiz=quiz, position=position, question=_question(kind, quiz.source_text)
        )
    return start_attempt(quiz=quiz, student=student)


def _selected_values(html: str) -> list[str]:
    checked = re.findall(r"<input[^>]*\bchecked\b[^>]*>", html)
    selected = re.findall(r'<option value="([^"]+)"[^>]*\bselected\b', html)
    return checked + selected


def assert_no_key(html: str, snapshot: dict, *, form: bool = True) -> None:
    """Nothing in the HTML tells the correct answer from the others."""
    lowered = html.lower()
    assert "correct" not in lowered  # also catches "incorrect", class="correct", data-correct
    assert SECRET_EXPLANATION.lower() not in lowered
    for accepted in SECRET_ACCEPTED:
        assert accepted.lower() not in lowered
    # As a whole number: clock readings in ms and the CSRF token may hold these digits.
    assert not re.search(rf"\b{SECRET_NUMBER}\b", html)
    if snapshot["kind"] != "ordering":  # ordering items start at their shown (shuffled) places
        assert _selected_values(html) == []  # nothing pre-chosen before the student answers
    kind = snapshot["kind"]
    if form and kind in ("single_choice", "multiple_response", "true_false"):
        # Every option's input is the same tag but for its value and id: none is marked.
        tags = re.findall(r'<input[^>]*name="answer"[^>]*>', html)
        assert len(tags) == len(snapshot["options"])
        assert len({re.sub(r'(value|id)="[^"]*"', "", tag) for tag in tags}) == 1, tags
    if form and kind == "ordering":
        shown = sorted(snapshot["options"], key=lambda option: html.index(option["text"]))
        assert [option["id"] for option in shown] != snapshot["correct"]
        # Fields are named by their place on the page, never by the ids the key is made of.
        names = re.findall(r'name="item_([^"]+)"', html)
        assert sorted(names) == [str(n) for n in range(1, len(snapshot["options"]) + 1)]
    if form and kind == "matching":
        # Selects and their options are named by place, so no prompt shares a name with its match.
        names = re.findall(r'name="match_([^"]+)"', html)
        values = re.findall(r'<option value="([^"]+)"', html)
        assert sorted(names) == [str(n) for n in range(1, len(snapshot["prompts"]) + 1)]
        assert set(values) == {f"t{n}" for n in range(1, len(snapshot["targets"]) + 1)}


KINDS = [
    "single_choice",
    "multiple_response",
    "true_false",
    "short_answer",
    "numeric",
    "ordering",
    "matching",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("feedback", [Quiz.Feedback.DEFERRED, Quiz.Feedback.IMMEDIATE])
def test_question_page_and_fragment_hide_the_key(client, student, kind, feedback):
    """Before answering (and in deferred mode after it), page and fragment carry no key."""
    attempt = _attempt(kind, feedback, student)
    client.force_login(student)
    url = reverse("quizzes:attempt_question", args=[attempt.pk, 1])
    snapshot = attempt.responses.get(position=1).snapshot
    assert_no_key(client.get(url).text, snapshot)
    assert_no_key(client.get(url, headers=HTMX).text, snapshot)
    finish = client.get(reverse("quizzes:finish_attempt", args=[attempt.pk])).text
    assert_no_key(finish, snapshot, form=False)


@pytest.mark.parametrize("kind", ["single_choice", "short_answer", "numeric", "true_false"])
def test_deferred_answers_stay_hidden_after_saving(client, student, kind):
    """Saving a wrong answer shows the next card; going back shows the answer, never the key."""
    attempt = _attempt(kind, Quiz.Feedback.DEFERRED, student)
    client.force_login(student)
    first = attempt.responses.get(position=1)
    wrong = {
        "single_choice": lambda s: (
            s["options"][-1]["id"]
            if s["options"][-1]["id"] not in s["correct"]
            else s["options"][0]["id"]
        ),
        "true_false": lambda s: "false" if s["correct"] == ["true"] else "true",
        "short_answer": lambda s: "Berlin",
        "numeric": lambda s: "12",
    }[kind](first.snapshot)
    url = reverse("quizzes:attempt_question", args=[attempt.pk, 1])
    saved = client.post(url, answer_data(first.snapshot, wrong), headers=HTMX)
    assert saved.status_code == 200
    assert 'id="question-card"' in saved.text
    first.refresh_from_db()
    assert first.is_answered
    back = client.get(url, headers=HTMX).text
    for html in (saved.text, back):
        lowered = html.lower()
        assert "correct" not in lowered
        assert SECRET_EXPLANATION.lower() not in lowered
        assert SECRET_ACCEPTED[0].lower() not in lowered
        assert not re.search(rf"\b{SECRET_NUMBER}\b", html)


def test_results_of_an_attempt_in_progress_redirect_to_the_questions(client, student):
    attempt = _attempt("single_choice", Quiz.Feedback.DEFERRED, student)
    client.force_login(student)
    response = client.get(reverse("quizzes:attempt_result", args=[attempt.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:attempt_question", args=[attempt.pk, 1])


# CSRF on every state change; no state change on GET


def _token(html: str) -> str:
    match = re.search(r"hx-headers='\{\"x-csrftoken\": \"([^\"]+)\"\}'", html)
    assert match, "the page carries the CSRF token in <body hx-headers>"
    return match.group(1)


def test_htmx_answer_after_logging_in_needs_the_pages_token(student):
    """Log in through the form, then an htmx save without the token is refused; with it, saved."""
    attempt = _attempt("single_choice", Quiz.Feedback.DEFERRED, student)
    browser = Client(enforce_csrf_checks=True)
    login_page = browser.get(reverse("login")).text
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    logged_in = browser.post(
        reverse("login"),
        {"username": "sam", "password": "correct-horse-battery", "csrfmiddlewaretoken": form_token},
    )
    assert logged_in.status_code == 302
    url = reverse("quizzes:attempt_question", args=[attempt.pk, 1])
    token = _token(browser.get(url).text)
    snapshot = attempt.responses.get(position=1).snapshot
    choice = answer_data(snapshot, snapshot["options"][0]["id"])

    refused = browser.post(url, choice, headers=HTMX)
    assert refused.status_code == 403
    assert not attempt.responses.get(position=1).is_answered

    accepted = browser.post(url, choice, headers={**HTMX, "X-CSRFToken": token})
    assert accepted.status_code == 200
    assert attempt.responses.get(position=1).is_answered


POST_CASES = [
    pytest.param(name, index, id=f"{name}-{case.label}")
    for name, cases in MATRIX.items()
    for index, case in enumerate(cases)
    if case.method == "POST" and DONE in (case.expect[OWNER], case.expect[TEACHER_A])
]


@pytest.mark.parametrize(("name", "index"), POST_CASES)
def test_every_post_needs_a_csrf_token(world, name, index):
    case = MATRIX[name][index]
    user = world.owner if case.expect[OWNER] == DONE else world.instructor
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    token = _token(browser.get(reverse("quizzes:quiz_list")).text)
    before = _state()
    assert browser.post(case.url(world)).status_code == 403
    assert browser.post(case.url(world), headers=HTMX).status_code == 403
    assert _state() == before
    allowed = browser.post(case.url(world), headers={"X-CSRFToken": token})
    assert allowed.status_code in (200, 302, 400)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("login", {"username": "sam", "password": "correct-horse-battery"}),
        ("signup", {"username": "new", "password1": "a-long-pass-9", "password2": "a-long-pass-9"}),
        ("logout", {}),
        ("password_change", {}),
    ],
)
def test_account_forms_need_a_csrf_token(student, name, data):
    browser = Client(enforce_csrf_checks=True)
    if name in ("logout", "password_change"):
        browser.force_login(student)
    assert browser.post(reverse(name), data).status_code == 403


def _state() -> tuple:
    """Everything a stray request could change, as comparable values."""
    return (
        list(Attempt.objects.order_by("pk").values_list("pk", "state", "score")),
        list(Response.objects.order_by("pk").values_list("pk", "answer", "flagged")),
        list(QuestionDraft.objects.order_by("pk").values_list("pk", "status", "prompt")),
        Question.objects.count(),
    )


POST_ONLY = sorted(
    name for name, cases in MATRIX.items() if cases and all(case.method == "POST" for case in cases)
)


@pytest.mark.parametrize("name", POST_ONLY)
def test_get_never_changes_state(client, world, name):
    case = MATRIX[name][0]
    client.force_login(world.owner if case.expect[OWNER] == DONE else world.instructor)
    before = _state()
    response = client.get(case.url(world), {"flagged": "on", "drafts": world.draft.pk})
    assert response.status_code == 405
    assert _state() == before


def test_logout_is_post_only(client, student):
    client.force_login(student)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get(reverse("quizzes:quiz_list")).status_code == 200


def test_an_answer_in_the_query_string_is_not_saved(client, world):
    client.force_login(world.owner)
    url = reverse("quizzes:attempt_question", args=[world.attempt.pk, 1])
    option = world.attempt.responses.get(position=1).snapshot["options"][0]["id"]
    before = _state()
    assert client.get(url, {"answer": option}).status_code == 200
    assert client.get(reverse("quizzes:finish_attempt", args=[world.attempt.pk])).status_code == 200
    assert _state() == before


# Logins: django-axes by username and address


def _login(client, username, password, address="10.1.2.3"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_ten_bad_logins_lock_that_username_from_that_address_only(client):
    UserFactory(username="xavier")
    UserFactory(username="yasmin")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "xavier", "wrong").status_code == 200  # the form, with an error
    locked = _login(client, "xavier", "wrong")
    assert locked.status_code == 429
    assert "Too many tries" in locked.text
    assert "paused for 15 minutes" in locked.text
    assert 'class="notice notice-warn"' in locked.text  # the site's own styled page
    # Even the right password is refused from here while the lock lasts.
    assert _login(client, "xavier", "correct-horse-battery").status_code == 429

    # A classmate behind the same school address logs in.
    classmate = Client()
    assert _login(classmate, "yasmin", "correct-horse-battery").status_code == 302
    # The same student from another address is not locked either.
    elsewhere = Client()
    assert _login(elsewhere, "xavier", "correct-horse-battery", "10.9.9.9").status_code == 302


def test_the_lock_lifts_after_the_cool_off(client):
    UserFactory(username="xavier")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "xavier", "wrong")
    assert _login(client, "xavier", "correct-horse-battery").status_code == 429
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
        attempt.save()
    assert _login(client, "xavier", "correct-horse-battery").status_code == 302


def test_a_good_login_resets_the_count(client):
    UserFactory(username="xavier")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "xavier", "wrong")
    assert _login(client, "xavier", "correct-horse-battery").status_code == 302
    Client().post(reverse("logout"))
    other = Client()
    assert _login(other, "xavier", "wrong").status_code == 200  # a fresh count: not locked


def test_argon2_is_the_first_hasher_and_old_hashes_upgrade_at_login(client, settings):
    import quizsite.settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert len(project_settings.AUTH_PASSWORD_VALIDATORS) == 4
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(username="pat")
    user.password = make_password("correct-horse-battery", hasher="pbkdf2_sha256")
    user.save()
    assert _login(client, "pat", "correct-horse-battery").status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


def test_argon2_uses_owasp_s_minimum_and_rehashes_django_s_defaults_at_login(client, settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    import quizsite.settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(username="pat")
    django_default = Argon2PasswordHasher()
    user.password = django_default.encode("correct-horse-battery", django_default.salt())
    user.save()
    assert "m=102400,t=2,p=8" in user.password
    assert _login(client, "pat", "correct-horse-battery").status_code == 302
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password
    assert user.check_password("correct-horse-battery")


# Headers


def test_security_headers_on_every_kind_of_page(client, world):
    client.force_login(world.instructor)
    pages = [
        reverse("quizzes:quiz_list"),
        reverse("quizzes:course_overview"),
        reverse("admin:index"),
        reverse("quizzes:text_list"),
    ]
    anonymous = Client()
    for response in [client.get(page) for page in pages] + [anonymous.get(reverse("login"))]:
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split("; ") if part
        )
        assert directives["default-src"] == ["'self'"]
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]
        assert "unsafe" not in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_attempt_pages_are_never_stored_nor_kept_in_htmx_history(client, world):
    client.force_login(world.owner)
    pages = [
        reverse("quizzes:attempt_question", args=[world.attempt.pk, 1]),
        reverse("quizzes:finish_attempt", args=[world.attempt.pk]),
        reverse("quizzes:attempt_result", args=[world.finished.pk]),
    ]
    for page in pages:
        response = client.get(page)
        assert "no-store" in response["Cache-Control"], page
        assert 'hx-history="false"' in response.text, page
    fragment = client.get(pages[0], headers=HTMX)
    assert "no-store" in fragment["Cache-Control"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)


def _inline_code(html: str) -> list[str]:
    found = []
    for pattern in (INLINE_SCRIPT, HANDLER, STYLE_ATTRIBUTE, STYLE_ELEMENT):
        found += pattern.findall(html)
    return found


def test_no_template_has_inline_script_handlers_or_styles():
    templates = sorted((ROOT / "templates").rglob("*.html"))
    templates += sorted((ROOT / "quizzes").rglob("templates/**/*.html"))
    assert templates
    offenders = {str(path): _inline_code(path.read_text()) for path in templates}
    assert {path: found for path, found in offenders.items() if found} == {}


def test_rendered_pages_have_no_inline_code(client, world):
    client.force_login(world.instructor)
    pages = [
        reverse("quizzes:quiz_list"),
        reverse("quizzes:quiz_detail", args=[world.quiz.slug]),
        reverse("quizzes:source_text_detail", args=[world.text.slug]),
        reverse("quizzes:course_overview"),
        reverse("quizzes:course_home", args=[world.course_a.code]),
        reverse("quizzes:roster", args=[world.course_a.code]),
        reverse("quizzes:gradebook", args=[world.course_a.code, world.quiz.slug]),
        reverse("quizzes:assignment", args=[world.course_a.code, world.quiz.slug]),
        reverse("quizzes:item_analysis", args=[world.course_a.code, world.quiz.slug]),
        reverse("quizzes:student_attempts", args=[world.course_a.code, world.owner.pk]),
        reverse("quizzes:review_queue", args=[world.text.slug]),
        reverse("quizzes:text_drafts", args=[world.text.slug]),
    ]
    for page in pages:
        assert _inline_code(client.get(page).text) == [], page
    owner = Client()
    owner.force_login(world.owner)
    for page in [
        reverse("quizzes:attempt_question", args=[world.attempt.pk, 1]),
        reverse("quizzes:attempt_result", args=[world.finished.pk]),
    ]:
        assert _inline_code(owner.get(page).text) == [], page


# manage.py check --deploy


def _settings_env(**extra) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") or key == "DJANGO_SETTINGS_MODULE"
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="quiz.example.org",
        **extra,
    )
    return env


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_settings_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRINT_SETTINGS = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
    "s.SECURE_HSTS_SECONDS)"
)


@pytest.mark.parametrize(
    ("extra", "printed"),
    [
        ({}, "True True True 31536000"),
        ({"DJANGO_INSECURE_HTTP": "1"}, "False False False 0"),
        ({"DJANGO_DEBUG": "1"}, "False False False 0"),
        ({"DJANGO_SECURE_HSTS_SECONDS": "3600"}, "True True True 3600"),
        ({"DJANGO_SECURE_SSL_REDIRECT": "0"}, "False True True 31536000"),
    ],
)
def test_https_settings_follow_the_environment(extra, printed):
    result = subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS],
        cwd=ROOT,
        env={**_settings_env(**extra), "DJANGO_SETTINGS_MODULE": "quizsite.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == printed, result.stderr


# Authored content is escaped everywhere

PAYLOADS = {
    "<script>alert(1)</script>": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<img src=x onerror=alert(2)>": "&lt;img src=x onerror=alert(2)&gt;",
    '<b hx-get="/evil" hx-trigger="load">b</b>': "&lt;b hx-get=&quot;/evil&quot;",
}
EVIL = " ".join(PAYLOADS)


def assert_escaped(html: str, where: str, *, payloads=PAYLOADS) -> None:
    for raw, escaped in payloads.items():
        assert raw not in html, where
        assert escaped in html, where


@pytest.fixture
def evil_world(student):
    text = SourceTextFactory(
        title=f"Text {EVIL}",
        body=f"The first paragraph names Lipetsk, {EVIL}.\n\nThe second paragraph.",
    )
    quiz = QuizFactory(
        title=f"Quiz {EVIL}", description=EVIL, source_text=text, feedback=Quiz.Feedback.DEFERRED
    )
    question = QuestionFactory(
        source_text=text,
        prompt=f"Prompt {EVIL}",
        explanation=EVIL,
        key=options_key((f"Right {EVIL}", True), ("Wrong", False)),
    )
    QuizQuestionFactory(quiz=quiz, question=question, position=1)
    QuestionDraftFactory(source_text=text, prompt=f"Draft {EVIL}")
    finished = start_attempt(quiz=quiz, student=student)
    response = finished.responses.get()
    response.save_answer(response.snapshot["correct"][0])
    finished.finish()
    open_quiz = QuizFactory(title=f"Open {EVIL}", source_text=text, feedback=quiz.feedback)
    QuizQuestionFactory(quiz=open_quiz, question=question, position=1)
    in_progress = start_attempt(quiz=open_quiz, student=student)
    return quiz, question, text, finished, in_progress


def test_authored_content_is_text_to_students(client, student, evil_world):
    quiz, _question, text, finished, in_progress = evil_world
    client.force_login(student)
    question_url = reverse("quizzes:attempt_question", args=[in_progress.pk, 1])
    pages = {
        "home": client.get(reverse("quizzes:quiz_list")),
        "quiz": client.get(reverse("quizzes:quiz_detail", args=[quiz.slug])),
        "question": client.get(question_url),
        "fragment": client.get(question_url, headers=HTMX),
        "finish": client.get(reverse("quizzes:finish_attempt", args=[in_progress.pk])),
        "results": client.get(reverse("quizzes:attempt_result", args=[finished.pk])),
        "text": client.get(reverse("quizzes:source_text_detail", args=[text.slug])),
        "scores": client.get(reverse("quizzes:my_scores")),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_escaped(response.text, where)


def test_authored_content_is_text_to_instructors_and_in_the_admin(client, student, evil_world):
    quiz, question, text, finished, _in_progress = evil_world
    client.force_login(InstructorFactory(is_superuser=True))
    draft = QuestionDraft.objects.get(source_text=text)
    pages = {
        "overview": reverse("quizzes:course_overview"),
        "gradebook": reverse("quizzes:gradebook", args=["the-class", quiz.slug]),
        "analysis": reverse("quizzes:item_analysis", args=["the-class", quiz.slug]),
        "heatmap": reverse("quizzes:text_heatmap", args=["the-class", quiz.slug]),
        "student": reverse("quizzes:student_attempts", args=["the-class", student.pk]),
        "review": reverse("quizzes:attempt_review", args=[finished.pk]),
        "texts": reverse("quizzes:text_list"),
        "text drafts": reverse("quizzes:text_drafts", args=[text.slug]),
        "queue": reverse("quizzes:review_queue", args=[text.slug]),
        "draft": reverse("quizzes:draft_card", args=[text.slug, draft.pk]),
        "admin questions": reverse("admin:quizzes_question_changelist"),
        "admin question": reverse("admin:quizzes_question_change", args=[question.pk]),
        "admin quizzes": reverse("admin:quizzes_quiz_changelist"),
        "admin quiz": reverse("admin:quizzes_quiz_change", args=[quiz.pk]),
        "admin text": reverse("admin:quizzes_sourcetext_change", args=[text.pk]),
        "admin attempt": reverse("admin:quizzes_attempt_change", args=[finished.pk]),
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        html = response.text
        for raw in PAYLOADS:
            assert raw not in html, where
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, where
