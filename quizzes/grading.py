"""Scoring rules shared by every kind. Pure functions over plain values: no database, no request.

Every question kind (quizzes/kinds/) grades an answer to a fraction between 0 and 1 of its
points; here are how typed text and numbers are read, the marks a fraction earns, a score, and
a grade over several attempts.
"""

import math
import re
import string
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean

MARKS_QUANTUM = Decimal("0.0001")
_EDGE_PUNCTUATION = (
    string.punctuation + "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u00ab\u00bb\u00bf\u00a1"
)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise_text(text: str) -> str:
    """Fold case, Unicode forms, curly quotes, inner whitespace and surrounding punctuation."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(folded.split()).strip(_EDGE_PUNCTUATION + " ")


_THOUSANDS = re.compile(r"^[+-]?\d{1,3}([ ,\u00a0\u202f]\d{3})+(\.\d+)?$")


def parse_number(text: str) -> float | None:
    """Read a number as people type it: '1922', ' -3.5 ', '3,5', '10,000', '1 000'."""
    cleaned = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if _THOUSANDS.match(cleaned):
        cleaned = re.sub(r"[ ,\u00a0\u202f]", "", cleaned)
    elif cleaned.count(",") == 1 and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def marks(points: Decimal, fraction: float) -> Decimal:
    """Marks earned for a fraction of a question's points, to four decimal places."""
    return (points * Decimal(str(fraction))).quantize(MARKS_QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Score:
    earned: Decimal
    possible: Decimal

    @property
    def percent(self) -> float:
        return float(100 * self.earned / self.possible) if self.possible else 0.0

    def passed(self, pass_mark: Decimal) -> bool:
        return self.percent >= float(pass_mark)


HIGHEST = "highest"
LAST = "last"
FIRST = "first"
AVERAGE = "average"


def overall_grade(method: str, percents: Sequence[float]) -> float | None:
    """A student's grade over attempts, oldest first, as a percentage; None without attempts."""
    if not percents:
        return None
    if method == HIGHEST:
        return max(percents)
    if method == LAST:
        return percents[-1]
    if method == FIRST:
        return percents[0]
    if method == AVERAGE:
        return fmean(percents)
    raise ValueError(f"Unknown grading method: {method!r}")
