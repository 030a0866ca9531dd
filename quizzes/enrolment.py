"""Who is in a course: joining with the course's code, teachers adding and removing members, a
class list imported all at once, and one-time set-up codes for choosing a password where the
school has no e-mail."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from quizzes import rosters
from quizzes.models import STAFF_ROLES, Course, Membership, Role, SetupCode
from quizzes.models.courses import (
    SETUP_CODE_LENGTH,
    SETUP_CODE_LIFETIME,
    code_digest,
    grouped_code,
    normalized_code,
    random_code,
)


class EnrolmentError(Exception):
    """Why a join, an import or a code was refused; the message is for the person."""


# Joining


def course_for_join_code(code: str) -> Course:
    """The course that takes this join code now; EnrolmentError if none does."""
    typed = normalized_code(code)
    course = Course.objects.filter(join_code=typed).first() if typed else None
    if course is None:
        raise EnrolmentError(
            "No course has this code. Check it with your teacher: it may have been changed."
        )
    if not course.join_enabled or course.is_archived:
        raise EnrolmentError(
            f"“{course.title}” is not taking new students with its code just now: ask your teacher."
        )
    return course


def join(user, code: str) -> tuple[Course, bool]:
    """Make the user a student of the course with this code (back in, if they had been
    removed); (course, whether they joined now). Teachers and assistants of the course stay
    what they are."""
    course = course_for_join_code(code)
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(
            course=course, user=user, defaults={"role": Role.STUDENT}
        )
        if not created and membership.is_removed:
            membership.removed_at = None
            membership.save(update_fields=["removed_at"])
            return course, True
    return course, created


# Teachers managing the roster


def add_staff(course: Course, username: str, role: str) -> Membership:
    """Make an existing account a teacher or assistant of the course."""
    if role not in STAFF_ROLES:
        raise EnrolmentError(
            "Teachers and assistants are added here; students join or are imported."
        )
    user = get_user_model().objects.filter(username__iexact=username.strip()).first()
    if user is None:
        raise EnrolmentError(f"No account is called “{username.strip()}”.")
    with transaction.atomic():
        membership, _ = Membership.objects.update_or_create(
            course=course, user=user, defaults={"role": role, "removed_at": None}
        )
        make_staff(user)
    return membership


def make_staff(user) -> None:
    """A course's teacher or assistant is staff: staff see the Teaching menu, and the admin
    shows them only their courses' objects."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])


def remove(membership: Membership, *, by) -> None:
    """Take someone out of the course: their attempts stay, shown as removed. The last teacher
    stays: a course always has one."""
    if membership.role == Role.TEACHER:
        teachers = Membership.objects.active().filter(course=membership.course, role=Role.TEACHER)
        if teachers.count() <= 1:
            raise EnrolmentError("A course needs a teacher: add another before removing this one.")
    if membership.user_id == by.pk and membership.role == Role.TEACHER and not by.is_superuser:
        raise EnrolmentError("You cannot remove yourself; another teacher can.")
    membership.removed_at = timezone.now()
    membership.save(update_fields=["removed_at"])


def restore(membership: Membership) -> None:
    membership.removed_at = None
    membership.save(update_fields=["removed_at"])


# Importing a class list


@dataclass(frozen=True)
class PlannedRow:
    row: rosters.RosterRow
    # "new": an account is made; "member": already a student here, left as is.
    action: str


@dataclass
class ImportPlan:
    rows: list[PlannedRow]
    problems: list[rosters.Problem]

    @property
    def ok(self) -> bool:
        return not self.problems and any(row.action == "new" for row in self.rows)

    @property
    def new(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action == "new"]


def plan_import(course: Course, roster: rosters.Roster) -> ImportPlan:
    """What importing the parsed roster into the course would do, and every problem with it: a
    username or e-mail that belongs to an account outside this course is refused (the student
    joins with the course's code instead), so a teacher never takes over someone's account."""
    problems = list(roster.problems)
    usernames = {row.username.casefold(): row for row in roster.rows}
    emails = {row.email.casefold(): row for row in roster.rows if row.email}
    members = set(
        Membership.objects.filter(course=course, role=Role.STUDENT).values_list(
            "user__username", flat=True
        )
    )
    members = {name.casefold() for name in members}
    existing = (
        get_user_model()
        .objects.annotate(folded=Lower("username"), folded_email=Lower("email"))
        .filter(Q(folded__in=list(usernames)) | Q(folded_email__in=list(emails)))
        .values_list("folded", "folded_email")
    )
    taken: dict[int, str] = {}
    already: set[int] = set()
    for folded, folded_email in existing:
        by_name = usernames.get(folded)
        if by_name is not None:
            if folded in members:
                already.add(by_name.line)
            else:
                taken[by_name.line] = (
                    f"The username “{by_name.username}” belongs to an existing account outside "
                    "this course: choose another, or ask the student to join with the course code."
                )
        by_email = emails.get(folded_email or "")
        if by_email is not None and by_email.line not in taken and by_email.line not in already:
            taken[by_email.line] = (
                f"The e-mail {by_email.email} belongs to an existing account: leave it out, or ask "
                "the student to join with the course code."
            )
    problems += [rosters.Problem(line, message) for line, message in sorted(taken.items())]
    problems.sort(key=lambda problem: problem.line)
    rows = [
        PlannedRow(row, "member" if row.line in already else "new")
        for row in roster.rows
        if row.line not in taken
    ]
    return ImportPlan(rows=rows, problems=problems)


@dataclass(frozen=True)
class IssuedCode:
    username: str
    name: str
    code: str  # grouped for reading: ABCD-EFGH-2345
    expires_at: datetime


def import_roster(course: Course, roster: rosters.Roster, *, by) -> list[IssuedCode]:
    """Create the accounts and memberships of the roster, all or nothing, each new account with
    a one-time set-up code (returned: the only time it can be read)."""
    with transaction.atomic():
        plan = plan_import(course, roster)
        if plan.problems:
            raise EnrolmentError(
                "The class list changed or has problems: nothing was imported. Check it again."
            )
        User = get_user_model()
        issued = []
        for planned in plan.new:
            row = planned.row
            user = User(
                username=row.username,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
            )
            user.set_unusable_password()
            user.save()
            Membership.objects.create(course=course, user=user, role=Role.STUDENT)
            issued.append(issue_code(user, course=course, by=by))
    return issued


# One-time set-up codes


def may_issue_code(user, *, by) -> bool:
    """A teacher issues codes to students only: never to a teacher, an assistant, staff or a
    superuser, whose accounts would otherwise be open to any teacher of any of their courses."""
    if user.is_staff or user.is_superuser or user.pk == by.pk:
        return False
    return not Membership.objects.filter(user=user, role__in=STAFF_ROLES).exists()


def issue_code(user, *, course: Course | None, by) -> IssuedCode:
    """A new one-time code for the user to choose a password with; earlier unused ones stop
    working."""
    code = random_code(SETUP_CODE_LENGTH)
    now = timezone.now()
    with transaction.atomic():
        SetupCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        made = SetupCode.objects.create(
            user=user,
            course=course,
            issued_by=by,
            digest=code_digest(code),
            created_at=now,
            expires_at=now + SETUP_CODE_LIFETIME,
        )
    return IssuedCode(
        username=user.get_username(),
        name=user.get_full_name(),
        code=grouped_code(code),
        expires_at=made.expires_at,
    )


def user_for_code(code: str):
    """The account a usable set-up code belongs to; EnrolmentError if none."""
    typed = normalized_code(code)
    found = (
        SetupCode.objects.usable().filter(digest=code_digest(typed)).select_related("user").first()
        if len(typed) == SETUP_CODE_LENGTH
        else None
    )
    if found is None:
        raise EnrolmentError(
            "This code does not work: it may have been used already, replaced by a newer one, or "
            "be more than two weeks old. Ask your teacher for a new one."
        )
    _refuse_staff(found.user)
    return found.user


def _refuse_staff(user) -> None:
    # A code issued to a student whose account has since become staff must not open it.
    if user.is_staff or user.is_superuser:
        raise EnrolmentError(
            "This account is now a teacher's: set-up codes no longer open it. Reset the password "
            "through the site's administrator."
        )


def redeem_code(code: str, password: str):
    """Set the password of the code's account and use the code up (once only, even when two
    requests race); the account."""
    with transaction.atomic():
        digest = code_digest(normalized_code(code))
        found = (
            SetupCode.objects.select_for_update()
            .usable()
            .filter(digest=digest)
            .select_related("user")
            .first()
        )
        if found is None:
            raise EnrolmentError("This code has just been used. Ask your teacher for a new one.")
        used = SetupCode.objects.filter(pk=found.pk, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if not used:
            raise EnrolmentError("This code has just been used. Ask your teacher for a new one.")
        user = found.user
        _refuse_staff(user)
        user.set_password(password)
        user.save(update_fields=["password"])
    return user
