"""manage.py setup_demo: two demo courses, the Rapallo bank in the first, and the demo accounts
(safe to re-run)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes import bank
from quizzes.models import Course, Membership, Role, SourceText
from quizzes.permissions import instructors_group

DEMO_BANK = settings.BASE_DIR / "fixtures" / "rapallo-bank.json"
FIRST_COURSE = {"code": "history-9a", "title": "History 9A: Weimar foreign policy"}
SECOND_COURSE = {"code": "history-10b", "title": "History 10B: Europe between the wars"}
TERM = "2026–27"
# username, what the login list calls them, staff (may create courses), memberships
ACCOUNTS = (
    ("student", "student", False, (("first", Role.STUDENT), ("second", Role.STUDENT))),
    ("student2", "student", False, (("second", Role.STUDENT),)),
    ("instructor", "teacher", True, (("first", Role.TEACHER),)),
    ("teacher2", "teacher", True, (("second", Role.TEACHER),)),
)


class Command(BaseCommand):
    help = (
        "Create two demo courses, import fixtures/rapallo-bank.json into the first, and create "
        "the demo accounts: 'instructor' teaches the first, 'teacher2' the second, 'student' is "
        "in both, 'student2' in the second only. The password comes from DEMO_PASSWORD, else "
        "one is generated once, kept in the file settings.DEMO_PASSWORD_FILE and printed on "
        "every run."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Generate a new demo password (ignored when DEMO_PASSWORD is set).",
        )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD") or self.generated_password(
            reset=options["reset_passwords"]
        )
        try:
            with transaction.atomic():
                courses = {"first": self.first_course(), "second": self.course(SECOND_COURSE)}
                report = bank.import_bank(DEMO_BANK, courses["first"])
                for username, _, staff, memberships in ACCOUNTS:
                    user = self.demo_user(username, password, instructor=staff)
                    for course, role in memberships:
                        Membership.objects.update_or_create(
                            course=courses[course],
                            user=user,
                            defaults={"role": role, "removed_at": None},
                        )
        except bank.BankError as error:
            raise CommandError(f"The demo was not set up. {error}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(f"Courses: {courses['first']} and {courses['second']}.")
        self.stdout.write(self.style.SUCCESS("Demo ready. Log in as:"))
        for username, role, _, memberships in ACCOUNTS:
            where = " and ".join(courses[course].code for course, _ in memberships)
            self.stdout.write(
                f"  {role:<10} {where:<27} username: {username:<12} password: {password}"
            )

    def first_course(self) -> Course:
        """The course holding the demo text (a site upgraded from before courses has it in its
        default course), else a new one."""
        slug = bank.bank_text_slug(DEMO_BANK)
        text = SourceText.objects.filter(slug=slug).select_related("course").first()
        return text.course if text else self.course(FIRST_COURSE)

    def course(self, spec: dict) -> Course:
        course, _ = Course.objects.get_or_create(
            code=spec["code"], defaults={"title": spec["title"], "term": TERM}
        )
        return course

    def generated_password(self, *, reset: bool) -> str:
        """The demo password generated on the first run, kept so later runs can print it."""
        path = Path(settings.DEMO_PASSWORD_FILE)
        if path.exists() and not reset:
            kept = path.read_text(encoding="utf-8").strip()
            if kept:
                return kept
        password = secrets.token_urlsafe(12)
        path.write_text(password + "\n", encoding="utf-8")
        path.chmod(0o600)
        return password

    def demo_user(self, username: str, password: str, *, instructor: bool = False):
        """Create or update one demo account with this password."""
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = instructor
        user.is_superuser = False
        user.is_active = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        if instructor:
            user.groups.add(instructors_group())
        return user
