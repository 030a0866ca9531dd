"""Data migrations, run forward on a database that holds attempts: nothing a student did changes.

The rows of the schema before a migration are written with plain SQL through the cursor (the
models are today's), then `migrate` runs forward, as a deployment does.
"""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from quizzes import kinds, review_options
from quizzes.models import (
    Accommodation,
    Assignment,
    Attempt,
    Course,
    Membership,
    Question,
    Quiz,
    Response,
    Tag,
)

pytestmark = pytest.mark.django_db(transaction=True)

NOW = "2026-11-30 10:00:00"


def insert(table: str, **values) -> int:
    columns = ", ".join(values)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values()))
        cursor.execute(f"SELECT MAX(id) FROM {table}")
        return cursor.fetchone()[0]


@pytest.fixture
def before_keys():
    """The database at 0005, when keys were rows; migrated to the latest again afterwards."""
    call_command("migrate", "quizzes", "0005", verbosity=0)
    try:
        yield
    finally:
        call_command("migrate", verbosity=0)


def question_0005(text_id: int, kind: str, **values) -> int:
    return insert(
        "quizzes_question",
        source_text_id=text_id,
        kind=kind,
        prompt=f"A {kind} question?",
        explanation="",
        default_points=1,
        status="published",
        excerpt_start=0,
        excerpt_end=5,
        statement_is_true=values.get("statement_is_true"),
        numeric_value=values.get("numeric_value"),
        numeric_tolerance=values.get("numeric_tolerance", 0),
        bank_key="",
        created_at=NOW,
        updated_at=NOW,
    )


def test_keys_move_from_rows_into_the_question_with_the_row_ids(before_keys, django_user_model):
    text = insert(
        "quizzes_sourcetext",
        title="T",
        slug="t",
        body="Lipetsk and Kazan.",
        publisher="",
        page_title="",
        url="",
        created_at=NOW,
        updated_at=NOW,
    )
    single = question_0005(text, "single_choice")
    wrong = insert("quizzes_choice", question_id=single, text="Kazan", is_correct=False, position=2)
    right = insert(
        "quizzes_choice", question_id=single, text="Lipetsk", is_correct=True, position=1
    )
    ordering = question_0005(text, "ordering")
    second = insert("quizzes_choice", question_id=ordering, text="B", is_correct=False, position=2)
    first = insert("quizzes_choice", question_id=ordering, text="A", is_correct=False, position=1)
    short = question_0005(text, "short_answer")
    insert("quizzes_acceptedanswer", question_id=short, text="Lipetsk")
    insert("quizzes_acceptedanswer", question_id=short, text="Lipezk")
    true_false = question_0005(text, "true_false", statement_is_true=False)
    numeric = question_0005(text, "numeric", numeric_value=1925.0, numeric_tolerance=1.0)
    matching = question_0005(text, "matching")
    pair = insert(
        "quizzes_matchpair", question_id=matching, prompt="air", answer="Lipetsk", position=1
    )
    tank = insert(
        "quizzes_matchpair", question_id=matching, prompt="tank", answer="Kazan", position=2
    )
    extra = insert(
        "quizzes_matchpair", question_id=matching, prompt="", answer="Moscow", position=3
    )
    student = django_user_model.objects.create_user("sam")
    quiz = insert(
        "quizzes_quiz",
        title="Q",
        slug="q",
        description="",
        source_text_id=text,
        is_published=True,
        overdue_handling="autosubmit",
        grace_period_minutes=10,
        grading_method="highest",
        shuffle_questions=False,
        shuffle_options=True,
        feedback="deferred",
        pass_mark=50,
        text_during_quiz=True,
        created_at=NOW,
        updated_at=NOW,
    )
    attempt = insert(
        "quizzes_attempt",
        quiz_id=quiz,
        student_id=student.pk,
        number=1,
        is_preview=False,
        state="submitted",
        started_at=NOW,
        submitted_at=NOW,
        overdue_handling="autosubmit",
        time_factor=1,
        no_time_limit=False,
        score=1,
        max_score=1,
    )
    snapshot = {
        "kind": "single_choice",
        "prompt": "A single_choice question?",
        "explanation": "",
        "excerpt": {"start": 0, "end": 5, "text": "Lipet"},
        "options": [{"id": str(wrong), "text": "Kazan"}, {"id": str(right), "text": "Lipetsk"}],
        "correct": [str(right)],
    }
    insert(
        "quizzes_response",
        attempt_id=attempt,
        position=1,
        question_id=single,
        points=1,
        snapshot=json.dumps(snapshot),
        answer=json.dumps(str(right)),
        answered_at=NOW,
        marks=1,
        answer_seq=1,
        flagged=False,
    )

    call_command("migrate", verbosity=0)

    keys = dict(Question.objects.values_list("pk", "key"))
    assert keys[single] == {
        "options": [
            {"id": str(right), "text": "Lipetsk", "correct": True, "feedback": ""},
            {"id": str(wrong), "text": "Kazan", "correct": False, "feedback": ""},
        ]
    }
    assert keys[ordering] == {
        "items": [{"id": str(first), "text": "A"}, {"id": str(second), "text": "B"}]
    }
    assert keys[short] == {"answers": ["Lipetsk", "Lipezk"]}
    assert keys[true_false] == {"answer": False}
    assert keys[numeric] == {"value": 1925.0, "tolerance": 1.0}
    assert keys[matching] == {
        "pairs": [
            {"id": str(pair), "prompt": "air", "answer": "Lipetsk"},
            {"id": str(tank), "prompt": "tank", "answer": "Kazan"},
            {"id": str(extra), "prompt": "", "answer": "Moscow"},
        ]
    }
    for question in Question.objects.all():
        assert question.key_problems() == [], question.kind
    response = Response.objects.get()
    assert response.snapshot == snapshot
    assert response.answer == str(right)
    # The stored answer still names the right option of the live key, so a regrade keeps it.
    live = Question.objects.get(pk=single).snapshot()
    assert kinds.grade(live, response.answer) == 1.0


# Courses (0010-0012): everything moves into one course, nothing a student did changes.


@pytest.fixture
def before_courses():
    """The database at 0009, before courses; migrated to the latest again afterwards."""
    call_command("migrate", "quizzes", "0009", verbosity=0)
    try:
        yield
    finally:
        call_command("migrate", verbosity=0)


def test_content_moves_into_a_default_course_with_its_people(before_courses, django_user_model):
    teacher = django_user_model.objects.create(username="teacher", is_staff=True)
    teacher.groups.add(Group.objects.get_or_create(name="Instructors")[0])
    student = django_user_model.objects.create(username="student")
    extra = django_user_model.objects.create(username="extra-time")
    bystander = django_user_model.objects.create(username="never-attempted")
    text = insert(
        "quizzes_sourcetext",
        title="T",
        slug="t",
        body="Lipetsk and Kazan.",
        publisher="",
        page_title="",
        url="",
        created_at=NOW,
        updated_at=NOW,
    )
    tag = insert("quizzes_tag", name="places")
    question = insert(
        "quizzes_question",
        source_text_id=text,
        kind="true_false",
        prompt="Lipetsk?",
        explanation="",
        default_points=1,
        status="published",
        excerpt_start=0,
        excerpt_end=7,
        bank_key="",
        key=json.dumps({"answer": True}),
        created_at=NOW,
        updated_at=NOW,
    )
    insert("quizzes_question_tags", question_id=question, tag_id=tag)
    quiz = insert(
        "quizzes_quiz",
        title="Q",
        slug="q",
        description="",
        is_published=True,
        time_limit_minutes=20,
        attempts_allowed=2,
        grading_method="highest",
        shuffle_questions=False,
        shuffle_options=False,
        feedback="deferred",
        pass_mark=50,
        text_during_quiz=True,
        created_at=NOW,
        updated_at=NOW,
        owner_id=teacher.pk,
        source_text_id=text,
        grace_period_minutes=10,
        overdue_handling="autosubmit",
    )
    insert("quizzes_quizquestion", position=1, question_id=question, quiz_id=quiz)
    attempt = insert(
        "quizzes_attempt",
        number=1,
        is_preview=False,
        state="submitted",
        started_at=NOW,
        submitted_at=NOW,
        score="1.0000",
        max_score="1.0000",
        student_id=student.pk,
        quiz_id=quiz,
        no_time_limit=False,
        overdue_handling="autosubmit",
        time_factor="1.00",
    )
    insert(
        "quizzes_attempt",
        number=1,
        is_preview=True,
        state="in_progress",
        started_at=NOW,
        max_score="1.0000",
        student_id=teacher.pk,
        quiz_id=quiz,
        no_time_limit=False,
        overdue_handling="autosubmit",
        time_factor="1.00",
    )
    response = insert(
        "quizzes_response",
        position=1,
        points="1.00",
        snapshot=json.dumps({"kind": "true_false", "prompt": "Lipetsk?", "correct": True}),
        answer=json.dumps(True),
        answered_at=NOW,
        marks="1.00",
        flagged=False,
        attempt_id=attempt,
        question_id=question,
        answer_seq=1,
    )
    insert(
        "quizzes_accommodation",
        time_factor="1.50",
        no_time_limit=False,
        note="",
        updated_at=NOW,
        student_id=extra.pk,
    )

    call_command("migrate", verbosity=0)

    course = Course.objects.get()
    assert (course.code, course.title) == ("default", "Default course")
    assert len(course.join_code) == 7
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {"teacher": "teacher", "student": "student", "extra-time": "student"}
    assert bystander.username not in roles
    assert Assignment.objects.filter(quiz_id=quiz, course=course).exists()
    assert Tag.objects.get(pk=tag).course == course
    assert Accommodation.objects.get().course == course
    graded = Attempt.objects.get(pk=attempt)
    assert graded.course == course
    assert (graded.state, graded.score, graded.max_score) == ("submitted", 1, 1)
    assert Response.objects.get(pk=response).marks == 1
    assert Attempt.objects.filter(course=course).count() == 2


def test_a_site_without_content_gets_no_course(before_courses):
    call_command("migrate", verbosity=0)

    assert not Course.objects.exists()


# Review options and tests (0013): timed quizzes become tests, the others stay practice.


@pytest.fixture
def before_review_options():
    """The database at 0012, before review options; migrated to the latest again afterwards."""
    call_command("migrate", "quizzes", "0012", verbosity=0)
    try:
        yield
    finally:
        call_command("migrate", verbosity=0)


def test_timed_quizzes_become_tests_and_the_others_show_everything(before_review_options):
    course = insert(
        "quizzes_course",
        title="C",
        code="c",
        term="",
        is_archived=False,
        time_factor=1,
        join_code="JOINC0DE",
        join_enabled=True,
        created_at=NOW,
    )
    common = {
        "course_id": course,
        "description": "",
        "is_published": True,
        "overdue_handling": "autosubmit",
        "grace_period_minutes": 10,
        "grading_method": "highest",
        "shuffle_questions": False,
        "shuffle_options": True,
        "feedback": "deferred",
        "pass_mark": 50,
        "text_during_quiz": True,
        "created_at": NOW,
        "updated_at": NOW,
    }
    timed = insert("quizzes_quiz", title="Test", slug="test", time_limit_minutes=20, **common)
    practice = insert("quizzes_quiz", title="Practice", slug="practice", **common)

    call_command("migrate", verbosity=0)

    test, untimed = Quiz.objects.get(pk=timed), Quiz.objects.get(pk=practice)
    assert test.is_secure and test.review == review_options.TEST
    assert not untimed.is_secure and untimed.review == review_options.PRACTICE
