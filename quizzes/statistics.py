"""Item analysis with Moodle's definitions (see shared/item-analysis.md). Pure: plain values in,
frozen dataclasses out, no Django.

A figure whose denominator is zero (everyone scored the same, too few attempts) is None, never 0
and never an exception. Variances and covariances divide by (s - 1), s being the number of
attempts analysed.
"""

import math
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from operator import mul, sub

TOP_BOTTOM_SHARE = 0.27


@dataclass(frozen=True)
class QuestionStats:
    """Figures for one question; percentages are 0-100, None when undefined."""

    max_mark: float
    attempts: int
    mean: float | None  # marks
    facility: float | None
    sd: float | None
    random_guess: float | None
    intended_weight: float | None
    effective_weight: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None

    @property
    def flags(self) -> tuple[str, ...]:
        """Why this question needs a look, in words; empty when it looks healthy."""
        reasons = []
        if self.facility is not None and self.facility < 20:
            reasons.append("Very hard: facility below 20 %.")
        if self.facility is not None and self.facility > 90:
            reasons.append("Very easy: facility above 90 %.")
        if self.discrimination_index is not None and self.discrimination_index < 0:
            reasons.append("Negative discrimination: abler students did worse here; check the key.")
        if self.discriminative_efficiency is not None and self.discriminative_efficiency < 15:
            reasons.append("Discriminative efficiency below 15 %.")
        return tuple(reasons)


@dataclass(frozen=True)
class QuizStats:
    """Figures for the whole quiz over the attempts analysed; totals are in marks."""

    attempts: int
    questions: int
    max_total: float
    mean: float | None
    median: float | None
    sd: float | None
    skewness: float | None
    kurtosis: float | None
    cic: float | None
    error_ratio: float | None
    standard_error: float | None

    def percent(self, marks: float | None) -> float | None:
        """A total in marks as a percentage of the maximum."""
        if marks is None or not self.max_total:
            return None
        return 100 * marks / self.max_total


@dataclass(frozen=True)
class ItemAnalysis:
    quiz: QuizStats
    questions: tuple[QuestionStats, ...]
    totals: tuple[float, ...]


@dataclass(frozen=True)
class DrawnStats:
    """A question drawn at random: how often, its facility and SD over the attempts that had it
    (the discrimination figures need every attempt to have the question, so they are left out)."""

    attempts: int
    facility: float | None
    sd: float | None


def drawn_stats(marks: Sequence[float], *, max_mark: float) -> DrawnStats:
    average = mean(marks)
    sd = None
    if len(marks) > 1:
        centred = _centred(marks)
        sd = math.sqrt(max(_centred_product(centred, centred) / (len(marks) - 1), 0.0))
    return DrawnStats(
        attempts=len(marks),
        facility=_ratio(None if average is None else 100 * average, max_mark),
        sd=_ratio(None if sd is None else 100 * sd, max_mark),
    )


def mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def median(values: Sequence[float]) -> float | None:
    """The middle value, or the mean of the two middle values."""
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def covariance(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Sample covariance, dividing by (s - 1); None for fewer than two values."""
    s = len(xs)
    if s < 2:
        return None
    if len(ys) != s:
        raise ValueError("Covariance needs two equally long series.")
    return _centred_product(_centred(xs), _centred(ys)) / (s - 1)


def _centred(xs: Sequence[float]) -> list[float]:
    average = math.fsum(xs) / len(xs)
    return [x - average for x in xs]


def _centred_product(dx: Sequence[float], dy: Sequence[float]) -> float:
    # map(mul) keeps the loop in C: this is most of the work for a large class.
    return math.fsum(map(mul, dx, dy))


def variance(xs: Sequence[float]) -> float | None:
    return covariance(xs, xs)


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    # Values within rounding noise of zero count as zero: "everyone scored the same".
    if numerator is None or denominator is None or abs(denominator) < 1e-12:
        return None
    return numerator / denominator


def discrimination_index(xs: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 x the correlation of the item with the rest of the test."""
    cov, var_x, var_rest = covariance(xs, rest), variance(xs), variance(rest)
    if cov is None or var_x is None or var_rest is None:
        return None
    return _ratio(100 * cov, math.sqrt(max(var_x * var_rest, 0.0)))


def discriminative_efficiency(xs: Sequence[float], rest: Sequence[float]) -> float | None:
    """100 x Cov(x, X) over the largest covariance the same values allow (both sorted)."""
    cov = covariance(xs, rest)
    cov_max = covariance(sorted(xs), sorted(rest))
    if cov is None:
        return None
    return _ratio(100 * cov, cov_max)


def analyse(
    max_marks: Sequence[float],
    rows: Sequence[Sequence[float]],
    *,
    random_guesses: Sequence[float | None] | None = None,
) -> ItemAnalysis:
    """Item analysis of attempts (one row of marks per attempt, one column per question).

    random_guesses are fractions (0-1) per question, None when unknown.
    """
    s, count = len(rows), len(max_marks)
    if any(len(row) != count for row in rows):
        raise ValueError("Every attempt needs one mark per question.")
    columns = [[float(row[p]) for row in rows] for p in range(count)]
    totals = [math.fsum(row) for row in zip(*columns, strict=True)] if count else [0.0] * s
    sum_max = math.fsum(max_marks)
    # Centre each series once; every variance and covariance below is a product of these.
    centred_totals = _centred(totals) if s else []
    centred = [_centred(column) if s else [] for column in columns]
    spread = s - 1 if s > 1 else None
    variances = [_centred_product(dx, dx) / spread if spread else None for dx in centred]
    covs_with_total = [
        _centred_product(dx, centred_totals) / spread if spread else None for dx in centred
    ]
    sqrt_covs = [math.sqrt(cov) for cov in covs_with_total if cov is not None and cov >= 0]
    sum_sqrt_covs = math.fsum(sqrt_covs)
    questions = []
    for p, column in enumerate(columns):
        max_mark = float(max_marks[p])
        mean_x = mean(column)
        var_x = variances[p]
        cov_t = covs_with_total[p]
        guess = random_guesses[p] if random_guesses is not None else None
        index = efficiency = None
        if spread and var_x is not None:
            # The rest of the test, X = T - x, centred (its mean is mean T - mean x).
            centred_rest = list(map(sub, centred_totals, centred[p]))
            cov_rest = _centred_product(centred[p], centred_rest) / spread
            var_rest = _centred_product(centred_rest, centred_rest) / spread
            index = _ratio(100 * cov_rest, math.sqrt(max(var_x * var_rest, 0.0)))
            rest = list(map(sub, totals, column))
            cov_max = covariance(sorted(column), sorted(rest))
            efficiency = _ratio(100 * cov_rest, cov_max)
        questions.append(
            QuestionStats(
                max_mark=max_mark,
                attempts=s,
                mean=mean_x,
                facility=_ratio(None if mean_x is None else 100 * mean_x, max_mark),
                sd=_ratio(None if var_x is None else 100 * math.sqrt(max(var_x, 0.0)), max_mark),
                random_guess=None if guess is None else 100 * guess,
                intended_weight=_ratio(100 * max_mark, sum_max),
                effective_weight=(
                    _ratio(100 * math.sqrt(cov_t), sum_sqrt_covs)
                    if cov_t is not None and cov_t >= 0
                    else None
                ),
                discrimination_index=index,
                discriminative_efficiency=efficiency,
            )
        )
    return ItemAnalysis(
        quiz=quiz_stats(totals, variances, max_total=sum_max),
        questions=tuple(questions),
        totals=tuple(totals),
    )


def quiz_stats(
    totals: Sequence[float], item_variances: Sequence[float | None], *, max_total: float
) -> QuizStats:
    """The whole-quiz figures from the attempts' totals and each question's variance."""
    s, count = len(totals), len(item_variances)
    average = mean(totals)
    k2 = skewness = kurtosis = cic = error_ratio = standard_error = sd = None
    if s > 1 and average is not None:
        m2 = math.fsum((t - average) ** 2 for t in totals) / s
        k2 = s * m2 / (s - 1)
        sd = math.sqrt(k2)
        if s > 2:
            m3 = math.fsum((t - average) ** 3 for t in totals) / s
            k3 = s * s * m3 / ((s - 1) * (s - 2))
            skewness = _ratio(k3, k2**1.5)
        if s > 3:
            m4 = math.fsum((t - average) ** 4 for t in totals) / s
            k4 = s * s * ((s + 1) * m4 - 3 * (s - 1) * m2 * m2) / ((s - 1) * (s - 2) * (s - 3))
            kurtosis = _ratio(k4, k2 * k2)
        known = [variance for variance in item_variances if variance is not None]
        if count > 1 and len(known) == count:
            share = _ratio(math.fsum(known), k2)
            if share is not None:
                cic = 100 * count / (count - 1) * (1 - share)
                error_ratio = 100 * math.sqrt(max(1 - cic / 100, 0.0))
                standard_error = error_ratio * sd / 100
    return QuizStats(
        attempts=s,
        questions=count,
        max_total=max_total,
        mean=average,
        median=median(totals),
        sd=sd,
        skewness=skewness,
        kurtosis=kurtosis,
        cic=cic,
        error_ratio=error_ratio,
        standard_error=standard_error,
    )


# Distractor analysis


def group_size(attempts: int) -> int:
    """27 % of the attempts, rounded half up, at least one (when there are attempts)."""
    return max(1, math.floor(TOP_BOTTOM_SHARE * attempts + 0.5)) if attempts else 0


def top_and_bottom(totals: Sequence[float]) -> tuple[frozenset[int], frozenset[int]]:
    """Indexes of the top and bottom 27 % of attempts by total; ties go to the higher group.

    An attempt tied with the last one in the top group joins it; an attempt tied with the
    first one above the bottom group leaves the bottom group.
    """
    s = len(totals)
    n = group_size(s)
    if not n:
        return frozenset(), frozenset()
    ordered = sorted(totals)
    top_cut = ordered[s - n]
    top = frozenset(i for i, total in enumerate(totals) if total >= top_cut)
    if n >= s:
        return top, frozenset()
    bottom_cut = ordered[n]
    bottom = frozenset(i for i, total in enumerate(totals) if total < bottom_cut and i not in top)
    return top, bottom


@dataclass(frozen=True)
class OptionCount:
    key: Hashable
    label: str
    is_correct: bool
    overall: int
    top: int
    bottom: int


@dataclass(frozen=True)
class DistractorTable:
    attempts: int
    top_size: int
    bottom_size: int
    options: tuple[OptionCount, ...]
    unanswered: int

    @staticmethod
    def share(count: int, size: int) -> float | None:
        """A count as a percentage of its group; None for an empty group."""
        return 100 * count / size if size else None


def distractors(
    *,
    totals: Sequence[float],
    picks: Sequence[Sequence[Hashable] | None],
    options: Sequence[tuple[Hashable, str]],
    correct: Iterable[Hashable] = (),
) -> DistractorTable:
    """How many attempts picked each option, overall and in the top and bottom 27 %.

    picks[i] holds what attempt i chose (None when it left the question blank).
    """
    if len(picks) != len(totals):
        raise ValueError("One pick per attempt.")
    top, bottom = top_and_bottom(totals)
    groups = ["top" if i in top else "bottom" if i in bottom else "" for i in range(len(totals))]
    counts: Counter[tuple[Hashable, str]] = Counter()
    unanswered = 0
    for chosen, group in zip(picks, groups, strict=True):
        if chosen is None:
            unanswered += 1
            continue
        for key in chosen if len(chosen) < 2 else set(chosen):
            counts[key, group] += 1
    overall: Counter[Hashable] = Counter()
    in_top: Counter[Hashable] = Counter()
    in_bottom: Counter[Hashable] = Counter()
    for (key, group), count in counts.items():
        overall[key] += count
        if group == "top":
            in_top[key] += count
        elif group == "bottom":
            in_bottom[key] += count
    correct = set(correct)
    return DistractorTable(
        attempts=len(totals),
        top_size=len(top),
        bottom_size=len(bottom),
        options=tuple(
            OptionCount(
                key=key,
                label=label,
                is_correct=key in correct,
                overall=overall[key],
                top=in_top[key],
                bottom=in_bottom[key],
            )
            for key, label in options
        ),
        unanswered=unanswered,
    )


def common_wrong_answers(
    answers: Iterable[str | None], *, is_right: Iterable[bool], limit: int = 5
) -> list[tuple[str, int]]:
    """The most common wrong answers (already normalised), most frequent first, ties by text."""
    counts = Counter(
        answer for answer, right in zip(answers, is_right, strict=True) if answer and not right
    )
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
