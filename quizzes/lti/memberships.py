"""Roster sync (LTI Names and Role Provisioning Services): the LMS course's members become the
Quizsite course's, so students who have not launched yet appear in the gradebook."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from lti_tool.models import LtiUser
from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException

from quizzes.enrolment import make_staff
from quizzes.lti.launches import course_role, user_for
from quizzes.lti.tool import LaunchRefused, PlatformSession
from quizzes.models import STAFF_ROLES, Membership
from quizzes.models.lms import LmsCourse


@dataclass
class RosterSync:
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0


def sync_roster(link: LmsCourse) -> RosterSync:
    """Fetch the LMS course's members and apply them; LaunchRefused when the LMS cannot be
    reached or offers no roster."""
    context = link.context
    if not context.memberships_url:
        raise LaunchRefused(
            "The LMS did not offer this course's roster (Names and Role Provisioning "
            "Services is off for the tool).",
            409,
        )
    registration = context.deployment.registration
    service = NamesRolesProvisioningService(
        ServiceConnector(registration.to_registration(), requests_session=PlatformSession()),
        {"context_memberships_url": context.memberships_url},
    )
    try:
        members = service.get_members()
    except (LtiException, RequestException, ValueError) as error:
        raise LaunchRefused(f"The LMS's roster could not be read: {error}", 502) from None
    result = RosterSync()
    now = timezone.now()
    with transaction.atomic():
        context.update_memberships(members)
        identities = {
            lti_user.sub: lti_user
            for lti_user in LtiUser.objects.filter(
                registration=registration, sub__in=[m["user_id"] for m in members]
            ).select_related("auth_user")
        }
        memberships = {m.user_id: m for m in Membership.objects.filter(course=link.course)}
        for member in members:
            role = course_role(member.get("roles", []))
            if role is None:
                continue
            user = user_for(identities[member["user_id"]])
            active = member.get("status", "Active") == "Active"
            membership = memberships.get(user.pk)
            if membership is None:
                if active:
                    Membership.objects.create(course=link.course, user=user, role=role)
                    if role in STAFF_ROLES:
                        make_staff(user)
                    result.added += 1
                continue
            if not active and not membership.is_removed:
                membership.removed_at = now
                membership.save(update_fields=["removed_at"])
                result.removed += 1
            elif active and membership.role != role and not membership.is_removed:
                membership.role = role
                membership.save(update_fields=["role"])
                if role in STAFF_ROLES:
                    make_staff(user)
                result.changed += 1
            else:
                result.unchanged += 1
        link.roster_synced_at = now
        link.save(update_fields=["roster_synced_at"])
    return result
