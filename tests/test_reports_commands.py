"""Commands (simulate_class, quiz_stats, export_responses) and the CSV exports' content."""

import csv
import io
import json
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from quizzes import reports
from quizzes.exchange import spreadsheet
from quizzes.models import Attempt, Response
from quizzes.starting import start_attempt
from tests.factories import QuizFactory, QuizQuestionFactory, ShortAnswerQuestionFactory

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _scores(quiz):
    return list(
        Attempt.objects.filter(quiz=quiz)
        .order_by("student__username", "number")
        .values_list("student__username", "number", "score")
    )


def test_simulate_class_creates_submitted_attempts_like_the_app(quiz):
    output = _run("simulate_class", quiz.slug, "--students", "12", "--seed", "5")
    assert "Simulated 12 students" in output
    attempts = Attempt.objects.filter(quiz=quiz)
    assert attempts.count() == 12
    for attempt in attempts:
        assert attempt.state == Attempt.State.SUBMITTED and not attempt.is_preview
        responses = list(attempt.responses.all())
        assert len(responses) == 3
        assert attempt.score == sum(r.marks or 0 for r in responses)
        for response in responses:
            assert response.snapshot == response.question.snapshot()  # no shuffling here
            if response.is_answered:
                assert response.answer in [o["id"] for o in response.snapshot["options"]]


def test_simulate_class_is_deterministic_for_a_seed(quiz, django_user_model):
    from tests.factories import QuizFactory

    other = QuizFactory(question_count=3, slug=quiz.slug + "-copy")
    _run("simulate_class", quiz.slug, "--students", "20", "--seed", "9")
    _run("simulate_class", other.slug, "--students", "20", "--seed", "9")
    first = [(n, s) for _, n, s in _scores(quiz)]
    second = [(n, s) for _, n, s in _scores(other)]
    assert first == second
    assert len({s for _, s in first}) > 1  # abilities differ


def test_simulate_class_refuses_to_run_twice_with_a_seed(quiz):
    _run("simulate_class", quiz.slug, "--students", "2", "--seed", "1")
    with pytest.raises(CommandError, match="exist already"):
        _run("simulate_class", quiz.slug, "--students", "2", "--seed", "1")


def test_unknown_quiz_is_a_clear_error():
    for command in ("simulate_class", "quiz_stats", "export_responses"):
        with pytest.raises(CommandError, match="No quiz"):
            _run(command, "nope")


def test_quiz_stats_json_matches_the_report(quiz):
    _run("simulate_class", quiz.slug, "--students", "15", "--seed", "2", "--attempts", "3")
    data = json.loads(_run("quiz_stats", quiz.slug, "--attempts", "first", "--json"))
    assert data["summary"]["attempts"] == 15
    assert len(data["questions"]) == 3
    assert set(data["questions"][0]) >= {
        "facility",
        "sd",
        "random_guess",
        "intended_weight",
        "effective_weight",
        "discrimination_index",
        "discriminative_efficiency",
        "flags",
    }
    every = json.loads(_run("quiz_stats", quiz.slug, "--attempts", "all", "--json"))
    assert every["summary"]["attempts"] == Attempt.objects.filter(quiz=quiz).count()
    assert "facility" in _run("quiz_stats", quiz.slug)


def test_best_attempt_is_the_highest_scored_earliest_on_a_tie():
    attempts = {1: (7, 1, 50.0), 2: (7, 2, 80.0), 3: (7, 3, 80.0), 4: (8, 1, 10.0)}
    assert sorted(reports.choose_attempts(attempts, "best")) == [2, 4]
    assert sorted(reports.choose_attempts(attempts, "first")) == [1, 4]
    assert sorted(reports.choose_attempts(attempts, "last")) == [3, 4]
    assert sorted(reports.choose_attempts(attempts, "all")) == [1, 2, 3, 4]


def test_item_analysis_excludes_previews_and_attempts_in_progress(quiz):
    _run("simulate_class", quiz.slug, "--students", "6", "--seed", "4")
    Attempt.objects.filter(pk=Attempt.objects.first().pk).update(is_preview=True)
    report = reports.item_analysis(quiz, "all")
    assert report.analysis.quiz.attempts == 5


def test_item_analysis_agrees_with_the_marks_stored(quiz):
    _run("simulate_class", quiz.slug, "--students", "10", "--seed", "8")
    report = reports.item_analysis(quiz, "all")
    for item in report.questions:
        marks = Response.objects.filter(question=item.question).values_list("marks", flat=True)
        expected = 100 * sum(float(m or 0) for m in marks) / 10
        assert item.stats.facility == pytest.approx(expected)


def _csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_export_responses_command_writes_one_row_per_attempt_and_question(quiz, settings):
    settings.TIME_ZONE = "Asia/Tokyo"  # not UTC, so a time left in UTC shows
    _run("simulate_class", quiz.slug, "--students", "4", "--seed", "3")
    rows = _csv(_run("export_responses", quiz.slug))
    assert len(rows) == 12
    assert list(rows[0]) == [
        "quiz",
        "student",
        "attempt_id",
        "attempt_number",
        "question_id",
        "position",
        "kind",
        "prompt",
        "answer",
        "marks",
        "max_marks",
        "answered_at",
        "attempt_started_at",
        "attempt_submitted_at",
    ]
    answered = [row for row in rows if row["answered_at"]]
    assert all(row["answer"] in {"Lipetsk", "Volsk", "Kazan"} for row in answered)
    # Marks as numbers (1, 0), times to the second in the site's time zone, as pages show them.
    assert {row["marks"] for row in answered} <= {"0", "1"}
    assert {row["max_marks"] for row in rows} == {"1"}
    for row in answered:
        assert row["answered_at"].endswith("+09:00"), row["answered_at"]
        assert datetime.fromisoformat(row["answered_at"]).microsecond == 0
        assert "." not in row["answered_at"]
    assert _run("export_responses", quiz.slug, "--no-bom")[0] == "q"


def test_exports_leave_out_attempts_that_do_not_count(quiz, student, instructor):
    _run("simulate_class", quiz.slug, "--students", "2", "--seed", "3")
    start_attempt(quiz=quiz, student=instructor).finish()  # a preview
    abandoned = start_attempt(quiz=quiz, student=student)
    Attempt.objects.filter(pk=abandoned.pk).update(
        state=Attempt.State.ABANDONED, submitted_at=timezone.now()
    )
    rows = _csv(_run("export_responses", quiz.slug))
    assert {row["student"] for row in rows} == set(
        Attempt.objects.counted().values_list("student__username", flat=True)
    )
    assert len(rows) == 2 * 3
    assert len(list(csv.DictReader(io.StringIO("".join(reports.attempts_csv(quiz)))))) == 2


def _download(client, quiz, kind):
    response = client.get(reverse("quizzes:export_csv", args=["the-class", quiz.slug, kind]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{quiz.slug}-{kind}.csv" in response["Content-Disposition"]
    return _csv(b"".join(response.streaming_content).decode("utf-8"))


def test_csv_downloads(client, instructor, quiz):
    _run("simulate_class", quiz.slug, "--students", "5", "--seed", "6", "--attempts", "2")
    client.force_login(instructor)
    grades = _download(client, quiz, "grades")
    assert len(grades) == 5
    assert {row["quiz"] for row in grades} == {quiz.slug}
    attempts = _download(client, quiz, "attempts")
    assert len(attempts) == Attempt.objects.filter(quiz=quiz).count()
    first = Attempt.objects.get(pk=attempts[0]["attempt_id"])
    assert Decimal(attempts[0]["score"]) == first.score
    assert attempts[0]["score"] == f"{first.score.normalize():f}"  # 1, not 1.0000
    responses = _download(client, quiz, "responses")
    assert len(responses) == 3 * len(attempts)


def test_answer_text_for_every_kind():
    snapshot = {
        "kind": "multiple_response",
        "options": [{"id": "1", "text": "A"}, {"id": "2", "text": "B"}],
    }
    assert reports.answer_text(snapshot, ["2", "1"]) == "B; A"
    assert reports.answer_text({**snapshot, "kind": "ordering"}, ["2", "1"]) == "B > A"
    matching = {
        "kind": "matching",
        "prompts": [{"id": "5", "text": "gas"}],
        "targets": [{"id": "5", "text": "Volsk"}],
    }
    assert reports.answer_text(matching, {"5": "5"}) == "gas → Volsk"
    assert reports.answer_text({"kind": "numeric"}, "1925") == "1925"
    assert reports.answer_text({"kind": "short_answer"}, None) == ""


@pytest.mark.parametrize(
    "typed",
    [
        '=HYPERLINK("http://example.invalid","click")',
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-2+3",
        "@SUM(A1)",
    ],
)
def test_a_students_formula_reaches_the_spreadsheet_as_text(client, instructor, student, typed):
    quiz = QuizFactory(feedback="deferred")
    QuizQuestionFactory(
        quiz=quiz, question=ShortAnswerQuestionFactory(source_text=quiz.source_text)
    )
    attempt = start_attempt(quiz=quiz, student=student)
    attempt.responses.get().save_answer(typed)
    attempt.finish()
    client.force_login(instructor)
    (row,) = _download(client, quiz, "responses")
    assert row["answer"] == "'" + typed
    assert Decimal(row["marks"]) == 0  # numbers stay numbers


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        ("Kazan", "Kazan"),
        ("=1+1", "'=1+1"),
        ("\tx", "'\tx"),
        (-3, -3),
        (Decimal("-0.5"), Decimal("-0.5")),
    ],
)
def test_spreadsheet_cells(value, cell):
    assert spreadsheet.cell(value) == cell
