"""The answer form every kind's form builds on, drawn by the attempt page from plain values.

Answer forms are built from the response's snapshot, never from the live question, so later
edits to a question cannot change what an attempt shows or accepts.

The browser never sees an option's id. Ids are handed out in the order the instructor wrote
the options, so they would give the key away (sorted ordering items, the first-written correct
choice, a matching prompt and its answer sharing a pair's id). Controls are named and valued by
their place in the attempt's display order instead, and mapped back here.
"""

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

CHECKED = mark_safe(" checked")
SELECTED = mark_safe(" selected")


def tokens(items: Sequence[Mapping[str, Any]], prefix: str) -> dict[str, str]:
    """Form value -> stored id, by place in the display order: {"o1": "<id>", "o2": ...}."""
    return {f"{prefix}{number}": item["id"] for number, item in enumerate(items, start=1)}


def token_of(items: Sequence[Mapping[str, Any]], prefix: str, item_id: Any) -> str | None:
    return next((token for token, i in tokens(items, prefix).items() if i == item_id), None)


class AnswerForm(forms.Form):
    """One question's answer; `answer()` gives the value Response.save_answer stores."""

    # What the page says above the controls, and before each control's label (for a screen
    # reader only).
    hint: ClassVar[str] = ""
    label_prefix_hidden: ClassVar[str] = ""

    def __init__(
        self, *args: Any, snapshot: Mapping[str, Any], saved_answer: Any = None, **kwargs: Any
    ):
        self.snapshot = snapshot
        super().__init__(*args, **kwargs)
        self.add_answer_fields(saved_answer)

    def add_answer_fields(self, saved_answer: Any) -> None:
        raise NotImplementedError

    def answer(self) -> Any:
        return self.cleaned_data["answer"]

    def is_blank(self) -> bool:
        """Nothing given in any control: leaving the question then stores nothing."""
        for name, field in self.fields.items():
            value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            values = value if isinstance(value, list | tuple) else [value]
            if any(str(item).strip() for item in values if item is not None):
                return False
        return True

    @staticmethod
    def data_for(snapshot: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        """The form data a student sends for an answer in its stored form (ids), for tests and
        scripts that drive the site as a browser would."""
        raise NotImplementedError

    def controls(self) -> list[dict[str, Any]]:
        """Each field as plain values (name, id, label, value, attributes) and its choices as
        HTML (`choices_html`), from which the kind's template draws the controls.

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
            choices_html: SafeString
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
        return list(
            dict.fromkeys(str(message) for errors in self.errors.values() for message in errors)
        )


class ChoiceAnswerForm(AnswerForm):
    """One radio button per option: single choice and true/false."""

    hint = "Choose one answer."

    def add_answer_fields(self, saved_answer: Any) -> None:
        options = self.snapshot["options"]
        self.fields["answer"] = forms.ChoiceField(
            label="Your answer",
            choices=[
                (token, option["text"])
                for token, option in zip(tokens(options, "o"), options, strict=True)
            ],
            widget=forms.RadioSelect,
            initial=token_of(options, "o", saved_answer),
            error_messages={
                "required": "Choose an answer.",
                "invalid_choice": "Choose one of the options shown.",
            },
        )

    def answer(self) -> str:
        return tokens(self.snapshot["options"], "o")[self.cleaned_data["answer"]]

    @staticmethod
    def data_for(snapshot: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        return {"answer": token_of(snapshot["options"], "o", answer)}


class TextAnswerForm(AnswerForm):
    """One text box."""

    label = "Your answer"
    max_length = 200
    required_message = "Type your answer."
    widget_attrs: ClassVar[dict[str, str]] = {"autocomplete": "off", "spellcheck": "false"}

    def add_answer_fields(self, saved_answer: Any) -> None:
        self.fields["answer"] = forms.CharField(
            label=self.label,
            max_length=self.max_length,
            initial=saved_answer,
            widget=forms.TextInput(attrs=dict(self.widget_attrs)),
            error_messages={"required": self.required_message},
        )

    @staticmethod
    def data_for(snapshot: Mapping[str, Any], answer: Any) -> dict[str, Any]:
        return {"answer": answer}
