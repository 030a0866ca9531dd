"""Forms of the instructors' admin: texts, and questions with their kind's key fields."""

from django import forms

from quizzes.authoring_forms import QuestionForm
from quizzes.drafting import normalise_newlines
from quizzes.models import SourceText


class SourceTextAdminForm(forms.ModelForm):
    # A URL typed without a scheme means https (Django 6's default; 5.2 warns otherwise).
    url = forms.URLField(label="URL", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = SourceText
        fields = ["course", "title", "slug", "body", "publisher", "page_title", "url"]
        fields += ["published_on"]

    def clean_body(self) -> str:
        # Without this, saving an unchanged text from the browser would "move" every excerpt.
        return normalise_newlines(self.cleaned_data["body"])


class QuestionAdminForm(QuestionForm):
    """The question editor's form, with the admin's wide text boxes."""

    class Meta(QuestionForm.Meta):
        widgets = {
            "prompt": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
            "explanation": forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        }
