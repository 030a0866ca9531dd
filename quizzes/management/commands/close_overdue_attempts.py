"""manage.py close_overdue_attempts: submit attempts whose deadline has passed (run it often)."""

from django.core.management.base import BaseCommand

from quizzes.models import Attempt


class Command(BaseCommand):
    help = "Submit every in-progress attempt past its deadline with what was saved."

    def handle(self, *args, **options):
        closed = Attempt.objects.close_overdue()
        self.stdout.write(self.style.SUCCESS(f"Closed {closed} overdue attempt(s)."))
