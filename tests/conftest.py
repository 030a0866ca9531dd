import os
import shutil

import pytest

from tests.factories import InstructorFactory, QuizFactory, UserFactory

# Sync Playwright runs an event loop in the test thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def student(db):
    return UserFactory(username="sam")


@pytest.fixture
def other_student(db):
    return UserFactory(username="olga")


@pytest.fixture
def instructor(db):
    return InstructorFactory(username="ines")


@pytest.fixture
def quiz(db):
    """A published quiz of three single-choice questions with feedback after each answer."""
    return QuizFactory(question_count=3)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    chromium = shutil.which("chromium")  # Debian's package; `playwright install` cannot download here
    if not chromium:
        return browser_type_launch_args
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    }
