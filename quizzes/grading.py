"""Scoring rules. Pure functions over plain values: no database, no request.

Every question kind is graded to a fraction between 0 and 1 of its points. Answers arrive as the
JSON values the attempt stores (option ids as strings, typed text, lists, mappings).
"""

import math
import re
import string
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import fmean

SINGLE_CHOICE = "single_choice"
MULTIPLE_RESPONSE = "multiple_response"
TRUE_FALSE = "true_false"
SHORT_ANSWER = "short_answer"
NUMERIC = "numeric"
ORDERING = "ordering"
MATCHING = "matching"

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


def grade_single_choice(*, correct: str, given: str | None) -> float:
    return 1.0 if given is not None and given == correct else 0.0


def grade_multiple_response(
    *, correct: Iterable[str], wrong: Iterable[str], given: Iterable[str]
) -> float:
    """Each correct pick earns 1/n of the marks; each wrong pick costs as much; never below 0."""
    correct, wrong, given = set(correct), set(wrong), set(given)
    if not correct:
        return 0.0
    earned = len(given & correct) - len(given & wrong)
    return max(0.0, earned / len(correct))


def grade_true_false(*, correct: bool, given: bool | None) -> float:
    return 1.0 if given is not None and given == correct else 0.0


def grade_short_answer(*, accepted: Iterable[str], given: str | None) -> float:
    if not given or not normalise_text(given):
        return 0.0
    answer = normalise_text(given)
    return 1.0 if any(normalise_text(option) == answer for option in accepted) else 0.0


def grade_numeric(*, value: float, tolerance: float, given: float | None) -> float:
    if given is None:
        return 0.0
    # A small epsilon so that 0.1 + 0.2 style float noise never turns a right answer wrong.
    return 1.0 if abs(given - value) <= abs(tolerance) + 1e-9 else 0.0


def grade_ordering(*, correct: Sequence[str], given: Sequence[str]) -> float:
    """Share of item pairs the student put in the right relative order."""
    if len(correct) < 2:
        return 1.0 if list(given) == list(correct) else 0.0
    rank = {item: index for index, item in enumerate(given)}
    if set(rank) != set(correct) or len(given) != len(correct):
        return 0.0
    pairs = [(a, b) for i, a in enumerate(correct) for b in correct[i + 1 :]]
    in_order = sum(1 for a, b in pairs if rank[a] < rank[b])
    return in_order / len(pairs)


def grade_matching(*, correct: Mapping[str, str], given: Mapping[str, str]) -> float:
    """Share of prompts matched to their right answer."""
    if not correct:
        return 0.0
    hits = sum(1 for prompt, answer in correct.items() if given.get(prompt) == answer)
    return hits / len(correct)


def grade(key: Mapping, answer) -> float:
    """Grade a stored answer against a question's key (the attempt's snapshot of it)."""
    if answer is None:
        return 0.0
    kind = key["kind"]
    if kind == SINGLE_CHOICE:
        return grade_single_choice(correct=key["correct"][0], given=answer)
    if kind == MULTIPLE_RESPONSE:
        option_ids = [option["id"] for option in key["options"]]
        wrong = [option_id for option_id in option_ids if option_id not in key["correct"]]
        return grade_multiple_response(correct=key["correct"], wrong=wrong, given=answer)
    if kind == TRUE_FALSE:
        return grade_true_false(correct=key["correct"] == ["true"], given=answer == "true")
    if kind == SHORT_ANSWER:
        return grade_short_answer(accepted=key["accepted"], given=answer)
    if kind == NUMERIC:
        return grade_numeric(
            value=key["value"], tolerance=key["tolerance"], given=parse_number(answer)
        )
    if kind == ORDERING:
        return grade_ordering(correct=key["correct"], given=answer)
    if kind == MATCHING:
        return grade_matching(correct=key["matches"], given=answer)
    raise ValueError(f"Unknown question kind: {kind!r}")


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
