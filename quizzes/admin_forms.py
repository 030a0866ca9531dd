"""Forms of the instructors' admin: the question form with its excerpt, kind-aware inlines."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from quizzes import passages
from quizzes.models import Question, SourceText


def normalise_newlines(value: str) -> str:
    """Browsers post textareas with CRLF line ends; stored texts and offsets use LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


class SourceTextAdminForm(forms.ModelForm):
    # A URL typed without a scheme means https (Django 6's default; 5.2 warns otherwise).
    url = forms.URLField(label="URL", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = SourceText
        fields = ["title", "slug", "body", "publisher", "page_title", "url", "published_on"]

    def clean_body(self) -> str:
        # Without this, saving an unchanged text from the browser would "move" every excerpt.
        return normalise_newlines(self.cleaned_data["body"])


class QuestionAdminForm(forms.ModelForm):
    """A question whose supporting excerpt is pasted as text and stored as offsets."""

    excerpt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "class": "vLargeTextField"}),
        help_text=(
            "Paste the passage of the source text that supports this question, exactly as it "
            "appears there (it must occur once; quote a longer passage if it repeats)."
        ),
    )

    class Meta:
        model = Question
        # The offsets are not fields: the excerpt text is located in the source text instead.
        fields = [
            "source_text",
            "kind",
            "prompt",
            "explanation",
            "default_points",
            "status",
            "tags",
            "statement_is_true",
            "numeric_value",
            "numeric_tolerance",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.excerpt_end:
            self.initial.setdefault("excerpt", self.instance.excerpt)

    def clean(self):
        cleaned_data = super().clean()
        source_text = cleaned_data.get("source_text") or (
            self.instance.source_text if self.instance.source_text_id else None
        )
        excerpt = cleaned_data.get("excerpt")
        # Forget the old offsets first, so the model never checks a stale span against a new text.
        self.instance.excerpt_start = self.instance.excerpt_end = None
        if source_text is not None and excerpt:
            excerpt = normalise_newlines(excerpt)
            try:
                start, end = passages.locate_excerpt(source_text.body, excerpt)
            except passages.ExcerptError as error:
                self.add_error("excerpt", str(error))
            else:
                self.instance.excerpt_start, self.instance.excerpt_end = start, end
        return cleaned_data


class KindInlineFormSet(BaseInlineFormSet):
    """An inline that belongs to some kinds only: rows for another kind are refused, not lost."""

    kinds: tuple[str, ...] = ()
    purpose = "These rows"

    def clean(self):
        super().clean()
        kind = self.instance.kind
        if not kind or kind in self.kinds:
            return
        filled = [
            form for form in self.forms if form.has_changed() and not self._should_delete_form(form)
        ]
        if filled:
            names = ", ".join(str(Question.Kind(k).label).lower() for k in self.kinds)
            raise ValidationError(
                f"{self.purpose} are only used by {names} questions, and this one is "
                f"{Question.Kind(kind).label.lower()}. Clear them or change the kind."
            )


class ChoiceInlineFormSet(KindInlineFormSet):
    kinds = tuple(Question.CHOICE_KINDS)
    purpose = "Options and ordering items"


class AcceptedAnswerInlineFormSet(KindInlineFormSet):
    kinds = (Question.Kind.SHORT_ANSWER,)
    purpose = "Accepted answers"


class MatchPairInlineFormSet(KindInlineFormSet):
    kinds = (Question.Kind.MATCHING,)
    purpose = "Matching pairs"
