"""What teachers read: item analysis, gradebook, course overview, the text heatmap, exports.

Each report reads the database in a fixed number of queries whatever the size of the class: one
pass over the responses (or attempts), grouped in Python, with the arithmetic in statistics.py.
"""

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from statistics import fmean

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from quizzes import grading, kinds, passages, sql, statistics
from quizzes.exchange import spreadsheet
from quizzes.models import (
    Attempt,
    Course,
    Membership,
    Question,
    Quiz,
    QuizQuestion,
    Response,
    Role,
    SourceText,
)
from quizzes.schedules import duration_text

FIRST, LAST, BEST, ALL = "first", "last", "best", "all"
ATTEMPT_CHOICES = {
    FIRST: "First attempt of each student",
    LAST: "Last attempt of each student",
    BEST: "Best attempt of each student",
    ALL: "All attempts",
}
_DEFAULT_FOR_GRADING = {
    grading.HIGHEST: BEST,
    grading.FIRST: FIRST,
    grading.LAST: LAST,
    grading.AVERAGE: ALL,
}


def default_attempts(quiz: Quiz) -> str:
    """The attempts that make the grade: the best ones when grading by the highest, etc."""
    return _DEFAULT_FOR_GRADING.get(quiz.grading_method, ALL)


# Item analysis


@dataclass(frozen=True)
class QuestionReport:
    position: int
    question: Question
    stats: statistics.QuestionStats
    distractors: statistics.DistractorTable | None


@dataclass(frozen=True)
class DrawnReport:
    """A question drawn at random into some attempts: its figures over those attempts only."""

    question: Question
    stats: statistics.DrawnStats


@dataclass(frozen=True)
class QuizReport:
    quiz: Quiz
    attempts: str
    analysis: statistics.ItemAnalysis
    questions: tuple[QuestionReport, ...]
    drawn: tuple[DrawnReport, ...] = ()

    @property
    def flagged(self) -> list[QuestionReport]:
        return [item for item in self.questions if item.stats.flags]


def _slots(quiz: Quiz) -> list[QuizQuestion]:
    """The quiz's questions with their texts and keys: one query."""
    return list(
        quiz.quiz_questions.select_related("question__source_text").order_by("position", "pk")
    )


def random_guess(question: Question) -> float | None:
    """The expected fraction for a random answer (Moodle's): 1/n options for single choice."""
    return question.kind_type.random_guess(question.key)


def _analysed(question: Question) -> bool:
    """Whether the item analysis tabulates this question's answers (options or typed text)."""
    return question.kind_type.analysis is not None


def choose_attempts(attempts: dict[int, tuple[int, int, float]], which: str) -> list[int]:
    """Attempt ids to analyse from {id: (student id, number, score)}, in a stable order.

    best: the highest score, the earlier attempt on a tie.
    """
    if which not in ATTEMPT_CHOICES:
        raise ValueError(f"Unknown attempt choice: {which!r}")
    ordered = sorted(attempts.items(), key=lambda item: (item[1][0], item[1][1]))
    if which == ALL:
        return [attempt_id for attempt_id, _ in ordered]
    chosen: dict[int, tuple[int, tuple[int, int, float]]] = {}
    for attempt_id, meta in ordered:
        student = meta[0]
        current = chosen.get(student)
        if current is None or which == LAST or (which == BEST and meta[2] > current[1][2]):
            chosen[student] = (attempt_id, meta)
    return [attempt_id for attempt_id, _ in chosen.values()]


def _picks(kind: kinds.QuestionKind, answer) -> list[str] | None:
    """What an answer chose, as option keys; answers arrive as JSON text or decoded."""
    if isinstance(answer, str):
        answer = json.loads(answer)
    return kind.picks(answer)


def _distractor_table(
    question: Question, totals: list[float], answers: list, right: list[bool]
) -> statistics.DistractorTable | None:
    kind = question.kind_type
    if kind.analysis is None:
        return None
    # A class gives the same few answers over and over: decode each distinct one once.
    decoded = {}
    picks = []
    for answer in answers:
        key = answer if isinstance(answer, str | None) else json.dumps(answer)
        if key not in decoded:
            decoded[key] = _picks(kind, answer)
        picks.append(decoded[key])
    if kind.analysis == "text":
        texts = [pick[0] if pick else None for pick in picks]
        wrong = statistics.common_wrong_answers(texts, is_right=right)
        # Right answers are pooled into one row: the table is about the wrong ones.
        picks = [
            ["(accepted answers)"] if is_right and pick else pick
            for pick, is_right in zip(picks, right, strict=True)
        ]
        options = [("(accepted answers)", "Accepted answers"), *((t, f"“{t}”") for t, _ in wrong)]
        correct = ["(accepted answers)"]
    else:
        options, correct = kind.analysis_options(question.key)
        known = {key for key, _ in options}
        seen = {key for pick in picks if pick for key in pick}
        deleted = sorted(seen - known)
        options += [(key, f"Deleted option {n}") for n, key in enumerate(deleted, start=1)]
    return statistics.distractors(totals=totals, picks=picks, options=options, correct=correct)


def item_analysis(quiz: Quiz, attempts: str = ALL, course: Course | None = None) -> QuizReport:
    """Moodle's item analysis of the quiz's counted attempts (previews never), in one course or
    in all: four queries.

    The questions are those in the quiz now, in quiz order; an attempt without a response to one
    of them (the question was added later) counts 0 for it. Option labels and the random-guess
    score come from the live questions; option ids survive edits (kinds/base.py, form_ids).
    """
    course_id = course.pk if course else None
    slots = _slots(quiz)
    column = {slot.question_id: index for index, slot in enumerate(slots)}
    keep_answers = {slot.question_id for slot in slots if _analysed(slot.question)}
    # Plain SQL (quizzes/sql.py): for a large class, the ORM's per-value converters cost more
    # than the statistics.
    meta: dict[int, tuple[int, int, float]] = {
        attempt_id: (student_id, number, score or 0.0)
        for attempt_id, student_id, number, score in sql.counted_attempts(quiz.pk, course_id)
    }
    width = len(slots)
    marks: dict[int, list[float]] = {attempt_id: [0.0] * width for attempt_id in meta}
    answers: dict[int, dict[int, tuple]] = {question_id: {} for question_id in keep_answers}
    points = [float(slot.effective_points) for slot in slots]
    seen_points = [False] * width
    # Questions drawn at random (not named in the quiz): marks by attempt, and their points.
    drawn: dict[int, dict[int, float]] = defaultdict(dict)
    drawn_points: dict[int, float] = {}
    for attempt_id, question_id, mark, point, answer in sql.counted_responses(quiz.pk, course_id):
        index = column.get(question_id)
        if attempt_id not in marks:
            continue
        if index is None:
            drawn[question_id][attempt_id] = mark or 0.0
            drawn_points.setdefault(question_id, point)
            continue
        marks[attempt_id][index] = mark or 0.0
        if not seen_points[index]:
            # Marks are out of the points frozen when the attempt started.
            points[index], seen_points[index] = point, True
        if question_id in keep_answers:
            answers[question_id][attempt_id] = (answer, mark or 0.0, point)
    chosen = choose_attempts(meta, attempts)
    table = [marks[attempt_id] for attempt_id in chosen]
    analysis = statistics.analyse(
        points, table, random_guesses=[random_guess(slot.question) for slot in slots]
    )
    totals = list(analysis.totals)
    reports = []
    for index, slot in enumerate(slots):
        table_for = None
        if slot.question_id in keep_answers:
            given = answers[slot.question_id]
            per_attempt = [given.get(attempt_id, (None, 0.0, 1.0)) for attempt_id in chosen]
            table_for = _distractor_table(
                slot.question,
                totals,
                [answer for answer, _, _ in per_attempt],
                [mark >= point > 0 for _, mark, point in per_attempt],
            )
        reports.append(
            QuestionReport(
                position=index + 1,
                question=slot.question,
                stats=analysis.questions[index],
                distractors=table_for,
            )
        )
    return QuizReport(
        quiz=quiz,
        attempts=attempts,
        analysis=analysis,
        questions=tuple(reports),
        drawn=_drawn_reports(drawn, drawn_points, chosen),
    )


def _drawn_reports(
    drawn: dict[int, dict[int, float]], points: dict[int, float], chosen: list[int]
) -> tuple[DrawnReport, ...]:
    """Facility and SD of each drawn question over the analysed attempts that had it: one query
    (none without draws)."""
    if not drawn:
        return ()
    wanted = set(chosen)
    questions = Question.objects.select_related("source_text").in_bulk(drawn)
    reports = [
        DrawnReport(
            question=questions[question_id],
            stats=statistics.drawn_stats(
                [mark for attempt, mark in by_attempt.items() if attempt in wanted],
                max_mark=points[question_id],
            ),
        )
        for question_id, by_attempt in drawn.items()
        if question_id in questions
    ]
    return tuple(sorted(reports, key=lambda item: (item.question.excerpt_start, item.question.pk)))


def report_as_dict(report: QuizReport) -> dict:
    """The item analysis as plain JSON-ready values (None where a figure is undefined)."""
    quiz = report.analysis.quiz
    return {
        "quiz": report.quiz.slug,
        "attempts_analysed": report.attempts,
        "summary": {
            "attempts": quiz.attempts,
            "questions": quiz.questions,
            "max_total": quiz.max_total,
            "mean": quiz.mean,
            "median": quiz.median,
            "sd": quiz.sd,
            "skewness": quiz.skewness,
            "kurtosis": quiz.kurtosis,
            "cic": quiz.cic,
            "error_ratio": quiz.error_ratio,
            "standard_error": quiz.standard_error,
        },
        "questions": [
            {
                "position": item.position,
                "question_id": item.question.pk,
                "kind": item.question.kind,
                "prompt": item.question.prompt,
                "max_mark": item.stats.max_mark,
                "facility": item.stats.facility,
                "sd": item.stats.sd,
                "random_guess": item.stats.random_guess,
                "intended_weight": item.stats.intended_weight,
                "effective_weight": item.stats.effective_weight,
                "discrimination_index": item.stats.discrimination_index,
                "discriminative_efficiency": item.stats.discriminative_efficiency,
                "flags": list(item.stats.flags),
            }
            for item in report.questions
        ],
    }


# Gradebook and overview


@dataclass
class GradebookRow:
    student: object
    quiz: Quiz
    attempts: list[Attempt] = field(default_factory=list)
    # Removed from the course: their attempts stay, marked so.
    removed: bool = False
    # Its grade on the way to (or in) an LMS gradebook column (models.lms.ScoreDelivery).
    lms_score: object = None

    @property
    def percents(self) -> list[float]:
        return [attempt.result.percent for attempt in self.attempts]

    @property
    def grade(self) -> float | None:
        return grading.overall_grade(self.quiz.grading_method, self.percents)

    @property
    def best(self) -> float | None:
        return max(self.percents, default=None)

    @property
    def last(self) -> float | None:
        return self.percents[-1] if self.percents else None

    @property
    def marked_by_teacher(self) -> bool:
        """A teacher overrode a mark in one of these attempts (annotated by gradebook())."""
        return any(getattr(attempt, "marked_by_teacher", False) for attempt in self.attempts)

    @property
    def last_attempt(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None

    @property
    def time_taken(self) -> timedelta | None:
        attempt = self.last_attempt
        return attempt and attempt.submitted_at - attempt.started_at

    @property
    def time_taken_text(self) -> str:
        """ "12 min 05 s" (or "1 h 02 min"), "" without attempts."""
        taken = self.time_taken
        return "" if taken is None else duration_text(taken)

    @property
    def submitted_at(self) -> datetime | None:
        return self.last_attempt and self.last_attempt.submitted_at

    @property
    def passed(self) -> bool | None:
        grade = self.grade
        return None if grade is None else grade >= float(self.quiz.pass_mark)


SORTS = {
    "student": lambda row: row.student.get_username().casefold(),
    "attempts": lambda row: len(row.attempts),
    "grade": lambda row: row.grade,
    "best": lambda row: row.best,
    "last": lambda row: row.last,
    "time": lambda row: row.time_taken,
    "submitted": lambda row: row.submitted_at,
}
STATUSES = {
    "": "Everyone",
    "passed": "Passed",
    "failed": "Not passed",
    "none": "Not attempted",
}


def roster(course: Course, *, search: str = "") -> dict[int, Membership]:
    """The course's students by user id, the removed ones too, with their accounts: one query."""
    members = (
        Membership.objects.filter(course=course, role=Role.STUDENT)
        .select_related("user")
        .order_by("user__username")
    )
    if search:
        members = members.filter(named(search, "user__"))
    return {member.user_id: member for member in members}


def named(search: str, path: str = "") -> Q:
    """Accounts whose username, first or last name contains the search, whatever its case."""
    return (
        Q(**{f"{path}username__icontains": search})
        | Q(**{f"{path}first_name__icontains": search})
        | Q(**{f"{path}last_name__icontains": search})
    )


def gradebook(
    quiz: Quiz,
    course: Course,
    *,
    search: str = "",
    status: str = "",
    sort: str = "student",
    desc: bool = False,
) -> list[GradebookRow]:
    """One row per student of the course's roster, with their counted attempts at the quiz in
    this course (none yet: shown so); a removed student only if they made attempts. Two queries
    whatever the size of the class."""
    members = roster(course, search=search)
    attempts = (
        Attempt.objects.filter(quiz=quiz, course=course)
        .counted()
        .annotate(
            marked_by_teacher=Exists(
                Response.objects.filter(attempt=OuterRef("pk"), marked_by_teacher=True)
            )
        )
        .select_related("student")
        .order_by("student_id", "started_at", "pk")
    )
    if search:
        attempts = attempts.filter(named(search, "student__"))
    rows: dict[int, GradebookRow] = {
        user_id: GradebookRow(student=member.user, quiz=quiz, removed=member.is_removed)
        for user_id, member in members.items()
    }
    for attempt in attempts:
        attempt.quiz = quiz
        row = rows.get(attempt.student_id)
        if row is None:  # attempts of someone never on the roster (an account since deleted)
            row = rows[attempt.student_id] = GradebookRow(
                student=attempt.student, quiz=quiz, removed=True
            )
        row.attempts.append(attempt)
    result = [row for row in rows.values() if row.attempts or not row.removed]
    if status == "passed":
        result = [row for row in result if row.passed]
    elif status == "failed":
        result = [row for row in result if row.passed is False]
    elif status == "none":
        result = [row for row in result if not row.attempts]
    key = SORTS.get(sort, SORTS["student"])
    # Rows without a value (None) sort last whichever the direction.
    present = sorted((r for r in result if key(r) is not None), key=key, reverse=desc)
    return present + [r for r in result if key(r) is None]


@dataclass(frozen=True)
class QuizOverview:
    quiz: Quiz
    course: Course
    attempts: int
    students: int
    mean: float | None
    median: float | None
    pass_rate: float | None
    last_activity: datetime | None


def course_overview(places: Iterable[tuple[Course, Quiz]]) -> list[QuizOverview]:
    """Per quiz in a course: attempts, students, mean and median grade, pass rate, last
    activity, over that course's attempts: one query, however many courses and quizzes.

    Mean, median and pass rate are over the students' grades under each quiz's grading method.
    """
    places = list(places)
    by_place: dict[tuple[int, int], dict[int, list]] = {
        (course.pk, quiz.pk): defaultdict(list) for course, quiz in places
    }
    rows = (
        Attempt.objects.filter(
            quiz__in={quiz.pk for _, quiz in places},
            course__in={course.pk for course, _ in places},
        )
        .counted()
        .order_by("started_at", "pk")
        .values_list("course_id", "quiz_id", "student_id", "score", "max_score", "submitted_at")
    )
    for course_id, quiz_id, student_id, score, max_score, submitted_at in rows:
        students = by_place.get((course_id, quiz_id))
        if students is not None:
            result = grading.Score(earned=score, possible=max_score)
            students[student_id].append((result.percent, submitted_at))
    overview = []
    for course, quiz in places:
        students = by_place[(course.pk, quiz.pk)]
        grades = [
            grading.overall_grade(quiz.grading_method, [p for p, _ in items])
            for items in students.values()
        ]
        moments = [moment for items in students.values() for _, moment in items]
        overview.append(
            QuizOverview(
                quiz=quiz,
                course=course,
                attempts=len(moments),
                students=len(students),
                mean=fmean(grades) if grades else None,
                median=statistics.median(grades),
                pass_rate=(
                    100 * sum(g >= float(quiz.pass_mark) for g in grades) / len(grades)
                    if grades
                    else None
                ),
                last_activity=max(moments, default=None),
            )
        )
    return overview


# The text heatmap


BUCKETS = 5


def heat_bucket(facility: float | None) -> int | None:
    """1 (facility under 20 %) to 5 (80 % and over); None when unknown."""
    if facility is None:
        return None
    return min(BUCKETS, max(1, int(facility // (100 / BUCKETS)) + 1))


@dataclass(frozen=True)
class HeatSegment:
    text: str
    questions: tuple[QuestionReport, ...] = ()

    @property
    def facility(self) -> float | None:
        known = [q.stats.facility for q in self.questions if q.stats.facility is not None]
        return fmean(known) if known else None

    @property
    def bucket(self) -> int | None:
        return heat_bucket(self.facility)

    @property
    def key(self) -> str:
        return "-".join(str(q.position) for q in self.questions)


@dataclass(frozen=True)
class HeatText:
    text: SourceText
    paragraphs: tuple[tuple[HeatSegment, ...], ...]
    questions: tuple[QuestionReport, ...]
    excerpts: tuple[HeatSegment, ...]  # each distinct cited run, for the notes


def heat_segments(
    body: str, spans: list[tuple[int, int, QuestionReport]]
) -> list[list[HeatSegment]]:
    """The text's paragraphs cut at every excerpt boundary, each piece with its questions."""
    result = []
    for paragraph in passages.paragraphs(body):
        cuts = {paragraph.start, paragraph.end}
        for start, end, _ in spans:
            cuts.update(c for c in (start, end) if paragraph.start < c < paragraph.end)
        ordered = sorted(cuts)
        pieces = []
        for start, end in pairwise(ordered):
            covering = tuple(item for s, e, item in spans if s <= start and end <= e)
            pieces.append(HeatSegment(text=body[start:end], questions=covering))
        result.append(pieces)
    return result


def text_heatmap(report: QuizReport) -> list[HeatText]:
    """Each source text of the quiz with its excerpts shaded by their questions' facility."""
    by_text: dict[int, list[QuestionReport]] = defaultdict(list)
    texts: dict[int, SourceText] = {}
    for item in report.questions:
        texts[item.question.source_text_id] = item.question.source_text
        by_text[item.question.source_text_id].append(item)
    heat = []
    for text_id, items in by_text.items():
        text = texts[text_id]
        spans = [(item.question.excerpt_start, item.question.excerpt_end, item) for item in items]
        paragraphs = heat_segments(text.body, spans)
        excerpts = {}
        for piece in (p for para in paragraphs for p in para if p.questions):
            excerpts.setdefault(piece.key, piece)
        heat.append(
            HeatText(
                text=text,
                paragraphs=tuple(tuple(p) for p in paragraphs),
                questions=tuple(items),
                excerpts=tuple(excerpts.values()),
            )
        )
    return heat


# Exports


def answer_text(snapshot: dict, answer) -> str:
    """A stored answer in words, as a spreadsheet cell."""
    if answer is None:
        return ""
    return kinds.of(snapshot).answer_text(snapshot, answer)


def _csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV text in chunks, starting with a BOM so spreadsheets read it as UTF-8; no cell runs as a
    formula (a student's answer "=HYPERLINK(...)" stays text)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([spreadsheet.cell(value) for value in header])
    for number, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet.cell(value) for value in row])
        if number % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _iso(moment: datetime | None) -> str:
    """In the site's time zone, as pages show times, to the second: 2026-12-02T09:14:05+00:00."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat() if moment else ""


def _percent(value: float | None) -> str:
    """Two decimals at most, none that are zeros: 50, 33.33, 87.5."""
    return "" if value is None else _number(round(value, 2))


def _number(value) -> str:
    """Marks as a spreadsheet reads them: 1, 0.5, never 1.00 or 1E+1."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def grades_csv(course: Course, quizzes: Iterable[Quiz]) -> Iterator[str]:
    """One row per student of the course's roster and quiz, attempted or not: two queries per
    quiz."""
    header = ["course", "quiz", "student", "email", "on_roster", "attempts", "grade_percent"]
    header += ["grading_method", "best_percent", "last_percent", "passed", "last_submitted_at"]

    def rows():
        for quiz in quizzes:
            for row in gradebook(quiz, course):
                yield [
                    course.code,
                    quiz.slug,
                    row.student.get_username(),
                    row.student.email,
                    "removed" if row.removed else "yes",
                    len(row.attempts),
                    _percent(row.grade),
                    quiz.grading_method,
                    _percent(row.best),
                    _percent(row.last),
                    "" if row.passed is None else "yes" if row.passed else "no",
                    _iso(row.submitted_at),
                ]

    return _csv_lines(header, rows())


def _counted_in(quiz: Quiz, course: Course | None):
    attempts = Attempt.objects.filter(quiz=quiz).counted()
    return attempts if course is None else attempts.filter(course=course)


def attempts_csv(quiz: Quiz, course: Course | None = None) -> Iterator[str]:
    """One row per counted attempt (in one course, or all): one query."""
    header = ["quiz", "student", "attempt_id", "attempt_number", "state", "started_at"]
    header += ["submitted_at", "seconds_taken", "score", "max_score", "percent", "passed"]
    attempts = (
        _counted_in(quiz, course).select_related("student").order_by("student__username", "number")
    )

    def rows():
        for attempt in attempts.iterator(chunk_size=2000):
            attempt.quiz = quiz
            yield [
                quiz.slug,
                attempt.student.get_username(),
                attempt.pk,
                attempt.number,
                attempt.state,
                _iso(attempt.started_at),
                _iso(attempt.submitted_at),
                int((attempt.submitted_at - attempt.started_at).total_seconds()),
                _number(attempt.score),
                _number(attempt.max_score),
                _percent(attempt.result.percent),
                "yes" if attempt.passed() else "no",
            ]

    return _csv_lines(header, rows())


def responses_csv(quiz: Quiz, course: Course | None = None) -> Iterator[str]:
    """One row per counted attempt (in one course, or all) and question: one query, streamed."""
    header = ["quiz", "student", "attempt_id", "attempt_number", "question_id", "position"]
    header += ["kind", "prompt", "answer", "marks", "max_marks", "answered_at"]
    header += ["attempt_started_at", "attempt_submitted_at"]
    responses = (
        Response.objects.filter(attempt__in=_counted_in(quiz, course))
        .order_by("attempt__student__username", "attempt__number", "position")
        .values_list(
            F("attempt__student__username"),
            "attempt_id",
            "attempt__number",
            "question_id",
            "position",
            "snapshot",
            "answer",
            "marks",
            "points",
            "answered_at",
            "attempt__started_at",
            "attempt__submitted_at",
        )
    )

    def rows():
        for (
            username,
            attempt_id,
            number,
            question_id,
            position,
            snapshot,
            answer,
            marks,
            points,
            answered_at,
            started_at,
            submitted_at,
        ) in responses.iterator(chunk_size=2000):
            yield [
                quiz.slug,
                username,
                attempt_id,
                number,
                question_id,
                position,
                snapshot.get("kind", ""),
                snapshot.get("prompt", ""),
                answer_text(snapshot, answer),
                _number(marks),
                _number(points),
                _iso(answered_at),
                _iso(started_at),
                _iso(submitted_at),
            ]

    return _csv_lines(header, rows())
