import os
import shutil

import pytest

from tests.factories import InstructorFactory, QuizFactory, UserFactory

# Sync Playwright runs an event loop in the test thread; Django refuses ORM calls there otherwise.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a file, as production does: the in-memory database Django would use
    shares one cache between threads and fails concurrent writers at once ("database table is
    locked") instead of queueing them, so the thread tests could not run on it."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(path)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def static_files_by_name(settings):
    """Pages link static files by their plain names, which the test servers find without a
    collectstatic; the hashed names of production are tested in test_static_files.py."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


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


def pytest_collection_modifyitems(config, items):
    """Skip browser tests on a machine without Chromium, saying why; CI requires them."""
    if shutil.which("chromium"):
        return
    if os.environ.get("REQUIRE_E2E") == "1":
        raise pytest.UsageError("REQUIRE_E2E=1 but chromium is not installed.")
    skip = pytest.mark.skip(reason="chromium is not installed (apt-get install -y chromium)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's package: `playwright install` cannot download a browser on these machines.
    chromium = shutil.which("chromium")
    if not chromium:
        return browser_type_launch_args
    return {
        **browser_type_launch_args,
        "executable_path": chromium,
        "args": ["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
    }
