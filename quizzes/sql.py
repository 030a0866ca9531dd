"""Queries written as SQL: those every student request runs, and item analysis's two passes.

Django's ORM builds and compiles a queryset's SQL every time it runs one. On the answer loop
that cost more than running the queries did (README, "Benchmark"), so these few are plain SQL
through the cursor, the same on SQLite and PostgreSQL, with their values converted here as the
ORM would convert them. Each has a test that runs it beside its ORM equivalent and compares the
results (tests/test_sql.py): a schema change breaks a test, not a student's page.

Rows come back as tuples of converted values, in the order of the column names given here, so
that the models build instances from them with Model.from_db (the loaded fields only, the others
deferred). This module imports no model of the app: the models import it.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, connection

# Values as the database driver gives them, and as the ORM would give them.


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _datetime(value: Any) -> datetime | None:
    """SQLite gives naive UTC datetimes (Django stores them so), PostgreSQL aware ones."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _decimal(value: Any, places: int) -> Decimal | None:
    """SQLite gives decimals as numbers; quantized to the field's places as Django does."""
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(10) ** -places)


def _db_datetime(moment: datetime) -> Any:
    """A moment as the column stores it: naive UTC text on SQLite (as Django writes it)."""
    if connection.vendor == "sqlite":
        return str(moment.astimezone(UTC).replace(tzinfo=None))
    return moment


def _db_json(value: Any) -> str:
    return json.dumps(value)


def _for_update() -> str:
    """Row locks: PostgreSQL's FOR UPDATE; SQLite's transactions take the database's write
    lock when they begin (IMMEDIATE, settings.py)."""
    return " FOR UPDATE" if connection.vendor == "postgresql" else ""


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


# Sessions and the signed-in user


def session_data(session_key: str, now: datetime) -> tuple[str, datetime] | None:
    """The encoded data of an unexpired session and when it expires (the session engines'
    read)."""
    rows = _rows(
        "SELECT session_data, expire_date FROM django_session"
        " WHERE session_key = %s AND expire_date > %s",
        [session_key, _db_datetime(now)],
    )
    if not rows:
        return None
    data, expires = rows[0]
    return data, _datetime(expires)


USER_COLUMNS = (
    "id",
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
)


def user(pk: int) -> Any:
    """The user with this primary key, or None (ModelBackend.get_user's read)."""
    User = get_user_model()
    rows = _rows(
        f"SELECT {', '.join(USER_COLUMNS)} FROM auth_user WHERE id = %s",
        [pk],
    )
    if not rows:
        return None
    (row,) = rows
    values = list(row)
    for index in (2, 10):
        values[index] = _datetime(values[index])
    for index in (3, 8, 9):
        values[index] = bool(values[index])
    return User.from_db(DEFAULT_DB_ALIAS, list(USER_COLUMNS), values)


# The answer loop


RESPONSE_COLUMNS = (
    "id",
    "attempt_id",
    "position",
    "question_id",
    "points",
    "snapshot",
    "answer",
    "answered_at",
    "marks",
    "answer_seq",
    "flagged",
    "marked_by_teacher",
    "comment",
)
# In the models' field order: Model.from_db maps a subset of columns by that order.
ATTEMPT_COLUMNS = (
    "id",
    "quiz_id",
    "course_id",
    "student_id",
    "is_preview",
    "state",
    "deadline",
    "overdue_handling",
    "grace_ends_at",
    "time_factor",
    "no_time_limit",
)
QUIZ_COLUMNS = (
    "id",
    "title",
    "source_text_id",
    "feedback",
    "text_during_quiz",
    "is_secure",
    "review_marks",
    "review_correctness",
    "review_answer",
    "review_explanation",
    "review_passage",
)


def responses_shown(
    student_id: int, attempt_id: int, positions: list[int]
) -> list[tuple[list[Any], list[Any], list[Any], int, str | None]]:
    """The student's responses at these positions of an attempt (one or two), by position:
    per response, its values (RESPONSE_COLUMNS), its attempt's (ATTEMPT_COLUMNS) and its quiz's
    (QUIZ_COLUMNS), its question's text id, and the slug of the quiz's text (not the text: it
    may be megabytes, and a question card only links to it). None if the attempt is not theirs.
    """
    marks = ", ".join(["%s"] * len(positions))
    columns = [
        *(f"r.{name}" for name in RESPONSE_COLUMNS),
        *(f"a.{name}" for name in ATTEMPT_COLUMNS),
        *(f"z.{name}" for name in QUIZ_COLUMNS),
        "q.source_text_id",
        "t.slug",
    ]
    rows = _rows(
        f"SELECT {', '.join(columns)} FROM quizzes_response r"
        " JOIN quizzes_attempt a ON a.id = r.attempt_id"
        " JOIN quizzes_quiz z ON z.id = a.quiz_id"
        " JOIN quizzes_question q ON q.id = r.question_id"
        " LEFT JOIN quizzes_sourcetext t ON t.id = z.source_text_id"
        f" WHERE a.student_id = %s AND r.attempt_id = %s AND r.position IN ({marks})",
        [student_id, attempt_id, *positions],
    )
    r_end = len(RESPONSE_COLUMNS)
    a_end = r_end + len(ATTEMPT_COLUMNS)
    z_end = a_end + len(QUIZ_COLUMNS)
    shown = []
    for row in sorted(rows, key=lambda row: row[2]):
        response = list(row[:r_end])
        response[4] = _decimal(response[4], 2)
        response[5] = _json(response[5])
        response[6] = _json(response[6])
        response[7] = _datetime(response[7])
        response[8] = _decimal(response[8], 4)
        response[10] = bool(response[10])
        response[11] = bool(response[11])
        attempt = list(row[r_end:a_end])
        attempt[4] = bool(attempt[4])
        attempt[6] = _datetime(attempt[6])
        attempt[8] = _datetime(attempt[8])
        attempt[9] = _decimal(attempt[9], 2)
        attempt[10] = bool(attempt[10])
        quiz = list(row[a_end:z_end])
        quiz[4] = bool(quiz[4])
        quiz[5] = bool(quiz[5])
        shown.append((response, attempt, quiz, row[z_end], row[z_end + 1]))
    return shown


def response_states(attempt_id: int) -> list[tuple[int, bool, bool]]:
    """(position, answered, flagged) per response of an attempt, in order."""
    rows = _rows(
        "SELECT position, answered_at IS NOT NULL, flagged FROM quizzes_response"
        " WHERE attempt_id = %s",
        [attempt_id],
    )
    return sorted((position, bool(answered), bool(flagged)) for position, answered, flagged in rows)


def lock_attempt(attempt_id: int) -> tuple[str, datetime | None, datetime | None] | None:
    """The attempt's state, deadline and end of grace, its row locked for the transaction."""
    rows = _rows(
        "SELECT state, deadline, grace_ends_at FROM quizzes_attempt WHERE id = %s" + _for_update(),
        [attempt_id],
    )
    if not rows:
        return None
    state, deadline, grace_ends_at = rows[0]
    return state, _datetime(deadline), _datetime(grace_ends_at)


def store_answer(
    response_id: int,
    *,
    answer: Any,
    moment: datetime,
    marks: Decimal,
    seq: int,
    once: bool,
    base: int | None = None,
) -> bool:
    """Store an answer over an older version (a lower seq), with once only where there is none
    yet, and with base only over that very version; whether it was stored."""
    condition = " AND answered_at IS NULL" if once else ""
    params = [_db_json(answer), _db_datetime(moment), marks, seq, response_id, seq]
    if base is not None:
        condition += " AND answer_seq = %s"
        params.append(base)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE quizzes_response SET answer = %s, answered_at = %s, marks = %s, answer_seq = %s"
            " WHERE id = %s AND answer_seq < %s" + condition,
            params,
        )
        return cursor.rowcount == 1


# Item analysis: one pass over a quiz's counted attempts and their responses


_COUNTED = (
    "a.quiz_id = %s AND a.is_preview = %s AND a.state <> 'in_progress' AND a.state <> 'abandoned'"
)


def _counted(quiz_id: int, course_id: int | None) -> tuple[str, list[Any]]:
    """The WHERE clause and parameters of a quiz's counted attempts, in one course or all."""
    if course_id is None:
        return _COUNTED, [quiz_id, False]
    return f"{_COUNTED} AND a.course_id = %s", [quiz_id, False, course_id]


def counted_attempts(
    quiz_id: int, course_id: int | None = None
) -> Iterator[tuple[int, int, int, float]]:
    """(id, student id, number, score) of each counted attempt at the quiz (finished, not a
    preview, not abandoned), in one course or all, the score as a float."""
    where, params = _counted(quiz_id, course_id)
    yield from _stream(
        f"SELECT a.id, a.student_id, a.number, CAST(a.score AS FLOAT) FROM quizzes_attempt a"
        f" WHERE {where}",
        params,
    )


def counted_responses(
    quiz_id: int, course_id: int | None = None
) -> Iterator[tuple[int, int, float | None, float, str | None]]:
    """(attempt id, question id, marks, points, answer as JSON text) of each response of the
    quiz's counted attempts (in one course or all); marks and points as floats."""
    where, params = _counted(quiz_id, course_id)
    yield from _stream(
        "SELECT r.attempt_id, r.question_id, CAST(r.marks AS FLOAT), CAST(r.points AS FLOAT),"
        " r.answer FROM quizzes_response r JOIN quizzes_attempt a ON a.id = r.attempt_id"
        f" WHERE {where}",
        params,
    )


def _stream(sql: str, params: list[Any]) -> Iterator[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(5000):
            yield from batch
