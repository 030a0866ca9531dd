"""What single choice and multiple response share: a key of options, some of them correct.

Key: {"options": [{"id": str, "text": str, "correct": bool, "feedback": str}, ...]}, in the
order the author wrote them. Snapshot: "options" [{"id", "text"}] in display order (shuffled
once when the quiz shuffles), "correct" [ids], and "feedback" {id: text} for options that have it.
"""

import random
from collections.abc import Mapping
from typing import Any, ClassVar, TypedDict

from django import forms

from quizzes.exchange import portable
from quizzes.kinds.authoring import Column, LinesField, RowsField
from quizzes.kinds.base import (
    Key,
    KeyFormatError,
    KeySummary,
    QuestionKind,
    Snapshot,
    form_ids,
    has_duplicates,
    ids_by_text,
    new_ids,
    same_text,
)


class Option(TypedDict):
    id: str
    text: str
    correct: bool
    feedback: str


class OptionsKey(TypedDict):
    options: list[Option]


def options_of(key: Mapping[str, Any]) -> list[Option]:
    return list(key.get("options", []))


def make_options(entries: list[tuple[str, bool, str]]) -> list[Option]:
    """Options with new ids from (text, correct, feedback)."""
    ids = new_ids(len(entries))
    return [
        Option(id=option_id, text=text, correct=correct, feedback=feedback)
        for option_id, (text, correct, feedback) in zip(ids, entries, strict=True)
    ]


class OptionsKind(QuestionKind):
    snapshot_key_fields = ("correct", "feedback")
    snapshot_id_lists = ("options",)
    analysis = "options"
    # Authoring: a radio button per row for one correct option, a checkbox for several.
    correct_input: ClassVar[str] = "checkbox"

    def empty_key(self) -> Key:
        return {"options": []}

    def duplicate_problems(self, key: Mapping[str, Any]) -> list[str]:
        if has_duplicates([option["text"] for option in options_of(key)]):
            return ["Two options have the same text."]
        return []

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        return KeySummary(
            "Options",
            tuple((option["text"], bool(option["correct"])) for option in options_of(key)),
        )

    def keep_ids(self, old: Mapping[str, Any], new: Key) -> Key:
        return {**new, "options": ids_by_text(options_of(old), list(new["options"]))}

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        options = options_of(key)
        shown = [{"id": option["id"], "text": option["text"]} for option in options]
        if rng:
            rng.shuffle(shown)
        snapshot: Snapshot = {
            "options": shown,
            "correct": [option["id"] for option in options if option["correct"]],
        }
        feedback = {
            option["id"]: option["feedback"] for option in options if option.get("feedback")
        }
        if feedback:
            snapshot["feedback"] = feedback
        return snapshot

    def texts(self, snapshot: Mapping[str, Any]) -> dict[str, str]:
        return {option["id"]: option["text"] for option in snapshot.get("options", [])}

    def picked(self, answer: Any) -> list[str]:
        return [answer] if isinstance(answer, str) else list(answer or [])

    def feedback_for(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        feedback = snapshot.get("feedback") or {}
        return [feedback[option] for option in self.picked(answer) if feedback.get(option)]

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        options = options_of(key)
        right = sum(1 for option in options if option["correct"])
        if self.correct_input == "radio" or not right:
            shares = (1.0, 0.0)
        else:
            # Each right pick earns a share, each wrong pick costs as much (multiple_response).
            shares = (1 / right, -1 / right)
        return portable.Choices(
            tuple(
                portable.Answer(
                    option["text"],
                    shares[0] if option["correct"] else shares[1],
                    option.get("feedback", ""),
                )
                for option in options
            ),
            single=self.correct_input == "radio",
        )

    def correct_places(self, key: Mapping[str, Any]) -> list[bool] | None:
        return [bool(option["correct"]) for option in key.get("options", [])]

    def random_guess(self, key: Mapping[str, Any]) -> float | None:
        return 0.0

    def analysis_options(self, key: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
        options = options_of(key)
        return (
            [(option["id"], option["text"]) for option in options],
            [option["id"] for option in options if option["correct"]],
        )

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        return {
            "options": make_options(
                [(str(o["text"]), bool(o["correct"]), "") for o in data.get("options", [])]
            )
        }

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        try:
            entries = [
                (str(choice["text"]), bool(choice["correct"]), str(choice.get("feedback") or ""))
                for choice in spec["choices"]
            ]
        except (KeyError, TypeError, AttributeError) as error:
            raise KeyFormatError(
                f'"choices" must be a list of {{"text", "correct"}} objects ({error!r}).'
            ) from None
        return {"options": make_options(entries)}

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        choices = []
        for option in options_of(key):
            choice: dict[str, Any] = {"text": option["text"], "correct": option["correct"]}
            if option.get("feedback"):
                choice["feedback"] = option["feedback"]
            choices.append(choice)
        return {"choices": choices}

    # Authoring

    def key_fields(self) -> dict[str, forms.Field]:
        return {
            "options": RowsField(
                [
                    Column("id", "Id", "hidden"),
                    Column("text", "Option", key=True),
                    Column("correct", "Correct", self.correct_input),
                    Column("feedback", "Feedback on this option (optional)"),
                ],
                label="Options",
                row_label="Option",
                extra=3,
                help_text="Blank rows are left out. Options are shown shuffled unless the quiz "
                "says otherwise.",
            )
        }

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"options": [dict(option) for option in options_of(key)]}

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        rows = cleaned.get("options") or []
        ids = form_ids(rows, options_of(old))
        return {
            "options": [
                Option(
                    id=option_id,
                    text=row["text"],
                    correct=bool(row["correct"]),
                    feedback=row.get("feedback", ""),
                )
                for option_id, row in zip(ids, rows, strict=True)
            ]
        }


class CorrectAndDistractorsDraft:
    """The queue's quick fields for a one-correct-option draft: the key, and wrong options."""

    def draft_fields(self) -> dict[str, forms.Field]:
        return {
            "correct": forms.CharField(label="Correct option", max_length=500),
            "distractors": LinesField(
                label="Wrong options", required=True, help_text="One per line."
            ),
        }

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        options = data.get("options", [])
        return {
            "correct": next((o["text"] for o in options if o["correct"]), ""),
            "distractors": "\n".join(o["text"] for o in options if not o["correct"]),
        }

    def check_draft(self, cleaned: Mapping[str, Any]) -> dict[str, str]:
        if "distractors" not in cleaned:
            return {}
        if not cleaned["distractors"]:
            return {"distractors": "Give at least one wrong option."}
        texts = [cleaned.get("correct", ""), *cleaned["distractors"]]
        if len({same_text(text) for text in texts}) != len(texts):
            return {"distractors": "Options must differ from each other and the key."}
        return {}

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        correct = " ".join(cleaned["correct"].split())
        options = [{"text": correct, "correct": True}]
        options += [{"text": text, "correct": False} for text in cleaned["distractors"]]
        # Options are shown shuffled to students; keep the reviewer's list sorted and stable.
        options.sort(key=lambda option: str(option["text"]).casefold())
        return {"options": options, "answer": correct}
