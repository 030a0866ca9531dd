"""What a validated launch does here: who the user is, which course, which role, which quiz.

Users are known by the platform's registration and their subject (`sub`), never by e-mail: the
same person launched from two platforms is two users here unless an administrator links the
second identity (LTI user) to the first account.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.text import slugify
from lti_tool.models import LtiLaunch, LtiLineItem, LtiUser
from lti_tool.utils import sync_data_from_launch

from quizzes.enrolment import make_staff
from quizzes.lti.tool import LaunchRefused
from quizzes.models import STAFF_ROLES, Assignment, Course, Membership, Quiz, Role
from quizzes.models.lms import LmsCourse, LmsQuizLink, PlatformSettings

MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"
# The custom parameter deep linking puts on the resource links it makes.
QUIZ_PARAMETER = "quizsite_quiz"


def course_role(roles: list[str]) -> str | None:
    """The course role for the LMS's context roles (full URIs, or the short names LTI allows):
    teaching assistants assist, instructors, administrators and content developers teach,
    learners are students; others (mentors, observers) have none."""
    names = set()
    for role in roles:
        if role.startswith(MEMBERSHIP):
            names.add(role[len(MEMBERSHIP) :].lstrip("#/"))
        elif "/" not in role and "#" not in role:
            names.add(role)
    if "Instructor#TeachingAssistant" in names or "TeachingAssistant" in names:
        return Role.ASSISTANT
    if names & {"Instructor", "Administrator", "ContentDeveloper"}:
        return Role.TEACHER
    if "Learner" in names or any(name.startswith("Learner#") for name in names):
        return Role.STUDENT
    return None


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


@dataclass
class Arrival:
    """Where a launch signed its user in, and what it opens."""

    user: object
    course: Course
    role: str
    quiz: Quiz | None
    frame_origins: list[str]


def arrive(launch: LtiLaunch) -> Arrival:
    """Sign-in facts for a validated resource or deep-linking launch, stored in one
    transaction; LaunchRefused (nothing stored) when the launch cannot be honoured."""
    role = course_role(launch.roles_claim or [])
    if role is None:
        raise LaunchRefused(
            "Your role in this LMS course (neither instructor, teaching assistant nor learner) "
            "has no place in Quizsite.",
            403,
        )
    context_claim = launch.context_claim or {}
    if not context_claim.get("id"):
        raise LaunchRefused("This launch names no course (context), so it cannot open here.")
    with transaction.atomic():
        linked = LmsCourse.objects.filter(
            context__deployment=launch.deployment, context__id_on_platform=context_claim["id"]
        ).select_related("course")
        existing = next(iter(linked), None)
        quiz = None
        if launch.is_resource_launch:
            quiz = _quiz_for(launch, existing.course if existing else None)
        elif role == Role.STUDENT:
            raise LaunchRefused("Only the course's teachers add Quizsite activities.", 403)
        if existing is None and role == Role.STUDENT:
            raise LaunchRefused(
                "This course is not set up in Quizsite yet: a teacher opens it first.", 403
            )
        sync_data_from_launch(launch)
        context = launch.context
        course = existing.course if existing else _new_course(context_claim)
        if existing is None:
            LmsCourse.objects.create(context=context, course=course)
        user = user_for(launch.user)
        membership, created = Membership.objects.get_or_create(
            course=course, user=user, defaults={"role": role}
        )
        if membership.is_removed:
            raise LaunchRefused("A teacher removed you from this course in Quizsite.", 403)
        if not created and membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        if role in STAFF_ROLES:
            make_staff(user)
        if quiz is not None:
            _link_quiz(launch, quiz)
    settings = PlatformSettings.objects.filter(registration=launch.registration).first()
    origins = settings.origins if settings else []
    return Arrival(user=user, course=course, role=role, quiz=quiz, frame_origins=origins)


def _quiz_for(launch: LtiLaunch, course: Course | None) -> Quiz:
    """The quiz a resource link opens: the one deep linking named, given to this course."""
    linked = LmsQuizLink.objects.filter(
        resource_link__context__deployment=launch.deployment,
        resource_link__id_on_platform=(launch.resource_link_claim or {}).get("id", ""),
    ).select_related("quiz")
    found = next(iter(linked), None)
    if found is not None:
        quiz_id = str(found.quiz_id)
    else:
        quiz_id = str(launch.get_custom_claim(QUIZ_PARAMETER) or "")
    if not quiz_id.isdigit():
        raise LaunchRefused(
            "This link names no Quizsite quiz: a teacher adds it again from the LMS "
            "(“Add an activity”, then Quizsite).",
            404,
        )
    quiz = Quiz.objects.filter(pk=int(quiz_id)).first()
    if quiz is None or course is None or not _given_to(quiz, course):
        raise LaunchRefused("This quiz is not part of this course.", 403)
    return quiz


def _given_to(quiz: Quiz, course: Course) -> bool:
    return (
        quiz.course_id == course.pk or Assignment.objects.filter(quiz=quiz, course=course).exists()
    )


def _new_course(context_claim: dict) -> Course:
    title = (context_claim.get("title") or context_claim.get("label") or "LMS course")[:200]
    base = slugify(context_claim.get("label") or title)[:28] or "lms-course"
    digest = hashlib.sha256(context_claim["id"].encode()).hexdigest()
    code = f"{base}-{digest[:6]}"
    while Course.objects.filter(code=code).exists():
        digest = hashlib.sha256(digest.encode()).hexdigest()
        code = f"{base}-{digest[:6]}"
    # Students arrive from the LMS: no join code to hand out.
    return Course.objects.create(title=title, code=code, join_enabled=False)


def user_for(lti_user: LtiUser):
    """The account of this LMS identity, made on its first launch (no password: it signs in
    through the LMS only)."""
    if lti_user.auth_user_id is not None:
        user = lti_user.auth_user
    else:
        user = get_user_model()(username=_username(lti_user))
        user.set_unusable_password()
        user.save()
        lti_user.auth_user = user
        lti_user.save(update_fields=["auth_user"])
    names = {
        "first_name": (lti_user.given_name or "")[:150],
        "last_name": (lti_user.family_name or "")[:150],
        "email": lti_user.email or "",
    }
    changed = [field for field, value in names.items() if value and getattr(user, field) != value]
    for field in changed:
        setattr(user, field, names[field])
    if changed:
        user.save(update_fields=changed)
    return user


def _username(lti_user: LtiUser) -> str:
    """A readable, unique username: the person's name (or e-mail's name) and a few characters
    of their identity's digest, since two people may share a name."""
    digest = hashlib.sha256(f"{lti_user.registration_id}:{lti_user.sub}".encode()).hexdigest()
    name = lti_user.name or f"{lti_user.given_name} {lti_user.family_name}".strip()
    base = slugify(name or lti_user.email.split("@")[0])[:24] or "lms-user"
    for start in range(0, len(digest) - 6, 6):
        username = f"{base}-{digest[start : start + 6]}"
        if not get_user_model().objects.filter(username=username).exists():
            return username
    return f"lms-{digest[:40]}"


def _link_quiz(launch: LtiLaunch, quiz: Quiz) -> None:
    """Remember which quiz the resource link opens, and its gradebook column when the
    platform offers one."""
    resource_link = launch.resource_link
    endpoint = launch.ags_claim or {}
    line_item = None
    if endpoint.get("lineitem"):
        line_item, _ = LtiLineItem.objects.update_or_create(
            url=endpoint["lineitem"],
            defaults={
                "context": resource_link.context,
                "resource_link": resource_link,
                "label": (resource_link.title or quiz.title)[:255],
                "maximum_score": float(Decimal(100)),
                "resource_id": f"quiz-{quiz.pk}",
            },
        )
    LmsQuizLink.objects.update_or_create(
        resource_link=resource_link, defaults={"quiz": quiz, "line_item": line_item}
    )
