"""Ordering: items the student puts in order (events in time, steps of a process).

Key: {"items": [{"id": str, "text": str}, ...]} in the correct order. Snapshot: "options" in
display order (always shuffled: in key order the answer would be given away), "correct" [ids in
the correct order]. Grading: the share of item pairs in the right relative order.
"""

import random
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

from django import forms

from quizzes.exchange import portable
from quizzes.kinds.answering import AnswerForm, token_of, tokens
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
)


class Item(TypedDict):
    id: str
    text: str


def items_of(key: Mapping[str, Any]) -> list[Item]:
    return list(key.get("items", []))


def make_items(texts: Sequence[str]) -> list[Item]:
    return [
        Item(id=item_id, text=text)
        for item_id, text in zip(new_ids(len(texts)), texts, strict=True)
    ]


def grade_ordering(*, correct: Sequence[str], given: Sequence[str]) -> float:
    """Share of item pairs the student put in the right relative order."""
    if len(correct) < 2:
        return 1.0 if list(given) == list(correct) else 0.0
    rank = {item: index for index, item in enumerate(given)}
    if set(rank) != set(correct) or len(given) != len(correct):
        return 0.0
    pairs = [(a, b) for i, a in enumerate(correct) for b in correct[i + 1 :]]
    in_order = sum(1 for a, b in pairs if rank[a] < rank[b])
    return in_order / len(pairs)


class OrderingAnswerForm(AnswerForm):
    """One "position 1..n" select per item: answerable by keyboard, no dragging needed."""

    hint = "Give each item its position: 1 comes first."
    label_prefix_hidden = "Position of "

    def add_answer_fields(self, saved_answer: Any) -> None:
        fields = {
            item_id: name for name, item_id in tokens(self.snapshot["options"], "item_").items()
        }
        items = list(self.snapshot["options"])
        positions = [(str(n), str(n)) for n in range(1, len(items) + 1)]
        saved = isinstance(saved_answer, list) and sorted(saved_answer) == sorted(fields)
        if saved:
            # List the items in the student's saved order, so the page reads as they left it.
            by_id = {item["id"]: item for item in items}
            items = [by_id[item_id] for item_id in saved_answer]
        else:
            # No position chosen yet: an untouched question is no answer, not the shown order.
            positions.insert(0, ("", "–"))
        for number, item in enumerate(items, start=1):
            self.fields[fields[item["id"]]] = forms.TypedChoiceField(
                label=item["text"],
                choices=positions,
                coerce=int,
                initial=str(number) if saved else None,
                error_messages={
                    "required": "Give every item a position.",
                    "invalid_choice": "Choose a position from the list.",
                },
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        positions = [cleaned.get(name) for name in tokens(self.snapshot["options"], "item_")]
        if None not in positions and len(set(positions)) != len(positions):
            raise forms.ValidationError(
                "Give each item a different position (1 to %(n)s).", params={"n": len(positions)}
            )
        return cleaned

    def answer(self) -> list[str]:
        fields = tokens(self.snapshot["options"], "item_")
        return [fields[name] for name in sorted(fields, key=lambda name: self.cleaned_data[name])]

    @staticmethod
    def data_for(snapshot: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        return {
            str(token_of(snapshot["options"], "item_", item_id)): str(position)
            for position, item_id in enumerate(answer, start=1)
        }


class Ordering(QuestionKind):
    name = "ordering"
    label = "Ordering"
    description = "Items students put in order: events in time, steps of a process."
    order = 60
    answer_form = OrderingAnswerForm
    answer_template = "quizzes/kinds/_selects.html"
    snapshot_key_fields = ("correct",)
    snapshot_id_lists = ("options",)
    review_ordered = True
    draft_keys_passage = True

    def empty_key(self) -> Key:
        return {"items": []}

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        items = items_of(key)
        problems = []
        if has_duplicates([item["text"] for item in items]):
            problems.append("Two options have the same text.")
        if len(items) < 2:
            problems.append("An ordering question needs at least two items.")
        return problems

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        return KeySummary(
            "Correct order", tuple((item["text"], True) for item in items_of(key)), ordered=True
        )

    def keep_ids(self, old: Mapping[str, Any], new: Key) -> Key:
        return {**new, "items": ids_by_text(items_of(old), list(new["items"]))}

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        options = [{"id": item["id"], "text": item["text"]} for item in items_of(key)]
        display = list(options)
        (rng or random.Random(seed)).shuffle(display)
        if display == options and len(options) > 1:
            display.append(display.pop(0))
        return {"options": display, "correct": [option["id"] for option in options]}

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        return grade_ordering(correct=snapshot["correct"], given=answer)

    def answer_lines(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        texts = {option["id"]: option["text"] for option in snapshot["options"]}
        return [texts.get(item_id, item_id) for item_id in answer]

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        return self.answer_lines(snapshot, snapshot["correct"])

    def answer_text(self, snapshot: Mapping[str, Any], answer: Any) -> str:
        return " > ".join(self.answer_lines(snapshot, answer))

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        return list(snapshot["correct"])

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        order = list(snapshot["correct"])
        if len(order) > 1:
            i = rng.randrange(len(order) - 1)
            order[i], order[i + 1] = order[i + 1], order[i]
        return order

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        return {"items": make_items([str(item) for item in data.get("order", [])])}

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        items = spec.get("items")
        if not isinstance(items, list):
            raise KeyFormatError('"items" must be a list of the items in the correct order.')
        return {"items": make_items([str(item) for item in items])}

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"items": [item["text"] for item in items_of(key)]}

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        return portable.Order(tuple(item["text"] for item in items_of(key)))

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.Order):
            return None
        return {"items": make_items(list(body.items))}, []

    # Authoring

    def key_fields(self) -> dict[str, forms.Field]:
        return {
            "items": RowsField(
                [
                    Column("id", "Id", "hidden"),
                    Column("position", "Position", "number"),
                    Column("text", "Item", key=True),
                ],
                label="Items in the correct order",
                row_label="Item",
                extra=3,
                help_text="First item first. To move an item, give it a position number.",
            )
        }

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"items": [{**item, "position": ""} for item in items_of(key)]}

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        rows = cleaned.get("items") or []
        ids = form_ids(rows, items_of(old))
        return {"items": [Item(id=i, text=row["text"]) for i, row in zip(ids, rows, strict=True)]}

    def draft_fields(self) -> dict[str, forms.Field]:
        return {
            "order": LinesField(
                label="Items in the correct order",
                rows=5,
                required=True,
                help_text="One per line, first event first.",
            )
        }

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"order": "\n".join(data.get("order", []))}

    def check_draft(self, cleaned: Mapping[str, Any]) -> dict[str, str]:
        items = cleaned.get("order")
        if items is None:
            return {}
        if len(items) < 2:
            return {"order": "An ordering question needs at least two items."}
        if len({item.casefold() for item in items}) != len(items):
            return {"order": "Two items have the same text."}
        return {}

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        return {"order": cleaned["order"]}


KIND = Ordering()
