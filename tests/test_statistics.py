"""Item analysis formulas against figures worked out by hand (no database).

The data set: five attempts at four questions (max marks 1, 1, 2, 1); nobody got Q4 right and
attempts D and E tie on their total.

        Q1 Q2 Q3 Q4   T
    A    1  1  2  0   4
    B    1  0  2  0   3
    C    0  1  1  0   2
    D    1  0  0  0   1
    E    0  0  1  0   1

Mean T = 11/5 = 2.2; deviations 1.8, 0.8, -0.2, -1.2, -1.2; Σd² = 6.8 so V(T) = k2 = 1.7.
Q1: mean 0.6, V = 1.2/4 = 0.3, Cov(x,T) = 1.4/4 = 0.35, rest X = 3,2,2,0,1 with V = 5.2/4 = 1.3,
    Cov(x,X) = 0.2/4 = 0.05; sorted pairs (0,0)(0,1)(1,2)(1,2)(1,3) give Cov_max = 2.2/4 = 0.55.
Q2: mean 0.4, V = 0.3, Cov(x,T) = 0.4, X = 3,3,1,1,1 with V = 1.2, Cov(x,X) = 0.1, Cov_max = 0.6.
Q3: mean 1.2 of 2, V = 2.8/4 = 0.7, Cov(x,T) = 0.95, X = 2,1,1,1,0 with V = 0.5, Cov(x,X) = 0.25,
    Cov_max = 2.0/4 = 0.5.
Q4: all zero, so every variance and covariance is 0.
"""

import math

import pytest

from quizzes import statistics

MAX_MARKS = [1, 1, 2, 1]
ROWS = [
    [1, 1, 2, 0],
    [1, 0, 2, 0],
    [0, 1, 1, 0],
    [1, 0, 0, 0],
    [0, 0, 1, 0],
]


@pytest.fixture
def analysis():
    return statistics.analyse(MAX_MARKS, ROWS, random_guesses=[1 / 3, 0.5, 0, None])


def close(value, expected):
    return value is not None and math.isclose(value, expected, rel_tol=1e-9, abs_tol=1e-9)


def test_facility_is_mean_over_max_mark(analysis):
    facilities = [question.facility for question in analysis.questions]
    assert [round(f, 9) for f in facilities] == [60, 40, 60, 0]


def test_standard_deviation_over_max_mark(analysis):
    sds = [question.sd for question in analysis.questions]
    assert close(sds[0], 100 * math.sqrt(0.3))
    assert close(sds[1], 100 * math.sqrt(0.3))
    assert close(sds[2], 100 * math.sqrt(0.7) / 2)
    assert sds[3] == 0  # defined (the denominator is the max mark) and zero


def test_random_guess_score_is_a_percentage(analysis):
    guesses = [question.random_guess for question in analysis.questions]
    assert close(guesses[0], 100 / 3)
    assert guesses[1:] == [50, 0, None]


def test_intended_weight(analysis):
    assert [q.intended_weight for q in analysis.questions] == [20, 20, 40, 20]


def test_effective_weight_uses_square_roots_of_covariance_with_total(analysis):
    roots = [math.sqrt(0.35), math.sqrt(0.4), math.sqrt(0.95), 0.0]
    for question, root in zip(analysis.questions, roots, strict=True):
        assert close(question.effective_weight, 100 * root / sum(roots))


def test_effective_weight_undefined_for_negative_covariance():
    # T = 2, 2, 1, 0; Q2 = 0, 0, 1, 0 runs against it: Cov(x2, T) = -0.25/3 < 0.
    result = statistics.analyse([2, 1], [[2, 0], [2, 0], [0, 1], [0, 0]])
    assert result.questions[1].effective_weight is None
    assert result.questions[0].effective_weight == 100
    # Everyone's total is 1, so Cov(x, T) = 0 for both: 0 / 0 is undefined.
    flat = statistics.analyse([1, 1], [[1, 0], [0, 1], [0, 1]])
    assert [q.effective_weight for q in flat.questions] == [None, None]


def test_discrimination_index_is_corrected_item_total_correlation(analysis):
    indexes = [question.discrimination_index for question in analysis.questions]
    assert close(indexes[0], 100 * 0.05 / math.sqrt(0.3 * 1.3))
    assert close(indexes[1], 100 * 0.1 / math.sqrt(0.3 * 1.2))
    assert close(indexes[2], 100 * 0.25 / math.sqrt(0.7 * 0.5))
    assert indexes[3] is None  # nobody got it right: V(x) = 0


def test_discriminative_efficiency_against_sorted_pairing(analysis):
    efficiencies = [question.discriminative_efficiency for question in analysis.questions]
    assert close(efficiencies[0], 100 * 0.05 / 0.55)
    assert close(efficiencies[1], 100 * 0.1 / 0.6)
    assert close(efficiencies[2], 50)
    assert efficiencies[3] is None


def test_negative_discrimination_flags_a_likely_wrong_key():
    # The weakest attempts get Q1 right and the strongest get it wrong.
    rows = [[0, 1, 1], [0, 1, 1], [1, 0, 1], [1, 0, 0]]
    result = statistics.analyse([1, 1, 1], rows)
    assert result.questions[0].discrimination_index < 0
    assert any("check the key" in flag for flag in result.questions[0].flags)


def test_flags_for_facility_and_efficiency(analysis):
    assert any("facility below 20" in flag for flag in analysis.questions[3].flags)
    assert any("efficiency below 15" in flag for flag in analysis.questions[0].flags)
    assert analysis.questions[2].flags == ()
    easy = statistics.analyse([1, 1], [[1, 1], [1, 0], [1, 1], [1, 0]])
    assert any("above 90" in flag for flag in easy.questions[0].flags)


def test_quiz_mean_median_and_sd(analysis):
    quiz = analysis.quiz
    assert quiz.attempts == 5
    assert quiz.questions == 4
    assert quiz.max_total == 5
    assert close(quiz.mean, 2.2)
    assert quiz.median == 2
    assert close(quiz.sd, math.sqrt(1.7))
    assert close(quiz.percent(quiz.mean), 44)


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert statistics.median([4, 1, 3, 2]) == 2.5


def test_skewness_and_kurtosis(analysis):
    # m2 = 6.8/5 = 1.36; m3 = (5.832 + 0.512 - 0.008 - 2 x 1.728)/5 = 0.576;
    # m4 = (10.4976 + 0.4096 + 0.0016 + 2 x 2.0736)/5 = 3.0112.
    # k3 = 25 x 0.576 / (4 x 3) = 1.2; k4 = 25 (6 x 3.0112 - 12 x 1.36²) / 24 = -4.3.
    assert close(analysis.quiz.skewness, 1.2 / 1.7**1.5)
    assert close(analysis.quiz.kurtosis, -4.3 / 1.7**2)


def test_internal_consistency_error_ratio_and_standard_error(analysis):
    # Σ V(x_p) = 0.3 + 0.3 + 0.7 + 0 = 1.3; CIC = 100 x 4/3 x (1 - 1.3/1.7) = 31.37 %.
    cic = 100 * 4 / 3 * (1 - 1.3 / 1.7)
    assert close(analysis.quiz.cic, cic)
    assert close(analysis.quiz.error_ratio, 100 * math.sqrt(1 - cic / 100))
    assert close(analysis.quiz.standard_error, math.sqrt(1 - cic / 100) * math.sqrt(1.7))


def test_one_attempt_leaves_spread_figures_undefined():
    result = statistics.analyse([1, 1], [[1, 0]])
    first, second = result.questions
    assert (first.facility, second.facility) == (100, 0)
    assert first.sd is None and first.discrimination_index is None
    assert first.discriminative_efficiency is None and first.effective_weight is None
    assert first.intended_weight == 50
    quiz = result.quiz
    assert (quiz.mean, quiz.median) == (1, 1)
    assert quiz.sd is quiz.skewness is quiz.kurtosis is quiz.cic is None
    assert quiz.error_ratio is quiz.standard_error is None


def test_no_attempts_gives_no_figures():
    result = statistics.analyse([1, 2], [])
    assert result.questions[0].facility is None
    assert result.quiz.mean is result.quiz.median is None
    assert result.questions[1].intended_weight == pytest.approx(200 / 3)


def test_everyone_scoring_the_same_is_undefined_not_zero():
    result = statistics.analyse([1, 1], [[1, 0], [1, 0], [1, 0]])
    assert result.questions[0].facility == 100
    assert result.questions[0].discrimination_index is None
    assert result.quiz.sd == 0
    assert result.quiz.skewness is None and result.quiz.cic is None


def test_skewness_needs_three_attempts_and_kurtosis_four():
    three = statistics.analyse([1, 1], [[1, 1], [1, 0], [0, 0]])
    assert three.quiz.skewness == 0  # totals 2, 1, 0: symmetric
    assert three.quiz.kurtosis is None


def test_one_question_has_no_internal_consistency():
    result = statistics.analyse([1], [[1], [0], [1]])
    assert result.quiz.cic is None


def test_rows_must_match_the_questions():
    with pytest.raises(ValueError):
        statistics.analyse([1, 1], [[1]])


# Distractor analysis


@pytest.mark.parametrize(
    ("totals", "top", "bottom"),
    [
        # 10 attempts: groups of round(2.7) = 3.
        ([9, 8, 8, 7, 5, 5, 3, 2, 2, 1], {0, 1, 2}, {7, 8, 9}),
        # Two attempts tie for third place: both join the top group.
        ([9, 8, 7, 7, 5, 5, 3, 2, 1, 1], {0, 1, 2, 3}, {7, 8, 9}),
        # Three 2s straddle the bottom boundary: they go up, leaving only the 1.
        ([9, 8, 7, 5, 5, 3, 2, 2, 2, 1], {0, 1, 2}, {9}),
        # Everyone tied: all in the top group.
        ([3, 3, 3, 3], {0, 1, 2, 3}, set()),
        ([4], {0}, set()),
        ([], set(), set()),
    ],
)
def test_top_and_bottom_27_percent_with_ties_to_the_higher_group(totals, top, bottom):
    assert statistics.top_and_bottom(totals) == (frozenset(top), frozenset(bottom))


def test_group_size_rounds_half_up():
    assert [statistics.group_size(s) for s in (0, 1, 2, 5, 10, 100)] == [0, 1, 1, 1, 3, 27]


def test_distractor_counts_overall_top_and_bottom():
    totals = [9, 8, 8, 7, 5, 5, 3, 2, 2, 1]
    picks = [["a"], ["a"], ["b"], ["a"], ["c"], None, ["a"], ["b"], ["c"], ["c"]]
    table = statistics.distractors(
        totals=totals,
        picks=picks,
        options=[("a", "Lipetsk"), ("b", "Volsk"), ("c", "Kazan")],
        correct=["a"],
    )
    assert (table.attempts, table.top_size, table.bottom_size, table.unanswered) == (10, 3, 3, 1)
    rows = [(o.label, o.is_correct, o.overall, o.top, o.bottom) for o in table.options]
    assert rows == [
        ("Lipetsk", True, 4, 2, 0),
        ("Volsk", False, 2, 1, 1),
        ("Kazan", False, 3, 0, 2),
    ]
    assert table.share(2, table.top_size) == pytest.approx(200 / 3)
    assert table.share(1, 0) is None


def test_multiple_response_counts_each_option_chosen():
    table = statistics.distractors(
        totals=[2, 1], picks=[["a", "b"], ["b"]], options=[("a", "A"), ("b", "B")]
    )
    assert [(o.overall, o.top, o.bottom) for o in table.options] == [(1, 1, 0), (2, 1, 1)]


def test_common_wrong_answers_most_frequent_first():
    answers = ["kazan", "volsk", "kazan", "lipetsk", None, "berlin", "volsk", "kazan"]
    right = [False, False, False, True, False, False, False, False]
    assert statistics.common_wrong_answers(answers, is_right=right, limit=2) == [
        ("kazan", 3),
        ("volsk", 2),
    ]


def test_a_drawn_question_gets_facility_and_sd_over_the_attempts_that_had_it():
    stats = statistics.drawn_stats([1.0, 0.0, 1.0, 1.0], max_mark=1.0)
    assert stats.attempts == 4
    assert stats.facility == pytest.approx(75.0)
    assert stats.sd == pytest.approx(50.0)
    single = statistics.drawn_stats([2.0], max_mark=4.0)
    assert (single.facility, single.sd) == (50.0, None)
    assert statistics.drawn_stats([], max_mark=1.0).facility is None
