"""Forms: answering questions, signing up."""

from django.contrib.auth.forms import UserCreationForm


class SignupForm(UserCreationForm):
    """A username and a password typed twice; nothing else is needed to take quizzes."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
