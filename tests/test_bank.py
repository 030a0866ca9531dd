import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from quizzes import bank
from quizzes.models import (
    Question,
    Quiz,
    QuizQuestion,
    SourceText,
    Tag,
)
from quizzes.starting import start_attempt
from tests.factories import UserFactory, default_course

pytestmark = pytest.mark.django_db

RAPALLO_BANK = Path(settings.BASE_DIR) / "fixtures" / "rapallo-bank.json"
needs_bank = pytest.mark.skipif(
    not RAPALLO_BANK.exists(), reason="fixtures/rapallo-bank.json has not been written yet"
)


def import_into_the_class(path) -> bank.ImportReport:
    return bank.import_bank(path, default_course())


def row_counts() -> dict[str, int]:
    models = [SourceText, Question, Tag, Quiz, QuizQuestion]
    return {model.__name__: model.objects.count() for model in models}


@pytest.fixture
def rapallo():
    """The Rapallo bank imported, with the bank file's own data for comparison."""
    report = import_into_the_class(RAPALLO_BANK)
    return report, json.loads(RAPALLO_BANK.read_text(encoding="utf-8"))


# The real Rapallo bank


@needs_bank
def test_every_excerpt_is_verbatim_in_the_stored_text(rapallo):
    _, data = rapallo
    text = SourceText.objects.get(slug=data["text"]["slug"])
    for spec in data["questions"]:
        question = Question.objects.get(source_text=text, bank_key=spec["key"])
        assert text.body[question.excerpt_start : question.excerpt_end] == spec["excerpt"], spec[
            "key"
        ]


@needs_bank
def test_every_answer_key_is_consistent(rapallo):
    problems = {
        question.bank_key: question.key_problems()
        for question in Question.objects.with_key()
        if question.key_problems()
    }
    assert problems == {}


@needs_bank
def test_every_question_has_an_explanation_and_a_prompt(rapallo):
    for question in Question.objects.all():
        assert question.prompt.strip(), question.bank_key
        assert question.explanation.strip(), question.bank_key


@needs_bank
def test_the_bank_is_big_enough_and_uses_every_kind(rapallo):
    published = Question.objects.published()
    assert published.count() >= 40
    kinds = Counter(published.values_list("kind", flat=True))
    assert set(kinds) == set(Question.Kind.values)
    assert all(count >= 3 for count in kinds.values()), kinds


@needs_bank
def test_every_paragraph_of_the_text_is_covered(rapallo):
    text = SourceText.objects.get()
    spans = list(text.questions.values_list("excerpt_start", "excerpt_end"))
    uncovered = [
        paragraph.number
        for paragraph in text.paragraphs()
        if not any(start < paragraph.end and end > paragraph.start for start, end in spans)
    ]
    assert uncovered == []


@needs_bank
def test_answer_keys_match_the_bank_file(rapallo):
    """Spot-check each kind: what is stored is what the bank says."""
    _, data = rapallo
    by_key = {question.bank_key: question for question in Question.objects.with_key()}
    for spec in data["questions"]:
        question = by_key[spec["key"]]
        snapshot = question.snapshot()
        if spec["kind"] in ("single_choice", "multiple_response"):
            texts = {option["id"]: option["text"] for option in snapshot["options"]}
            assert {texts[i] for i in snapshot["correct"]} == {
                choice["text"] for choice in spec["choices"] if choice["correct"]
            }
        elif spec["kind"] == "ordering":
            texts = {option["id"]: option["text"] for option in snapshot["options"]}
            assert [texts[i] for i in snapshot["correct"]] == spec["items"]
        elif spec["kind"] == "true_false":
            assert snapshot["correct"] == ["true" if spec["answer"] else "false"]
        elif spec["kind"] == "short_answer":
            assert snapshot["accepted"] == spec["answers"]
        elif spec["kind"] == "numeric":
            assert snapshot["value"] == spec["value"]
        elif spec["kind"] == "matching":
            prompts = {prompt["text"] for prompt in snapshot["prompts"]}
            assert prompts == {prompt for prompt, _ in spec["pairs"]}
            assert len(snapshot["targets"]) == len(spec["pairs"]) + len(spec.get("distractors", []))


@needs_bank
def test_three_quizzes_practice_timed_and_whole_bank(rapallo):
    quizzes = list(Quiz.objects.all())
    assert len(quizzes) == 3
    assert all(quiz.is_published for quiz in quizzes)
    practice = [q for q in quizzes if q.feedback == Quiz.Feedback.IMMEDIATE]
    timed = [q for q in quizzes if q.time_limit_minutes and q.feedback == Quiz.Feedback.DEFERRED]
    assert practice and timed
    whole = [q for q in quizzes if q.quiz_questions.count() == Question.objects.count()]
    assert len(whole) == 1
    starts = [slot.question.excerpt_start for slot in whole[0].quiz_questions.all()]
    assert starts == sorted(starts)  # the whole bank follows the text


@needs_bank
def test_reimport_changes_nothing(rapallo):
    before = row_counts()
    keys = dict(Question.objects.values_list("pk", "key"))
    report = import_into_the_class(RAPALLO_BANK)
    assert row_counts() == before
    assert dict(Question.objects.values_list("pk", "key")) == keys  # option ids included
    assert report.questions_created == report.questions_updated == []
    assert not report.text_created and not report.quizzes_created


@needs_bank
def test_the_practice_quiz_can_be_started(rapallo):
    quiz = Quiz.objects.get(feedback=Quiz.Feedback.IMMEDIATE)
    attempt = start_attempt(quiz=quiz, student=UserFactory())
    assert attempt.responses.count() == quiz.quiz_questions.count()


# Small banks for the rules


BODY = "Lipetsk had an aviation school.\n\nKazan had a tank school from 1929."


def write_bank(tmp_path: Path, questions: list[dict], quizzes=None, *, body=BODY) -> Path:
    (tmp_path / "body.txt").write_text(body, encoding="utf-8")
    path = tmp_path / "bank.json"
    data = {
        "text": {"slug": "small", "title": "Small", "body_file": "body.txt"},
        "questions": questions,
        "quizzes": quizzes or [],
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def numeric(key="kazan-year", excerpt="from 1929", value=1929) -> dict:
    return {
        "key": key,
        "kind": "numeric",
        "prompt": "When did the tank school open?",
        "explanation": "The text says 1929.",
        "points": 1,
        "tags": ["dates"],
        "excerpt": excerpt,
        "value": value,
        "tolerance": 0,
    }


def matching(key="schools") -> dict:
    return {
        "key": key,
        "kind": "matching",
        "prompt": "Match the schools.",
        "explanation": "",
        "points": 2,
        "tags": [],
        "excerpt": "Lipetsk had an aviation school.",
        "pairs": [["Lipetsk", "aviation"], ["Kazan", "tanks"]],
        "distractors": ["gas"],
    }


def test_small_bank_imports_every_field(tmp_path):
    quizzes = [{"slug": "small-quiz", "title": "Small quiz", "questions": "all", "pass_mark": 70}]
    report = import_into_the_class(write_bank(tmp_path, [numeric(), matching()], quizzes))
    assert report.questions_created == ["kazan-year", "schools"]
    year = Question.objects.get(bank_key="kazan-year")
    assert year.excerpt == "from 1929"
    assert year.key["value"] == 1929
    assert year.status == Question.Status.PUBLISHED
    assert [tag.name for tag in year.tags.all()] == ["dates"]
    schools = Question.objects.get(bank_key="schools")
    assert [(p["prompt"], p["answer"]) for p in schools.key["pairs"]] == [
        ("Lipetsk", "aviation"),
        ("Kazan", "tanks"),
        ("", "gas"),
    ]
    quiz = Quiz.objects.get(slug="small-quiz")
    assert quiz.is_published and quiz.pass_mark == 70
    assert [slot.question for slot in quiz.quiz_questions.all()] == [schools, year]


def test_bad_excerpt_names_the_question_and_stores_nothing(tmp_path):
    path = write_bank(tmp_path, [matching(), numeric(excerpt="from 1928")])
    with pytest.raises(bank.BankError, match="question kazan-year: The excerpt is not in the text"):
        import_into_the_class(path)
    assert row_counts() == dict.fromkeys(row_counts(), 0)


def test_ambiguous_excerpt_is_refused(tmp_path):
    path = write_bank(tmp_path, [numeric(excerpt="school")])
    with pytest.raises(bank.BankError, match="occurs more than once"):
        import_into_the_class(path)
    assert not SourceText.objects.exists()


def test_broken_answer_key_is_refused(tmp_path):
    broken = matching()
    broken["pairs"] = [["Lipetsk", "aviation"]]
    with pytest.raises(bank.BankError, match="question schools: A matching question needs"):
        import_into_the_class(write_bank(tmp_path, [broken]))
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "essay"}, "unknown kind 'essay'"),
        ({"value": "soon"}, "value and tolerance must be numbers"),
        ({"prompt": ""}, '"prompt" is missing'),
        ({"points": 0}, "default_points"),
    ],
)
def test_malformed_question_is_refused(tmp_path, change, message):
    with pytest.raises(bank.BankError, match=message):
        import_into_the_class(write_bank(tmp_path, [{**numeric(), **change}]))
    assert not Question.objects.exists()


def test_quiz_with_unknown_key_rolls_back_everything(tmp_path):
    quizzes = [{"slug": "q", "title": "Q", "questions": ["kazan-year", "nope"]}]
    with pytest.raises(bank.BankError, match="quiz q: no question with key"):
        import_into_the_class(write_bank(tmp_path, [numeric()], quizzes))
    assert row_counts() == dict.fromkeys(row_counts(), 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "No bank file"), ("{not json", "is not valid JSON"), ("[]", 'needs a "text"')],
)
def test_unreadable_file_is_refused(tmp_path, content, message):
    path = tmp_path / "bank.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(bank.BankError, match=message):
        import_into_the_class(path)


def test_changed_question_is_updated_in_place(tmp_path):
    import_into_the_class(write_bank(tmp_path, [numeric()]))
    question = Question.objects.get()
    report = import_into_the_class(write_bank(tmp_path, [numeric(value=1930)]))
    assert report.questions_updated == ["kazan-year"]
    assert Question.objects.get().pk == question.pk
    assert Question.objects.get().key["value"] == 1930


def test_answered_question_is_left_as_it_was(tmp_path):
    quizzes = [{"slug": "q", "title": "Q", "questions": "all"}]
    import_into_the_class(write_bank(tmp_path, [numeric()], quizzes))
    attempt = start_attempt(quiz=Quiz.objects.get(), student=UserFactory())
    attempt.responses.get().save_answer("1929")
    report = import_into_the_class(write_bank(tmp_path, [numeric(value=1930)], quizzes))
    assert report.questions_kept == ["kazan-year"]
    assert "students have already answered them: kazan-year" in str(report)
    assert Question.objects.get().key["value"] == 1929


def test_body_edit_that_moves_a_kept_excerpt_is_refused(tmp_path):
    quizzes = [{"slug": "q", "title": "Q", "questions": "all"}]
    import_into_the_class(write_bank(tmp_path, [numeric()], quizzes))
    start_attempt(quiz=Quiz.objects.get(), student=UserFactory())
    edited = write_bank(tmp_path, [numeric(value=1930)], quizzes, body="Foreword.\n\n" + BODY)
    with pytest.raises(bank.BankError, match="moves the excerpts of question"):
        import_into_the_class(edited)
    assert SourceText.objects.get().body == BODY


def test_body_edit_relocates_unanswered_excerpts(tmp_path):
    import_into_the_class(write_bank(tmp_path, [numeric()]))
    import_into_the_class(write_bank(tmp_path, [numeric()], body="Foreword.\n\n" + BODY))
    question = Question.objects.get()
    assert question.excerpt == "from 1929"
    assert question.excerpt_start == len("Foreword.\n\n") + BODY.index("from 1929")
