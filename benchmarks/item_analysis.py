"""Benchmark: item analysis of 10,000 attempts at a 40-question quiz vs one plain SQL pass.

    .venv/bin/python benchmarks/item_analysis.py [--students 10000] [--questions 40] [--keep]

Builds a throwaway SQLite database, creates the quiz (30 single-choice, 5 true/false and 5
short-answer questions) and a class with `simulate_class`, then times, best of three:
  - plain SQL: one SELECT of every counted response's attempt, question, marks and answer;
  - item analysis: quizzes.reports.item_analysis (three queries plus all the statistics,
    distractor tables included),
and prints both times and their ratio.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10_000)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="Keep the database and say where.")
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="quizsite-bench-")
    os.environ["SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quizsite.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from quizzes import reports
    from quizzes.models import Question, Quiz, QuizQuestion, SourceText

    call_command("migrate", verbosity=0)
    body = "\n\n".join(
        f"Paragraph {n} says that item {n} matters for a reason." for n in range(1, 81)
    )
    text = SourceText.objects.create(title="Benchmark text", slug="bench-text", body=body)
    quiz = Quiz.objects.create(title="Benchmark", slug="bench", source_text=text, is_published=True)
    for position in range(1, args.questions + 1):
        excerpt = f"item {position} matters"
        start = body.index(excerpt)
        # Mostly single choice, with a short answer and a true/false question in every eight.
        kind, key = {
            0: ("true_false", {"answer": True}),
            4: ("short_answer", {"answers": [f"answer {position}"]}),
        }.get(
            position % 8,
            (
                "single_choice",
                {
                    "options": [
                        {"id": str(n), "text": f"Option {n}", "correct": n == 0, "feedback": ""}
                        for n in range(4)
                    ]
                },
            ),
        )
        question = Question.objects.create(
            source_text=text,
            kind=kind,
            prompt=f"Question {position}?",
            status=Question.Status.PUBLISHED,
            excerpt_start=start,
            excerpt_end=start + len(excerpt),
            key=key,
        )
        QuizQuestion.objects.create(quiz=quiz, question=question, position=position)

    started = time.perf_counter()
    call_command("simulate_class", quiz.slug, students=args.students, seed=args.seed)
    print(f"simulate_class: {args.students} students in {time.perf_counter() - started:.1f} s")

    sql = """
        SELECT r.attempt_id, r.question_id, r.marks, r.answer
        FROM quizzes_response r JOIN quizzes_attempt a ON a.id = r.attempt_id
        WHERE a.quiz_id = %s AND a.is_preview = %s AND a.state <> 'in_progress'
    """

    def plain_sql() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [quiz.pk, False])
            return len(cursor.fetchall())

    def analysis() -> int:
        return reports.item_analysis(quiz, "all").analysis.quiz.attempts

    def best_of(function, runs: int = 3) -> tuple[float, int]:
        times, result = [], None
        for _ in range(runs):
            begin = time.perf_counter()
            result = function()
            times.append(time.perf_counter() - begin)
        return min(times), result

    sql_time, rows = best_of(plain_sql)
    analysis_time, attempts = best_of(analysis)
    print(f"plain SQL pass:  {rows} responses in {sql_time:.3f} s")
    print(
        f"item analysis:   {attempts} attempts x {args.questions} questions "
        f"in {analysis_time:.3f} s"
    )
    print(f"ratio:           {analysis_time / sql_time:.1f}x")
    if args.keep:
        print(f"database kept at {os.environ['SQLITE_PATH']}")
    else:
        for path in Path(directory).iterdir():
            path.unlink()
        os.rmdir(directory)


if __name__ == "__main__":
    main()
