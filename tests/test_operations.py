"""What running the site in production needs: logs a collector reads, pages no cache keeps,
durable SQLite, password guessing paused, and the shared cache (Redis) when it is configured."""

import io
import json
import logging
import os
import re
import socket
import sys
import uuid

import pytest
import redis as redis_client
from django.contrib.sessions.models import Session
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

import quizsite.settings as project_settings
from quizzes.cached_sessions import SessionStore as CachedSessionStore
from quizzes.logs import JsonFormatter, RequestIdFilter
from tests.factories import QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


# Logs


@pytest.fixture
def log_lines():
    """What the site logs during the test, as the JSON lines the stderr handler writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("django"), logging.getLogger()]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_every_response_carries_its_request_id_and_its_log_lines_too(client, student, log_lines):
    client.force_login(student)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    (line,) = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert (line["level"], line["status"], line["path"]) == ("WARNING", 404, "/no/such/page/")


def test_a_sane_request_id_from_a_proxy_is_kept_and_any_other_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})["X-Request-ID"] == (
        "lb-1234abcd"
    )
    forged = client.get("/healthz", headers={"X-Request-ID": "<script>\n"})["X-Request-ID"]
    assert len(forged) == 32 and forged.isalnum()


def test_a_failed_login_logs_neither_the_password_nor_the_answers(client, log_lines):
    UserFactory(username="sam")
    client.post(reverse("login"), {"username": "sam", "password": "Secret-guess-123"})
    quiz = QuizFactory(question_count=1)
    client.post(reverse("quizzes:start_quiz", args=[quiz.slug]), {"answer": "My answer 42"})
    text = json.dumps(log_lines())
    assert "Secret-guess-123" not in text and "My answer 42" not in text


def test_an_error_is_one_json_line_with_its_traceback():
    formatter = JsonFormatter()
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord(
            "django.request",
            logging.ERROR,
            "",
            0,
            "Internal Server Error: %s",
            ("/x/",),
            sys.exc_info(),
        )
    record.status_code = 500
    record.request_id = "abc"
    line = json.loads(formatter.format(record))
    assert (line["message"], line["status"], line["request_id"]) == (
        "Internal Server Error: /x/",
        500,
        "abc",
    )
    assert "ValueError: boom" in line["traceback"]


def test_the_site_logs_to_standard_error_as_json():
    handler = project_settings.LOGGING["handlers"]["stderr"]
    assert handler["class"] == "logging.StreamHandler" and handler["formatter"] == "json"
    assert project_settings.LOGGING["root"]["level"] == "WARNING"


# Caching, durability


def test_teaching_pages_and_exports_are_never_cached(client, instructor, quiz):
    client.force_login(instructor)
    for url in (
        reverse("quizzes:course_overview"),
        reverse("quizzes:gradebook", args=["the-class", quiz.slug]),
        reverse("quizzes:export_csv", args=["the-class", quiz.slug, "grades"]),
    ):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, url


def test_sqlite_syncs_every_commit_to_disk():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own setting")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == 2  # FULL


# Password changes


def test_guessing_the_current_password_is_paused_like_logins(client):
    user = UserFactory(username="sam")
    client.force_login(user)
    url = reverse("password_change")
    wrong = {
        "old_password": "wrong",
        "new_password1": "a-new-pass-42!",
        "new_password2": "a-new-pass-42!",
    }
    for _ in range(project_settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, wrong).status_code == 200
    # As at login, the try that reaches the limit already shows the pause.
    assert client.post(url, wrong).status_code == 429
    right = {**wrong, "old_password": "correct-horse-battery"}
    paused = client.post(url, right)
    assert paused.status_code == 429
    assert "Too many tries" in paused.text
    user.refresh_from_db()
    assert user.check_password("correct-horse-battery")
    other = Client()
    other.force_login(UserFactory(username="olga"))
    assert other.post(url, right).status_code == 302  # another account is not paused


def test_the_right_current_password_changes_it(client):
    user = UserFactory(username="sam")
    client.force_login(user)
    data = {
        "old_password": "correct-horse-battery",
        "new_password1": "a-new-pass-42!",
        "new_password2": "a-new-pass-42!",
    }
    response = client.post(reverse("password_change"), data)
    assert response["Location"] == reverse("password_change_done")
    user.refresh_from_db()
    assert user.check_password("a-new-pass-42!")
    assert client.get(reverse("quizzes:quiz_list")).status_code == 200  # still signed in


# The shared cache


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture
def redis(settings):
    """The site as configured with REDIS_URL: Redis as the cache, cached_db sessions."""
    if not redis_answers():
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail("REQUIRE_REDIS=1 but Redis does not answer on 127.0.0.1:6379.")
        pytest.skip("Redis does not answer on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "quizzes.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"quizsite-test-{uuid.uuid4().hex}",
        }
    }
    settings.SESSION_ENGINE = "quizzes.cached_sessions"
    return settings


def test_with_redis_a_session_is_read_from_the_cache_and_logout_ends_it_everywhere(
    redis, student, django_assert_num_queries
):
    first = Client()
    first.force_login(student)
    second = Client()  # another server, sharing the cache and the database
    second.cookies = first.cookies.__class__(first.cookies)
    assert second.get(reverse("quizzes:quiz_list")).status_code == 200
    with django_assert_num_queries(0):  # the session from the cache, nothing from the database
        assert CachedSessionStore(first.cookies["sessionid"].value).load()
    first.post(reverse("logout"))
    assert second.get(reverse("quizzes:quiz_list")).status_code == 302


@pytest.fixture
def redis_gone(settings):
    """REDIS_URL set, but nothing answers there (Redis stopped, or its host unreachable)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "quizzes.redis_cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
        }
    }
    settings.SESSION_ENGINE = "quizzes.cached_sessions"
    return settings


def test_when_redis_does_not_answer_students_log_in_work_and_log_out_on_the_database(
    redis_gone, client, student, caplog
):
    student.set_password("a-pass-for-tests-1")
    student.save()
    client.get(reverse("login"))
    response = client.post(
        reverse("login"), {"username": student.username, "password": "a-pass-for-tests-1"}
    )
    assert response.status_code == 302
    key = client.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("quizzes:quiz_list")).status_code == 200

    client.post(reverse("logout"))

    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("quizzes:quiz_list")).status_code == 302
    assert "The session cache failed; using the database alone" in caplog.text


def test_the_site_configures_redis_only_when_redis_url_is_set():
    if project_settings.REDIS_URL:
        assert project_settings.CACHES["default"]["BACKEND"] == "quizzes.redis_cache.RedisCache"
        assert project_settings.SESSION_ENGINE == "quizzes.cached_sessions"
    else:
        assert "locmem" in project_settings.CACHES["default"]["BACKEND"]
        assert project_settings.SESSION_ENGINE == "quizzes.sessions"


def test_the_redis_cache_keeps_django_s_cache_api(redis):
    from django.core.cache import cache

    cache.set("answer", {"picked": ["o1", "o2"]}, 60)
    assert cache.get("answer") == {"picked": ["o1", "o2"]}
    assert cache.get("missing", "default") == "default"
    assert cache.add("answer", "other") is False and cache.add("new", 1) is True
    assert cache.incr("new", 4) == 5 and cache.get("new") == 5
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set_many({"a": 1, "b": "two"})
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": "two"}
    assert cache.has_key("a") and cache.delete("a") and not cache.has_key("a")
    cache.delete_many(["b", "new"])
    assert cache.get_many(["b", "new"]) == {}
    cache.set("forever", "x", None)
    assert cache.touch("forever", 60) and cache.touch("forever", None)
    cache.set("gone", "x", 0)
    assert cache.get("gone") is None
    other = redis_client.Redis.from_url("redis://127.0.0.1:6379/15")
    other.set("not-ours", "kept")
    cache.clear()
    assert cache.get("answer") is None and cache.get("forever") is None
    assert other.get("not-ours") == b"kept"  # clear() leaves keys without the site's prefix
    other.delete("not-ours")


# Error pages


def test_a_student_refused_a_teaching_page_gets_the_site_and_a_way_back(client, student):
    client.force_login(student)
    response = client.get(reverse("quizzes:course_overview"))
    assert response.status_code == 403
    assert "You cannot open this page" in response.text
    assert 'class="site-header"' in response.text  # the menu, not a bare "403 Forbidden"
    assert f'href="{reverse("quizzes:quiz_list")}"' in response.text


def test_an_unknown_page_is_a_404_with_the_menu(client, student):
    client.force_login(student)
    response = client.get("/quizzes/")
    assert response.status_code == 404
    assert "There is no such page" in response.text
    assert 'class="site-header"' in response.text


def test_the_500_page_needs_neither_a_request_nor_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Something went wrong" in page
    assert "quizzes/site" in page  # styled


def test_every_page_names_its_icon(client):
    page = client.get(reverse("login")).text
    assert re.search(r'<link rel="icon" href="[^"]+favicon[^"]*\.svg"', page)
