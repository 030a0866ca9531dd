"""What the author of a quiz is warned of on its settings page: an option order that gives the
key away, and a test whose questions another quiz shows with their keys while it may be running.
"""

from dataclasses import dataclass

from quizzes import kinds
from quizzes.models import Assignment, Quiz, QuizQuestion


@dataclass(frozen=True)
class SharedKeys:
    """Another quiz with questions of this one, whose review shows keys before it closes."""

    quiz: Quiz
    shared: int


def option_order_warnings(places: list[tuple[str, list[bool]]]) -> list[str]:
    """Warnings for options shown in the authored order: `places` holds, per question (its name
    for the message), whether each option is correct in that order.

    A question whose correct options all come first gives its key away; so do three or more
    one-answer questions whose answer always stands in the same place.
    """
    warnings = []
    first = [
        name
        for name, correct in places
        if 0 < sum(correct) < len(correct) and correct == sorted(correct, reverse=True)
    ]
    if first:
        warnings.append(
            f"In {len(first)} of {len(places)} questions the correct options come first "
            f"({', '.join(first[:5])}{', …' if len(first) > 5 else ''}). Shuffle the options, "
            "or reorder them."
        )
    single = [correct.index(True) for _, correct in places if sum(correct) == 1]
    if len(single) >= 3 and len(set(single)) == 1:
        warnings.append(
            f"The right answer is always option {single[0] + 1} of the {len(single)} questions "
            "with one right answer. Shuffle the options, or reorder them."
        )
    return warnings


def option_order(quiz: Quiz) -> list[str]:
    """The option-order warnings of a quiz that does not shuffle its options: one query."""
    if quiz.shuffle_options:
        return []
    places = []
    for slot in QuizQuestion.objects.filter(quiz=quiz).select_related("question"):
        correct = kinds.get(slot.question.kind).correct_places(slot.question.key)
        if correct:
            places.append((f"“{slot.question.prompt[:40]}”", correct))
    return option_order_warnings(places)


def shared_keys(quiz: Quiz) -> list[SharedKeys]:
    """For a test: the other quizzes naming any of its questions whose review shows a key (the
    right answer, or whether an answer was right) before they close, in the quiz itself or in a
    course it is given to. For any other quiz: the tests it does that to. A few queries."""
    own = set(QuizQuestion.objects.filter(quiz=quiz).values_list("question_id", flat=True))
    if not own:
        return []
    others = (
        Quiz.objects.filter(quiz_questions__question__in=own)
        .exclude(pk=quiz.pk)
        .distinct()
        .prefetch_related("assignments", "quiz_questions")
    )
    if not quiz.is_secure:
        if not _shows_keys_early(quiz):
            return []
        others = others.filter(is_secure=True)
    else:
        others = others.filter(is_secure=False)
    found = []
    for other in others:
        if quiz.is_secure and not _shows_keys_early(other):
            continue
        shared = sum(1 for slot in other.quiz_questions.all() if slot.question_id in own)
        found.append(SharedKeys(other, shared))
    return found


def _shows_keys_early(quiz: Quiz) -> bool:
    assignments: list[Assignment] = list(quiz.assignments.all())
    for assignment in assignments:
        assignment.quiz = quiz
    return quiz.review.shows_key_before_close() or any(
        assignment.review.shows_key_before_close() for assignment in assignments
    )
