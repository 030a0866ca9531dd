"""Forms of the authoring pages: adding a text, reviewing the drafts derived from it."""

from pathlib import PurePath

from django import forms
from django.utils.text import slugify

from quizzes import drafting
from quizzes.models import Question, QuestionDraft, SourceText
from quizzes.question_generator import boilerplate_blocks

# Adding a text


class AddTextForm(forms.ModelForm):
    """A text pasted or uploaded (.txt or .md, UTF-8, up to 2 MB) with its attribution."""

    body = forms.CharField(
        label="Paste the text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Plain text or Markdown. Page clutter (menus, 'last modified' lines) is skipped.",
    )
    upload = forms.FileField(
        label="…or upload a file",
        required=False,
        help_text="A .txt or .md file in UTF-8, up to 2 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,text/plain"}),
    )
    slug = forms.SlugField(
        max_length=80, required=False, help_text="The text's address; empty: made from the title."
    )

    class Meta:
        model = SourceText
        fields = ["title", "slug", "publisher", "page_title", "url", "published_on"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if not upload:
            return None
        if PurePath(upload.name).suffix.lower() not in drafting.TEXT_EXTENSIONS:
            raise forms.ValidationError(
                "Upload a plain-text (.txt) or Markdown (.md) file; PDF and Word files "
                "cannot be read."
            )
        if upload.size > drafting.MAX_TEXT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is 2 MB. "
                "Split the text into parts."
            )
        try:
            return drafting.decode_text(upload.read(), name="The file")
        except drafting.BadText as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        pasted, uploaded = cleaned.get("body") or "", cleaned.get("upload")
        if "upload" in self.errors:
            return cleaned
        if pasted.strip() and uploaded:
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if not pasted.strip() and not uploaded:
            self.add_error("body", "Paste the text or upload a file.")
            return cleaned
        if pasted.strip():
            if len(pasted.encode()) > drafting.MAX_TEXT_BYTES:
                self.add_error("body", "The text is over 2 MB; split it into parts.")
                return cleaned
            try:
                drafting.check_text(pasted, name="The pasted text")
            except drafting.BadText as error:
                self.add_error("body", str(error))
                return cleaned
        body = drafting.normalise_newlines(uploaded or pasted)
        self.instance.body = body
        if not cleaned.get("slug") and cleaned.get("title"):
            cleaned["slug"] = slugify(cleaned["title"])[:80] or "text"
        return cleaned


# Reviewing drafts


def _lines(value: str) -> list[str]:
    return [" ".join(line.split()) for line in value.splitlines() if line.strip()]


class DraftEditForm(forms.Form):
    """A draft's prompt, explanation and answer key; only the key fields of its kind are shown."""

    prompt = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    explanation = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown to students after answering.",
    )
    correct = forms.CharField(label="Correct option", max_length=500)
    distractors = forms.CharField(
        label="Wrong options", widget=forms.Textarea(attrs={"rows": 4}), help_text="One per line."
    )
    statement_is_true = forms.TypedChoiceField(
        label="The statement is",
        choices=[("true", "True"), ("false", "False")],
        coerce=lambda value: value == "true",
        widget=forms.RadioSelect,
    )
    answers = forms.CharField(
        label="Accepted answers",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line; case, spacing and punctuation are ignored when grading.",
    )
    numeric_value = forms.FloatField(label="Value")
    numeric_tolerance = forms.FloatField(label="Tolerance (±)", min_value=0, initial=0)
    pairs = forms.CharField(
        label="Pairs",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One pair per line: prompt = answer.",
    )
    order = forms.CharField(
        label="Items in the correct order",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line, first event first.",
    )

    KEY_FIELDS = {
        Question.Kind.SINGLE_CHOICE: ["correct", "distractors"],
        Question.Kind.TRUE_FALSE: ["statement_is_true"],
        Question.Kind.SHORT_ANSWER: ["answers"],
        Question.Kind.NUMERIC: ["numeric_value", "numeric_tolerance"],
        Question.Kind.MATCHING: ["pairs"],
        Question.Kind.ORDERING: ["order"],
    }

    def __init__(self, *args, draft: QuestionDraft, **kwargs):
        self.draft = draft
        data = draft.data
        options = data.get("options", [])
        kwargs.setdefault(
            "initial",
            {
                "prompt": draft.prompt,
                "explanation": data.get("explanation", ""),
                "correct": next((o["text"] for o in options if o["correct"]), ""),
                "distractors": "\n".join(o["text"] for o in options if not o["correct"]),
                "statement_is_true": "true"
                if any(o["correct"] and o["text"] == "True" for o in options)
                else "false",
                "answers": "\n".join(data.get("answers") or [data.get("answer", "")]),
                "numeric_value": data.get("numeric_value"),
                "numeric_tolerance": data.get("numeric_tolerance") or 0,
                "pairs": "\n".join(f"{p} = {a}" for p, a in data.get("pairs", [])),
                "order": "\n".join(data.get("order", [])),
            },
        )
        super().__init__(*args, **kwargs)
        keep = {"prompt", "explanation", *self.KEY_FIELDS.get(draft.kind, [])}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def clean_distractors(self):
        distractors = _lines(self.cleaned_data["distractors"])
        if not distractors:
            raise forms.ValidationError("Give at least one wrong option.")
        return distractors

    def clean_answers(self):
        answers = _lines(self.cleaned_data["answers"])
        if not answers:
            raise forms.ValidationError("Give at least one accepted answer.")
        return answers

    def clean_pairs(self):
        pairs = []
        for line in _lines(self.cleaned_data["pairs"]):
            prompt, sep, answer = line.partition("=")
            if not sep or not prompt.strip() or not answer.strip():
                raise forms.ValidationError(f"Write each pair as 'prompt = answer': {line!r}.")
            pairs.append([prompt.strip(), answer.strip()])
        if len(pairs) < 2:
            raise forms.ValidationError("A matching question needs at least two pairs.")
        answers = [answer.casefold() for _, answer in pairs]
        if len(set(answers)) != len(answers):
            raise forms.ValidationError("Two pairs have the same answer.")
        return pairs

    def clean_order(self):
        items = _lines(self.cleaned_data["order"])
        if len(items) < 2:
            raise forms.ValidationError("An ordering question needs at least two items.")
        if len({item.casefold() for item in items}) != len(items):
            raise forms.ValidationError("Two items have the same text.")
        return items

    def clean(self):
        cleaned = super().clean()
        if self.draft.kind == Question.Kind.SINGLE_CHOICE and "distractors" in cleaned:
            texts = [cleaned.get("correct", ""), *cleaned["distractors"]]
            if len({" ".join(t.split()).casefold() for t in texts}) != len(texts):
                self.add_error("distractors", "Options must differ from each other and the key.")
        return cleaned

    def key(self) -> dict:
        """The draft's JSON key fields from the cleaned data."""
        data, kind = self.cleaned_data, self.draft.kind
        if kind == Question.Kind.SINGLE_CHOICE:
            correct = " ".join(data["correct"].split())
            options = [{"text": correct, "correct": True}]
            options += [{"text": text, "correct": False} for text in data["distractors"]]
            # Options are shown shuffled to students; keep the reviewer's list sorted and stable.
            options.sort(key=lambda option: option["text"].casefold())
            return {"options": options, "answer": correct}
        if kind == Question.Kind.TRUE_FALSE:
            truth = data["statement_is_true"]
            return {
                "options": [
                    {"text": "True", "correct": truth},
                    {"text": "False", "correct": not truth},
                ],
                "answer": "True" if truth else "False",
            }
        if kind == Question.Kind.SHORT_ANSWER:
            return {"answers": data["answers"], "answer": data["answers"][0]}
        if kind == Question.Kind.NUMERIC:
            return {
                "numeric_value": data["numeric_value"],
                "numeric_tolerance": data["numeric_tolerance"] or 0,
            }
        if kind == Question.Kind.MATCHING:
            return {"pairs": data["pairs"]}
        if kind == Question.Kind.ORDERING:
            return {"order": data["order"]}
        return {}


class AcceptForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (Question.Status.PUBLISHED, "Published"),
            (Question.Status.DRAFT, "Draft (not yet usable in quizzes' attempts)"),
        ],
        initial=Question.Status.PUBLISHED,
        required=False,
    )

    def clean_status(self):
        return self.cleaned_data["status"] or Question.Status.PUBLISHED


class RejectForm(forms.Form):
    """No fields: the POST itself is the decision (a form keeps CSRF and method checks uniform)."""


class BulkAcceptForm(AcceptForm):
    drafts = forms.ModelMultipleChoiceField(
        queryset=QuestionDraft.objects.none(),
        error_messages={"required": "Select the drafts to accept."},
    )

    def __init__(self, *args, text: SourceText, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drafts"].queryset = text.drafts.pending()


class RestoreForm(forms.Form):
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, text: SourceText, **kwargs):
        self.text = text
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        span = (cleaned.get("start"), cleaned.get("end"))
        if span not in boilerplate_blocks(self.text.body):
            raise forms.ValidationError("That line is not one the generator skipped.")
        return cleaned


class DraftFilterForm(forms.Form):
    STATUS_CHOICES = [*QuestionDraft.Status.choices, ("all", "All")]

    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    kind = forms.ChoiceField(required=False)
    rule = forms.ChoiceField(required=False)

    def __init__(self, *args, rules: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *Question.Kind.choices]
        self.fields["rule"].choices = [("", "Any rule"), *[(rule, rule) for rule in rules]]

    def filter(self, drafts):
        """The drafts matching the filters; pending ones when no status is given."""
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or QuestionDraft.Status.PENDING
        if status != "all":
            drafts = drafts.filter(status=status)
        if data.get("kind"):
            drafts = drafts.filter(kind=data["kind"])
        if data.get("rule"):
            drafts = drafts.filter(rule=data["rule"])
        return drafts
