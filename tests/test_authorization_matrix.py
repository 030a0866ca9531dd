"""Who may open what: every URL pattern of the project × anonymous, the owner, another student
and an instructor, as plain requests and as htmx requests.

Decisions the matrix asserts:
- Anonymous visitors are sent to the login page (htmx: an HX-Redirect to it), never shown data.
- A student asking for another student's attempt gets 404, the same as for an attempt that does
  not exist, so ids cannot be probed. Instructors too get 404 on students' attempt pages: they
  review attempts under /teach/attempts/.
- Instructor pages (/teach/…) give students 403: the page exists, the account may not use it.
- Instructors share every quiz and text (there is no per-instructor ownership in the model).
- Students see published quizzes only; an unpublished quiz is a 404 for them.

A new URL pattern without an entry here fails `test_every_url_pattern_is_in_the_matrix`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes.starting import start_attempt
from tests.factories import QuestionDraftFactory, QuizFactory, SourceTextFactory

pytestmark = pytest.mark.django_db

ANON, OWNER, OTHER, INSTRUCTOR = "anonymous", "owner", "other student", "instructor"
ACTORS = (ANON, OWNER, OTHER, INSTRUCTOR)

# Outcomes. PAGE: a GET shows the page (200). DONE: a POST is handled (no 403/404/login).
PAGE, DONE, LOGIN, HOME = "page", "done", "login", "home"

# django.contrib.auth's own views and the admin, which have their own tests upstream; the
# login view's lockout is tested in test_security.py.
AUTH_VIEWS = {
    "login",
    "logout",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
EXCLUDED_PREFIXES = ("admin/",)


@dataclass
class World:
    owner: object
    other: object
    instructor: object
    quiz: object
    draft_quiz: object
    attempt: object  # the owner's attempt in progress at `quiz`
    finished: object  # the owner's submitted attempt at another quiz
    text: object
    other_text: object
    draft: object  # a question draft derived from `text`


@pytest.fixture
def world(student, other_student, instructor) -> World:
    quiz = QuizFactory(question_count=2)
    done_quiz = QuizFactory(question_count=1)
    finished = start_attempt(quiz=done_quiz, student=student)
    finished.finish()
    return World(
        owner=student,
        other=other_student,
        instructor=instructor,
        quiz=quiz,
        draft_quiz=QuizFactory(question_count=1, is_published=False),
        attempt=start_attempt(quiz=quiz, student=student),
        finished=finished,
        text=quiz.source_text,
        other_text=SourceTextFactory(),
        draft=QuestionDraftFactory(source_text=quiz.source_text),
    )


@dataclass(frozen=True)
class Case:
    """One request and what each actor must get."""

    label: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, object]


def everyone(anonymous, student, instructor, *, owner=None) -> dict[str, object]:
    return {
        ANON: anonymous,
        OWNER: student if owner is None else owner,
        OTHER: student,
        INSTRUCTOR: instructor,
    }


def url(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


STUDENT_PAGE = everyone(LOGIN, PAGE, PAGE)
OWNERS_ONLY = {ANON: LOGIN, OWNER: PAGE, OTHER: 404, INSTRUCTOR: 404}
OWNERS_POST = {ANON: LOGIN, OWNER: DONE, OTHER: 404, INSTRUCTOR: 404}
TEACH_PAGE = everyone(LOGIN, 403, PAGE)
TEACH_POST = everyone(LOGIN, 403, DONE)
TEACH_MISMATCH = everyone(LOGIN, 403, 404)  # the object exists, but not under that parent

quiz_slug = lambda w: w.quiz.slug  # noqa: E731
draft_slug = lambda w: w.draft_quiz.slug  # noqa: E731
attempt_pk = lambda w: w.attempt.pk  # noqa: E731
finished_pk = lambda w: w.finished.pk  # noqa: E731
text_slug = lambda w: w.text.slug  # noqa: E731
draft_pk = lambda w: w.draft.pk  # noqa: E731
one = lambda w: 1  # noqa: E731
question_pk = lambda w: w.quiz.quiz_questions.first().question_id  # noqa: E731
slot_of_quiz = lambda w: f"q{w.quiz.quiz_questions.first().pk}"  # noqa: E731

MATRIX: dict[str, list[Case]] = {
    # Lists and pages without an object
    "healthz": [Case("liveness", "GET", url("healthz"), everyone(PAGE, PAGE, PAGE))],
    "signup": [Case("form", "GET", url("signup"), everyone(PAGE, HOME, HOME))],
    "quizzes:quiz_list": [Case("home", "GET", url("quizzes:quiz_list"), STUDENT_PAGE)],
    "password_change": [
        Case("form", "GET", url("password_change"), STUDENT_PAGE),
        Case("empty form", "POST", url("password_change"), everyone(LOGIN, DONE, DONE)),
    ],
    "quizzes:my_scores": [Case("scores", "GET", url("quizzes:my_scores"), STUDENT_PAGE)],
    "quizzes:course_overview": [
        Case("overview", "GET", url("quizzes:course_overview"), TEACH_PAGE)
    ],
    "quizzes:text_list": [Case("texts", "GET", url("quizzes:text_list"), TEACH_PAGE)],
    "quizzes:add_text": [Case("form", "GET", url("quizzes:add_text"), TEACH_PAGE)],
    # Quizzes and texts: every student may see a published quiz, none an unpublished one.
    "quizzes:quiz_detail": [
        Case("published", "GET", url("quizzes:quiz_detail", quiz_slug), STUDENT_PAGE),
        Case(
            "unpublished",
            "GET",
            url("quizzes:quiz_detail", draft_slug),
            everyone(LOGIN, 404, PAGE),
        ),
    ],
    "quizzes:start_quiz": [
        Case(
            "published", "POST", url("quizzes:start_quiz", quiz_slug), everyone(LOGIN, DONE, DONE)
        ),
        Case(
            "unpublished",
            "POST",
            url("quizzes:start_quiz", draft_slug),
            everyone(LOGIN, 404, DONE),
        ),
    ],
    "quizzes:source_text_detail": [
        Case("text", "GET", url("quizzes:source_text_detail", text_slug), STUDENT_PAGE)
    ],
    # A student's own attempt
    "quizzes:attempt_question": [
        Case("own", "GET", url("quizzes:attempt_question", attempt_pk, one), OWNERS_ONLY),
        Case("answer", "POST", url("quizzes:attempt_question", attempt_pk, one), OWNERS_POST),
        Case(
            "no such position",
            "GET",
            url("quizzes:attempt_question", attempt_pk, lambda w: 99),
            {ANON: LOGIN, OWNER: 404, OTHER: 404, INSTRUCTOR: 404},
        ),
    ],
    "quizzes:toggle_flag": [
        Case("flag", "POST", url("quizzes:toggle_flag", attempt_pk, one), OWNERS_POST)
    ],
    "quizzes:finish_attempt": [
        Case("summary", "GET", url("quizzes:finish_attempt", attempt_pk), OWNERS_ONLY),
        Case("submit", "POST", url("quizzes:finish_attempt", attempt_pk), OWNERS_POST),
    ],
    "quizzes:attempt_result": [
        Case("finished", "GET", url("quizzes:attempt_result", finished_pk), OWNERS_ONLY),
        Case(
            "in progress: back to the question",
            "GET",
            url("quizzes:attempt_result", attempt_pk),
            {ANON: LOGIN, OWNER: 302, OTHER: 404, INSTRUCTOR: 404},
        ),
    ],
    # Instructor reports
    "quizzes:gradebook": [Case("quiz", "GET", url("quizzes:gradebook", quiz_slug), TEACH_PAGE)],
    "quizzes:item_analysis": [
        Case("quiz", "GET", url("quizzes:item_analysis", quiz_slug), TEACH_PAGE)
    ],
    "quizzes:text_heatmap": [
        Case("quiz", "GET", url("quizzes:text_heatmap", quiz_slug), TEACH_PAGE)
    ],
    "quizzes:regrade_quiz": [
        Case("form", "GET", url("quizzes:regrade_quiz", quiz_slug), TEACH_PAGE),
        Case("dry run", "POST", url("quizzes:regrade_quiz", quiz_slug), TEACH_POST),
    ],
    "quizzes:export_csv": [
        Case("grades", "GET", url("quizzes:export_csv", quiz_slug, lambda w: "grades"), TEACH_PAGE),
        Case(
            "unknown kind",
            "GET",
            url("quizzes:export_csv", quiz_slug, lambda w: "passwords"),
            TEACH_MISMATCH,
        ),
    ],
    "quizzes:student_attempts": [
        Case(
            "student",
            "GET",
            url("quizzes:student_attempts", lambda w: w.owner.pk),
            TEACH_PAGE,
        )
    ],
    "quizzes:attempt_review": [
        Case("finished", "GET", url("quizzes:attempt_review", finished_pk), TEACH_PAGE)
    ],
    # Authoring: the bank, the editor, quizzes and their builder
    "quizzes:question_bank": [Case("bank", "GET", url("quizzes:question_bank"), TEACH_PAGE)],
    "quizzes:question_new": [Case("kinds", "GET", url("quizzes:question_new"), TEACH_PAGE)],
    "quizzes:question_create": [
        Case("form", "GET", url("quizzes:question_create", lambda w: "numeric"), TEACH_PAGE),
        Case("empty form", "POST", url("quizzes:question_create", lambda w: "numeric"), TEACH_POST),
        Case(
            "no such kind",
            "GET",
            url("quizzes:question_create", lambda w: "essay"),
            TEACH_MISMATCH,
        ),
    ],
    "quizzes:question_edit": [
        Case("form", "GET", url("quizzes:question_edit", question_pk), TEACH_PAGE),
        Case("empty form", "POST", url("quizzes:question_edit", question_pk), TEACH_POST),
        Case("no such question", "GET", url("quizzes:question_edit", lambda w: 0), TEACH_MISMATCH),
    ],
    "quizzes:text_picker": [
        Case("no text", "GET", url("quizzes:text_picker"), TEACH_PAGE),
    ],
    "quizzes:quiz_new": [Case("form", "GET", url("quizzes:quiz_new"), TEACH_PAGE)],
    "quizzes:quiz_settings": [
        Case("form", "GET", url("quizzes:quiz_settings", quiz_slug), TEACH_PAGE),
        Case("empty form", "POST", url("quizzes:quiz_settings", quiz_slug), TEACH_POST),
    ],
    "quizzes:quiz_duplicate": [
        Case("copy", "POST", url("quizzes:quiz_duplicate", quiz_slug), TEACH_POST),
    ],
    "quizzes:quiz_builder": [
        Case("builder", "GET", url("quizzes:quiz_builder", quiz_slug), TEACH_PAGE),
        Case("no such quiz", "GET", url("quizzes:quiz_builder", lambda w: "none"), TEACH_MISMATCH),
    ],
    "quizzes:builder_add": [
        Case("empty form", "POST", url("quizzes:builder_add", quiz_slug), TEACH_POST),
    ],
    "quizzes:builder_order": [
        Case("empty form", "POST", url("quizzes:builder_order", quiz_slug), TEACH_POST),
    ],
    "quizzes:builder_slot": [
        Case(
            "empty form", "POST", url("quizzes:builder_slot", quiz_slug, slot_of_quiz), TEACH_POST
        ),
    ],
    # Authoring: texts and their drafts
    "quizzes:text_drafts": [Case("text", "GET", url("quizzes:text_drafts", text_slug), TEACH_PAGE)],
    "quizzes:restore_block": [
        Case("empty form", "POST", url("quizzes:restore_block", text_slug), TEACH_POST)
    ],
    "quizzes:review_queue": [
        Case("text", "GET", url("quizzes:review_queue", text_slug), TEACH_PAGE)
    ],
    "quizzes:bulk_accept": [
        Case("empty form", "POST", url("quizzes:bulk_accept", text_slug), TEACH_POST)
    ],
    "quizzes:draft_card": [
        Case("draft", "GET", url("quizzes:draft_card", text_slug, draft_pk), TEACH_PAGE),
        Case(
            "draft under another text",
            "GET",
            url("quizzes:draft_card", lambda w: w.other_text.slug, draft_pk),
            TEACH_MISMATCH,
        ),
    ],
    "quizzes:draft_edit": [
        Case("form", "GET", url("quizzes:draft_edit", text_slug, draft_pk), TEACH_PAGE),
        Case(
            "draft under another text",
            "POST",
            url("quizzes:draft_edit", lambda w: w.other_text.slug, draft_pk),
            TEACH_MISMATCH,
        ),
    ],
    "quizzes:draft_accept": [
        Case("empty form", "POST", url("quizzes:draft_accept", text_slug, draft_pk), TEACH_POST),
        Case(
            "draft under another text",
            "POST",
            url("quizzes:draft_accept", lambda w: w.other_text.slug, draft_pk),
            TEACH_MISMATCH,
        ),
    ],
    "quizzes:draft_reject": [
        Case("empty form", "POST", url("quizzes:draft_reject", text_slug, draft_pk), TEACH_POST),
        Case(
            "draft under another text",
            "POST",
            url("quizzes:draft_reject", lambda w: w.other_text.slug, draft_pk),
            TEACH_MISMATCH,
        ),
    ],
}


def project_url_names() -> dict[str, str]:
    """Every named URL pattern of the project (name → route), less the admin and auth's views."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if route.startswith(EXCLUDED_PREFIXES):
                continue
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL pattern {route!r} has no name, so no matrix entry"
                if pattern.name not in AUTH_VIEWS:
                    found[namespace + pattern.name] = route

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_url_pattern_is_in_the_matrix():
    """A new view cannot slip through: each pattern needs cases here (and no stale entries)."""
    names = project_url_names()
    missing = sorted(set(names) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(names))
    assert not missing, f"Add authorisation cases for: {[(n, names[n]) for n in missing]}"
    assert not stale, f"These matrix entries match no URL pattern any more: {stale}"


def test_patterns_with_an_object_are_tried_by_all_four_actors():
    for name, route in project_url_names().items():
        if "<" in route:
            for case in MATRIX[name]:
                assert set(case.expect) == set(ACTORS), (name, case.label)


PARAMS = [
    pytest.param(name, index, actor, htmx, id=f"{name}-{case.label}-{actor}{'-htmx' * htmx}")
    for name, cases in MATRIX.items()
    for index, case in enumerate(cases)
    for actor in ACTORS
    for htmx in (False, True)
]


def _login_url(next_url: str) -> str:
    return f"{reverse('login')}?next={next_url}"


@pytest.mark.parametrize(("name", "index", "actor", "htmx"), PARAMS)
def test_authorisation(client, world, name, index, actor, htmx):
    case = MATRIX[name][index]
    user = {OWNER: world.owner, OTHER: world.other, INSTRUCTOR: world.instructor}.get(actor)
    if user is not None:
        client.force_login(user)
    target = case.url(world)
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.generic(case.method, target, headers=headers)
    expected = case.expect[actor]
    location = response.get("HX-Redirect") or response.get("Location") or ""

    if expected == LOGIN:
        assert location.startswith(reverse("login") + "?next="), (response.status_code, location)
        assert response.status_code == (200 if htmx else 302)
    elif expected == HOME:
        assert response.status_code == 302
        assert response["Location"] == reverse("quizzes:quiz_list")
    elif expected == PAGE:
        assert response.status_code == 200, location
        assert not location
    elif expected == DONE:
        assert response.status_code in (200, 302, 400), response.status_code
        assert not location.startswith(reverse("login"))
    else:
        assert response.status_code == expected
        if expected == 302:
            assert not location.startswith(reverse("login"))
