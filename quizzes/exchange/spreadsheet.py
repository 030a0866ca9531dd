"""Spreadsheets: question banks one row per question (CSV and XLSX), and cells that never run.

Text that a spreadsheet would run as a formula is kept as text.

OWASP's rule for CSV injection (the one defusedcsv applies): a text cell starting with =, +, -,
@, a tab or a carriage return gets a leading apostrophe, so `=HYPERLINK(...)` or `=cmd|...` typed
by a student reaches the teacher's spreadsheet as the text it is. Numbers stay numbers.
"""

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

import openpyxl

from quizzes.exchange.portable import (
    Answer,
    Body,
    Choices,
    Cloze,
    Matches,
    Numeric,
    Order,
    PortableQuestion,
    Reading,
    ShortAnswers,
    TrueFalse,
    decode,
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value as a spreadsheet cell: "" for none, text that cannot run, numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Question banks as spreadsheets: one row per question, the header documented here and in the
# template teachers download (HEADER, TEMPLATE_ROWS).

HEADER = [
    "type",
    "name",
    "question",
    "answers",
    "correct",
    "feedback",
    "explanation",
    "points",
    "tags",
    "id",
]
TYPES = {
    "multichoice": "one right answer among the answers; correct: its letter (A is the first)",
    "multiresponse": "several right answers; correct: their letters, as A, C",
    "truefalse": "correct: true or false",
    "shortanswer": "answers: every accepted answer",
    "numerical": "answers: the value, or value:tolerance (1925:1)",
    "matching": "answers: item -> its match, and -> an extra wrong match",
    "ordering": "answers: the items in the right order",
    "cloze": "answers: the passage with its gaps in Moodle's Cloze syntax",
}
TEMPLATE_ROWS = [
    [
        "multichoice",
        "Flying school",
        "Which town had the flying school?",
        "Kazan | Lipetsk | Volsk",
        "B",
        "No: tanks. | Yes. | No: gas.",
        "Lipetsk, from 1925.",
        "1",
        "schools; towns",
        "schools-1",
    ],
    [
        "multiresponse",
        "",
        "Which towns had German schools?",
        "Lipetsk | Paris | Kazan",
        "A, C",
        "",
        "",
        "2",
        "",
        "",
    ],
    ["truefalse", "", "The treaty was signed in 1922.", "", "true", "", "", "1", "", ""],
    [
        "shortanswer",
        "",
        "Which town had the tank school?",
        "Kazan | Kasan",
        "",
        "",
        "",
        "1",
        "",
        "",
    ],
    [
        "numerical",
        "",
        "In which year did the flying school open?",
        "1925:0",
        "",
        "",
        "",
        "1",
        "",
        "",
    ],
    [
        "matching",
        "",
        "Match each school to its town.",
        "flying -> Lipetsk | tanks -> Kazan | -> Moscow",
        "",
        "",
        "",
        "2",
        "",
        "",
    ],
    [
        "ordering",
        "",
        "Put these in order, earliest first.",
        "Rapallo | Locarno | Hitler in power",
        "",
        "",
        "",
        "1",
        "",
        "",
    ],
    [
        "cloze",
        "Signed",
        "",
        "Signed at {1:SHORTANSWER:=Rapallo} in {1:NUMERICAL:=1922:0}.",
        "",
        "",
        "",
        "2",
        "",
        "",
    ],
]
SEPARATOR = re.compile(r"(?<!\\)\|")


def split_list(text: str, *, keep_empty: bool = False) -> list[str]:
    """ "a | b\\| c" as ["a", "b| c"]: the answers of a cell (each answer's feedback, keeping
    the empty ones in their place)."""
    parts = [part.strip().replace("\\|", "|") for part in SEPARATOR.split(text)]
    return parts if keep_empty and text.strip() else [part for part in parts if part]


def join_list(parts: Iterable[str]) -> str:
    return " | ".join(part.replace("|", "\\|") for part in parts)


def letters(text: str) -> list[int]:
    return [ord(letter) - ord("A") for letter in re.findall(r"[A-Za-z]", text.upper())]


def uncell(value: Any) -> str:
    """A cell as text, with the apostrophe that kept a formula as text taken off again."""
    text = "" if value is None else str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _choices(row: dict[str, str], single: bool) -> Body:
    answers = split_list(row["answers"])
    right = set(letters(row["correct"]))
    if not right or max(right) >= len(answers):
        raise ValueError(f"“{row['correct']}” does not name answers A to {chr(64 + len(answers))}.")
    share = 1 / len(right)
    feedback = split_list(row["feedback"], keep_empty=True)
    return Choices(
        tuple(
            Answer(
                text,
                (1.0 if single else share) if place in right else (0.0 if single else -share),
                feedback[place] if place < len(feedback) else "",
            )
            for place, text in enumerate(answers)
        ),
        single=single,
    )


def _truefalse(row: dict[str, str]) -> Body:
    truth = (row["correct"] or row["answers"]).strip().casefold()
    if truth not in ("true", "false", "t", "f"):
        raise ValueError("correct must be true or false.")
    return TrueFalse(truth.startswith("t"))


def _numerical(row: dict[str, str]) -> Body:
    value, _, tolerance = row["answers"].partition(":")
    try:
        return Numeric(float(value), abs(float(tolerance or 0)))
    except ValueError:
        raise ValueError(f"“{row['answers']}” is not a number or number:tolerance.") from None


def _matching(row: dict[str, str]) -> Body:
    pairs, extra = [], []
    for part in split_list(row["answers"]):
        prompt, arrow, match = part.partition("->")
        if not arrow:
            raise ValueError(f"“{part}” has no -> between the item and its match.")
        if prompt.strip():
            pairs.append((prompt.strip(), match.strip()))
        else:
            extra.append(match.strip())
    return Matches(tuple(pairs), tuple(extra))


READERS: dict[str, Callable[[dict[str, str]], Body]] = {
    "multichoice": lambda row: _choices(row, True),
    "multiresponse": lambda row: _choices(row, False),
    "truefalse": _truefalse,
    "shortanswer": lambda row: ShortAnswers(
        tuple(Answer(a, 1.0) for a in split_list(row["answers"]))
    ),
    "numerical": _numerical,
    "matching": _matching,
    "ordering": lambda row: Order(tuple(split_list(row["answers"]))),
    "cloze": lambda row: Cloze(row["answers"]),
}


def read_rows(rows: Iterable[tuple[int, list[Any]]], reading: Reading) -> Reading:
    """Questions from rows (line, cells), the first being the header."""
    columns: list[str] = []
    for line, cells in rows:
        values = [uncell(value) for value in cells]
        if not columns:
            columns = [value.casefold() for value in values]
            missing = [name for name in ("type", "question", "answers") if name not in columns]
            if missing:
                reading.problem(
                    line, f"The header has no column {', '.join(missing)} (see the template)."
                )
                return reading
            continue
        if not any(values):
            continue
        given = dict(zip(columns, values, strict=False))
        row = {name: given.get(name, "") for name in HEADER}
        reader = READERS.get(row["type"].casefold())
        if reader is None:
            reading.problem(
                line, f"“{row['type']}” is not a type of question here ({', '.join(TYPES)})."
            )
            continue
        try:
            body = reader(row)
            points = Decimal(row["points"] or "1")
        except (ValueError, InvalidOperation) as error:
            reading.problem(line, str(error) if str(error) else "points must be a number.")
            continue
        prompt = row["question"] or row["name"]
        if not prompt:
            reading.problem(line, "The question has no text.")
            continue
        reading.questions.append(
            PortableQuestion(
                body,
                prompt,
                row["name"] or prompt[:50],
                row["explanation"],
                points if points > 0 else Decimal(1),
                [tag.strip() for tag in row["tags"].split(";") if tag.strip()],
                row["id"],
                line,
            )
        )
    if not columns:
        reading.problem(0, "The file is empty.")
    return reading


def read_csv(data: bytes) -> Reading:
    reading = Reading()
    text = decode(data, reading)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    start = 1
    for cells in reader:
        rows.append((start, cells))
        start = reader.line_num + 1
    return read_rows(rows, reading)


def read_xlsx(data: bytes) -> Reading:
    reading = Reading()
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        reading.problem(0, "This is not an Excel (.xlsx) file.")
        return reading
    sheet = book.worksheets[0]
    rows = (
        (line, list(cells)) for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
    )
    read_rows(rows, reading)
    book.close()
    return reading


def _row(question: PortableQuestion) -> list[str]:
    body = question.body
    right = feedback = ""
    if isinstance(body, Choices):
        row_type = "multichoice" if body.single else "multiresponse"
        answers = join_list(answer.text for answer in body.answers)
        right = ", ".join(chr(65 + place) for place, a in enumerate(body.answers) if a.fraction > 0)
        feedback = join_list(answer.feedback for answer in body.answers)
    elif isinstance(body, TrueFalse):
        row_type, answers, right = "truefalse", "", "true" if body.answer else "false"
    elif isinstance(body, ShortAnswers):
        row_type, answers = "shortanswer", join_list(answer.text for answer in body.answers)
    elif isinstance(body, Numeric):
        row_type, answers = "numerical", f"{body.value!r}:{body.tolerance!r}"
    elif isinstance(body, Matches):
        row_type = "matching"
        answers = join_list(
            [*(f"{p} -> {m}" for p, m in body.pairs), *(f"-> {m}" for m in body.distractors)]
        )
    elif isinstance(body, Order):
        row_type, answers = "ordering", join_list(body.items)
    else:
        row_type, answers = "cloze", body.markup
    return [
        row_type,
        question.name,
        question.prompt,
        answers,
        right,
        feedback if feedback.strip(" |") else "",
        question.explanation,
        f"{question.points.normalize():f}",
        "; ".join(question.tags),
        question.idnumber,
    ]


def template_csv() -> str:
    """The spreadsheet template: the header and one example row of each type."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(TEMPLATE_ROWS)
    return buffer.getvalue()


def write_csv(questions: Iterable[PortableQuestion]) -> tuple[str, list[str]]:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for question in questions:
        writer.writerow([cell(value) for value in _row(question)])
    return buffer.getvalue(), []


def write_xlsx(questions: Iterable[PortableQuestion]) -> tuple[bytes, list[str]]:
    book = openpyxl.Workbook(write_only=False)
    sheet = book.create_sheet("Questions", 0)
    book.remove(book.worksheets[1])
    sheet.append(HEADER)
    for question in questions:
        sheet.append(_row(question))
    for row in sheet.iter_rows(min_row=2):
        for item in row:
            if isinstance(item.value, str):
                item.data_type = "s"  # text, never a formula, whatever it starts with
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), []
