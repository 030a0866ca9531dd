"""Form fuzzing: arbitrary and malformed posts to every form never give a 5xx nor store bad data.

Each endpoint gets up to 50 generated requests (derandomised, so CI sees the same ones): huge,
Unicode and NUL values, missing and duplicated fields, lists where one value is expected, and ids
of other users' objects. The test client re-raises any exception a view lets escape, so a 500
fails the example; afterwards the stored rows are checked against their invariants.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from quizzes import grading
from quizzes.models import Question, Quiz, Response, SourceText
from quizzes.starting import start_attempt
from tests.factories import (
    MatchingQuestionFactory,
    MultipleResponseQuestionFactory,
    NumericQuestionFactory,
    OrderingQuestionFactory,
    QuestionDraftFactory,
    QuizFactory,
    QuizQuestionFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = hypothesis_settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HANDLED = {200, 302, 400, 403, 404, 405, 409, 413, 429}

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "0",
    "-1",
    "1e309",
    "nan",
    "inf",
    "-0",
    "٣",
    "１２",
    "true",
    "on",
    "null",
    "[]",
    '{"a": 1}',
    "9" * 40,
    "x" * 100_000,
    "é" * 5000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "1' OR '1'='1",
    "\u202e\ufeff\u200b",
    "😀" * 50,
]


def scalars(ids: list[str]) -> st.SearchStrategy:
    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(NASTY),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(ids),
    )


def form_data(fields: list[str], ids: list[str]) -> st.SearchStrategy:
    """A dict of fields (known names, foreign names, junk names) to a value or a list of them."""
    value = st.one_of(scalars(ids), st.lists(scalars(ids), max_size=4))
    names = st.one_of(st.sampled_from(fields), st.text(max_size=12))
    return st.dictionaries(names, value, max_size=len(fields) + 2)


def _post(client, url: str, data: dict, htmx: bool, method: str = "post"):
    headers = {"HX-Request": "true"} if htmx else {}
    response = getattr(client, method)(url, data, headers=headers)
    assert response.status_code in HANDLED, response.status_code
    return response


# Answering: every kind, with other students' ids mixed in


def _valid_answer(snapshot: dict, answer) -> bool:
    if answer is None:
        return True
    kind = snapshot["kind"]
    options = [option["id"] for option in snapshot.get("options", [])]
    if kind in ("single_choice", "true_false"):
        return answer in options
    if kind == "multiple_response":
        return (
            isinstance(answer, list)
            and len(set(answer)) == len(answer) <= len(options)
            and (set(answer) <= set(options))
        )
    if kind == "ordering":
        return isinstance(answer, list) and sorted(answer) == sorted(options)
    if kind == "matching":
        targets = {target["id"] for target in snapshot["targets"]}
        prompts = {prompt["id"] for prompt in snapshot["prompts"]}
        return (
            isinstance(answer, dict) and set(answer) == prompts and set(answer.values()) <= targets
        )
    if kind == "numeric":
        return isinstance(answer, str) and "\x00" not in answer and grading.parse_number(answer)
    return isinstance(answer, str) and "\x00" not in answer and 0 < len(answer) <= 200


FACTORIES = [
    SingleChoiceQuestionFactory,
    MultipleResponseQuestionFactory,
    TrueFalseQuestionFactory,
    ShortAnswerQuestionFactory,
    NumericQuestionFactory,
    OrderingQuestionFactory,
    MatchingQuestionFactory,
]


@pytest.fixture
def attempts(student, other_student):
    """The student's deferred attempt with one question of each kind, and a classmate's."""

    def make():
        quiz = QuizFactory(feedback=Quiz.Feedback.DEFERRED, shuffle_options=True)
        for position, factory in enumerate(FACTORIES, start=1):
            QuizQuestionFactory(
                quiz=quiz, position=position, question=factory(source_text=quiz.source_text)
            )
        return quiz

    mine = start_attempt(quiz=make(), student=student)
    theirs = start_attempt(quiz=make(), student=other_student)
    return mine, theirs


def _ids_and_fields(*responses) -> tuple[list[str], list[str]]:
    ids, fields = set(), {"answer", "seq", "autosave", "flagged"}
    for response in responses:
        snapshot = response.snapshot
        for key in ("options", "prompts", "targets"):
            for item in snapshot.get(key, []):
                ids.add(item["id"])
                fields |= {f"item_{item['id']}", f"match_{item['id']}"}
    return sorted(ids), sorted(fields)


@pytest.mark.parametrize("position", range(1, len(FACTORIES) + 1))
def test_answer_posts(client, student, attempts, position):
    mine, theirs = attempts
    ids, fields = _ids_and_fields(*mine.responses.all(), *theirs.responses.all())
    ids += [str(theirs.pk), str(mine.pk)]
    client.force_login(student)
    url = reverse("quizzes:attempt_question", args=[mine.pk, position])

    @FUZZ
    @given(data=form_data(fields, ids), htmx=st.booleans())
    def fuzz(data, htmx):
        _post(client, url, data, htmx)
        for response in Response.objects.filter(attempt__in=[mine, theirs]):
            assert _valid_answer(response.snapshot, response.answer), response.answer
        assert not theirs.responses.exclude(answered_at=None).exists()

    fuzz()


def test_flag_finish_and_start_posts(client, student, attempts):
    mine, theirs = attempts
    ids = [str(theirs.pk), str(mine.pk), "1", "-1"]
    client.force_login(student)
    urls = [
        reverse("quizzes:toggle_flag", args=[mine.pk, 1]),
        reverse("quizzes:toggle_flag", args=[theirs.pk, 1]),
        reverse("quizzes:start_quiz", args=[mine.quiz.slug]),
        reverse("quizzes:finish_attempt", args=[theirs.pk]),
    ]

    @FUZZ
    @given(url=st.sampled_from(urls), data=form_data(["flagged", "pk", "attempt"], ids))
    def fuzz(url, data):
        _post(client, url, data, htmx=False)
        assert not theirs.responses.filter(flagged=True).exists()
        theirs.refresh_from_db()
        assert theirs.is_in_progress

    fuzz()


# Accounts


def test_signup_and_login_posts(client, student):
    fields = ["username", "password", "password1", "password2", "next"]

    @FUZZ
    @given(
        url=st.sampled_from([reverse("signup"), reverse("login")]),
        data=form_data(fields, ["sam", "/admin/", "//evil.example/"]),
    )
    def fuzz(url, data):
        client.logout()
        response = _post(client, url, data, htmx=False)
        if response.status_code == 302:
            assert response["Location"].startswith("/") and not response["Location"].startswith(
                "//"
            )
        for user in get_user_model().objects.all():
            user.full_clean()  # every account created has a valid username

    fuzz()


def test_password_change_posts(client, student):
    client.force_login(student)
    fields = ["old_password", "new_password1", "new_password2"]

    @FUZZ
    @given(data=form_data(fields, ["correct-horse-battery"]))
    def fuzz(data):
        _post(client, reverse("password_change"), data, htmx=False)

    fuzz()


# Instructor forms


@pytest.fixture
def teaching(instructor, student):
    quiz = QuizFactory(question_count=2)
    attempt = start_attempt(quiz=quiz, student=student)
    attempt.finish()
    other_quiz = QuizFactory(question_count=1)
    draft = QuestionDraftFactory(source_text=quiz.source_text)
    other_draft = QuestionDraftFactory(source_text=other_quiz.source_text, fingerprint="other")
    ids = [
        str(pk)
        for pk in (
            quiz.pk,
            other_quiz.pk,
            draft.pk,
            other_draft.pk,
            *Question.objects.values_list("pk", flat=True),
        )
    ]
    return quiz, draft, ids


def _check_instructor_invariants():
    for question in Question.objects.filter(status=Question.Status.PUBLISHED):
        assert question.key_problems() == [], question
    for text in SourceText.objects.all():
        text.full_clean()


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("regrade_quiz", ["question", "mode", "note", "action"]),
        (
            "draft_edit",
            list(
                [
                    "prompt",
                    "explanation",
                    "correct",
                    "distractors",
                    "statement_is_true",
                    "answers",
                    "numeric_value",
                    "numeric_tolerance",
                    "pairs",
                    "order",
                ]
            ),
        ),
        ("draft_accept", ["status"]),
        ("draft_reject", ["confirm"]),
        ("bulk_accept", ["drafts", "status"]),
        ("restore_block", ["start", "end"]),
        ("add_text", ["title", "slug", "body", "publisher", "url", "published_on", "page_title"]),
    ],
)
def test_instructor_posts(client, instructor, teaching, name, fields):
    quiz, draft, ids = teaching
    client.force_login(instructor)
    text = quiz.source_text.slug
    url = {
        "regrade_quiz": lambda: reverse("quizzes:regrade_quiz", args=[quiz.slug]),
        "draft_edit": lambda: reverse("quizzes:draft_edit", args=[text, draft.pk]),
        "draft_accept": lambda: reverse("quizzes:draft_accept", args=[text, draft.pk]),
        "draft_reject": lambda: reverse("quizzes:draft_reject", args=[text, draft.pk]),
        "bulk_accept": lambda: reverse("quizzes:bulk_accept", args=[text]),
        "restore_block": lambda: reverse("quizzes:restore_block", args=[text]),
        "add_text": lambda: reverse("quizzes:add_text"),
    }[name]()

    @FUZZ
    @given(
        data=form_data(fields, [*ids, "published", "draft", "apply", "preview"]), htmx=st.booleans()
    )
    def fuzz(data, htmx):
        _post(client, url, data, htmx)
        _check_instructor_invariants()

    fuzz()


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("gradebook", ["q", "status", "sort", "desc"]),
        ("item_analysis", ["attempts"]),
        ("text_heatmap", ["attempts"]),
        ("review_queue", ["status", "kind", "rule"]),
    ],
)
def test_instructor_query_strings(client, instructor, teaching, name, fields):
    quiz, _draft, ids = teaching
    client.force_login(instructor)
    if name == "review_queue":
        url = reverse(f"quizzes:{name}", args=[quiz.source_text.slug])
    else:
        url = reverse(f"quizzes:{name}", args=[quiz.course.code, quiz.slug])

    @FUZZ
    @given(data=form_data(fields, ids), htmx=st.booleans())
    def fuzz(data, htmx):
        assert _post(client, url, data, htmx, method="get").status_code == 200

    fuzz()


def test_a_body_over_the_upload_limit_is_refused_not_crashed(client, student, attempts):
    mine, _theirs = attempts
    client.force_login(student)
    url = reverse("quizzes:attempt_question", args=[mine.pk, 4])
    response = client.post(url, {"answer": "x" * 3_000_000})
    assert response.status_code == 400
    assert mine.responses.get(position=4).answer is None
