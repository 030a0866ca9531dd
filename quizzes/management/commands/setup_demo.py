"""manage.py setup_demo: load the Rapallo bank and create the demo accounts (safe to re-run)."""

import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes import bank
from quizzes.permissions import instructors_group

DEMO_BANK = settings.BASE_DIR / "fixtures" / "rapallo-bank.json"


class Command(BaseCommand):
    help = (
        "Import fixtures/rapallo-bank.json and create the demo accounts 'student' and "
        "'instructor'. The password comes from DEMO_PASSWORD, else one is generated once, kept "
        "in the file settings.DEMO_PASSWORD_FILE and printed on every run."
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
                report = bank.import_bank(DEMO_BANK)
                self.demo_user("student", password)
                self.demo_user("instructor", password, instructor=True)
        except bank.BankError as error:
            raise CommandError(f"The demo was not set up. {error}") from None
        for line in report.lines():
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo ready. Log in as:"))
        for username, role in (("student", "student"), ("instructor", "instructor")):
            self.stdout.write(f"  {role:<10} username: {username:<12} password: {password}")

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

    def demo_user(self, username: str, password: str, *, instructor: bool = False) -> None:
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
