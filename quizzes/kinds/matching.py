"""Matching: each prompt matched to its answer, from a list that may hold extra distractors.

Key: {"pairs": [{"id": str, "prompt": str, "answer": str}, ...]}; a pair without a prompt is an
extra distractor answer. Snapshot: "prompts" [{"id", "text"}], "targets" [{"id", "text"}] (the
answers, shuffled once, or sorted), "matches" {prompt id: target id}. Grading: the share of
prompts matched right.
"""

import random
from collections.abc import Mapping
from typing import Any, TypedDict

from django import forms

from quizzes.exchange import portable
from quizzes.kinds.answering import AnswerForm, token_of, tokens
from quizzes.kinds.authoring import Column, RowsField
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


class Pair(TypedDict):
    id: str
    prompt: str
    answer: str


def pairs_of(key: Mapping[str, Any]) -> list[Pair]:
    return list(key.get("pairs", []))


def make_pairs(entries: list[tuple[str, str]]) -> list[Pair]:
    ids = new_ids(len(entries))
    return [
        Pair(id=pair_id, prompt=prompt, answer=answer)
        for pair_id, (prompt, answer) in zip(ids, entries, strict=True)
    ]


def grade_matching(*, correct: Mapping[str, str], given: Mapping[str, str]) -> float:
    """Share of prompts matched to their right answer."""
    if not correct:
        return 0.0
    hits = sum(1 for prompt, answer in correct.items() if given.get(prompt) == answer)
    return hits / len(correct)


class MatchingAnswerForm(AnswerForm):
    """One select per prompt, listing the targets in the snapshot's order."""

    hint = "Choose the matching answer for each item. Some answers may not be used."

    def add_answer_fields(self, saved_answer: Any) -> None:
        saved = saved_answer if isinstance(saved_answer, dict) else {}
        targets = self.snapshot["targets"]
        choices = [("", "Choose…")] + [
            (token, target["text"])
            for token, target in zip(tokens(targets, "t"), targets, strict=True)
        ]
        for name, prompt in zip(
            tokens(self.snapshot["prompts"], "match_"), self.snapshot["prompts"], strict=True
        ):
            self.fields[name] = forms.ChoiceField(
                label=prompt["text"],
                choices=choices,
                initial=token_of(targets, "t", saved.get(prompt["id"])) or "",
                error_messages={
                    "required": "Choose a match for every item.",
                    "invalid_choice": "Choose a match from the list.",
                },
            )

    def answer(self) -> dict[str, str]:
        targets = tokens(self.snapshot["targets"], "t")
        return {
            prompt_id: targets[self.cleaned_data[name]]
            for name, prompt_id in tokens(self.snapshot["prompts"], "match_").items()
        }

    @staticmethod
    def data_for(snapshot: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        return {
            name: token_of(snapshot["targets"], "t", answer.get(prompt_id)) or ""
            for name, prompt_id in tokens(snapshot["prompts"], "match_").items()
        }


class Matching(QuestionKind):
    name = "matching"
    label = "Matching"
    description = "Students match each prompt to its answer; extra answers may be distractors."
    order = 70
    answer_form = MatchingAnswerForm
    answer_template = "quizzes/kinds/_selects.html"
    snapshot_key_fields = ("matches", "prompts")
    snapshot_id_lists = ("targets",)
    draft_keys_passage = False

    def empty_key(self) -> Key:
        return {"pairs": []}

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        pairs = pairs_of(key)
        problems = []
        if len([pair for pair in pairs if pair["prompt"]]) < 2:
            problems.append("A matching question needs at least two pairs.")
        if has_duplicates([pair["answer"] for pair in pairs]):
            problems.append("Two answers of a matching question have the same text.")
        return problems

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        return KeySummary(
            "Pairs",
            tuple(
                (
                    f"{pair['prompt']} → {pair['answer']}"
                    if pair["prompt"]
                    else f"(extra) {pair['answer']}",
                    bool(pair["prompt"]),
                )
                for pair in pairs_of(key)
            ),
        )

    def keep_ids(self, old: Mapping[str, Any], new: Key) -> Key:
        return {**new, "pairs": ids_by_text(pairs_of(old), list(new["pairs"]), field="answer")}

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        pairs = pairs_of(key)
        prompts = [{"id": pair["id"], "text": pair["prompt"]} for pair in pairs if pair["prompt"]]
        targets = [{"id": pair["id"], "text": pair["answer"]} for pair in pairs]
        if rng:
            rng.shuffle(targets)
        else:
            targets.sort(key=lambda target: target["text"].casefold())
        return {
            "prompts": prompts,
            "targets": targets,
            "matches": {prompt["id"]: prompt["id"] for prompt in prompts},
        }

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        return grade_matching(correct=snapshot["matches"], given=answer)

    def answer_lines(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        targets = {target["id"]: target["text"] for target in snapshot["targets"]}
        return [
            f"{prompt['text']} → {targets.get(answer.get(prompt['id']), 'no match')}"
            for prompt in snapshot["prompts"]
        ]

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        return self.answer_lines(snapshot, snapshot["matches"])

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        return dict(snapshot["matches"])

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        matches = dict(snapshot["matches"])
        prompts = list(matches)
        if len(prompts) > 1:
            a, b = rng.sample(prompts, 2)
            matches[a], matches[b] = matches[b], matches[a]
        return matches

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        return {"pairs": make_pairs([(str(p), str(a)) for p, a in data.get("pairs", [])])}

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        try:
            entries = [(str(prompt), str(answer)) for prompt, answer in spec["pairs"]]
            entries += [("", str(answer)) for answer in spec.get("distractors") or []]
        except (KeyError, TypeError, ValueError) as error:
            raise KeyFormatError(
                f'"pairs" must be a list of [prompt, answer] ({error!r}); "distractors" a list.'
            ) from None
        return {"pairs": make_pairs(entries)}

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        pairs = pairs_of(key)
        return portable.Matches(
            tuple((pair["prompt"], pair["answer"]) for pair in pairs if pair["prompt"]),
            tuple(pair["answer"] for pair in pairs if not pair["prompt"]),
        )

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.Matches):
            return None
        entries = [*body.pairs, *(("", answer) for answer in body.distractors)]
        return {"pairs": make_pairs(entries)}, []

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        pairs = pairs_of(key)
        spec: dict[str, Any] = {"pairs": [[p["prompt"], p["answer"]] for p in pairs if p["prompt"]]}
        distractors = [pair["answer"] for pair in pairs if not pair["prompt"]]
        if distractors:
            spec["distractors"] = distractors
        return spec

    # Authoring

    def key_fields(self) -> dict[str, forms.Field]:
        return {
            "pairs": RowsField(
                [
                    Column("id", "Id", "hidden"),
                    Column("prompt", "Prompt"),
                    Column("answer", "Its answer", key=True),
                ],
                label="Pairs",
                row_label="Pair",
                extra=3,
                help_text="Leave the prompt empty for an extra answer that matches nothing.",
            )
        }

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"pairs": [dict(pair) for pair in pairs_of(key)]}

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        rows = cleaned.get("pairs") or []
        ids = form_ids(rows, pairs_of(old))
        return {
            "pairs": [
                Pair(id=pair_id, prompt=row["prompt"], answer=row["answer"])
                for pair_id, row in zip(ids, rows, strict=True)
            ]
        }

    def draft_fields(self) -> dict[str, forms.Field]:
        return {
            "pairs": forms.CharField(
                label="Pairs",
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text="One pair per line: prompt = answer.",
            )
        }

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"pairs": "\n".join(f"{p} = {a}" for p, a in data.get("pairs", []))}

    def check_draft(self, cleaned: Mapping[str, Any]) -> dict[str, str]:
        if "pairs" not in cleaned:
            return {}
        pairs = []
        for line in [
            " ".join(line.split()) for line in cleaned["pairs"].splitlines() if line.strip()
        ]:
            prompt, sep, answer = line.partition("=")
            if not sep or not prompt.strip() or not answer.strip():
                return {"pairs": f"Write each pair as 'prompt = answer': {line!r}."}
            pairs.append((prompt.strip(), answer.strip()))
        if len(pairs) < 2:
            return {"pairs": "A matching question needs at least two pairs."}
        if len({same_text(answer) for _, answer in pairs}) != len(pairs):
            return {"pairs": "Two pairs have the same answer."}
        return {}

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        pairs = []
        for line in cleaned["pairs"].splitlines():
            prompt, _, answer = " ".join(line.split()).partition("=")
            if prompt.strip() and answer.strip():
                pairs.append([prompt.strip(), answer.strip()])
        return {"pairs": pairs}


KIND = Matching()
