"""What a student sees of their answers, and when: Moodle's review options, reduced to the items
and moments teachers use.

Each item (the marks, whether each answer was right, the correct answer, the explanation and
feedback, the passage of the text) is a set of moments at which it is shown, stored as a bit
mask per item like Moodle's `reviewmarks`, `reviewrightanswer`, ... columns. Plain values: no
database, no request.
"""

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import IntFlag


class Moment(IntFlag):
    """When a student looks: the column of the matrix."""

    DURING = 1  # right after answering, in a quiz with feedback after each answer
    IMMEDIATELY_AFTER = 2  # right after submitting
    LATER_WHILE_OPEN = 4  # later, while the student may still take the quiz
    AFTER_CLOSE = 8  # once the quiz has closed, or the student has no attempt left


ALWAYS = int(
    Moment.DURING | Moment.IMMEDIATELY_AFTER | Moment.LATER_WHILE_OPEN | Moment.AFTER_CLOSE
)
NEVER = 0

MOMENT_LABELS: dict[Moment, str] = {
    Moment.DURING: "Right after answering",
    Moment.IMMEDIATELY_AFTER: "Right after submitting",
    Moment.LATER_WHILE_OPEN: "Later, while the quiz is open",
    Moment.AFTER_CLOSE: "After the quiz closes",
}

ITEM_LABELS: dict[str, str] = {
    "marks": "Marks",
    "correctness": "Whether each answer was right",
    "answer": "The correct answer",
    "explanation": "The explanation and feedback",
    "passage": "The passage of the text",
}

# "Right after submitting" lasts as long as in Moodle: two minutes from the moment of submitting.
IMMEDIATELY = timedelta(minutes=2)

# Moments before the quiz closes: a key shown then can help a classmate still taking it, or the
# same student in a later attempt or another quiz with the same questions.
BEFORE_CLOSE = int(Moment.DURING | Moment.IMMEDIATELY_AFTER | Moment.LATER_WHILE_OPEN)


@dataclass(frozen=True)
class Visible:
    """What one look at one attempt shows, item by item."""

    marks: bool
    correctness: bool
    answer: bool
    explanation: bool
    passage: bool

    @property
    def anything(self) -> bool:
        return any(getattr(self, item) for item in ITEM_LABELS)


EVERYTHING = Visible(marks=True, correctness=True, answer=True, explanation=True, passage=True)
NOTHING = Visible(marks=False, correctness=False, answer=False, explanation=False, passage=False)


@dataclass(frozen=True)
class ReviewOptions:
    """Per item, the moments (a bit mask of Moment) at which it is shown."""

    marks: int
    correctness: int
    answer: int
    explanation: int
    passage: int

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not 0 <= value <= ALWAYS:
                raise ValueError(f"{item.name}: {value} is not a set of moments")

    def at(self, moment: Moment) -> Visible:
        return Visible(**{item: bool(getattr(self, item) & moment) for item in ITEM_LABELS})

    def shows_key_before_close(self) -> bool:
        """Whether a student can learn the key while the quiz is still open: the correct answer,
        or whether each answer was right (which gives away a true/false or single-choice key)."""
        return bool((self.answer | self.correctness) & BEFORE_CLOSE)

    def as_dict(self) -> dict[str, int]:
        return {item: getattr(self, item) for item in ITEM_LABELS}


PRACTICE = ReviewOptions(
    marks=ALWAYS, correctness=ALWAYS, answer=ALWAYS, explanation=ALWAYS, passage=ALWAYS
)
# A test: marks as soon as it is submitted, what was right and why only once nobody can use it.
TEST = ReviewOptions(
    marks=int(Moment.IMMEDIATELY_AFTER | Moment.LATER_WHILE_OPEN | Moment.AFTER_CLOSE),
    correctness=int(Moment.AFTER_CLOSE),
    answer=int(Moment.AFTER_CLOSE),
    explanation=int(Moment.AFTER_CLOSE),
    passage=int(Moment.AFTER_CLOSE),
)
PRESETS: dict[str, ReviewOptions] = {"practice": PRACTICE, "test": TEST}


def preset_of(options: ReviewOptions) -> str:
    """ "practice", "test" or "custom": the preset these options equal."""
    return next((name for name, preset in PRESETS.items() if preset == options), "custom")


def moment_of(*, submitted_at: datetime | None, now: datetime, closed: bool) -> Moment:
    """The moment at which a student looks at an attempt: during it (not yet submitted), right
    after submitting, later while the quiz is open, or after it closed for them.

    `closed`: the quiz has closed for this student or they have no attempt left, so nothing they
    learn can change a grade of theirs in it.
    """
    if submitted_at is None:
        return Moment.DURING
    if closed:
        return Moment.AFTER_CLOSE
    if now - submitted_at < IMMEDIATELY:
        return Moment.IMMEDIATELY_AFTER
    return Moment.LATER_WHILE_OPEN


def describe(options: ReviewOptions, *, feedback_during: bool) -> str:
    """The options in plain words for the quiz page, each item at the first moment it shows:
    "Right after submitting: marks. After the quiz closes: the correct answer, ..."."""
    moments = [moment for moment in Moment if feedback_during or moment != Moment.DURING]
    first: dict[Moment, list[str]] = {}
    for item, label in ITEM_LABELS.items():
        shown_at = next((m for m in moments if getattr(options, item) & m), None)
        if shown_at is not None:
            first.setdefault(shown_at, []).append(label.lower())
    if not first:
        return "You see your own answers only: no marks, keys or explanations."
    return " ".join(
        f"{MOMENT_LABELS[moment]}: {', '.join(first[moment])}."
        for moment in moments
        if moment in first
    )
