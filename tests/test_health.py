import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_says_ok_without_touching_the_database_or_session(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.text == "ok"
    # Neither the session nor the CSRF token was used: no cookie set, no Vary: Cookie.
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "no-cache" in response["Cache-Control"]


def test_healthz_ignores_a_logged_in_session(client, student, django_assert_num_queries):
    client.force_login(student)
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200


def test_healthz_answers_head_and_refuses_post(client):
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405


def test_healthz_answers_plain_http_when_https_is_enforced(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("quizzes:quiz_list")).status_code == 301
