"""Forms: answering questions, signing up."""

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.db.models import Q

from quizzes import enrolment, kinds
from quizzes.kinds.answering import AnswerForm


class SignupForm(UserCreationForm):
    """A username and a password typed twice, and the code of the course to join (without one,
    the account sees no quizzes until it joins a course)."""

    join_code = forms.CharField(
        label="Course code",
        required=False,
        max_length=20,
        help_text="From your teacher, like 7KXPQ3M. You can also join a course later.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username",)

    def clean_join_code(self) -> str:
        code = self.cleaned_data["join_code"]
        if code:
            try:
                enrolment.course_for_join_code(code)
            except enrolment.EnrolmentError as error:
                raise forms.ValidationError(str(error)) from None
        return code


# Answering a question: each kind's answer form (quizzes/kinds/), built from the snapshot.


def answer_data(snapshot: dict, answer) -> dict:
    """The form data a student sends for an answer in its stored form (ids), for tests and
    scripts that drive the site as a browser would."""
    return kinds.of(snapshot).answer_form.data_for(snapshot, answer)


def answer_form(response, data=None) -> AnswerForm:
    """The answer form for one response of an attempt, showing the answer saved so far."""
    return kinds.of(response.snapshot).answer_form(
        data, snapshot=response.snapshot, saved_answer=response.answer
    )


class SaveForm(forms.Form):
    """How an answer is being saved: its version (app.js sends one), whether it is autosave, and
    where the student goes next.

    Without a version (a plain post without JavaScript) the server's clock in ms stands in.
    """

    seq = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    # app.js: the version this page itself last saved. A save over any other version is refused:
    # another window changed the answer since, and this page does not show it.
    base = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    autosave = forms.BooleanField(required=False)
    # Leaving the question by a submit button (without JavaScript, or Finish): a position,
    # "finish", or "flag"/"unflag" to stay with the flag changed.
    go = forms.RegexField(required=False, regex=r"^(finish|flag|unflag|[1-9][0-9]{0,3})$")


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
        # The questions named in the quiz, and those drawn at random into its attempts.
        self.fields["question"].queryset = (
            Question.objects.filter(Q(quiz_slots__quiz=quiz) | Q(responses__attempt__quiz=quiz))
            .distinct()
            .order_by("source_text_id", "excerpt_start", "pk")
        )
        self.fields["mode"].choices = Regrade.Mode.choices

    def clean(self):
        from quizzes.models import Regrade

        cleaned = super().clean()
        if cleaned.get("mode") == Regrade.Mode.FULL_MARKS and not cleaned.get("question"):
            self.add_error("question", "Choose the question to give full marks for.")
        return cleaned


class MarkingForm(forms.Form):
    """A teacher's mark and comment for one answer (a question's position), or a comment on the
    whole attempt (no position)."""

    position = forms.IntegerField(required=False, min_value=1, max_value=10_000)
    marks = forms.DecimalField(
        required=False, min_value=0, max_digits=9, decimal_places=4, label="Marks"
    )
    comment = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        if cleaned.get("position") is not None and cleaned.get("marks") is None:
            self.add_error("marks", "Give the marks for this answer.")
        return cleaned
