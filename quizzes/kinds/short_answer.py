"""Short answer: a word or phrase typed by the student, compared with the accepted answers.

Key: {"answers": [str, ...]}. Snapshot: "accepted" [str]. Case, Unicode forms, curly quotes,
inner spacing and surrounding punctuation are ignored when comparing (grading.normalise_text).
"""

import random
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms

from quizzes.exchange import portable
from quizzes.exchange.portable import FULL
from quizzes.grading import normalise_text
from quizzes.kinds.answering import TextAnswerForm
from quizzes.kinds.authoring import LinesField
from quizzes.kinds.base import (
    Key,
    KeyFormatError,
    KeySummary,
    QuestionKind,
    Snapshot,
    typed_picks,
)

WRONG_WORDS = ["Moscow", "Berlin", "I don't know", "Paris", "1926", "unsure"]


def grade_short_answer(*, accepted: Iterable[str], given: str | None) -> float:
    if not given or not normalise_text(given):
        return 0.0
    answer = normalise_text(given)
    return 1.0 if any(normalise_text(option) == answer for option in accepted) else 0.0


def distinct_answers(texts: Iterable[str]) -> list[str]:
    """The answers without blanks and repeats (as grading compares them), first form kept."""
    seen, answers = set(), []
    for text in texts:
        folded = normalise_text(text)
        if folded and folded not in seen:
            seen.add(folded)
            answers.append(" ".join(text.split()))
    return answers


class ShortAnswer(QuestionKind):
    name = "short_answer"
    label = "Short answer"
    description = "Students type a word or phrase; you list the answers accepted."
    order = 40
    answer_form = TextAnswerForm
    answer_template = "quizzes/kinds/_text.html"
    snapshot_key_fields = ("accepted",)
    analysis = "text"

    def empty_key(self) -> Key:
        return {"answers": []}

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        if not [answer for answer in key.get("answers", []) if normalise_text(answer)]:
            return ["A short-answer question needs an accepted answer."]
        return []

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        return KeySummary("Accepted", tuple((answer, True) for answer in key.get("answers", [])))

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        return {"accepted": list(key.get("answers", []))}

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        return grade_short_answer(accepted=snapshot["accepted"], given=answer)

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        # The author's first answer; the variants ("Treaty of Versailles", "the Versailles
        # Treaty", ...) are listed on request, not run together into one line.
        return list(snapshot["accepted"][:1])

    def also_accepted(self, snapshot: Mapping[str, Any]) -> list[str]:
        return list(snapshot["accepted"][1:])

    def picks(self, answer: Any) -> list[str] | None:
        return typed_picks(answer)

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        return snapshot["accepted"][0] if snapshot["accepted"] else ""

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        return rng.choice(WRONG_WORDS)

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        return {"answers": distinct_answers([*data.get("answers", []), data.get("answer") or ""])}

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        answers = spec.get("answers")
        if not isinstance(answers, list) or not all(
            isinstance(a, str | int | float) for a in answers
        ):
            raise KeyFormatError('"answers" must be a list of accepted answers.')
        return {"answers": [str(answer) for answer in answers]}

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"answers": list(key.get("answers", []))}

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        return portable.ShortAnswers(
            tuple(portable.Answer(answer, 1.0) for answer in key.get("answers", []))
        )

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.ShortAnswers):
            return None
        accepted, warnings = [], []
        for answer in body.answers:
            if "*" in answer.text:
                warnings.append(
                    f"“{answer.text}” is a pattern (*): not kept, since answers here are "
                    "compared as text (case, spaces and punctuation aside)."
                )
            elif answer.fraction < FULL:
                warnings.append(
                    f"“{answer.text}” was worth {answer.fraction:.0%} of the marks: not kept "
                    "(an accepted answer here earns all of them)."
                )
            else:
                accepted.append(answer.text)
        if not accepted:
            raise KeyFormatError("no answer is fully right.")
        if any(answer.feedback for answer in body.answers):
            warnings.append("Feedback per answer is not kept for short answers.")
        return {"answers": accepted}, warnings

    # Authoring

    def key_fields(self) -> dict[str, forms.Field]:
        return {
            "accepted_answers": LinesField(
                label="Accepted answers",
                help_text="One per line. Case, spacing and punctuation around the answer are "
                "ignored when grading; list each other spelling or form you accept.",
            )
        }

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"accepted_answers": "\n".join(key.get("answers", []))}

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        return {"answers": distinct_answers(cleaned.get("accepted_answers") or [])}

    def draft_fields(self) -> dict[str, forms.Field]:
        return {
            "answers": LinesField(
                label="Accepted answers",
                rows=3,
                required=True,
                help_text="One per line; case, spacing and punctuation are ignored when grading.",
            )
        }

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"answers": "\n".join(data.get("answers") or [data.get("answer", "")])}

    def check_draft(self, cleaned: Mapping[str, Any]) -> dict[str, str]:
        if "answers" in cleaned and not cleaned["answers"]:
            return {"answers": "Give at least one accepted answer."}
        return {}

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        return {"answers": cleaned["answers"], "answer": cleaned["answers"][0]}


KIND = ShortAnswer()
