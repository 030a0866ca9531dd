"""Who may do what. Roles are per course (quizzes/models/courses.py): a course's teachers edit
its content and roster, its assistants read its reports and attempts, its students take its
quizzes. The site-wide Instructors group only says who may create courses (and use the admin,
where they see only their courses' objects)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from quizzes.models import STAFF_ROLES, Course, Membership, Role

INSTRUCTORS_GROUP = "Instructors"
INSTRUCTOR_PERMISSIONS = {
    "course": ("add", "change", "view"),
    "membership": ("add", "change", "view"),
    "assignment": ("add", "change", "delete", "view"),
    "studentoverride": ("add", "change", "delete", "view"),
    "accommodation": ("add", "change", "delete", "view"),
    "sourcetext": ("add", "change", "delete", "view"),
    "tag": ("add", "change", "delete", "view"),
    "question": ("add", "change", "delete", "view"),
    "quiz": ("add", "change", "delete", "view"),
    "quizquestion": ("add", "change", "delete", "view"),
    "randomdraw": ("add", "change", "delete", "view"),
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


def may_create_courses(user) -> bool:
    """Members of the Instructors group (and superusers) create courses; anyone may be made a
    teacher of a course by its teachers."""
    return user.is_authenticated and (user.is_superuser or user.has_perm("quizzes.add_course"))


def role_in(user, course) -> str | None:
    """The user's role in the course ("teacher", "assistant", "student"), None if not an active
    member. A superuser is a teacher everywhere. One query."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.TEACHER
    return (
        Membership.objects.active()
        .filter(course=course, user=user)
        .values_list("role", flat=True)
        .first()
    )


def is_course_staff(user, course) -> bool:
    """Teachers and assistants: they read the course's reports, preview and review attempts."""
    return role_in(user, course) in STAFF_ROLES


def require_teacher(user, course) -> None:
    """Refuse (403) anyone but the course's teachers: assistants read, they do not edit."""
    if role_in(user, course) != Role.TEACHER:
        raise PermissionDenied("Only the course's teachers may change this.")


def _requiring(allowed, refusal: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def checked(request, *args, **kwargs):
            if not allowed(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return checked

    return decorator


# /teach/ pages are for a course's teachers and assistants (and those who may create courses):
# anyone else signed in gets 403, an anonymous visitor the login page. What a page shows is then
# scoped by the user's courses: a quiz of a course they do not teach is a 404.
teaching_required = _requiring(
    lambda user: may_create_courses(user) or Course.objects.staffed_by(user).exists(),
    "These pages are for a course's teachers and assistants.",
)
# Registering learning platforms (LTI) is for the site's administrators.
superuser_required = _requiring(
    lambda user: user.is_superuser,
    "Only the site's administrators register learning platforms.",
)
# Writing texts, questions and quizzes is for teachers; assistants read reports.
authoring_required = _requiring(
    lambda user: may_create_courses(user) or Course.objects.teaching(user).exists(),
    "Only teachers write texts, questions and quizzes.",
)
