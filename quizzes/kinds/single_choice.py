"""Single choice: one correct option among several (Moodle's multichoice, one answer).

Key and snapshot: see quizzes/kinds/options.py. Grading: full marks for the correct option.
"""

import random
from collections.abc import Mapping
from typing import Any

from quizzes.exchange import portable
from quizzes.exchange.portable import FULL
from quizzes.kinds.answering import ChoiceAnswerForm
from quizzes.kinds.base import Key, KeyFormatError
from quizzes.kinds.options import (
    CorrectAndDistractorsDraft,
    OptionsKind,
    make_options,
    options_of,
)


def grade_single_choice(*, correct: str, given: str | None) -> float:
    return 1.0 if given is not None and given == correct else 0.0


class SingleChoice(CorrectAndDistractorsDraft, OptionsKind):
    name = "single_choice"
    label = "Single choice"
    description = "One correct option among several; students pick one."
    order = 10
    answer_form = ChoiceAnswerForm
    correct_input = "radio"

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        options = options_of(key)
        problems = self.duplicate_problems(key)
        if len(options) < 2:
            problems.append("A single-choice question needs at least two options.")
        if sum(1 for option in options if option["correct"]) != 1:
            problems.append("A single-choice question needs exactly one correct option.")
        return problems

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        return grade_single_choice(correct=snapshot["correct"][0], given=answer)

    def answer_lines(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        return [self.texts(snapshot).get(answer, answer)]

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        return self.answer_lines(snapshot, snapshot["correct"][0])

    def random_guess(self, key: Mapping[str, Any]) -> float | None:
        options = options_of(key)
        if not options:
            return None
        return sum(1 for option in options if option["correct"]) / len(options)

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.Choices) or not body.single:
            return None
        right = [answer for answer in body.answers if answer.fraction >= FULL]
        if len(right) != 1:
            raise KeyFormatError(
                f"{len(right)} answers are fully right; a single-choice question has one."
            )
        warnings = [
            f"“{answer.text}” was worth {answer.fraction:.0%} of the marks; here only the "
            "right answer earns any."
            for answer in body.answers
            if answer not in right and answer.fraction != 0
        ]
        options = make_options(
            [(answer.text, answer in right, answer.feedback) for answer in body.answers]
        )
        return {"options": options}, warnings

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        return snapshot["correct"][0] if snapshot["correct"] else None

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        correct = snapshot["correct"]
        wrong = [option["id"] for option in snapshot["options"] if option["id"] not in correct]
        return rng.choice(wrong) if wrong else (correct[0] if correct else None)


KIND = SingleChoice()
