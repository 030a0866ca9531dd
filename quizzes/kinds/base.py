"""What every question kind provides: the interface the rest of the site asks a kind through.

A kind (on the model of Moodle's question types) owns its answer key and everything that depends
on it: the key's validation, the snapshot an attempt freezes, grading, the answer form, the
review lines, the item-analysis options, the simulated answer, and the conversions from a draft
and from a bank file. Keys and snapshots are plain JSON values; a kind never touches the database.
"""

import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from quizzes.exchange import portable
from quizzes.grading import normalise_text

if TYPE_CHECKING:
    from django import forms

    from quizzes.kinds.answering import AnswerForm

Key = dict[str, Any]
"""A kind's answer key as stored in Question.key (each kind documents its own shape)."""

Snapshot = dict[str, Any]
"""A question frozen in an attempt: kind, prompt, explanation, excerpt and the kind's own part."""


class KeyFormatError(ValueError):
    """An answer key that cannot be read (a bank file's, a draft's); the message says why."""


@dataclass(frozen=True)
class KeySummary:
    """A key as an instructor reads it in a list or a card: a heading and its lines."""

    label: str
    lines: tuple[tuple[str, bool], ...]  # (text, whether it is a correct option)
    ordered: bool = False


def number_text(value: float) -> str:
    """1925.0 as "1925", 2.5 as "2.5"."""
    return str(int(value)) if float(value).is_integer() else str(value)


def typed_picks(answer: Any) -> list[str] | None:
    """A typed answer as item analysis groups it: normalised, None when blank."""
    if answer is None:
        return None
    text = normalise_text(str(answer))
    return [text] if text else None


def same_text(text: str) -> str:
    """Options compare like this: case and inner spacing ignored."""
    return " ".join(text.split()).casefold()


def has_duplicates(texts: Sequence[str]) -> bool:
    folded = [same_text(text) for text in texts]
    return len(set(folded)) != len(folded)


def new_ids(count: int, taken: Iterable[str] = ()) -> list[str]:
    """Ids for new entries of a key (options, items, pairs), unique within the question.

    Random, so that an id is never handed out again after its entry was deleted: a student who
    picked the deleted option must not be regraded as having picked its successor. The browser
    never sees them.
    """
    seen = set(taken)
    ids: list[str] = []
    while len(ids) < count:
        candidate = secrets.token_hex(4)
        if candidate not in seen:
            seen.add(candidate)
            ids.append(candidate)
    return ids


def form_ids(rows: Sequence[Mapping[str, Any]], old: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ids of a form's rows: a row keeps its hidden id when the old key has it (once), and
    any other row, new or with an id the key never had, gets a new one."""
    old_ids = {str(entry["id"]) for entry in old}
    fresh = iter(new_ids(len(rows), old_ids))
    used: set[str] = set()
    ids = []
    for row in rows:
        row_id = str(row.get("id") or "")
        if row_id in old_ids and row_id not in used:
            used.add(row_id)
            ids.append(row_id)
        else:
            ids.append(next(fresh))
    return ids


def ids_by_text(
    old: Iterable[Mapping[str, Any]], new: list[dict[str, Any]], field: str = "text"
) -> list[dict[str, Any]]:
    """The new entries, each with the id of an old entry of the same text where there is one
    (and a fresh id where its own would clash with another's)."""
    by_text: dict[str, str] = {}
    for entry in old:
        by_text.setdefault(same_text(str(entry.get(field, ""))), str(entry["id"]))
    old_ids = set(by_text.values())
    seen: set[str] = set()
    result = []
    for entry in new:
        match = by_text.get(same_text(str(entry.get(field, ""))))
        entry_id = match if match is not None and match not in seen else str(entry["id"])
        if entry_id in seen or (entry_id != match and entry_id in old_ids):
            (entry_id,) = new_ids(1, seen | old_ids)
        seen.add(entry_id)
        result.append({**entry, "id": entry_id})
    return result


def merge_by_id(old: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Old display order with current wording, then new entries; deleted ones stay."""
    live_by_id = {entry["id"]: entry for entry in live}
    merged = [live_by_id.get(entry["id"], entry) for entry in old]
    seen = {entry["id"] for entry in old}
    return merged + [entry for entry in live if entry["id"] not in seen]


def without_ids(value: Any) -> Any:
    """A key with every "id" left out: two keys that differ only in ids say the same thing."""
    if isinstance(value, dict):
        return {name: without_ids(item) for name, item in value.items() if name != "id"}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


class QuestionKind:
    """One kind of question. Subclasses set the class attributes and the methods they need."""

    name: ClassVar[str]  # stored in Question.kind and in every snapshot
    label: ClassVar[str]
    description: ClassVar[str]  # what the kind picker says of it
    order: ClassVar[int]  # where it stands in lists of kinds
    answer_form: ClassVar[type["AnswerForm"]]
    # The template that draws the answer controls on the attempt page.
    answer_template: ClassVar[str] = "quizzes/kinds/_options.html"
    # The snapshot fields that make the key, rebuilt from the live question by a regrade.
    snapshot_key_fields: ClassVar[tuple[str, ...]] = ()
    # Snapshot lists whose entries keep their ids (and the student's picks) across edits.
    snapshot_id_lists: ClassVar[tuple[str, ...]] = ()
    # The review lists the answer as steps in order.
    review_ordered: ClassVar[bool] = False
    # Item analysis: "options" tabulates each option, "text" the common wrong answers, None no
    # table.
    analysis: ClassVar[str | None] = None
    # A draft of this kind keys on its whole passage, not on a word in it.
    draft_keys_passage: ClassVar[bool] = False

    def __str__(self) -> str:
        return self.label

    # The key

    def empty_key(self) -> Key:
        return {}

    def key_problems(self, key: Mapping[str, Any]) -> list[str]:
        """What is wrong with a key; empty when it can be graded."""
        try:
            return self.problems(key)
        except (KeyError, TypeError, ValueError, AttributeError):
            return ["The answer key is malformed; edit it again."]

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        raise NotImplementedError

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        raise NotImplementedError

    def same_key(self, a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
        """Whether two keys say the same thing, whatever their ids."""
        return bool(without_ids(dict(a)) == without_ids(dict(b)))

    def keep_ids(self, old: Mapping[str, Any], new: Key) -> Key:
        """The new key with the old key's ids where an entry is unchanged (found by its text),
        so the students' picks stay valid when an imported question is updated."""
        return new

    # Attempts

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        """The kind's part of a snapshot; with an rng the display order is shuffled once here."""
        raise NotImplementedError

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        """The fraction of the points an answer (never None) earns, between 0 and 1."""
        raise NotImplementedError

    def rekey(self, snapshot: Mapping[str, Any], live: Mapping[str, Any]) -> Snapshot:
        """The snapshot with its key rebuilt from the live question's snapshot (regrading)."""
        result = dict(snapshot)
        for name in self.snapshot_key_fields:
            if name in live:
                result[name] = live[name]
        for name in self.snapshot_id_lists:
            if name in live:
                result[name] = merge_by_id(list(snapshot.get(name, [])), list(live[name]))
        return result

    # Review

    def answer_lines(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        """A stored answer as the lines of text a student reads, from the snapshot alone."""
        return [str(answer)]

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        """The correct answer as lines of text; only ever called once review is allowed."""
        raise NotImplementedError

    def also_accepted(self, snapshot: Mapping[str, Any]) -> list[str]:
        """Other answers that also score, shown on request after the correct answer (a short
        answer's variants); only ever called once review is allowed."""
        return []

    def answer_text(self, snapshot: Mapping[str, Any], answer: Any) -> str:
        """A stored answer in words, as one spreadsheet cell."""
        return "; ".join(self.answer_lines(snapshot, answer))

    def feedback_for(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        """The author's feedback on this answer (on each option picked), if any."""
        return []

    # Item analysis

    # Exchange formats (quizzes/exchange/): the key as a portable body and back

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        raise NotImplementedError

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        """This kind's key for a body another tool wrote, with what changed on the way (one
        warning each); None when the body is not of this kind. KeyFormatError when it is, but
        cannot be kept (the message says why)."""
        return None

    def correct_places(self, key: Mapping[str, Any]) -> list[bool] | None:
        """Per option in the order the author wrote them, whether it is correct; None for a
        kind whose options do not come in an authored order that could give the key away."""
        return None

    def random_guess(self, key: Mapping[str, Any]) -> float | None:
        """The expected fraction for a random answer (Moodle's)."""
        return 0.0

    def analysis_options(self, key: Mapping[str, Any]) -> tuple[list[tuple[str, str]], list[str]]:
        """For an "options" analysis: (id, label) per option and the correct ids."""
        return [], []

    def picks(self, answer: Any) -> list[str] | None:
        """What an answer chose, as option ids or normalised text; None for no answer."""
        return None if answer is None else [str(answer)]

    # Simulated students (simulate_class)

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        raise NotImplementedError

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        """The key of a draft the generator proposed (its JSON, as edited in the queue)."""
        raise KeyFormatError(f"The generator makes no {self.label.lower()} drafts.")

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        """The key of a question in a bank file (quizzes/bank.py); KeyFormatError if malformed."""
        raise NotImplementedError

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        """The bank file's fields for this key: the inverse of key_from_bank."""
        raise NotImplementedError

    # Authoring: the key's fields, embedded in the question editor and the admin's form

    def key_fields(self) -> "dict[str, forms.Field]":
        """Fresh fields that edit this kind's key (names unique across the editor's form)."""
        raise NotImplementedError

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        """The key fields' initial values for a stored key."""
        raise NotImplementedError

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        """The key from the key fields' cleaned data; entries keep the old key's ids."""
        raise NotImplementedError

    # Reviewing drafts: the queue's quick editing fields, in the generator's JSON

    def draft_fields(self) -> "dict[str, forms.Field]":
        """Fresh fields that edit a draft's key; none when the generator makes no such drafts."""
        return {}

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def check_draft(self, cleaned: Mapping[str, Any]) -> dict[str, str]:
        """Errors that need several draft fields at once, by field name."""
        return {}

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        """The draft JSON's key fields from the cleaned draft fields."""
        return {}
