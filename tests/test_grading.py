"""Grading rules, without a database: the shared ones and each kind's."""

from decimal import Decimal

import pytest

from quizzes import grading, kinds
from quizzes.kinds import (
    matching,
    multiple_response,
    numeric,
    ordering,
    short_answer,
    single_choice,
    true_false,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [("a", 1.0), ("b", 0.0), (None, 0.0), ("", 0.0)],
)
def test_single_choice(given, expected):
    assert single_choice.grade_single_choice(correct="a", given=given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"a", "b"}, 1.0),
        ({"a"}, 0.5),
        ({"a", "c"}, 0.0),
        ({"a", "b", "c"}, 0.5),
        ({"c", "d"}, 0.0),
        ({"a", "b", "c", "d"}, 0.0),
        (set(), 0.0),
    ],
)
def test_multiple_response_partial_credit_and_wrong_picks_cost(given, expected):
    assert (
        multiple_response.grade_multiple_response(correct={"a", "b"}, wrong={"c", "d"}, given=given)
        == expected
    )


def test_multiple_response_without_correct_options_scores_nothing():
    assert multiple_response.grade_multiple_response(correct=[], wrong=["c"], given=[]) == 0.0


@pytest.mark.parametrize(
    ("correct", "given", "expected"),
    [(True, True, 1.0), (True, False, 0.0), (False, False, 1.0), (False, None, 0.0)],
)
def test_true_false(correct, given, expected):
    assert true_false.grade_true_false(correct=correct, given=given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Lipetsk", 1.0),
        ("  lipetsk  ", 1.0),
        ("LIPETSK.", 1.0),
        ("“Lipetsk”", 1.0),
        ("Treaty  of\tVersailles", 1.0),
        ("treaty of versailles!", 1.0),
        ("Lipetsk school", 0.0),
        ("Kazan", 0.0),
        ("", 0.0),
        ("   ...  ", 0.0),
        (None, 0.0),
    ],
)
def test_short_answer_ignores_case_space_and_surrounding_punctuation(given, expected):
    accepted = ["Lipetsk", "Treaty of Versailles"]
    assert short_answer.grade_short_answer(accepted=accepted, given=given) == expected


def test_short_answer_keeps_inner_punctuation_significant():
    assert short_answer.grade_short_answer(accepted=["U.S.A."], given="usa") == 0.0
    assert short_answer.grade_short_answer(accepted=["U.S.A."], given="u.s.a") == 1.0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1922", 1922.0),
        (" -3.5 ", -3.5),
        ("3,5", 3.5),
        ("10,000", 10000.0),
        ("1 000", 1000.0),
        ("1,000.25", 1000.25),
        ("\u22124", -4.0),
        ("1e3", 1000.0),
        ("twelve", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("1,2,3", None),
    ],
)
def test_parse_number(text, value):
    assert grading.parse_number(text) == value


@pytest.mark.parametrize(
    ("given", "expected"),
    [(1922.0, 1.0), (1923.0, 1.0), (1921.0, 1.0), (1924.0, 0.0), (None, 0.0)],
)
def test_numeric_tolerance_is_inclusive(given, expected):
    assert numeric.grade_numeric(value=1922, tolerance=1, given=given) == expected


def test_numeric_float_noise_does_not_turn_a_right_answer_wrong():
    assert numeric.grade_numeric(value=0.3, tolerance=0, given=0.1 + 0.2) == 1.0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["a", "b", "c"], 1.0),
        (["c", "b", "a"], 0.0),
        (["b", "a", "c"], 2 / 3),
        (["a", "c", "b"], 2 / 3),
        (["a", "b"], 0.0),
        (["a", "b", "x"], 0.0),
        (["a", "a", "b", "c"], 0.0),
    ],
)
def test_ordering_credits_pairs_in_the_right_relative_order(given, expected):
    assert ordering.grade_ordering(correct=["a", "b", "c"], given=given) == pytest.approx(expected)


def test_ordering_of_one_item():
    assert ordering.grade_ordering(correct=["a"], given=["a"]) == 1.0


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"1": "x", "2": "y", "3": "z"}, 1.0),
        ({"1": "x", "2": "z", "3": "y"}, 1 / 3),
        ({"1": "x"}, 1 / 3),
        ({"1": "d", "2": "d", "3": "d"}, 0.0),
        ({}, 0.0),
    ],
)
def test_matching(given, expected):
    correct = {"1": "x", "2": "y", "3": "z"}
    assert matching.grade_matching(correct=correct, given=given) == pytest.approx(expected)


def test_grade_dispatches_on_the_snapshot_kind():
    options = [{"id": "1", "text": "A"}, {"id": "2", "text": "B"}, {"id": "3", "text": "C"}]
    assert kinds.grade({"kind": "single_choice", "correct": ["2"]}, "2") == 1.0
    assert (
        kinds.grade(
            {"kind": "multiple_response", "options": options, "correct": ["1", "2"]}, ["1", "3"]
        )
        == 0.0
    )
    assert kinds.grade({"kind": "true_false", "correct": ["false"]}, "false") == 1.0
    assert kinds.grade({"kind": "short_answer", "accepted": ["Kazan"]}, "kazan ") == 1.0
    assert kinds.grade({"kind": "numeric", "value": 54, "tolerance": 0}, "54") == 1.0
    assert kinds.grade({"kind": "numeric", "value": 54, "tolerance": 0}, "fifty") == 0.0
    assert kinds.grade({"kind": "ordering", "correct": ["1", "2"]}, ["1", "2"]) == 1.0
    assert kinds.grade({"kind": "matching", "matches": {"1": "1"}}, {"1": "1"}) == 1.0
    assert kinds.grade({"kind": "numeric", "value": 1, "tolerance": 0}, None) == 0.0


def test_grade_rejects_unknown_kinds():
    with pytest.raises(ValueError, match="essay"):
        kinds.grade({"kind": "essay"}, "text")


@pytest.mark.parametrize(
    ("points", "fraction", "expected"),
    [
        (Decimal(1), 1.0, Decimal("1.0000")),
        (Decimal(1), 2 / 3, Decimal("0.6667")),
        (Decimal(2), 0.5, Decimal("1.0000")),
        (Decimal("1.5"), 1 / 3, Decimal("0.5000")),
        (Decimal(3), 0.0, Decimal("0.0000")),
    ],
)
def test_marks(points, fraction, expected):
    assert grading.marks(points, fraction) == expected


def test_score_percent_and_pass():
    score = grading.Score(earned=Decimal(3), possible=Decimal(4))
    assert score.percent == 75.0
    assert score.passed(Decimal(75))
    assert not score.passed(Decimal("75.01"))
    assert grading.Score(earned=Decimal(0), possible=Decimal(0)).percent == 0.0


@pytest.mark.parametrize(
    ("method", "expected"),
    [("highest", 90.0), ("last", 60.0), ("first", 40.0), ("average", 190 / 3)],
)
def test_overall_grade(method, expected):
    assert grading.overall_grade(method, [40.0, 90.0, 60.0]) == pytest.approx(expected)


def test_overall_grade_without_attempts_is_none():
    assert grading.overall_grade("highest", []) is None
    with pytest.raises(ValueError):
        grading.overall_grade("median", [1.0])
