"""A question as the exchange formats see it: Moodle's question model, reduced to what our
kinds use. Plain values; no database.

A body is one of a few shapes (Moodle's question types): choices with a fraction of the marks
each (multichoice), a true/false statement, accepted short answers, a numeric value with its
tolerance, matching pairs, items in order, or a cloze passage. Kinds map their keys to and from
these; the formats read and write them.
"""

from dataclasses import dataclass, field
from decimal import Decimal

# A fraction of the marks that counts as all of them (other tools write 1/3 as 0.3333333).
FULL = 0.9999


@dataclass(frozen=True)
class Answer:
    """One answer of a choice or short-answer question: its share of the marks (1 right, 0
    wrong, between partly right, below 0 a penalty) and the feedback for picking it."""

    text: str
    fraction: float
    feedback: str = ""


@dataclass(frozen=True)
class Choices:
    answers: tuple[Answer, ...]
    single: bool  # one answer to pick (radio buttons), or several (checkboxes)


@dataclass(frozen=True)
class TrueFalse:
    answer: bool
    feedback_if_wrong: str = ""
    feedback_if_right: str = ""


@dataclass(frozen=True)
class ShortAnswers:
    answers: tuple[Answer, ...]


@dataclass(frozen=True)
class Numeric:
    value: float
    tolerance: float
    # Further accepted values or ranges beyond the first (kept by formats that have them).
    others: tuple[tuple[float, float, float], ...] = ()  # (value, tolerance, fraction)
    feedback: str = ""


@dataclass(frozen=True)
class Matches:
    pairs: tuple[tuple[str, str], ...]  # (prompt, answer)
    distractors: tuple[str, ...] = ()


@dataclass(frozen=True)
class Order:
    items: tuple[str, ...]  # in the correct order


@dataclass(frozen=True)
class Cloze:
    markup: str  # Moodle's Cloze syntax


Body = Choices | TrueFalse | ShortAnswers | Numeric | Matches | Order | Cloze


@dataclass
class PortableQuestion:
    """A question in no tool's format: its body and what goes round it."""

    body: Body
    prompt: str
    name: str = ""
    explanation: str = ""  # Moodle's general feedback
    points: Decimal = Decimal(1)
    tags: list[str] = field(default_factory=list)
    idnumber: str = ""
    line: int = 0  # where it starts in the file it was read from (1-based), 0 if not read


@dataclass(frozen=True)
class Problem:
    """Something a reader met: an error (the question is not imported), a warning (it is, with
    a change the message names) or a question of a type we do not have."""

    line: int
    message: str
    level: str = "error"  # "error", "warning" or "unsupported"

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass
class Reading:
    """What a reader made of a file: the questions, and the problems by line."""

    questions: list[PortableQuestion] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, message: str, level: str = "error") -> None:
        self.problems.append(Problem(line, message, level))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "warning"]

    @property
    def unsupported(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.level == "unsupported"]


def decode(data: bytes | str, reading: Reading) -> str:
    """A text file as text: UTF-8 (with or without a BOM), UTF-16 with a BOM, or else
    Windows-1252 (Excel's and Notepad's), which is then said as a warning."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        reading.problem(0, "The file is not UTF-8: it was read as Windows-1252.", "warning")
        return data.decode("cp1252", errors="replace")
