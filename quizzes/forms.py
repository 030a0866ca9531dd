"""Forms: answering questions, signing up."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from quizzes import grading


class SignupForm(UserCreationForm):
    """A username and a password typed twice; nothing else is needed to take quizzes."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)


# Answering a question: built from the response's snapshot, never from the live Question, so
# later edits to a question cannot change what an attempt shows or accepts.


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

    def error_summary(self) -> list[str]:
        """Each distinct error once: every empty select of a matching question says the same."""
        return list(dict.fromkeys(message for errors in self.errors.values() for message in errors))


class SingleChoiceAnswerForm(AnswerForm):
    def add_answer_fields(self, saved_answer) -> None:
        self.fields["answer"] = forms.ChoiceField(
            label="Your answer",
            choices=[(option["id"], option["text"]) for option in self.snapshot["options"]],
            widget=forms.RadioSelect,
            initial=saved_answer,
            error_messages={
                "required": "Choose an answer.",
                "invalid_choice": "Choose one of the options shown.",
            },
        )


class MultipleResponseAnswerForm(AnswerForm):
    def add_answer_fields(self, saved_answer) -> None:
        self.fields["answer"] = forms.MultipleChoiceField(
            label="Your answer",
            choices=[(option["id"], option["text"]) for option in self.snapshot["options"]],
            widget=forms.CheckboxSelectMultiple,
            initial=saved_answer,
            error_messages={
                "required": "Choose at least one option.",
                "invalid_choice": "Choose only among the options shown.",
            },
        )

    def answer(self):
        # Stored in display order, so the same picks always store the same value.
        picked = set(self.cleaned_data["answer"])
        return [option["id"] for option in self.snapshot["options"] if option["id"] in picked]


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


class OrderingAnswerForm(AnswerForm):
    """One "position 1..n" select per item: answerable by keyboard, no dragging needed."""

    layout = "selects"

    def add_answer_fields(self, saved_answer) -> None:
        items = list(self.snapshot["options"])
        if isinstance(saved_answer, list) and set(saved_answer) == {i["id"] for i in items}:
            # List the items in the student's saved order, so the page reads as they left it.
            by_id = {item["id"]: item for item in items}
            items = [by_id[item_id] for item_id in saved_answer]
        positions = [(str(n), str(n)) for n in range(1, len(items) + 1)]
        for number, item in enumerate(items, start=1):
            self.fields[f"item_{item['id']}"] = forms.TypedChoiceField(
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
        positions = [cleaned.get(f"item_{item['id']}") for item in self.snapshot["options"]]
        if None not in positions and len(set(positions)) != len(positions):
            raise forms.ValidationError(
                "Give each item a different position (1 to %(n)s).", params={"n": len(positions)}
            )
        return cleaned

    def answer(self) -> list[str]:
        ids = [item["id"] for item in self.snapshot["options"]]
        return sorted(ids, key=lambda item_id: self.cleaned_data[f"item_{item_id}"])


class MatchingAnswerForm(AnswerForm):
    """One select per prompt, listing the targets in the snapshot's order."""

    layout = "selects"

    def add_answer_fields(self, saved_answer) -> None:
        saved = saved_answer if isinstance(saved_answer, dict) else {}
        targets = [("", "Choose…")] + [(t["id"], t["text"]) for t in self.snapshot["targets"]]
        for prompt in self.snapshot["prompts"]:
            self.fields[f"match_{prompt['id']}"] = forms.ChoiceField(
                label=prompt["text"],
                choices=targets,
                initial=saved.get(prompt["id"], ""),
                error_messages={
                    "required": "Choose a match for every item.",
                    "invalid_choice": "Choose a match from the list.",
                },
            )

    def answer(self) -> dict[str, str]:
        return {
            prompt["id"]: self.cleaned_data[f"match_{prompt['id']}"]
            for prompt in self.snapshot["prompts"]
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
