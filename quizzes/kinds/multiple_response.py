"""Multiple response: several options may be correct; students tick all that apply.

Key and snapshot: see quizzes/kinds/options.py. Grading: each correct pick earns 1/n of the
marks (n correct options), each wrong pick costs as much, never below 0.
"""

import random
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from quizzes.exchange import portable
from quizzes.kinds.answering import AnswerForm, token_of, tokens
from quizzes.kinds.base import Key, KeyFormatError
from quizzes.kinds.options import OptionsKind, make_options, options_of


def grade_multiple_response(
    *, correct: Iterable[str], wrong: Iterable[str], given: Iterable[str]
) -> float:
    """Each correct pick earns 1/n of the marks; each wrong pick costs as much; never below 0."""
    correct, wrong, given = set(correct), set(wrong), set(given)
    if not correct:
        return 0.0
    earned = len(given & correct) - len(given & wrong)
    return max(0.0, earned / len(correct))


class MultipleResponseAnswerForm(AnswerForm):
    hint = "Choose all that apply."

    def add_answer_fields(self, saved_answer: Any) -> None:
        options = self.snapshot["options"]
        saved = saved_answer if isinstance(saved_answer, list) else []
        self.fields["answer"] = forms.MultipleChoiceField(
            label="Your answer",
            choices=[
                (token, option["text"])
                for token, option in zip(tokens(options, "o"), options, strict=True)
            ],
            widget=forms.CheckboxSelectMultiple,
            initial=[token_of(options, "o", option_id) for option_id in saved],
            error_messages={
                "required": "Choose at least one option.",
                "invalid_choice": "Choose only among the options shown.",
            },
        )

    def answer(self) -> list[str]:
        # Stored in display order, so the same picks always store the same value.
        picked = set(self.cleaned_data["answer"])
        return [
            option_id
            for token, option_id in tokens(self.snapshot["options"], "o").items()
            if token in picked
        ]

    @staticmethod
    def data_for(snapshot: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        return {"answer": [token_of(snapshot["options"], "o", option_id) for option_id in answer]}


class MultipleResponse(OptionsKind):
    name = "multiple_response"
    label = "Multiple response"
    description = "Several options may be correct; students tick all that apply."
    order = 20
    answer_form = MultipleResponseAnswerForm

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        options = options_of(key)
        correct = [option for option in options if option["correct"]]
        problems = self.duplicate_problems(key)
        if not correct:
            problems.append("A multiple-response question needs a correct option.")
        if len(options) - len(correct) < 1:
            problems.append("A multiple-response question needs at least one wrong option.")
        return problems

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        option_ids = [option["id"] for option in snapshot["options"]]
        wrong = [option_id for option_id in option_ids if option_id not in snapshot["correct"]]
        return grade_multiple_response(correct=snapshot["correct"], wrong=wrong, given=answer)

    def answer_lines(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        texts = self.texts(snapshot)
        return [texts.get(option_id, option_id) for option_id in answer]

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        return self.answer_lines(snapshot, snapshot["correct"])

    def picks(self, answer: Any) -> list[str] | None:
        return None if answer is None else [str(item) for item in answer]

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.Choices) or body.single:
            return None
        right = [answer for answer in body.answers if answer.fraction > 0]
        if not right:
            raise KeyFormatError("no answer earns any marks.")
        warnings = []
        if len({round(answer.fraction, 4) for answer in right}) > 1:
            shares = " / ".join(f"{answer.fraction:.0%}" for answer in right)
            warnings.append(
                f"The right answers were worth {shares}: here each earns an equal share, and "
                "each wrong pick costs as much."
            )
        options = make_options(
            [(answer.text, answer.fraction > 0, answer.feedback) for answer in body.answers]
        )
        return {"options": options}, warnings

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        return list(snapshot["correct"])

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        correct = snapshot["correct"]
        wrong = [option["id"] for option in snapshot["options"] if option["id"] not in correct]
        picked = list(correct)
        if len(picked) > 1 and rng.random() < 0.5:
            picked.remove(rng.choice(picked))
        elif wrong:
            picked.append(rng.choice(wrong))
        return picked


KIND = MultipleResponse()
