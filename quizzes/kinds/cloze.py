"""Cloze (embedded answers): a passage with gaps, each a short answer, a number or a drop-down.

Authored in Moodle's Cloze syntax, which the key keeps as written: {"markup": "The school at
{1:SHORTANSWER:=Lipetsk~=Lipezk} opened in {2:NUMERICAL:=1925:0}; tanks went to
{1:MULTICHOICE:=Kazan~Volsk~Lipetsk}."}. A gap is {marks:TYPE:answers}: answers are separated by
~, "=" marks an answer right and "%50%" half right, "#" starts its feedback, and a backslash
escapes } ~ # and itself. Types: SHORTANSWER (SA, MW; _C for case-sensitive: SHORTANSWER_C,
SAC, MWC), with * as a wildcard; NUMERICAL (NM), "value:tolerance"; MULTICHOICE (MC: a drop-down;
_V and _H: radio buttons; _S suffixes shuffle). MULTIRESPONSE is refused with the reason.

Snapshot: "parts", the passage as text strings and {"gap": n} markers, and "gaps", each
{"n", "type", "marks", "display", "case_sensitive", "answers" | "options" + "fractions"}, options in
display order. An answer is {"<n>": typed text or option id} per gap. Grading: each gap earns
its marks times the fraction of the best answer it matches; the question, the share of its marks.
"""

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms

from quizzes.exchange import portable
from quizzes.grading import normalise_text, parse_number
from quizzes.kinds.answering import AnswerForm, token_of, tokens
from quizzes.kinds.base import (
    Key,
    KeyFormatError,
    KeySummary,
    QuestionKind,
    Snapshot,
    merge_by_id,
    number_text,
)

# Moodle's type names: (our type, display, case-sensitive, shuffled).
TYPES: dict[str, tuple[str, str, bool, bool]] = {}
for _names, _type, _display, _case in [
    (("SHORTANSWER", "SA", "MW"), "shortanswer", "text", False),
    (("SHORTANSWER_C", "SAC", "MWC"), "shortanswer", "text", True),
    (("NUMERICAL", "NM"), "numerical", "text", False),
    (("MULTICHOICE", "MC"), "multichoice", "dropdown", False),
    (("MULTICHOICE_V", "MCV"), "multichoice", "vertical", False),
    (("MULTICHOICE_H", "MCH"), "multichoice", "horizontal", False),
]:
    for _name in _names:
        TYPES[_name] = (_type, _display, _case, False)
for _name, _short, _display in [
    ("MULTICHOICE_S", "MCS", "dropdown"),
    ("MULTICHOICE_VS", "MCVS", "vertical"),
    ("MULTICHOICE_HS", "MCHS", "horizontal"),
]:
    TYPES[_name] = TYPES[_short] = ("multichoice", _display, False, True)
UNSUPPORTED = {
    "MULTIRESPONSE",
    "MR",
    "MULTIRESPONSE_H",
    "MRH",
    "MULTIRESPONSE_S",
    "MRS",
    "MULTIRESPONSE_HS",
    "MRHS",
}
_HEADER = re.compile(r"\{(\d*):([A-Za-z_]+):")
_FRACTION = re.compile(r"%(-?\d+(?:\.\d+)?)%")
SPECIAL = "}~#\\"
WILDCARD = "\ue000"  # a private-use character, never typed


class ClozeSyntaxError(ValueError):
    """Markup that is not Moodle's Cloze syntax; the message says where and why."""


@dataclass
class Answer:
    text: str
    fraction: float
    feedback: str = ""


@dataclass
class Gap:
    number: int
    type: str  # shortanswer, numerical, multichoice
    marks: int
    display: str = "text"  # text, dropdown, vertical, horizontal
    case_sensitive: bool = False
    shuffle: bool = False
    answers: list[Answer] = field(default_factory=list)
    source: str = ""  # the type name as written, to write it back


@dataclass
class Passage:
    parts: list[str | Gap]

    @property
    def gaps(self) -> list[Gap]:
        return [part for part in self.parts if isinstance(part, Gap)]


def _split(text: str, separator: str) -> list[str]:
    """Split at unescaped separators, keeping escapes (they are undone later)."""
    pieces, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            pieces.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    pieces.append("".join(current))
    return pieces


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def escape(text: str) -> str:
    return "".join("\\" + char if char in SPECIAL else char for char in text)


def _closing(markup: str, start: int) -> int:
    """The index of the unescaped } that closes the gap opened at `start`, or -1."""
    index = start
    while index < len(markup):
        if markup[index] == "\\":
            index += 2
            continue
        if markup[index] == "}":
            return index
        index += 1
    return -1


def parse(markup: str) -> Passage:
    """The passage and its gaps; ClozeSyntaxError for markup that cannot be read."""
    parts: list[str | Gap] = []
    text: list[str] = []
    index = 0
    while index < len(markup):
        header = _HEADER.match(markup, index) if markup[index] == "{" else None
        if header is None:
            text.append(markup[index])
            index += 1
            continue
        number = len([part for part in parts if isinstance(part, Gap)]) + 1
        end = _closing(markup, header.end())
        if end < 0:
            raise ClozeSyntaxError(f"Gap {number} (at character {index + 1}) has no closing }}.")
        if text:
            parts.append("".join(text))
            text = []
        parts.append(_gap(number, header.group(1), header.group(2), markup[header.end() : end]))
        index = end + 1
    if text:
        parts.append("".join(text))
    return Passage(parts=parts)


def _gap(number: int, weight: str, type_name: str, body: str) -> Gap:
    where = f"Gap {number}"
    name = type_name.upper()
    if name in UNSUPPORTED:
        raise ClozeSyntaxError(
            f"{where}: {type_name} gaps (several answers ticked) are not supported here; make a "
            "multiple-response question, or a MULTICHOICE gap."
        )
    if name not in TYPES:
        raise ClozeSyntaxError(
            f"{where}: unknown gap type {type_name!r}; use SHORTANSWER, NUMERICAL or MULTICHOICE."
        )
    kind, display, case_sensitive, shuffle = TYPES[name]
    marks = int(weight) if weight else 1
    if marks < 1:
        raise ClozeSyntaxError(f"{where}: its marks must be 1 or more.")
    answers = []
    for raw in _split(body, "~"):
        fraction = 0.0
        if raw.startswith("="):
            fraction, raw = 1.0, raw[1:]
        elif match := _FRACTION.match(raw):
            fraction, raw = float(match.group(1)) / 100, raw[match.end() :]
            if not -1 <= fraction <= 1:
                raise ClozeSyntaxError(f"{where}: a weight must be between -100% and 100%.")
        answer, *feedback = _split(raw, "#")
        if not answer.strip():
            if fraction or feedback:
                raise ClozeSyntaxError(f"{where}: an answer is empty.")
            continue
        answers.append(
            Answer(
                text=_unescape(answer).strip(),
                fraction=fraction,
                feedback=_unescape("#".join(feedback)).strip(),
            )
        )
    return Gap(
        number=number,
        type=kind,
        marks=marks,
        display=display,
        case_sensitive=case_sensitive,
        shuffle=shuffle,
        answers=answers,
        source=name,
    )


def write(cloze: Passage) -> str:
    """The markup of a passage and its gaps: parse(write(c)) gives c again."""
    out = []
    for part in cloze.parts:
        if isinstance(part, str):
            out.append(part)
            continue
        answers = []
        for answer in part.answers:
            prefix = (
                "="
                if answer.fraction == 1
                else f"%{number_text(round(answer.fraction * 100, 5))}%"
                if answer.fraction
                else ""
            )
            feedback = f"#{escape(answer.feedback)}" if answer.feedback else ""
            answers.append(prefix + escape(answer.text) + feedback)
        out.append(f"{{{part.marks}:{part.source or _type_name(part)}:{'~'.join(answers)}}}")
    return "".join(out)


def _type_name(gap: Gap) -> str:
    if gap.type == "shortanswer":
        return "SHORTANSWER_C" if gap.case_sensitive else "SHORTANSWER"
    if gap.type == "numerical":
        return "NUMERICAL"
    suffix = {"dropdown": "", "vertical": "_V", "horizontal": "_H"}[gap.display]
    return "MULTICHOICE" + suffix + ("S" if gap.shuffle and suffix else "_S" if gap.shuffle else "")


def numeric_answer(text: str) -> tuple[float, float] | None:
    """An answer of a NUMERICAL gap, "1925:2", as (value, tolerance); None if not numbers."""
    value_text, _, tolerance_text = text.partition(":")
    value = parse_number(value_text)
    tolerance = parse_number(tolerance_text) if tolerance_text.strip() else 0.0
    if value is None or tolerance is None or tolerance < 0:
        return None
    return value, tolerance


def gap_problems(gap: Gap) -> list[str]:
    where = f"Gap {gap.number}"
    problems = []
    if not any(answer.fraction == 1 for answer in gap.answers):
        problems.append(f"{where}: no answer is marked right (start one with =).")
    if gap.type == "numerical":
        for answer in gap.answers:
            if numeric_answer(answer.text) is None:
                problems.append(
                    f"{where}: “{answer.text}” is not a number with its tolerance (1925:2)."
                )
    if gap.type == "multichoice":
        texts = [" ".join(answer.text.split()).casefold() for answer in gap.answers]
        if len(texts) < 2:
            problems.append(f"{where}: a choice gap needs at least two options.")
        if len(set(texts)) != len(texts):
            problems.append(f"{where}: two options have the same text.")
    if gap.type == "shortanswer" and not any(normalise_text(a.text) for a in gap.answers):
        problems.append(f"{where}: it needs an accepted answer.")
    return problems


def matches(pattern: str, given: str, *, case_sensitive: bool) -> bool:
    """A typed answer against an accepted one, where * stands for any text (Moodle's)."""
    fold = (lambda text: " ".join(text.split()).strip()) if case_sensitive else normalise_text
    if "*" not in pattern:
        return fold(pattern) == fold(given)
    # The stars are kept out of the folding, which strips punctuation at the ends.
    pieces = fold(pattern.replace("*", WILDCARD)).split(WILDCARD)
    regex = ".*".join(re.escape(piece) for piece in pieces)
    return re.fullmatch(regex, fold(given), flags=re.DOTALL) is not None


def grade_gap(gap: Mapping[str, Any], given: Any) -> float:
    """The fraction of a gap's marks an answer earns (the best answer it matches), 0 to 1."""
    if given is None or given == "":
        return 0.0
    if gap["type"] == "multichoice":
        return max(0.0, min(1.0, float(gap["fractions"].get(str(given), 0.0))))
    if gap["type"] == "numerical":
        number = parse_number(str(given))
        if number is None:
            return 0.0
        fractions = [
            a["fraction"]
            for a in gap["answers"]
            if abs(number - a["value"]) <= abs(a["tolerance"]) + 1e-9
        ]
    else:
        fractions = [
            a["fraction"]
            for a in gap["answers"]
            if matches(a["text"], str(given), case_sensitive=gap["case_sensitive"])
        ]
    return max(0.0, min(1.0, max(fractions, default=0.0)))


def grade_cloze(gaps: Sequence[Mapping[str, Any]], given: Mapping[str, Any]) -> float:
    """The share of the question's marks: each gap's marks times its fraction."""
    total = sum(gap["marks"] for gap in gaps)
    if not total or not isinstance(given, Mapping):
        return 0.0
    earned = sum(gap["marks"] * grade_gap(gap, given.get(str(gap["n"]))) for gap in gaps)
    return max(0.0, min(1.0, float(earned) / float(total)))


def snapshot_gap(gap: Gap, rng: random.Random | None, seed: int = 0) -> dict[str, Any]:
    frozen: dict[str, Any] = {
        "n": gap.number,
        "type": gap.type,
        "marks": gap.marks,
        "display": gap.display,
        "case_sensitive": gap.case_sensitive,
    }
    feedback: dict[str, str] = {}
    if gap.type == "multichoice":
        options = [
            {"id": str(number), "text": answer.text}
            for number, answer in enumerate(gap.answers, start=1)
        ]
        # Shuffled when the quiz shuffles its options, and always for the _S types.
        if rng is not None or gap.shuffle:
            (rng or random.Random(seed * 1000 + gap.number)).shuffle(options)
        frozen["options"] = options
        frozen["fractions"] = {
            str(number): answer.fraction for number, answer in enumerate(gap.answers, start=1)
        }
        feedback = {
            str(number): answer.feedback
            for number, answer in enumerate(gap.answers, start=1)
            if answer.feedback
        }
    elif gap.type == "numerical":
        frozen["answers"] = []
        for number, answer in enumerate(gap.answers, start=1):
            value, tolerance = numeric_answer(answer.text) or (0.0, 0.0)
            frozen["answers"].append(
                {"value": value, "tolerance": tolerance, "fraction": answer.fraction}
            )
            if answer.feedback:
                feedback[str(number)] = answer.feedback
    else:
        frozen["answers"] = [
            {"text": answer.text, "fraction": answer.fraction} for answer in gap.answers
        ]
        feedback = {
            str(number): answer.feedback
            for number, answer in enumerate(gap.answers, start=1)
            if answer.feedback
        }
    if feedback:
        frozen["feedback"] = feedback
    return frozen


def right_text(gap: Mapping[str, Any]) -> str:
    """A gap's right answers in words: "Lipetsk (or Lipezk)", "1925 (± 1)", "Kazan"."""
    if gap["type"] == "multichoice":
        names = {option["id"]: option["text"] for option in gap["options"]}
        right = [names[i] for i, fraction in gap["fractions"].items() if fraction == 1]
    elif gap["type"] == "numerical":
        right = [
            f"{number_text(a['value'])} (± {number_text(a['tolerance'])})"
            if a["tolerance"]
            else number_text(a["value"])
            for a in gap["answers"]
            if a["fraction"] == 1
        ]
    else:
        right = [a["text"] for a in gap["answers"] if a["fraction"] == 1]
    if not right:
        return "—"
    return str(right[0]) + (f" (or {', '.join(map(str, right[1:]))})" if len(right) > 1 else "")


def given_text(gap: Mapping[str, Any], given: Any) -> str:
    if given is None or given == "":
        return "no answer"
    if gap["type"] == "multichoice":
        names = {str(option["id"]): str(option["text"]) for option in gap["options"]}
        return names.get(str(given), str(given))
    return str(given)


class ClozeAnswerForm(AnswerForm):
    """One control per gap, in the passage: a text box, or a drop-down or radio buttons."""

    hint = "Fill in each gap."

    def add_answer_fields(self, saved_answer: Any) -> None:
        saved = saved_answer if isinstance(saved_answer, dict) else {}
        gaps = self.snapshot["gaps"]
        for gap in gaps:
            number = gap["n"]
            label = f"Gap {number} of {len(gaps)}"
            previous = saved.get(str(number))
            if gap["type"] == "multichoice":
                options = gap["options"]
                choices = [
                    (token, option["text"])
                    for token, option in zip(tokens(options, "o"), options, strict=True)
                ]
                self.fields[f"gap_{number}"] = forms.ChoiceField(
                    label=label,
                    choices=[("", "Choose…"), *choices]
                    if gap["display"] == "dropdown"
                    else choices,
                    required=False,
                    initial=token_of(options, "o", previous) or "",
                    widget=forms.Select if gap["display"] == "dropdown" else forms.RadioSelect,
                    error_messages={"invalid_choice": f"{label}: choose one of the options."},
                )
            else:
                numeric = gap["type"] == "numerical"
                self.fields[f"gap_{number}"] = forms.CharField(
                    label=label,
                    required=False,
                    max_length=50 if numeric else 200,
                    initial=previous or "",
                    widget=forms.TextInput(
                        attrs={
                            "autocomplete": "off",
                            "spellcheck": "false",
                            "size": "12",
                            **({"inputmode": "decimal"} if numeric else {}),
                        }
                    ),
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for gap in self.snapshot["gaps"]:
            name = f"gap_{gap['n']}"
            value = cleaned.get(name)
            if gap["type"] == "numerical" and value and parse_number(value) is None:
                self.add_error(name, f"Gap {gap['n']}: enter a number, e.g. 1922")
        if not any(cleaned.get(f"gap_{gap['n']}") for gap in self.snapshot["gaps"]):
            raise forms.ValidationError("Fill in at least one gap.")
        return cleaned

    def answer(self) -> dict[str, str]:
        answer = {}
        for gap in self.snapshot["gaps"]:
            value = self.cleaned_data.get(f"gap_{gap['n']}") or ""
            if gap["type"] == "multichoice" and value:
                value = tokens(gap["options"], "o")[value]
            answer[str(gap["n"])] = value
        return answer

    @staticmethod
    def data_for(snapshot: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        data = {}
        for gap in snapshot["gaps"]:
            given = (answer or {}).get(str(gap["n"]), "")
            if gap["type"] == "multichoice":
                given = token_of(gap["options"], "o", given) or ""
            data[f"gap_{gap['n']}"] = given
        return data

    def controls(self) -> list[dict[str, Any]]:
        """The passage in order: its text ({"text": ..., "is_text": True}) and each gap's
        control."""
        by_name = {control["name"]: control for control in super().controls()}
        gaps = {gap["n"]: gap for gap in self.snapshot["gaps"]}
        laid_out: list[dict[str, Any]] = []
        for part in self.snapshot["parts"]:
            if isinstance(part, str):
                laid_out.append({"text": part, "is_text": True})
            else:
                gap = gaps[part["gap"]]
                control = dict(by_name[f"gap_{gap['n']}"])
                control["display"] = gap["display"]
                control["numeric"] = gap["type"] == "numerical"
                laid_out.append(control)
        return laid_out


class ClozeField(forms.CharField):
    """The passage in Cloze syntax, with buttons (cloze.js) that make the selected words a gap."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault(
            "widget",
            ClozeWidget(attrs={"rows": 8, "spellcheck": "false", "data-cloze-markup": ""}),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)


class ClozeWidget(forms.Textarea):
    template_name = "quizzes/kinds/cloze/markup_widget.html"

    class Media:
        js = ["quizzes/kinds/cloze.js"]


def _key_problems_of(markup: str) -> list[str]:
    if not markup.strip():
        return ["Write the passage with its gaps, e.g. The school at {1:SHORTANSWER:=Lipetsk}."]
    try:
        cloze = parse(markup)
    except ClozeSyntaxError as error:
        return [str(error)]
    if not cloze.gaps:
        return ["A cloze question needs a gap: write {1:SHORTANSWER:=answer} where it goes."]
    return [problem for gap in cloze.gaps for problem in gap_problems(gap)]


class ClozeKind(QuestionKind):
    name = "cloze"
    label = "Cloze (gaps in a passage)"
    draft_keys_passage = True
    description = (
        "A passage of the text with gaps: typed words, numbers or drop-downs, marked gap by gap."
    )
    order = 80
    answer_form = ClozeAnswerForm
    answer_template = "quizzes/kinds/cloze/answer.html"

    def empty_key(self) -> Key:
        return {"markup": ""}

    def problems(self, key: Mapping[str, Any]) -> list[str]:
        return _key_problems_of(str(key.get("markup", "")))

    def key_summary(self, key: Mapping[str, Any]) -> KeySummary:
        try:
            gaps = parse(str(key.get("markup", ""))).gaps
        except ClozeSyntaxError as error:
            return KeySummary("Gaps", ((str(error), False),))
        return KeySummary(
            "Gaps",
            tuple(
                (f"Gap {gap.number}: {right_text(snapshot_gap(gap, None))}", True) for gap in gaps
            ),
            ordered=True,
        )

    def snapshot(self, key: Mapping[str, Any], *, rng: random.Random | None, seed: int) -> Snapshot:
        cloze = parse(str(key.get("markup", "")))
        return {
            "parts": [
                part if isinstance(part, str) else {"gap": part.number} for part in cloze.parts
            ],
            "gaps": [snapshot_gap(gap, rng, seed) for gap in cloze.gaps],
        }

    def rekey(self, snapshot: Mapping[str, Any], live: Mapping[str, Any]) -> Snapshot:
        old = {gap["n"]: gap for gap in snapshot.get("gaps", [])}
        gaps = []
        for gap in live.get("gaps", []):
            previous = old.get(gap["n"])
            if previous is not None and "options" in gap and "options" in previous:
                gap = {**gap, "options": merge_by_id(previous["options"], gap["options"])}
            gaps.append(gap)
        return {**snapshot, "parts": live.get("parts", []), "gaps": gaps}

    def grade(self, snapshot: Mapping[str, Any], answer: Any) -> float:
        return grade_cloze(snapshot["gaps"], answer)

    def answer_lines(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        given = answer if isinstance(answer, dict) else {}
        return [
            f"Gap {gap['n']}: {given_text(gap, given.get(str(gap['n'])))}"
            for gap in snapshot["gaps"]
        ]

    def key_lines(self, snapshot: Mapping[str, Any]) -> list[str]:
        return [f"Gap {gap['n']}: {right_text(gap)}" for gap in snapshot["gaps"]]

    def feedback_for(self, snapshot: Mapping[str, Any], answer: Any) -> list[str]:
        given = answer if isinstance(answer, dict) else {}
        lines = []
        for gap in snapshot["gaps"]:
            feedback = gap.get("feedback") or {}
            value = given.get(str(gap["n"]))
            if not feedback or value in (None, ""):
                continue
            if gap["type"] == "multichoice":
                picked = [str(value)]
            elif gap["type"] == "numerical":
                number = parse_number(str(value))
                picked = [
                    str(i)
                    for i, a in enumerate(gap["answers"], start=1)
                    if number is not None and abs(number - a["value"]) <= a["tolerance"] + 1e-9
                ]
            else:
                picked = [
                    str(i)
                    for i, a in enumerate(gap["answers"], start=1)
                    if matches(a["text"], str(value), case_sensitive=gap["case_sensitive"])
                ]
            lines += [f"Gap {gap['n']}: {feedback[i]}" for i in picked[:1] if feedback.get(i)]
        return lines

    def right_answer(self, snapshot: Mapping[str, Any]) -> Any:
        answer = {}
        for gap in snapshot["gaps"]:
            if gap["type"] == "multichoice":
                best = max(gap["fractions"], key=lambda option: gap["fractions"][option])
                answer[str(gap["n"])] = best
            elif gap["type"] == "numerical":
                best_number = max(gap["answers"], key=lambda a: a["fraction"])
                answer[str(gap["n"])] = number_text(best_number["value"])
            else:
                best_text = max(gap["answers"], key=lambda a: a["fraction"])
                answer[str(gap["n"])] = best_text["text"].replace("*", "")
        return answer

    def wrong_answer(self, rng: random.Random, snapshot: Mapping[str, Any]) -> Any:
        answer = self.right_answer(snapshot)
        gap = rng.choice(snapshot["gaps"])
        if gap["type"] == "multichoice":
            wrong = [o for o, fraction in gap["fractions"].items() if fraction < 1]
            answer[str(gap["n"])] = rng.choice(wrong) if wrong else ""
        elif gap["type"] == "numerical":
            answer[str(gap["n"])] = number_text(gap["answers"][0]["value"] + 10**6)
        else:
            answer[str(gap["n"])] = "unsure"
        return answer

    # Conversions

    def key_from_draft(self, data: Mapping[str, Any]) -> Key:
        markup = data.get("markup")
        if not isinstance(markup, str):
            raise KeyFormatError('A cloze draft needs its "markup".')
        return {"markup": markup}

    def key_from_bank(self, spec: Mapping[str, Any]) -> Key:
        markup = spec.get("markup")
        if not isinstance(markup, str):
            raise KeyFormatError('"markup" must be the passage in Cloze syntax.')
        return {"markup": markup}

    def key_to_bank(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"markup": key.get("markup", "")}

    def to_portable(self, key: Mapping[str, Any]) -> portable.Body:
        return portable.Cloze(str(key.get("markup", "")))

    def from_portable(self, body: portable.Body) -> tuple[Key, list[str]] | None:
        if not isinstance(body, portable.Cloze):
            return None
        return {"markup": body.markup}, []

    # Authoring

    def key_fields(self) -> dict[str, forms.Field]:
        return {
            "cloze_markup": ClozeField(
                label="The passage with its gaps",
                help_text=(
                    "Select words and press a button to make them a gap, or write a gap as "
                    "{marks:TYPE:answers}: {1:SHORTANSWER:=Lipetsk~=Lipezk} (typed; ~ between "
                    "accepted answers), {1:NUMERICAL:=1925:0} (a number and its tolerance), "
                    "{1:MULTICHOICE:=Kazan~Volsk~Lipetsk} (a drop-down; = marks the right one). "
                    "%50% before an answer gives half marks, # starts its feedback."
                ),
            )
        }

    def key_initial(self, key: Mapping[str, Any]) -> dict[str, Any]:
        return {"cloze_markup": key.get("markup", "")}

    def key_from_form(self, cleaned: Mapping[str, Any], old: Mapping[str, Any]) -> Key:
        markup = str(cleaned.get("cloze_markup") or "").replace("\r\n", "\n").replace("\r", "\n")
        return {"markup": markup}

    def draft_fields(self) -> dict[str, forms.Field]:
        return {"markup": ClozeField(label="The passage with its gaps", required=True)}

    def draft_initial(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {"markup": data.get("markup", "")}

    def check_draft(self, cleaned: Mapping[str, Any]) -> dict[str, str]:
        if "markup" not in cleaned:
            return {}
        problems = _key_problems_of(cleaned["markup"])
        return {"markup": " ".join(problems)} if problems else {}

    def draft_key(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        return {"markup": cleaned["markup"].replace("\r\n", "\n")}


KIND = ClozeKind()
