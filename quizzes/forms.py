"""Forms: answering questions, signing up."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.forms.utils import flatatt
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from quizzes import grading


class SignupForm(UserCreationForm):
    """A username and a password typed twice; nothing else is needed to take quizzes."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


# Answering a question: built from the response's snapshot, never from the live Question, so
# later edits to a question cannot change what an attempt shows or accepts.
#
# The browser never sees an option's id. Ids are database keys handed out in the order the
# instructor wrote the options, so they would give the key away (sorted ordering items, the
# first-written correct choice, a matching prompt and its answer sharing a pair's id). Controls are
# named and valued by their place in the attempt's display order instead, and mapped back here.


def _tokens(items: list[dict], prefix: str) -> dict[str, str]:
    """Form value -> stored id, by place in the display order: {"o1": "<id>", "o2": ...}."""
    return {f"{prefix}{number}": item["id"] for number, item in enumerate(items, start=1)}


def _token_of(items: list[dict], prefix: str, item_id) -> str | None:
    return next((token for token, i in _tokens(items, prefix).items() if i == item_id), None)


CHECKED = mark_safe(" checked")
SELECTED = mark_safe(" selected")


class AnswerForm(forms.Form):
    """One question's answer; `answer()` gives the value Response.save_answer stores."""

    # How the template lays the controls out: "options" (one radio/checkbox group), "text"
    # (one text box) or "selects" (one labelled select per item).
    layout = "options"

    def __init__(self, *args, snapshot: dict, saved_answer=None, **kwargs):
        self.snapshot = snapshot
        super().__init__(*args, **kwargs)
        self.add_answer_fields(saved_answer)

    def add_answer_fields(self, saved_answer) -> None:
        raise NotImplementedError

    def answer(self):
        return self.cleaned_data["answer"]

    def controls(self) -> list[dict]:
        """Each field as plain values (name, id, label, value, attributes) and its choices as
        HTML (`choices_html`), from which the attempt template draws the controls.

        Django's widget templates cost 0.1 ms (a text box) to 1 ms (a matching question's
        selects), and a template loop over the choices still cost 0.1 ms per choice: the
        choices, the only repeated markup, are joined here.
        """
        controls = []
        for bound in self:
            widget = bound.field.widget
            value = bound.value()
            values = value if isinstance(value, list) else [value]
            chosen = {str(item) for item in values if item is not None}
            attrs = flatatt(
                bound.build_widget_attrs(widget.attrs | bound.field.widget_attrs(widget))
            )
            input_type = getattr(widget, "input_type", "select")
            choices = list(enumerate(getattr(bound.field, "choices", ())))
            if input_type == "select":
                choices_html = format_html_join(
                    "",
                    '<option value="{}"{}>{}</option>',
                    (
                        (choice, SELECTED if choice in chosen else "", label)
                        for _, (choice, label) in choices
                    ),
                )
            else:
                choices_html = format_html_join(
                    "\n",
                    '<div class="option"><input type="{}" name="{}" value="{}" id="{}"{}{}>'
                    '<label for="{}">{}</label></div>',
                    (
                        (
                            input_type,
                            bound.html_name,
                            choice,
                            f"{bound.auto_id}_{number}",
                            attrs,
                            CHECKED if choice in chosen else "",
                            f"{bound.auto_id}_{number}",
                            label,
                        )
                        for number, (choice, label) in choices
                    ),
                )
            controls.append(
                {
                    "name": bound.html_name,
                    "id": bound.auto_id,
                    "label": bound.label,
                    "value": "" if value is None else value,
                    "attrs": attrs,
                    "choices_html": choices_html,
                }
            )
        return controls

    def error_summary(self) -> list[str]:
        """Each distinct error once: every empty select of a matching question says the same."""
        return list(dict.fromkeys(message for errors in self.errors.values() for message in errors))


class SingleChoiceAnswerForm(AnswerForm):
    def add_answer_fields(self, saved_answer) -> None:
        options = self.snapshot["options"]
        self.fields["answer"] = forms.ChoiceField(
            label="Your answer",
            choices=[
                (token, option["text"])
                for token, option in zip(_tokens(options, "o"), options, strict=True)
            ],
            widget=forms.RadioSelect,
            initial=_token_of(options, "o", saved_answer),
            error_messages={
                "required": "Choose an answer.",
                "invalid_choice": "Choose one of the options shown.",
            },
        )

    def answer(self):
        return _tokens(self.snapshot["options"], "o")[self.cleaned_data["answer"]]

    @staticmethod
    def data_for(snapshot: dict, answer) -> dict:
        return {"answer": _token_of(snapshot["options"], "o", answer)}


class MultipleResponseAnswerForm(AnswerForm):
    def add_answer_fields(self, saved_answer) -> None:
        options = self.snapshot["options"]
        saved = saved_answer if isinstance(saved_answer, list) else []
        self.fields["answer"] = forms.MultipleChoiceField(
            label="Your answer",
            choices=[
                (token, option["text"])
                for token, option in zip(_tokens(options, "o"), options, strict=True)
            ],
            widget=forms.CheckboxSelectMultiple,
            initial=[_token_of(options, "o", option_id) for option_id in saved],
            error_messages={
                "required": "Choose at least one option.",
                "invalid_choice": "Choose only among the options shown.",
            },
        )

    def answer(self):
        # Stored in display order, so the same picks always store the same value.
        picked = set(self.cleaned_data["answer"])
        return [
            option_id
            for token, option_id in _tokens(self.snapshot["options"], "o").items()
            if token in picked
        ]

    @staticmethod
    def data_for(snapshot: dict, answer) -> dict:
        return {"answer": [_token_of(snapshot["options"], "o", option_id) for option_id in answer]}


class ShortAnswerForm(AnswerForm):
    layout = "text"

    def add_answer_fields(self, saved_answer) -> None:
        self.fields["answer"] = forms.CharField(
            label="Your answer",
            max_length=200,
            initial=saved_answer,
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            error_messages={"required": "Type your answer."},
        )

    @staticmethod
    def data_for(snapshot: dict, answer) -> dict:
        return {"answer": answer}


class NumericAnswerForm(AnswerForm):
    layout = "text"

    def add_answer_fields(self, saved_answer) -> None:
        self.fields["answer"] = forms.CharField(
            label="Your answer (a number)",
            max_length=50,
            initial=saved_answer,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            error_messages={"required": "Enter a number, e.g. 1922"},
        )

    def clean_answer(self) -> str:
        # Keep the text as typed (the review shows it), but only if it reads as a number.
        text = self.cleaned_data["answer"]
        if grading.parse_number(text) is None:
            raise forms.ValidationError("Enter a number, e.g. 1922")
        return text

    @staticmethod
    def data_for(snapshot: dict, answer) -> dict:
        return {"answer": answer}


class OrderingAnswerForm(AnswerForm):
    """One "position 1..n" select per item: answerable by keyboard, no dragging needed."""

    layout = "selects"

    def add_answer_fields(self, saved_answer) -> None:
        fields = {
            item_id: name for name, item_id in _tokens(self.snapshot["options"], "item_").items()
        }
        items = list(self.snapshot["options"])
        if isinstance(saved_answer, list) and sorted(saved_answer) == sorted(fields):
            # List the items in the student's saved order, so the page reads as they left it.
            by_id = {item["id"]: item for item in items}
            items = [by_id[item_id] for item_id in saved_answer]
        positions = [(str(n), str(n)) for n in range(1, len(items) + 1)]
        for number, item in enumerate(items, start=1):
            self.fields[fields[item["id"]]] = forms.TypedChoiceField(
                label=item["text"],
                choices=positions,
                coerce=int,
                initial=str(number),
                error_messages={
                    "required": "Give every item a position.",
                    "invalid_choice": "Choose a position from the list.",
                },
            )

    def clean(self):
        cleaned = super().clean()
        positions = [cleaned.get(name) for name in _tokens(self.snapshot["options"], "item_")]
        if None not in positions and len(set(positions)) != len(positions):
            raise forms.ValidationError(
                "Give each item a different position (1 to %(n)s).", params={"n": len(positions)}
            )
        return cleaned

    def answer(self) -> list[str]:
        fields = _tokens(self.snapshot["options"], "item_")
        return [fields[name] for name in sorted(fields, key=lambda name: self.cleaned_data[name])]

    @staticmethod
    def data_for(snapshot: dict, answer) -> dict:
        return {
            _token_of(snapshot["options"], "item_", item_id): str(position)
            for position, item_id in enumerate(answer, start=1)
        }


class MatchingAnswerForm(AnswerForm):
    """One select per prompt, listing the targets in the snapshot's order."""

    layout = "selects"

    def add_answer_fields(self, saved_answer) -> None:
        saved = saved_answer if isinstance(saved_answer, dict) else {}
        targets = self.snapshot["targets"]
        choices = [("", "Choose…")] + [
            (token, target["text"])
            for token, target in zip(_tokens(targets, "t"), targets, strict=True)
        ]
        for name, prompt in zip(
            _tokens(self.snapshot["prompts"], "match_"), self.snapshot["prompts"], strict=True
        ):
            self.fields[name] = forms.ChoiceField(
                label=prompt["text"],
                choices=choices,
                initial=_token_of(targets, "t", saved.get(prompt["id"])) or "",
                error_messages={
                    "required": "Choose a match for every item.",
                    "invalid_choice": "Choose a match from the list.",
                },
            )

    def answer(self) -> dict[str, str]:
        targets = _tokens(self.snapshot["targets"], "t")
        return {
            prompt_id: targets[self.cleaned_data[name]]
            for name, prompt_id in _tokens(self.snapshot["prompts"], "match_").items()
        }

    @staticmethod
    def data_for(snapshot: dict, answer) -> dict:
        return {
            name: _token_of(snapshot["targets"], "t", answer.get(prompt_id)) or ""
            for name, prompt_id in _tokens(snapshot["prompts"], "match_").items()
        }


ANSWER_FORMS = {
    grading.SINGLE_CHOICE: SingleChoiceAnswerForm,
    grading.TRUE_FALSE: SingleChoiceAnswerForm,
    grading.MULTIPLE_RESPONSE: MultipleResponseAnswerForm,
    grading.SHORT_ANSWER: ShortAnswerForm,
    grading.NUMERIC: NumericAnswerForm,
    grading.ORDERING: OrderingAnswerForm,
    grading.MATCHING: MatchingAnswerForm,
}


def answer_data(snapshot: dict, answer) -> dict:
    """The form data a student sends for an answer in its stored form (ids), for tests and
    scripts that drive the site as a browser would."""
    return ANSWER_FORMS[snapshot["kind"]].data_for(snapshot, answer)


def answer_form(response, data=None) -> AnswerForm:
    """The answer form for one response of an attempt, showing the answer saved so far."""
    form_class = ANSWER_FORMS[response.snapshot["kind"]]
    return form_class(
        data,
        snapshot=response.snapshot,
        saved_answer=response.answer,
    )


class SaveForm(forms.Form):
    """How an answer is being saved: its version (app.js sends one) and whether it is autosave.

    Without a version (a plain post without JavaScript) the server's clock in ms stands in.
    """

    seq = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    autosave = forms.BooleanField(required=False)


class FlagForm(forms.Form):
    """Flag a question for review, or clear the flag (explicit, so a replayed POST is harmless)."""

    flagged = forms.BooleanField(required=False)


# Instructor reports: choosing what to analyse, filtering the gradebook, regrading.


class AnalysisForm(forms.Form):
    """Which attempts of each student the item analysis and the heatmap use."""

    attempts = forms.ChoiceField(label="Analyse", required=False)

    def __init__(self, *args, **kwargs):
        from quizzes.reports import ATTEMPT_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["attempts"].choices = list(ATTEMPT_CHOICES.items())


class GradebookForm(forms.Form):
    """Search, filter and sort the gradebook (a GET form: it works without JavaScript)."""

    q = forms.CharField(label="Student", required=False, max_length=150)
    status = forms.ChoiceField(label="Show", required=False)
    sort = forms.ChoiceField(required=False)
    desc = forms.BooleanField(label="Descending", required=False)

    def __init__(self, *args, **kwargs):
        from quizzes.reports import SORTS, STATUSES

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(STATUSES.items())
        self.fields["sort"].choices = [(name, name) for name in SORTS]


class RegradeForm(forms.Form):
    """A regrade of the whole quiz or one question; "preview" is the dry run."""

    question = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Every question of the quiz"
    )
    mode = forms.ChoiceField(widget=forms.RadioSelect, label="How")
    note = forms.CharField(
        required=False,
        max_length=300,
        label="Note to students (optional)",
        help_text="Shown on the results of every student whose marks change.",
    )
    action = forms.ChoiceField(
        choices=[("preview", "Dry run"), ("apply", "Regrade")], widget=forms.HiddenInput
    )

    def __init__(self, *args, quiz, **kwargs):
        from quizzes.models import Question, Regrade

        super().__init__(*args, **kwargs)
        self.fields["question"].queryset = Question.objects.filter(quiz_slots__quiz=quiz).order_by(
            "quiz_slots__position"
        )
        self.fields["mode"].choices = Regrade.Mode.choices

    def clean(self):
        from quizzes.models import Regrade

        cleaned = super().clean()
        if cleaned.get("mode") == Regrade.Mode.FULL_MARKS and not cleaned.get("question"):
            self.add_error("question", "Choose the question to give full marks for.")
        return cleaned
