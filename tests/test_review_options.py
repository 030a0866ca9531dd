"""The review options as plain values: moments, presets, the words on the quiz page."""

from datetime import UTC, datetime, timedelta

import pytest

from quizzes.review_options import (
    ALWAYS,
    EVERYTHING,
    NOTHING,
    PRACTICE,
    TEST,
    Moment,
    ReviewOptions,
    describe,
    moment_of,
    preset_of,
)

SUBMITTED = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("submitted_at", "now", "closed", "expected"),
    [
        (None, SUBMITTED, False, Moment.DURING),
        (None, SUBMITTED, True, Moment.DURING),
        (SUBMITTED, SUBMITTED, False, Moment.IMMEDIATELY_AFTER),
        (SUBMITTED, SUBMITTED + timedelta(seconds=119), False, Moment.IMMEDIATELY_AFTER),
        (SUBMITTED, SUBMITTED + timedelta(seconds=120), False, Moment.LATER_WHILE_OPEN),
        (SUBMITTED, SUBMITTED + timedelta(days=3), False, Moment.LATER_WHILE_OPEN),
        # Closed (or no attempt left) wins, even a second after submitting.
        (SUBMITTED, SUBMITTED + timedelta(seconds=1), True, Moment.AFTER_CLOSE),
    ],
)
def test_moment_of(submitted_at, now, closed, expected):
    assert moment_of(submitted_at=submitted_at, now=now, closed=closed) == expected


def test_practice_shows_everything_at_every_moment():
    for moment in Moment:
        assert PRACTICE.at(moment) == EVERYTHING


@pytest.mark.parametrize(
    ("moment", "marks", "keys"),
    [
        (Moment.DURING, False, False),
        (Moment.IMMEDIATELY_AFTER, True, False),
        (Moment.LATER_WHILE_OPEN, True, False),
        (Moment.AFTER_CLOSE, True, True),
    ],
)
def test_a_test_shows_marks_after_submitting_and_keys_after_closing(moment, marks, keys):
    shown = TEST.at(moment)
    assert shown.marks is marks
    assert shown.correctness is shown.answer is shown.explanation is shown.passage is keys


def test_nothing_at_all():
    options = ReviewOptions(marks=0, correctness=0, answer=0, explanation=0, passage=0)
    for moment in Moment:
        assert options.at(moment) == NOTHING
    assert not NOTHING.anything
    assert EVERYTHING.anything


def test_each_item_follows_its_own_moments():
    options = ReviewOptions(
        marks=Moment.DURING,
        correctness=Moment.IMMEDIATELY_AFTER,
        answer=Moment.LATER_WHILE_OPEN,
        explanation=Moment.AFTER_CLOSE,
        passage=0,
    )
    assert options.at(Moment.DURING).marks and not options.at(Moment.DURING).correctness
    assert options.at(Moment.IMMEDIATELY_AFTER).correctness
    assert not options.at(Moment.IMMEDIATELY_AFTER).marks
    assert options.at(Moment.LATER_WHILE_OPEN).answer
    assert options.at(Moment.AFTER_CLOSE).explanation
    assert not any(options.at(moment).passage for moment in Moment)


@pytest.mark.parametrize("value", [-1, ALWAYS + 1, 100])
def test_moments_out_of_range_are_refused(value):
    with pytest.raises(ValueError, match="moments"):
        ReviewOptions(marks=value, correctness=0, answer=0, explanation=0, passage=0)


@pytest.mark.parametrize(
    ("options", "shows"),
    [
        (PRACTICE, True),
        (TEST, False),
        (
            ReviewOptions(
                marks=ALWAYS, correctness=Moment.DURING, answer=0, explanation=0, passage=0
            ),
            True,
        ),
        (
            ReviewOptions(
                marks=0, correctness=0, answer=Moment.LATER_WHILE_OPEN, explanation=0, passage=0
            ),
            True,
        ),
        # Explanations and passages alone do not count as the key here.
        (
            ReviewOptions(
                marks=ALWAYS,
                correctness=Moment.AFTER_CLOSE,
                answer=Moment.AFTER_CLOSE,
                explanation=ALWAYS,
                passage=ALWAYS,
            ),
            False,
        ),
    ],
)
def test_shows_key_before_close(options, shows):
    assert options.shows_key_before_close() is shows


def test_presets_are_recognised():
    assert preset_of(PRACTICE) == "practice"
    assert preset_of(TEST) == "test"
    assert (
        preset_of(ReviewOptions(marks=1, correctness=0, answer=0, explanation=0, passage=0))
        == "custom"
    )


def test_describe_a_test():
    text = describe(TEST, feedback_during=False)
    assert text.startswith("Right after submitting: marks.")
    assert "After the quiz closes: whether each answer was right, the correct answer" in text


def test_describe_practice_with_and_without_feedback_during():
    assert describe(PRACTICE, feedback_during=True).startswith("Right after answering: marks")
    assert describe(PRACTICE, feedback_during=False).startswith("Right after submitting: marks")


def test_describe_nothing():
    options = ReviewOptions(marks=0, correctness=0, answer=0, explanation=0, passage=0)
    assert "no marks" in describe(options, feedback_during=False)
