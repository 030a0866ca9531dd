"""Prepared queries give what their querysets give, and the session engine and authentication
backend built on them behave as Django's own."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import quizsite.settings as project_settings
from quizzes.backends import ModelBackend
from quizzes.models import Response
from quizzes.prepared import Param, PreparedQuery, PreparedUpdate
from quizzes.sessions import SessionStore
from tests.factories import ResponseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def responses():
    """Three responses of one attempt, the second answered."""
    first = ResponseFactory(position=1)
    second = ResponseFactory(
        attempt=first.attempt,
        position=2,
        answer={"choice": [1, 2]},
        answered_at=timezone.now(),
        marks=Decimal("0.5000"),
    )
    third = ResponseFactory(attempt=first.attempt, position=3)
    return first, second, third


def responses_with_quiz(**filters):
    return (
        Response.objects.filter(**filters)
        .select_related("attempt__quiz")
        .annotate(quiz_title=F("attempt__quiz__title"))
        .order_by("position")
    )


def test_fetch_gives_the_instances_the_queryset_gives(responses):
    first = responses[0]
    prepared = PreparedQuery(
        lambda: responses_with_quiz(
            attempt_id=Param("attempt"), position__in=[Param("one"), Param("two")]
        )
    )

    fetched = prepared.fetch(attempt=first.attempt_id, one=2, two=1)

    expected = list(responses_with_quiz(attempt_id=first.attempt_id, position__in=[2, 1]))
    assert fetched == expected
    for got, want in zip(fetched, expected, strict=True):
        fields = {key: value for key, value in vars(want).items() if key != "_state"}
        assert {key: vars(got)[key] for key in fields} == fields
        assert vars(got.attempt.quiz) | {"_state": None} == vars(want.attempt.quiz) | {
            "_state": None
        }
        assert got.quiz_title == want.attempt.quiz.title
        assert not got._state.adding and got._state.db == "default"
    # Converted as the ORM converts: JSON, decimals and aware datetimes.
    assert fetched[1].answer == {"choice": [1, 2]}
    assert fetched[1].marks == Decimal("0.5000")
    assert timezone.is_aware(fetched[1].answered_at)


def test_fetch_runs_with_new_values_each_time_and_compiles_once(
    responses, django_assert_num_queries
):
    first, _, third = responses
    builds = []

    def build():
        builds.append(1)
        return Response.objects.filter(attempt_id=Param("attempt"), position=Param("position"))

    prepared = PreparedQuery(build)
    with django_assert_num_queries(3):
        assert prepared.fetch(attempt=first.attempt_id, position=1) == [first]
        assert prepared.fetch(attempt=first.attempt_id, position=3) == [third]
        assert prepared.fetch(attempt=first.attempt_id + 1000, position=1) == []
    assert len(builds) == 1


def test_values_list_rows_are_tuples_with_converted_values(responses):
    first, second, _ = responses
    prepared = PreparedQuery(
        lambda: Response.objects.filter(
            attempt_id=Param("attempt"), answered_at__lte=Param("moment")
        ).values_list("position", "marks", "answered_at")
    )

    assert prepared.fetch(attempt=first.attempt_id, moment=timezone.now()) == [
        (2, Decimal("0.5000"), second.answered_at)
    ]
    # The datetime Param is adapted for the database (SQLite compares text in UTC).
    assert prepared.fetch(attempt=first.attempt_id, moment=second.answered_at - timedelta(1)) == []


def test_update_stores_adapted_values_where_its_filter_matches(responses):
    first, second, _ = responses
    moment = timezone.now()
    store = PreparedUpdate(
        lambda: Response.objects.filter(pk=Param("pk"), answer_seq__lt=Param("seq")),
        answer=Param("answer"),
        answered_at=Param("moment"),
        marks=Param("marks"),
        answer_seq=Param("seq"),
    )

    assert store.run(pk=first.pk, answer=["a", 1], moment=moment, marks=Decimal("1"), seq=5) == 1
    assert store.run(pk=first.pk, answer=["b"], moment=moment, marks=Decimal("0"), seq=4) == 0

    first.refresh_from_db()
    assert (first.answer, first.answered_at, first.marks, first.answer_seq) == (
        ["a", 1],
        moment,
        Decimal("1.0000"),
        5,
    )
    second.refresh_from_db()
    assert second.answer == {"choice": [1, 2]}


def test_values_must_match_the_params():
    prepared = PreparedQuery(lambda: Response.objects.filter(pk=Param("pk")))
    with pytest.raises(TypeError, match=r"Expected values for \['pk'\]"):
        prepared.fetch(id=1)
    with pytest.raises(TypeError):
        prepared.fetch(pk=1, other=2)
    with pytest.raises(TypeError, match="Expected values"):
        PreparedUpdate(lambda: Response.objects.filter(pk=Param("pk")), flagged=True).run()


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: Response.objects.filter(pk=1), "at least one Param"),
        (lambda: Response.objects.filter(pk=Param("pk")).values("pk"), "values_list"),
        (lambda: Response.objects.filter(pk=Param("pk"))[:1], "Sliced"),
        (lambda: Response.objects.filter(pk=1).order_by(Param("x")), "compared with a field"),
    ],
)
def test_what_cannot_be_prepared_is_refused_when_first_run(build, message):
    prepared = PreparedQuery(build)
    with pytest.raises(ValueError, match=message):
        prepared.fetch()


# The session engine (quizzes.sessions) and the backend (quizzes.backends)


def test_the_site_uses_the_prepared_session_engine_and_backend():
    assert project_settings.SESSION_ENGINE == "quizzes.sessions"
    assert "quizzes.backends.ModelBackend" in project_settings.AUTHENTICATION_BACKENDS
    assert "django.contrib.auth.backends.ModelBackend" not in (
        project_settings.AUTHENTICATION_BACKENDS
    )


def test_a_stored_session_loads_and_an_expired_or_unknown_one_does_not():
    store = SessionStore()
    store["answer"] = 42
    store.save()
    assert SessionStore(store.session_key).load() == {"answer": 42}

    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.load() == {}
    assert expired.session_key is None  # forgotten: a save makes a new one, as Django's does

    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


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
