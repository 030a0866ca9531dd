"""Forms of the course pages: a course's settings, its roster, its quizzes' schedules, and the
forms students use to join a course and to choose a password with a set-up code."""

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core import signing
from django.db.models import Q

from quizzes import enrolment, review_options, rosters
from quizzes.authoring_forms import AS_THE_QUIZ, ReviewOptionsMixin
from quizzes.models import Assignment, Course, Membership, Quiz, Role, StudentOverride
from quizzes.models.review_fields import store_options, stored_options

ROSTER_SALT = "quizsite.roster-import"
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "code", "term", "time_factor", "join_enabled", "is_archived"]


class NewCourseForm(CourseForm):
    class Meta(CourseForm.Meta):
        fields = ["title", "code", "term"]


class JoinCodeForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("rotate", "New code"), ("disable", "Stop joining"), ("enable", "Allow joining")]
    )


class StaffForm(forms.Form):
    """Another teacher or an assistant, by the username of their account."""

    username = forms.CharField(max_length=150)
    role = forms.ChoiceField(choices=[(Role.TEACHER, "Teacher"), (Role.ASSISTANT, "Assistant")])


class MemberActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("remove", "Remove"), ("restore", "Put back"), ("code", "New set-up code")]
    )


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label="Class list (CSV)",
        help_text="A header line, then one student a line: username or e-mail, and name. "
        "Saved from Excel as “CSV UTF-8”, or exported from Google Sheets or LibreOffice.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self) -> rosters.Roster:
        upload = self.cleaned_data["file"]
        if upload.size > rosters.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; a class list has at most 1 MB."
            )
        return rosters.parse(upload.read())


class RosterConfirmForm(forms.Form):
    """The previewed class list, signed so that what is confirmed is what was previewed."""

    roster = forms.CharField(widget=forms.HiddenInput)

    @staticmethod
    def sign(roster: rosters.Roster) -> str:
        rows = [
            [row.line, row.username, row.email, row.first_name, row.last_name]
            for row in roster.rows
        ]
        return signing.dumps(rows, salt=ROSTER_SALT, compress=True)

    def clean_roster(self) -> rosters.Roster:
        try:
            rows = signing.loads(self.cleaned_data["roster"], salt=ROSTER_SALT, max_age=3600)
        except signing.BadSignature:
            raise forms.ValidationError(
                "This preview has expired or was changed: upload the class list again."
            ) from None
        return rosters.Roster(rows=[rosters.RosterRow(*row) for row in rows])


class AssignmentForm(ReviewOptionsMixin, forms.ModelForm):
    """A course's own dates, time limit, attempts and review options for a quiz (empty, or "as
    the quiz": the quiz's)."""

    class Meta:
        model = Assignment
        fields = ["opens_at", "closes_at", "time_limit_minutes", "attempts_allowed"]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        quiz = self.instance.quiz
        as_quiz = review_options.describe(
            quiz.review, feedback_during=quiz.feedback == quiz.Feedback.IMMEDIATE
        )
        self.add_review_fields(
            stored_options(self.instance), extra=[(AS_THE_QUIZ, f"As the quiz: {as_quiz}")]
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        preset = cleaned.get("review_preset")
        if preset:
            store_options(self.instance, self.chosen_review(preset))
        return cleaned


class OverrideForm(forms.ModelForm):
    """One student's own dates, time limit or attempts (Moodle's user override)."""

    class Meta:
        model = StudentOverride
        fields = ["student", "opens_at", "closes_at", "time_limit_minutes", "attempts_allowed"]
        fields += ["note"]
        widgets = {"opens_at": DATETIME, "closes_at": DATETIME}

    def __init__(self, *args: Any, assignment: Assignment, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.instance.assignment = assignment
        students = Membership.objects.active().filter(course=assignment.course, role=Role.STUDENT)
        self.fields["student"].queryset = (
            self.fields["student"]
            .queryset.filter(pk__in=students.values("user"))
            .order_by("username")
        )
        if self.instance.pk:
            self.fields["student"].disabled = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        changes = [cleaned.get(name) for name in self.Meta.fields[1:5]]
        if all(value is None for value in changes):
            raise forms.ValidationError("Set at least one date, the time limit or the attempts.")
        student = cleaned.get("student")
        if self.instance.pk is None and student is not None and self.instance.assignment.pk:
            # A second override for the same student replaces the first (one each).
            existing = StudentOverride.objects.filter(
                assignment=self.instance.assignment, student=student
            ).first()
            if existing is not None:
                self.instance = existing
        return cleaned


class GiveQuizForm(forms.Form):
    """A quiz of another course the teacher teaches, to give to this course too."""

    quiz = forms.ModelChoiceField(queryset=Quiz.objects.none(), to_field_name="slug")

    def __init__(self, *args: Any, course: Course, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = (
            Quiz.objects.editable_by(user)
            .exclude(Q(course=course) | Q(assignments__course=course))
            .select_related("course")
            .order_by("course__title", "title")
        )
        self.fields["quiz"].label_from_instance = lambda quiz: f"{quiz.title} ({quiz.course})"


# Students


class JoinForm(forms.Form):
    code = forms.CharField(
        label="Course code",
        max_length=20,
        help_text="The code your teacher gave you, like 7KXPQ3M.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def clean_code(self) -> Course:
        try:
            return enrolment.course_for_join_code(self.cleaned_data["code"])
        except enrolment.EnrolmentError as error:
            raise forms.ValidationError(str(error)) from None


class SetupCodeForm(forms.Form):
    """A one-time code from a teacher, and the password the student chooses with it."""

    code = forms.CharField(
        label="Set-up code",
        max_length=30,
        help_text="From your teacher's sheet, like ABCD-EFGH-2345.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )
    password1 = forms.CharField(
        label="New password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="New password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("code")
        if not code:
            return cleaned
        try:
            self.user = enrolment.user_for_code(code)
        except enrolment.EnrolmentError as error:
            self.add_error("code", str(error))
            return cleaned
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            try:
                password_validation.validate_password(first, self.user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
