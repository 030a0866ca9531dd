"""Who may do what: the Instructors group and the instructor check."""

from django.contrib.auth.models import Group, Permission

INSTRUCTORS_GROUP = "Instructors"
INSTRUCTOR_PERMISSIONS = {
    "sourcetext": ("add", "change", "delete", "view"),
    "tag": ("add", "change", "delete", "view"),
    "question": ("add", "change", "delete", "view"),
    "quiz": ("add", "change", "delete", "view"),
    "quizquestion": ("add", "change", "delete", "view"),
    "attempt": ("view",),
    "response": ("view",),
}


def instructors_group() -> Group:
    """The Instructors group with every permission instructors need, created or completed."""
    group, _ = Group.objects.get_or_create(name=INSTRUCTORS_GROUP)
    codenames = [
        f"{action}_{model}"
        for model, actions in INSTRUCTOR_PERMISSIONS.items()
        for action in actions
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )
    return group


def is_instructor(user) -> bool:
    """Staff in the Instructors group (or superusers) author and preview quizzes.

    Staff is tested first: it spares every student's request the two permission queries.
    """
    if not user.is_authenticated:
        return False
    return user.is_superuser or (user.is_staff and user.has_perm("quizzes.change_quiz"))
