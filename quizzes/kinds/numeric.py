"""Numeric: a number typed by the student, right within a tolerance.

Key: {"value": float | null, "tolerance": float}. Snapshot: "value", "tolerance". Numbers are read
as people type them (grading.parse_number: "1922", "3,5", "10,000").
"""

import math
import random
from collections.abc import Mapping
from typing import Any

from django import forms

from quizzes.exchange import portable
from quizzes.grading import parse_number
from quizzes.kinds.answering import TextAnswerForm
from quizzes.kinds.base import (
    Key,
    KeyFormatError,
    KeySummary,
    QuestionKind,
    Snapshot,
    number_text,
    typed_picks,
)

ENTER_A_NUMBER = "Enter a number, e.g. 1922"


def grade_numeric(*, value: float, tolerance: float, given: float | None) -> float:
    if given is None:
        return 0.0
    # A small epsilon so that 0.1 + 0.2 style float noise never turns a right answer wrong.
    return 1.0 if abs(given - value) <= abs(tolerance) + 1e-9 else 0.0


class NumericAnswerForm(TextAnswerForm):
    label = "Your answer (a number)"
    max_length = 50
    required_message = ENTER_A_NUMBER
    widget_attrs = {"inputmode": "decimal", "autocomplete": "off"}

    def clean_answer(self) -> str:
        # Keep the text as typed (the review shows it), but only if it reads as a number.
        text: str = self.cleaned_data["answer"]
        if parse_number(text) is None:
            raise forms.ValidationError(ENTER_A_NUMBER)
        return text


def value_text(value: float, tolerance: float) -> str:
    shown = number_text(value)
    return f"{shown} (± {number_text(tolerance)})" if tolerance else shown


class Numeric(QuestionKind):
    name = "numeric"
    label = "Numeric"
    description = "Students type a number; answers within your tolerance are right."
    order = 50
    answer_form = NumericAnswerForm
    answer_template = "quizzes/kinds/_text.html"
    snapshot_key_fields = ("value", "tolerance")
    analysis = "text"

    def empty_key(self) -> Key:
        return {"value": None, "tolerance": 0.0}

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        value, tolerance = key.get("value"), key.get("tolerance") or 0
        problems = []
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            problems.append("A numeric question needs its value.")
        if not isinstance(tolerance, int | float) or not math.isfinite(tolerance) or tolerance < 0:
            problems.append("The tolerance must be a number, 0 or more.")
        return problems

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        value = key.get("value")
        text = "—" if value is None else value_text(value, key.get("tolerance") or 0)
        return KeySummary("Answer", ((text, value is not None),))

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        return {"value": key.get("value"), "tolerance": key.get("tolerance") or 0.0}

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        return grade_numeric(
            value=snapshot["value"], tolerance=snapshot["tolerance"], given=parse_number(answer)
        )

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        return [value_text(snapshot["value"], snapshot["tolerance"])]

    def picks(self, answer: Any) -> list[str] | None:
        return typed_picks(answer)

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        # Every digit: "{:g}" would round 100000.5 to 100000, a wrong answer.
        return number_text(snapshot["value"])

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        return number_text(snapshot["value"] + 2 * snapshot["tolerance"] + rng.choice([1, -1, 10]))

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        return {
            "value": data.get("numeric_value"),
            "tolerance": float(data.get("numeric_tolerance") or 0),
        }

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        try:
            value = float(spec["value"])
            tolerance = float(spec.get("tolerance") or 0)
        except (KeyError, TypeError, ValueError):
            raise KeyFormatError("value and tolerance must be numbers.") from None
        if not math.isfinite(value) or not math.isfinite(tolerance):
            raise KeyFormatError("value and tolerance must be finite numbers.")
        return {"value": value, "tolerance": tolerance}

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"value": key.get("value"), "tolerance": key.get("tolerance") or 0}

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        return portable.Numeric(float(key.get("value") or 0), float(key.get("tolerance") or 0))

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.Numeric):
            return None
        key = self.key_from_bank({"value": body.value, "tolerance": abs(body.tolerance)})
        warnings = [
            f"The further answer {value:g} ± {tolerance:g} ({fraction:.0%}) is not kept: one "
            "value (with its tolerance) is right here."
            for value, tolerance, fraction in body.others
        ]
        if body.feedback:
            warnings.append("Feedback per answer is not kept for numeric answers.")
        return key, warnings

    # Authoring

    def key_fields(self) -> dict[str, forms.Field]:
        return {
            "numeric_value": forms.FloatField(label="Value", required=False),
            "numeric_tolerance": forms.FloatField(
                label="Tolerance (±)",
                min_value=0,
                required=False,
                help_text="Answers within value ± tolerance are right; 0 for exactly the value.",
            ),
        }

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"numeric_value": key.get("value"), "numeric_tolerance": key.get("tolerance") or 0}

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        return {
            "value": cleaned.get("numeric_value"),
            "tolerance": cleaned.get("numeric_tolerance") or 0.0,
        }

    def draft_fields(self) -> dict[str, forms.Field]:
        return {
            "numeric_value": forms.FloatField(label="Value"),
            "numeric_tolerance": forms.FloatField(label="Tolerance (±)", min_value=0, initial=0),
        }

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "numeric_value": data.get("numeric_value"),
            "numeric_tolerance": data.get("numeric_tolerance") or 0,
        }

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "numeric_value": cleaned["numeric_value"],
            "numeric_tolerance": cleaned["numeric_tolerance"] or 0,
        }


KIND = Numeric()
