"""The static files storage gives WhiteNoise's URLs, each worked out once."""

from unittest import mock

from whitenoise.storage import CompressedStaticFilesStorage

import quizsite.settings as project_settings
from quizzes.storage import StaticFilesStorage


def test_urls_are_whitenoises_and_worked_out_once():
    storage = StaticFilesStorage()
    expected = CompressedStaticFilesStorage().url("quizzes/site.css")
    with mock.patch.object(
        CompressedStaticFilesStorage, "url", autospec=True, return_value=expected
    ) as parent_url:
        assert storage.url("quizzes/site.css") == expected
        assert storage.url("quizzes/site.css") == expected
        assert storage.url("quizzes/app.js") == expected
    assert parent_url.call_count == 2
    assert storage.url("quizzes/site.css") == "/static/quizzes/site.css"


def test_the_site_serves_static_files_through_it():
    assert (
        project_settings.STORAGES["staticfiles"]["BACKEND"] == "quizzes.storage.StaticFilesStorage"
    )
