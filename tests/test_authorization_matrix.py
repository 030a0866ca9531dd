"""Who may open what: every URL pattern of the project × eight actors (anonymous, a student of
course A, of course B, of both, a teacher of A, an assistant of A, a teacher of B, a superuser),
as plain requests and as htmx requests.

Decisions the matrix asserts:
- Anonymous visitors are sent to the login page (htmx: an HX-Redirect to it), never shown data
  (the pages for signing up, joining by link and choosing a password excepted).
- Anything of a course the user is not in does not exist for them: 404, the same as for an
  object that does not exist, so ids and slugs cannot be probed. Students see the published
  quizzes given to their courses, and the texts those quizzes use; teachers and assistants of a
  course preview its quizzes (also unpublished ones) and read its texts.
- A student's attempt is theirs alone: everyone else gets 404 on the student's pages, staff
  review attempts under /teach/attempts/.
- /teach/… pages give 403 to users on no course's staff; assistants read reports and attempts
  and mark them, but get 403 where teachers change something (settings, roster, quizzes,
  texts, questions).

A new URL pattern without an entry here fails `test_every_url_pattern_is_in_the_matrix`.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quizzes.models import Membership, Role, StudentOverride
from quizzes.starting import start_attempt
from tests.factories import (
    CourseFactory,
    InstructorFactory,
    QuestionDraftFactory,
    QuizFactory,
    SourceTextFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ANON = "anonymous"
OWNER = "student of A"  # owns the attempts
STUDENT_B = "student of B"
STUDENT_AB = "student of A and B"
TEACHER_A = "teacher of A"
ASSISTANT_A = "assistant of A"
TEACHER_B = "teacher of B"
SUPERUSER = "superuser"
ACTORS = (ANON, OWNER, STUDENT_B, STUDENT_AB, TEACHER_A, ASSISTANT_A, TEACHER_B, SUPERUSER)
STUDENTS = (OWNER, STUDENT_B, STUDENT_AB)

# Outcomes. PAGE: a GET shows the page (200). DONE: a POST is handled (no 403/404/login).
PAGE, DONE, LOGIN, HOME = "page", "done", "login", "home"

# django.contrib.auth's own views and the admin, which have their own tests upstream; the
# login view's lockout is tested in test_security.py.
AUTH_VIEWS = {
    "login",
    "logout",
    "password_change_done",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}
EXCLUDED_PREFIXES = ("admin/",)


@dataclass
class World:
    users: dict
    course_a: object
    course_b: object
    quiz: object  # published, in course A
    draft_quiz: object  # unpublished, in course A
    attempt: object  # the owner's attempt in progress at `quiz`
    finished: object  # the owner's submitted attempt at another quiz of A
    text: object  # the text of `quiz`
    other_text: object  # a text of A in no quiz
    draft: object  # a question draft derived from `text`
    override: object  # the owner's override at `quiz` in A
    member_b: object  # the B student's membership of B

    @property
    def owner(self):
        return self.users[OWNER]

    @property
    def instructor(self):
        return self.users[TEACHER_A]


@pytest.fixture
def world(db) -> World:
    course_a, course_b = CourseFactory(code="course-a"), CourseFactory(code="course-b")
    owner = UserFactory(username="owner", courses=[course_a])
    assistant = UserFactory(username="assistant", courses=[])
    Membership.objects.create(course=course_a, user=assistant, role=Role.ASSISTANT)
    users = {
        OWNER: owner,
        STUDENT_B: UserFactory(username="bea", courses=[course_b]),
        STUDENT_AB: UserFactory(username="abe", courses=[course_a, course_b]),
        TEACHER_A: InstructorFactory(username="teacher-a", courses=[course_a]),
        ASSISTANT_A: assistant,
        TEACHER_B: InstructorFactory(username="teacher-b", courses=[course_b]),
        SUPERUSER: UserFactory(username="root", is_superuser=True, is_staff=True, courses=[]),
    }
    quiz = QuizFactory(question_count=2, course=course_a)
    done_quiz = QuizFactory(question_count=1, course=course_a)
    QuizFactory(question_count=1, course=course_b)
    finished = start_attempt(quiz=done_quiz, student=owner)
    finished.finish()
    return World(
        users=users,
        course_a=course_a,
        course_b=course_b,
        quiz=quiz,
        draft_quiz=QuizFactory(question_count=1, is_published=False, course=course_a),
        attempt=start_attempt(quiz=quiz, student=owner),
        finished=finished,
        text=quiz.source_text,
        other_text=SourceTextFactory(course=course_a),
        draft=QuestionDraftFactory(source_text=quiz.source_text),
        override=StudentOverride.objects.create(
            assignment=quiz.assignments.get(course=course_a), student=owner, attempts_allowed=3
        ),
        member_b=Membership.objects.get(course=course_b, user=users[STUDENT_B]),
    )


@dataclass(frozen=True)
class Case:
    """One request and what each actor must get."""

    label: str
    method: str
    url: Callable[[World], str]
    expect: dict[str, object]


def outcomes(anonymous, students, teacher_a, assistant_a, teacher_b, superuser, **by_student):
    """What each actor gets; `students` for the three students unless named (owner=...)."""
    expect = {
        ANON: anonymous,
        TEACHER_A: teacher_a,
        ASSISTANT_A: assistant_a,
        TEACHER_B: teacher_b,
        SUPERUSER: superuser,
    }
    names = {"owner": OWNER, "student_b": STUDENT_B, "student_ab": STUDENT_AB}
    for student in STUDENTS:
        expect[student] = students
    for name, outcome in by_student.items():
        expect[names[name]] = outcome
    return expect


def url(name: str, *args: Callable[[World], object]) -> Callable[[World], str]:
    return lambda w: reverse(name, args=[arg(w) for arg in args])


SIGNED_IN_PAGE = outcomes(LOGIN, PAGE, PAGE, PAGE, PAGE, PAGE)
# A course A thing for its students: A's students see it, B's do not, nor B's teacher.
IN_COURSE_A = outcomes(LOGIN, PAGE, PAGE, PAGE, 404, PAGE, student_b=404)
IN_COURSE_A_POST = outcomes(LOGIN, DONE, DONE, DONE, 404, DONE, student_b=404)
# Course A staff only (teacher and assistant), for reading.
A_STAFF_PAGE = outcomes(LOGIN, 403, PAGE, PAGE, 404, PAGE)
A_STAFF_POST = outcomes(LOGIN, 403, DONE, DONE, 404, DONE)
# Course A's teachers only, for changing: its assistant gets 403.
A_TEACHER_PAGE = outcomes(LOGIN, 403, PAGE, 403, 404, PAGE)
A_TEACHER_POST = outcomes(LOGIN, 403, DONE, 403, 404, DONE)
# Staff of any course.
TEACHING_PAGE = outcomes(LOGIN, 403, PAGE, PAGE, PAGE, PAGE)
# Teachers of any course (authoring).
AUTHOR_PAGE = outcomes(LOGIN, 403, PAGE, 403, PAGE, PAGE)
AUTHOR_POST = outcomes(LOGIN, 403, DONE, 403, DONE, DONE)
# The object exists, but not under that parent (or not at all) for anyone allowed the page.
A_TEACHER_MISMATCH = outcomes(LOGIN, 403, 404, 403, 404, 404)
A_STAFF_MISMATCH = outcomes(LOGIN, 403, 404, 404, 404, 404)
OWNERS_ONLY = outcomes(LOGIN, 404, 404, 404, 404, 404, owner=PAGE)
OWNERS_POST = outcomes(LOGIN, 404, 404, 404, 404, 404, owner=DONE)

quiz_slug = lambda w: w.quiz.slug  # noqa: E731
draft_slug = lambda w: w.draft_quiz.slug  # noqa: E731
attempt_pk = lambda w: w.attempt.pk  # noqa: E731
finished_pk = lambda w: w.finished.pk  # noqa: E731
text_slug = lambda w: w.text.slug  # noqa: E731
draft_pk = lambda w: w.draft.pk  # noqa: E731
code_a = lambda w: w.course_a.code  # noqa: E731
code_b = lambda w: w.course_b.code  # noqa: E731
owner_pk = lambda w: w.users[OWNER].pk  # noqa: E731
one = lambda w: 1  # noqa: E731
question_pk = lambda w: w.quiz.quiz_questions.first().question_id  # noqa: E731
slot_of_quiz = lambda w: f"q{w.quiz.quiz_questions.first().pk}"  # noqa: E731


MATRIX: dict[str, list[Case]] = {
    # Pages without an object
    "healthz": [
        Case("liveness", "GET", url("healthz"), outcomes(PAGE, PAGE, PAGE, PAGE, PAGE, PAGE))
    ],
    "signup": [Case("form", "GET", url("signup"), outcomes(PAGE, HOME, HOME, HOME, HOME, HOME))],
    # LTI: what a learning platform calls is public and checked by the protocol (test_lti.py).
    "lti_jwks": [
        Case("keys", "GET", url("lti_jwks"), outcomes(PAGE, PAGE, PAGE, PAGE, PAGE, PAGE))
    ],
    "lti_login": [
        Case("no platform", "GET", url("lti_login"), outcomes(400, 400, 400, 400, 400, 400))
    ],
    "lti_login_for": [
        Case(
            "no platform",
            "GET",
            url("lti_login_for", lambda w: "6f1b1c1e-0000-4000-8000-000000000000"),
            outcomes(400, 400, 400, 400, 400, 400),
        )
    ],
    "lti_launch": [
        Case("no token", "POST", url("lti_launch"), outcomes(400, 400, 400, 400, 400, 400)),
        Case("a page", "GET", url("lti_launch"), outcomes(405, 405, 405, 405, 405, 405)),
    ],
    "lti_deep_link": [
        Case("not launched", "GET", url("lti_deep_link"), outcomes(403, 403, 403, 403, 403, 403))
    ],
    "lti_platforms": [
        Case("list", "GET", url("lti_platforms"), outcomes(LOGIN, 403, 403, 403, 403, PAGE)),
        Case("empty form", "POST", url("lti_platforms"), outcomes(LOGIN, 403, 403, 403, 403, DONE)),
    ],
    "lti_canvas_json": [
        Case("json", "GET", url("lti_canvas_json"), outcomes(LOGIN, 403, 403, 403, 403, PAGE))
    ],
    "lti_platform": [
        Case(
            "no such platform",
            "GET",
            url("lti_platform", lambda w: "6f1b1c1e-0000-4000-8000-000000000000"),
            outcomes(LOGIN, 403, 403, 403, 403, 404),
        )
    ],
    "setup_password": [
        Case("form", "GET", url("setup_password"), outcomes(PAGE, PAGE, PAGE, PAGE, PAGE, PAGE)),
        Case(
            "empty form",
            "POST",
            url("setup_password"),
            outcomes(DONE, DONE, DONE, DONE, DONE, DONE),
        ),
    ],
    "password_reset": [
        Case("help", "GET", url("password_reset"), outcomes(PAGE, PAGE, PAGE, PAGE, PAGE, PAGE)),
    ],
    "quizzes:quiz_list": [Case("home", "GET", url("quizzes:quiz_list"), SIGNED_IN_PAGE)],
    "quizzes:join": [
        Case("form", "GET", url("quizzes:join"), SIGNED_IN_PAGE),
        Case(
            "empty form", "POST", url("quizzes:join"), outcomes(LOGIN, DONE, DONE, DONE, DONE, DONE)
        ),
    ],
    "quizzes:join_course": [
        Case(
            "link",
            "GET",
            url("quizzes:join_course", lambda w: w.course_a.join_code),
            outcomes(PAGE, PAGE, PAGE, PAGE, PAGE, PAGE),
        ),
        Case(
            "no such code",
            "GET",
            url("quizzes:join_course", lambda w: "NOCODE"),
            outcomes(404, 404, 404, 404, 404, 404),
        ),
    ],
    "password_change": [
        Case("form", "GET", url("password_change"), SIGNED_IN_PAGE),
        Case(
            "empty form",
            "POST",
            url("password_change"),
            outcomes(LOGIN, DONE, DONE, DONE, DONE, DONE),
        ),
    ],
    "quizzes:my_scores": [Case("scores", "GET", url("quizzes:my_scores"), SIGNED_IN_PAGE)],
    # Quizzes and texts of course A
    "quizzes:quiz_detail": [
        Case("published", "GET", url("quizzes:quiz_detail", quiz_slug), IN_COURSE_A),
        Case(
            "unpublished",
            "GET",
            url("quizzes:quiz_detail", draft_slug),
            outcomes(LOGIN, 404, PAGE, PAGE, 404, PAGE),
        ),
    ],
    "quizzes:start_quiz": [
        Case("published", "POST", url("quizzes:start_quiz", quiz_slug), IN_COURSE_A_POST),
        Case(
            "unpublished",
            "POST",
            url("quizzes:start_quiz", draft_slug),
            outcomes(LOGIN, 404, DONE, DONE, 404, DONE),
        ),
    ],
    "quizzes:source_text_detail": [
        Case("a quiz's text", "GET", url("quizzes:source_text_detail", text_slug), IN_COURSE_A),
        Case(
            "a text in no quiz",
            "GET",
            url("quizzes:source_text_detail", lambda w: w.other_text.slug),
            outcomes(LOGIN, 404, PAGE, PAGE, 404, PAGE),
        ),
    ],
    # A student's own attempt
    "quizzes:attempt_question": [
        Case("own", "GET", url("quizzes:attempt_question", attempt_pk, one), OWNERS_ONLY),
        Case("answer", "POST", url("quizzes:attempt_question", attempt_pk, one), OWNERS_POST),
        Case(
            "no such position",
            "GET",
            url("quizzes:attempt_question", attempt_pk, lambda w: 99),
            outcomes(LOGIN, 404, 404, 404, 404, 404),
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
            outcomes(LOGIN, 404, 404, 404, 404, 404, owner=302),
        ),
    ],
    # Courses
    "quizzes:course_overview": [
        Case("courses", "GET", url("quizzes:course_overview"), TEACHING_PAGE)
    ],
    "quizzes:course_new": [
        Case("form", "GET", url("quizzes:course_new"), outcomes(LOGIN, 403, PAGE, 403, PAGE, PAGE)),
    ],
    "quizzes:course_home": [
        Case("course", "GET", url("quizzes:course_home", code_a), A_STAFF_PAGE),
        Case(
            "no such course",
            "GET",
            url("quizzes:course_home", lambda w: "none"),
            outcomes(LOGIN, 403, 404, 404, 404, 404),
        ),
    ],
    "quizzes:course_settings": [
        Case("form", "GET", url("quizzes:course_settings", code_a), A_TEACHER_PAGE),
        Case("empty form", "POST", url("quizzes:course_settings", code_a), A_TEACHER_POST),
    ],
    "quizzes:course_join_code": [
        Case("rotate", "POST", url("quizzes:course_join_code", code_a), A_TEACHER_POST),
    ],
    "quizzes:roster": [
        Case("roster", "GET", url("quizzes:roster", code_a), A_STAFF_PAGE),
        Case("add staff, empty", "POST", url("quizzes:roster", code_a), A_TEACHER_POST),
    ],
    "quizzes:roster_sync": [
        Case(
            "not linked to an LMS", "POST", url("quizzes:roster_sync", code_a), A_TEACHER_MISMATCH
        ),
    ],
    "quizzes:roster_import": [
        Case("form", "GET", url("quizzes:roster_import", code_a), A_TEACHER_PAGE),
        Case("empty form", "POST", url("quizzes:roster_import", code_a), A_TEACHER_POST),
    ],
    # Question banks from and to other tools: teachers import, staff export.
    "quizzes:bank_import": [
        Case("form", "GET", url("quizzes:bank_import", code_a), A_TEACHER_PAGE),
        Case("empty form", "POST", url("quizzes:bank_import", code_a), A_TEACHER_POST),
    ],
    "quizzes:bank_import_preview": [
        # Uploads are the uploader's: a number nobody uploaded is the same 404 as another's.
        Case(
            "nobody's", "GET", url("quizzes:bank_import_preview", code_a, one), A_TEACHER_MISMATCH
        ),
    ],
    "quizzes:excerpts_to_confirm": [
        Case("list", "GET", url("quizzes:excerpts_to_confirm", code_a), A_TEACHER_PAGE),
        Case("confirm all", "POST", url("quizzes:excerpts_to_confirm", code_a), A_TEACHER_POST),
    ],
    "quizzes:bank_export": [
        Case("form", "GET", url("quizzes:bank_export", code_a), A_STAFF_PAGE),
    ],
    "quizzes:member_action": [
        Case(
            "empty form",
            "POST",
            url("quizzes:member_action", code_a, lambda w: w.users[OWNER].memberships.get().pk),
            A_TEACHER_POST,
        ),
        Case(
            "a member of another course",
            "POST",
            url("quizzes:member_action", code_a, lambda w: w.member_b.pk),
            A_TEACHER_MISMATCH,
        ),
    ],
    "quizzes:course_grades": [
        Case("grades", "GET", url("quizzes:course_grades", code_a), A_STAFF_PAGE),
    ],
    "quizzes:give_quiz": [
        Case("empty form", "POST", url("quizzes:give_quiz", code_a), A_TEACHER_POST),
    ],
    "quizzes:student_attempts": [
        Case("student", "GET", url("quizzes:student_attempts", code_a, owner_pk), A_STAFF_PAGE),
        Case(
            "a student of another course",
            "GET",
            url("quizzes:student_attempts", code_a, lambda w: w.users[STUDENT_B].pk),
            A_STAFF_MISMATCH,
        ),
    ],
    # A quiz in a course: reports and dates
    "quizzes:gradebook": [
        Case("quiz", "GET", url("quizzes:gradebook", code_a, quiz_slug), A_STAFF_PAGE),
        Case(
            "a quiz not in the course",
            "GET",
            url("quizzes:gradebook", code_b, quiz_slug),
            outcomes(LOGIN, 403, 404, 404, 404, 404),
        ),
    ],
    "quizzes:assignment": [
        Case("dates", "GET", url("quizzes:assignment", code_a, quiz_slug), A_TEACHER_PAGE),
        Case("empty form", "POST", url("quizzes:assignment", code_a, quiz_slug), A_TEACHER_POST),
    ],
    "quizzes:override_delete": [
        Case(
            "override",
            "POST",
            url("quizzes:override_delete", code_a, quiz_slug, lambda w: w.override.pk),
            A_TEACHER_POST,
        ),
    ],
    "quizzes:unassign": [
        Case(
            "attempted: refused", "POST", url("quizzes:unassign", code_a, quiz_slug), A_TEACHER_POST
        ),
    ],
    "quizzes:item_analysis": [
        Case("quiz", "GET", url("quizzes:item_analysis", code_a, quiz_slug), A_STAFF_PAGE)
    ],
    "quizzes:text_heatmap": [
        Case("quiz", "GET", url("quizzes:text_heatmap", code_a, quiz_slug), A_STAFF_PAGE)
    ],
    "quizzes:export_csv": [
        Case(
            "grades",
            "GET",
            url("quizzes:export_csv", code_a, quiz_slug, lambda w: "grades"),
            A_STAFF_PAGE,
        ),
        Case(
            "unknown kind",
            "GET",
            url("quizzes:export_csv", code_a, quiz_slug, lambda w: "passwords"),
            A_STAFF_MISMATCH,
        ),
    ],
    "quizzes:quiz_item_analysis": [
        Case("every course", "GET", url("quizzes:quiz_item_analysis", quiz_slug), A_STAFF_PAGE)
    ],
    "quizzes:quiz_text_heatmap": [
        Case("every course", "GET", url("quizzes:quiz_text_heatmap", quiz_slug), A_STAFF_PAGE)
    ],
    "quizzes:regrade_quiz": [
        Case("form", "GET", url("quizzes:regrade_quiz", quiz_slug), A_TEACHER_PAGE),
        Case("dry run", "POST", url("quizzes:regrade_quiz", quiz_slug), A_TEACHER_POST),
    ],
    "quizzes:attempt_review": [
        Case("finished", "GET", url("quizzes:attempt_review", finished_pk), A_STAFF_PAGE),
        # An empty form comments on the whole attempt: teachers and assistants mark.
        Case("marking", "POST", url("quizzes:attempt_review", finished_pk), A_STAFF_POST),
    ],
    # Authoring: the bank, the editor, quizzes and their builder
    "quizzes:question_bank": [Case("bank", "GET", url("quizzes:question_bank"), AUTHOR_PAGE)],
    "quizzes:question_new": [Case("kinds", "GET", url("quizzes:question_new"), AUTHOR_PAGE)],
    "quizzes:question_create": [
        Case("form", "GET", url("quizzes:question_create", lambda w: "numeric"), AUTHOR_PAGE),
        Case(
            "empty form", "POST", url("quizzes:question_create", lambda w: "numeric"), AUTHOR_POST
        ),
        Case(
            "no such kind",
            "GET",
            url("quizzes:question_create", lambda w: "essay"),
            outcomes(LOGIN, 403, 404, 403, 404, 404),
        ),
    ],
    "quizzes:question_edit": [
        Case("form", "GET", url("quizzes:question_edit", question_pk), A_TEACHER_PAGE),
        Case("empty form", "POST", url("quizzes:question_edit", question_pk), A_TEACHER_POST),
        Case(
            "no such question",
            "GET",
            url("quizzes:question_edit", lambda w: 0),
            outcomes(LOGIN, 403, 404, 403, 404, 404),
        ),
    ],
    "quizzes:text_picker": [
        Case("no text", "GET", url("quizzes:text_picker"), AUTHOR_PAGE),
        Case(
            "a text of A",
            "GET",
            lambda w: reverse("quizzes:text_picker") + f"?source_text={w.text.pk}",
            A_TEACHER_PAGE,
        ),
    ],
    "quizzes:text_list": [Case("texts", "GET", url("quizzes:text_list"), AUTHOR_PAGE)],
    "quizzes:add_text": [Case("form", "GET", url("quizzes:add_text"), AUTHOR_PAGE)],
    "quizzes:quiz_new": [Case("form", "GET", url("quizzes:quiz_new"), AUTHOR_PAGE)],
    "quizzes:quiz_settings": [
        Case("form", "GET", url("quizzes:quiz_settings", quiz_slug), A_TEACHER_PAGE),
        Case("empty form", "POST", url("quizzes:quiz_settings", quiz_slug), A_TEACHER_POST),
    ],
    "quizzes:quiz_duplicate": [
        Case("copy", "POST", url("quizzes:quiz_duplicate", quiz_slug), A_TEACHER_POST),
    ],
    "quizzes:quiz_builder": [
        Case("builder", "GET", url("quizzes:quiz_builder", quiz_slug), A_TEACHER_PAGE),
        Case(
            "no such quiz",
            "GET",
            url("quizzes:quiz_builder", lambda w: "none"),
            outcomes(LOGIN, 403, 404, 403, 404, 404),
        ),
    ],
    "quizzes:builder_add": [
        Case("empty form", "POST", url("quizzes:builder_add", quiz_slug), A_TEACHER_POST),
    ],
    "quizzes:builder_order": [
        Case("empty form", "POST", url("quizzes:builder_order", quiz_slug), A_TEACHER_POST),
    ],
    "quizzes:builder_slot": [
        Case(
            "empty form",
            "POST",
            url("quizzes:builder_slot", quiz_slug, slot_of_quiz),
            A_TEACHER_POST,
        ),
    ],
    # Authoring: texts and their drafts
    "quizzes:text_drafts": [
        Case("text", "GET", url("quizzes:text_drafts", text_slug), A_TEACHER_PAGE)
    ],
    "quizzes:restore_block": [
        Case("empty form", "POST", url("quizzes:restore_block", text_slug), A_TEACHER_POST)
    ],
    "quizzes:draft_from_selection": [
        Case("empty form", "POST", url("quizzes:draft_from_selection", text_slug), A_TEACHER_POST)
    ],
    "quizzes:review_queue": [
        Case("text", "GET", url("quizzes:review_queue", text_slug), A_TEACHER_PAGE)
    ],
    "quizzes:bulk_accept": [
        Case("empty form", "POST", url("quizzes:bulk_accept", text_slug), A_TEACHER_POST)
    ],
    "quizzes:draft_card": [
        Case("draft", "GET", url("quizzes:draft_card", text_slug, draft_pk), A_TEACHER_PAGE),
        Case(
            "draft under another text",
            "GET",
            url("quizzes:draft_card", lambda w: w.other_text.slug, draft_pk),
            A_TEACHER_MISMATCH,
        ),
    ],
    "quizzes:draft_edit": [
        Case("form", "GET", url("quizzes:draft_edit", text_slug, draft_pk), A_TEACHER_PAGE),
        Case(
            "draft under another text",
            "POST",
            url("quizzes:draft_edit", lambda w: w.other_text.slug, draft_pk),
            A_TEACHER_MISMATCH,
        ),
    ],
    "quizzes:draft_accept": [
        Case(
            "empty form", "POST", url("quizzes:draft_accept", text_slug, draft_pk), A_TEACHER_POST
        ),
        Case(
            "draft under another text",
            "POST",
            url("quizzes:draft_accept", lambda w: w.other_text.slug, draft_pk),
            A_TEACHER_MISMATCH,
        ),
    ],
    "quizzes:draft_reject": [
        Case(
            "empty form", "POST", url("quizzes:draft_reject", text_slug, draft_pk), A_TEACHER_POST
        ),
        Case(
            "draft under another text",
            "POST",
            url("quizzes:draft_reject", lambda w: w.other_text.slug, draft_pk),
            A_TEACHER_MISMATCH,
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


def test_every_case_says_what_each_of_the_eight_actors_gets():
    for name, cases in MATRIX.items():
        for case in cases:
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
    user = world.users.get(actor)
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
