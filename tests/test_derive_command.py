"""manage.py derive_questions: JSON out without saving, --save idempotent, bad files refused."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.models import Question, QuestionDraft, SourceText
from tests.factories import CourseFactory, SourceTextFactory

pytestmark = pytest.mark.django_db

RAPALLO = Path(__file__).parent / "data" / "generator" / "rapallo.txt"
KEYS = {
    "kind",
    "prompt",
    "options",
    "answer",
    "answers",
    "pairs",
    "order",
    "source_start",
    "source_end",
    "answer_start",
    "answer_end",
    "rule",
    "warnings",
}


def run(*args) -> str:
    out = io.StringIO()
    call_command("derive_questions", *args, stdout=out)
    return out.getvalue()


def test_json_lists_the_drafts_with_the_issue_keys_and_saves_nothing():
    drafts = json.loads(run(str(RAPALLO), "--json"))

    text = RAPALLO.read_bytes().decode("utf-8")
    assert len(drafts) > 10
    for draft in drafts:
        assert set(draft) >= KEYS
        assert draft["source_start"] <= draft["answer_start"] < draft["answer_end"]
        assert draft["answer_end"] <= draft["source_end"]
        if draft["kind"] != "true_false":
            assert text[draft["answer_start"] : draft["answer_end"]] == draft["answer"]
        assert all(set(option) == {"text", "correct"} for option in draft["options"])
    assert "16 April, 1922" in {draft["answer"] for draft in drafts}
    assert not SourceText.objects.exists()
    assert not QuestionDraft.objects.exists()


def test_json_is_deterministic():
    assert run(str(RAPALLO), "--json") == run(str(RAPALLO), "--json")


def test_save_creates_the_text_and_a_rerun_adds_nothing():
    CourseFactory()
    first = run(str(RAPALLO), "--save", "--text", "rapallo")
    drafts = QuestionDraft.objects.count()
    second = run(str(RAPALLO), "--save", "--text", "rapallo")

    assert "Created text 'rapallo'" in first
    assert f"0 new draft(s) stored, {drafts} in all" in second
    assert QuestionDraft.objects.count() == drafts == len(json.loads(run(str(RAPALLO), "--json")))
    assert SourceText.objects.get().body == RAPALLO.read_text()
    assert not Question.objects.exists()


def test_save_under_an_existing_text_with_another_body_is_refused():
    SourceTextFactory(slug="rapallo")
    with pytest.raises(CommandError, match="not the stored text"):
        run(str(RAPALLO), "--save", "--text", "rapallo")
    assert not QuestionDraft.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7\n\xe2\xe3\xcf\xd3\n", "not UTF-8 text"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"", "empty"),
        (b"word " * 500_000, "larger than 2 MB"),
    ],
    ids=["not-utf8", "binary", "empty", "too-large"],
)
def test_bad_files_are_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path), "--json")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.txt"), "--json")


@pytest.mark.parametrize("args", [[], ["--json", "--save"], ["--save"]])
def test_the_mode_must_be_clear(args):
    with pytest.raises(CommandError):
        run(str(RAPALLO), *args)
