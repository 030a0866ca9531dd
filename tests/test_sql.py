"""The queries written as SQL (quizzes/sql.py) give what their ORM equivalents give, on the
database the suite runs on (SQLite, and PostgreSQL in the second pass); and the session engines
and the authentication backend built on them behave as Django's own."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user, get_user_model
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import quizsite.settings as project_settings
from quizzes import sql
from quizzes.backends import ModelBackend
from quizzes.cached_sessions import SessionStore as CachedSessionStore
from quizzes.models import Attempt, Response, responses_shown
from quizzes.sessions import SessionStore
from quizzes.starting import start_attempt
from tests.factories import QuizFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attempt(student):
    """An attempt of three questions, the second answered and flagged, with a deadline."""
    quiz = QuizFactory(question_count=3, time_limit_minutes=30)
    attempt = start_attempt(quiz=quiz, student=student)
    second = attempt.responses.get(position=2)
    second.save_answer(second.snapshot["correct"][0])
    Response.objects.filter(pk=second.pk).update(flagged=True)
    return attempt


def fields(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names}


# The answer loop


def test_responses_shown_are_the_orm_s_responses_with_their_attempt_and_quiz(attempt, student):
    shown = responses_shown(student, attempt.pk, 2, 3)
    expected = list(
        Response.objects.filter(attempt=attempt, position__in=[2, 3])
        .select_related("attempt__quiz__source_text", "question")
        .order_by("position")
    )
    assert [r.pk for r in shown] == [r.pk for r in expected]
    for got, want in zip(shown, expected, strict=True):
        assert fields(got, sql.RESPONSE_COLUMNS) == fields(want, sql.RESPONSE_COLUMNS)
        assert fields(got.attempt, sql.ATTEMPT_COLUMNS) == fields(want.attempt, sql.ATTEMPT_COLUMNS)
        assert fields(got.attempt.quiz, sql.QUIZ_COLUMNS) == fields(
            want.attempt.quiz, sql.QUIZ_COLUMNS
        )
        assert got.source_text_id == want.question.source_text_id
        assert got.quiz_text_slug == want.attempt.quiz.source_text.slug
        assert isinstance(got.marks, Decimal | None) and isinstance(got.points, Decimal)
        assert got.attempt.deadline.tzinfo is not None
    assert shown[0].attempt is shown[1].attempt  # one attempt object for both


def test_responses_shown_are_none_for_another_student_or_position(attempt, other_student):
    assert responses_shown(other_student, attempt.pk, 1, 2) == []
    assert responses_shown(attempt.student, attempt.pk, 9, 9) == []


def test_response_states_are_the_orm_s(attempt):
    expected = [
        (r.position, r.answered_at is not None, r.flagged)
        for r in Response.objects.filter(attempt=attempt).order_by("position")
    ]
    assert (
        sql.response_states(attempt.pk)
        == expected
        == [(1, False, False), (2, True, True), (3, False, False)]
    )


def test_lock_attempt_gives_the_orm_s_state_and_times(attempt):
    with transaction.atomic():
        locked = sql.lock_attempt(attempt.pk)
    row = Attempt.objects.values_list("state", "deadline", "grace_ends_at").get(pk=attempt.pk)
    assert locked == row
    assert sql.lock_attempt(0) is None


def test_store_answer_stores_what_the_orm_reads_back_only_over_an_older_version(attempt):
    first = attempt.responses.get(position=1)
    moment = timezone.now()
    answer = {"a list": [1, "two"], "unicode": "Łódź"}
    assert sql.store_answer(
        first.pk, answer=answer, moment=moment, marks=Decimal("0.5"), seq=10, once=False
    )
    stored = Response.objects.get(pk=first.pk)
    assert (stored.answer, stored.answered_at, stored.marks, stored.answer_seq) == (
        answer,
        moment,
        Decimal("0.5000"),
        10,
    )
    older = sql.store_answer(
        first.pk, answer="x", moment=moment, marks=Decimal(0), seq=9, once=False
    )
    again = sql.store_answer(
        first.pk, answer="y", moment=moment, marks=Decimal(0), seq=11, once=True
    )
    assert not older and not again  # an older version; an answer is there already
    assert Response.objects.get(pk=first.pk).answer == answer


def test_stored_moments_compare_with_the_orm_s(attempt):
    """A moment stored by plain SQL is found by the ORM's filters on either side of it."""
    first = attempt.responses.get(position=1)
    moment = timezone.now()
    sql.store_answer(first.pk, answer="x", moment=moment, marks=Decimal(0), seq=5, once=False)
    at = Response.objects.filter(pk=first.pk)
    assert at.filter(answered_at=moment).exists()
    assert at.filter(answered_at__lt=moment + timedelta(microseconds=1)).exists()
    assert not at.filter(answered_at__gt=moment).exists()


# Item analysis


def test_counted_attempts_and_responses_are_the_orm_s(student, other_student):
    quiz = QuizFactory(question_count=2)
    done = start_attempt(quiz=quiz, student=student)
    done.responses.get(position=1).save_answer(
        done.responses.get(position=1).snapshot["correct"][0]
    )
    done.finish()
    start_attempt(quiz=quiz, student=other_student)  # in progress: not counted
    counted = Attempt.objects.filter(quiz=quiz).counted()
    assert sorted(sql.counted_attempts(quiz.pk)) == sorted(
        (a.pk, a.student_id, a.number, float(a.score)) for a in counted
    )
    expected = sorted(
        (
            r.attempt_id,
            r.question_id,
            None if r.marks is None else float(r.marks),
            float(r.points),
            r.answer,
        )
        for r in Response.objects.filter(attempt__in=counted)
    )
    got = sorted(
        (a, q, m, p, None if answer is None else json.loads(answer))
        for a, q, m, p, answer in sql.counted_responses(quiz.pk)
    )
    assert got == expected


# Sessions and the signed-in user


def test_the_user_is_the_orm_s_user():
    user = UserFactory(first_name="Ann", is_staff=True, last_login=timezone.now())
    got = sql.user(user.pk)
    want = get_user_model().objects.get(pk=user.pk)
    assert fields(got, sql.USER_COLUMNS) == fields(want, sql.USER_COLUMNS)
    assert got.is_staff is True and got.last_login.tzinfo is not None
    assert sql.user(user.pk + 1000) is None


def test_the_site_uses_these_session_engine_and_backend():
    assert project_settings.SESSION_ENGINE in ("quizzes.sessions", "quizzes.cached_sessions")
    assert "quizzes.backends.ModelBackend" in project_settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in (
        project_settings.AUTHENTICATION_BACKENDS
    )


@pytest.mark.parametrize("store_class", [SessionStore, CachedSessionStore])
def test_a_stored_session_loads_and_an_expired_or_unknown_one_does_not(store_class):
    store = store_class()
    store["answer"] = 42
    store.save()
    assert store_class(store.session_key).load() == {"answer": 42}

    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    caches["default"].clear()  # cached_db's copy: its database row is what expired
    expired = store_class(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # forgotten: a save makes a new one, as Django's does

    unknown = store_class("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


@pytest.mark.parametrize("key", ["abc\x00def" * 4, "ABCDEFGHIJKLMNOP", "a" * 5000, "é" * 32])
@pytest.mark.parametrize("store_class", [SessionStore, CachedSessionStore])
def test_a_key_django_could_not_have_made_is_no_session(store_class, key):
    store = store_class(key)
    assert store.load() == {}
    assert not store.exists(key)
    store.delete(key)  # nothing to delete, and no query with such a key


def test_a_nul_byte_in_the_session_cookie_is_no_session(client):
    client.cookies["sessionid"] = "abc\x00def" + "a" * 30
    response = client.get(reverse("login"))
    assert response.status_code == 200


def test_a_session_ends_on_the_server_at_logout(client, student):
    client.force_login(student)
    copied = Client()
    copied.cookies = client.cookies.__class__(client.cookies)
    assert copied.get(reverse("quizzes:quiz_list")).status_code == 200

    client.post(reverse("logout"))

    # A copy of the cookie kept from before is worth nothing: the session row is gone.
    assert copied.get(reverse("quizzes:quiz_list")).status_code == 302


def test_the_backend_loads_active_users_only():
    backend = ModelBackend()
    active = UserFactory()
    inactive = UserFactory(is_active=False)
    assert backend.get_user(active.pk) == active
    assert backend.get_user(inactive.pk) is None
    assert backend.get_user(active.pk + 1000) is None
    assert backend.get_user("not a number") is None
    assert backend.get_user(2**64) is None


def test_a_password_change_elsewhere_signs_the_other_sessions_out(client, rf):
    user = UserFactory()
    client.force_login(user)
    request = rf.get("/")
    request.session = SessionStore(client.cookies["sessionid"].value)
    assert get_user(request) == user

    user.set_password("a-new-password-for-the-test")
    user.save()

    request.session = SessionStore(client.cookies["sessionid"].value)
    assert not get_user(request).is_authenticated


def test_the_session_read_is_the_orm_s():
    """The session read's condition is the ORM's: the key, and an expiry after now."""
    store = SessionStore()
    store.save()
    now = timezone.now()
    assert Session.objects.filter(Q(session_key=store.session_key), Q(expire_date__gt=now)).exists()
    assert (
        sql.session_data(store.session_key, now)[0]
        == Session.objects.get(pk=store.session_key).session_data
    )
