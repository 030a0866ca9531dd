"""True/false: a statement the student judges.

Key: {"answer": true | false | null}. Snapshot: "options" True and False (always in that order),
"correct" ["true"] or ["false"].
"""

import random
from collections.abc import Mapping
from typing import Any

from django import forms

from quizzes.exchange import portable
from quizzes.kinds.answering import ChoiceAnswerForm
from quizzes.kinds.base import Key, KeyFormatError, KeySummary, QuestionKind, Snapshot

OPTIONS = [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
TRUTH_CHOICES = [("true", "True"), ("false", "False")]
SAY_WHICH = "Say whether the statement is true or false."


def grade_true_false(*, correct: bool, given: bool | None) -> float:
    return 1.0 if given is not None and given == correct else 0.0


class TrueFalse(QuestionKind):
    name = "true_false"
    label = "True/false"
    description = "A statement students judge true or false."
    order = 30
    answer_form = ChoiceAnswerForm
    snapshot_key_fields = ("correct",)
    analysis = "options"

    def empty_key(self) -> Key:
        return {"answer": None}

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        return [SAY_WHICH] if not isinstance(key.get("answer"), bool) else []

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        answer = key.get("answer")
        return KeySummary(
            "The statement is",
            tuple((text, answer is (value == "true")) for value, text in TRUTH_CHOICES),
        )

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        return {"options": [dict(option) for option in OPTIONS], "correct": [self.truth(key)]}

    @staticmethod
    def truth(key: Mapping[str, Any]) -> str:
        return "true" if key.get("answer") else "false"

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        return grade_true_false(correct=snapshot["correct"] == ["true"], given=answer == "true")

    def answer_lines(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        texts = {option["id"]: option["text"] for option in snapshot["options"]}
        return [texts.get(answer, answer)]

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        return self.answer_lines(snapshot, snapshot["correct"][0])

    def random_guess(self, key: Mapping[str, Any]) -> float | None:
        return 0.5

    def analysis_options(self, key: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
        return list(TRUTH_CHOICES), [self.truth(key)]

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        return snapshot["correct"][0]

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        return "false" if snapshot["correct"] == ["true"] else "true"

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        options = data.get("options", [])
        return {"answer": any(o["correct"] and o["text"] == "True" for o in options)}

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        if not isinstance(spec.get("answer"), bool):
            raise KeyFormatError('"answer" must be true or false.')
        return {"answer": spec["answer"]}

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"answer": key.get("answer")}

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        return portable.TrueFalse(bool(key.get("answer")))

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.TrueFalse):
            return None
        warnings = []
        if body.feedback_if_wrong or body.feedback_if_right:
            warnings.append(
                "The feedback for a right or wrong answer is not kept: put it in the explanation."
            )
        return {"answer": body.answer}, warnings

    # Authoring

    def key_fields(self) -> dict[str, forms.Field]:
        return {
            "statement_is_true": forms.TypedChoiceField(
                label="The statement is",
                choices=TRUTH_CHOICES,
                coerce=lambda value: value == "true",
                widget=forms.RadioSelect,
                required=False,
                empty_value=None,
            )
        }

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        answer = key.get("answer")
        return {"statement_is_true": None if answer is None else ("true" if answer else "false")}

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        return {"answer": cleaned.get("statement_is_true")}

    def draft_fields(self) -> dict[str, forms.Field]:
        return {
            "statement_is_true": forms.TypedChoiceField(
                label="The statement is",
                choices=TRUTH_CHOICES,
                coerce=lambda value: value == "true",
                widget=forms.RadioSelect,
            )
        }

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"statement_is_true": "true" if self.key_from_draft(data)["answer"] else "false"}

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        truth = cleaned["statement_is_true"]
        return {
            "options": [
                {"text": "True", "correct": truth},
                {"text": "False", "correct": not truth},
            ],
            "answer": "True" if truth else "False",
        }


KIND = TrueFalse()
