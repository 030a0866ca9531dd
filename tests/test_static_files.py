"""Static files in production: hashed names from collectstatic's manifest, served by WhiteNoise
compressed and cacheable for ever."""

import pytest
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

import quizsite.settings as project_settings

pytestmark = pytest.mark.django_db

MANIFEST = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}


def test_the_site_uses_the_manifest_storage():
    assert project_settings.STORAGES["staticfiles"] == MANIFEST


@pytest.fixture
def collected(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST}
    settings.STATIC_ROOT = tmp_path
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_pages_link_hashed_names_served_for_ever(collected, client):
    url = static("quizzes/site.css")
    assert url.startswith("/static/quizzes/site.") and url.endswith(".css")
    assert url != "/static/quizzes/site.css"
    assert (collected / "staticfiles.json").exists()
    login = Client().get("/accounts/login/")
    assert url in login.text
    served = Client().get(url, headers={"Accept-Encoding": "gzip"})
    assert served.status_code == 200
    assert "immutable" in served["Cache-Control"]
    assert served["Content-Encoding"] == "gzip"
    served.close()


def test_the_plain_name_is_served_but_not_cached_for_ever(collected):
    served = Client().get("/static/quizzes/site.css")
    assert served.status_code == 200
    assert "immutable" not in served.get("Cache-Control", "")
    served.close()
