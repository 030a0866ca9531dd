from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from quizzes.models import Attempt, Question, Quiz, SourceText
from quizzes.permissions import is_instructor
from quizzes.starting import start_attempt
from tests.factories import QuizFactory
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
    assert [username for _, username in users] == ["instructor", "student"]
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
    assert not student.is_staff and not is_instructor(student)
    assert instructor.is_staff and not instructor.is_superuser
    assert is_instructor(instructor)
    assert instructor.groups.filter(name="Instructors").exists()


def printed_password(output: str) -> str:
    line = next(line for line in output.splitlines() if "username: student" in line)
    return line.split("password:")[1].strip()


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
    output = run("import_bank", str(RAPALLO_BANK))
    assert "Questions:" in output and "created" in output
    assert SourceText.objects.count() == 1


def test_import_bank_bad_file_is_a_command_error(tmp_path):
    path = tmp_path / "bank.json"
    path.write_text("{oops", encoding="utf-8")
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
