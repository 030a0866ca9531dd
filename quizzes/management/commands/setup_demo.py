"""manage.py setup_demo: load the Rapallo bank and create the demo accounts (safe to re-run)."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes import bank
from quizzes.models import instructors_group

DEMO_BANK = settings.BASE_DIR / "fixtures" / "rapallo-bank.json"


class Command(BaseCommand):
    help = (
        "Import fixtures/rapallo-bank.json and create the demo accounts 'student' and "
        "'instructor'. The password comes from DEMO_PASSWORD, else one is generated for new "
        "accounts (existing passwords are kept unless --reset-passwords)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give existing demo accounts a new generated password (or DEMO_PASSWORD).",
        )

    def handle(self, *args, **options):
        password = os.environ.get("DEMO_PASSWORD", "")
        try:
            with transaction.atomic():
                report = bank.import_bank(DEMO_BANK)
                logins = [
                    self.demo_user("student", password, options["reset_passwords"]),
                    self.demo_user(
                        "instructor", password, options["reset_passwords"], instructor=True
                    ),
                ]
        except bank.BankError as error:
            raise CommandError(f"The demo was not set up. {error}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo ready. Log in as:"))
        for username, role, new_password in logins:
            shown = new_password or "(kept from an earlier run; --reset-passwords sets a new one)"
            self.stdout.write(f"  {role:<10} username: {username:<12} password: {shown}")

    def demo_user(
        self, username: str, password: str, reset: bool, *, instructor: bool = False
    ) -> tuple[str, str, str]:
        """Create or update one demo account; the password set now, or "" if kept."""
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = instructor
        user.is_superuser = False
        user.is_active = True
        new_password = ""
        if password:
            if created or reset or not user.check_password(password):
                user.set_password(password)
            new_password = password
        elif created or reset or not user.has_usable_password():
            new_password = secrets.token_urlsafe(12)
            user.set_password(new_password)
        user.save()
        if instructor:
            user.groups.add(instructors_group())
        return username, "instructor" if instructor else "student", new_password
