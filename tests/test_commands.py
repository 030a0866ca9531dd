from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from quizzes.models import Assignment, Attempt, Course, Question, Quiz, SourceText
from quizzes.permissions import may_create_courses, role_in
from quizzes.starting import start_attempt
from tests.factories import CourseFactory, QuizFactory
from tests.test_bank import RAPALLO_BANK, needs_bank, row_counts

pytestmark = pytest.mark.django_db

User = get_user_model()


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# setup_demo


@needs_bank
def test_setup_demo_twice_duplicates_nothing(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    first = run("setup_demo")
    counts = row_counts()
    users = list(User.objects.order_by("username").values_list("pk", "username"))
    second = run("setup_demo")
    assert row_counts() == counts
    assert list(User.objects.order_by("username").values_list("pk", "username")) == users
    assert [username for _, username in users] == ["instructor", "student", "student2", "teacher2"]
    for output in (first, second):
        assert "username: student" in output and "password: demo-pass-123" in output
    assert Question.objects.published().count() >= 40
    assert Quiz.objects.published().count() == 3


@needs_bank
def test_setup_demo_accounts_and_roles(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")
    run("setup_demo")
    student = User.objects.get(username="student")
    instructor = User.objects.get(username="instructor")
    assert student.check_password("demo-pass-123")
    assert instructor.check_password("demo-pass-123")
    teacher2 = User.objects.get(username="teacher2")
    student2 = User.objects.get(username="student2")
    assert not student.is_staff and not may_create_courses(student)
    assert instructor.is_staff and not instructor.is_superuser
    assert may_create_courses(instructor)
    assert instructor.groups.filter(name="Instructors").exists()
    first = Course.objects.get(code="history-9a")
    second = Course.objects.get(code="history-10b")
    assert (role_in(instructor, first), role_in(instructor, second)) == ("teacher", None)
    assert (role_in(teacher2, first), role_in(teacher2, second)) == (None, "teacher")
    assert (role_in(student, first), role_in(student, second)) == ("student", "student")
    assert (role_in(student2, first), role_in(student2, second)) == (None, "student")
    assert set(Quiz.objects.values_list("course", flat=True)) == {first.pk}


def printed_password(output: str) -> str:
    line = next(line for line in output.splitlines() if "username: student" in line)
    return line.split("password:")[1].split()[0]


@needs_bank
def test_setup_demo_generates_a_password_once_and_prints_it_every_time(
    monkeypatch, settings, tmp_path
):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEMO_PASSWORD_FILE = str(tmp_path / "demo-password")
    password = printed_password(run("setup_demo"))
    assert len(password) >= 12
    assert User.objects.get(username="student").check_password(password)
    assert printed_password(run("setup_demo")) == password
    assert User.objects.get(username="instructor").check_password(password)
    new_password = printed_password(run("setup_demo", "--reset-passwords"))
    assert new_password != password
    assert User.objects.get(username="student").check_password(new_password)
    assert not User.objects.get(username="student").check_password(password)


@needs_bank
def test_setup_demo_password_from_environment_replaces_the_old_one(monkeypatch, settings, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    settings.DEMO_PASSWORD_FILE = str(tmp_path / "demo-password")
    run("setup_demo")
    monkeypatch.setenv("DEMO_PASSWORD", "new-demo-pass")
    run("setup_demo")
    assert User.objects.get(username="instructor").check_password("new-demo-pass")


# import_bank


@needs_bank
def test_import_bank_reports():
    course = CourseFactory(code="history-9a")
    CourseFactory(code="history-10b")
    output = run("import_bank", str(RAPALLO_BANK), "--course", "history-9a")
    assert "Questions:" in output and "created" in output
    assert SourceText.objects.get().course == course
    assert set(Quiz.objects.values_list("course", flat=True)) == {course.pk}
    assert set(Assignment.objects.values_list("course", flat=True)) == {course.pk}


def test_import_bank_says_which_course_is_missing():
    CourseFactory(code="history-9a")
    CourseFactory(code="history-10b")
    with pytest.raises(CommandError, match="Say which course with --course CODE"):
        run("import_bank", str(RAPALLO_BANK))
    with pytest.raises(CommandError, match="No course with the code “history-11c”"):
        run("import_bank", str(RAPALLO_BANK), "--course", "history-11c")
    assert not SourceText.objects.exists()


def test_import_bank_bad_file_is_a_command_error(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text("{oops", encoding="utf-8")
    CourseFactory()
    with pytest.raises(CommandError, match=r"Nothing was imported\..*is not valid JSON"):
        run("import_bank", str(path))
    assert not SourceText.objects.exists()


# close_overdue_attempts


def test_close_overdue_attempts(student, other_student):
    quiz = QuizFactory(question_count=2, time_limit_minutes=5)
    overdue = start_attempt(quiz=quiz, student=student, moment=timezone.now() - timedelta(hours=1))
    current = start_attempt(quiz=quiz, student=other_student)
    assert "Closed 1 overdue attempt(s)." in run("close_overdue_attempts")
    overdue.refresh_from_db()
    current.refresh_from_db()
    assert overdue.state == Attempt.State.EXPIRED
    assert overdue.submitted_at == overdue.deadline
    assert current.state == Attempt.State.IN_PROGRESS
    assert "Closed 0 overdue attempt(s)." in run("close_overdue_attempts")
