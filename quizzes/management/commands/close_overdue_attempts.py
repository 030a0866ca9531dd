"""manage.py close_overdue_attempts: close attempts whose time is up (run it often).

Safe to run often and from several processes at once: Attempt.finish locks the row and closes an
attempt once, so two sweeps (or a sweep and the student's own submit) never grade it twice.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from quizzes.models import Attempt


class Command(BaseCommand):
    help = (
        "Close every in-progress attempt past its deadline (plus any grace period) under its "
        "quiz's overdue policy: submitted with what was saved, at the deadline, or abandoned."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="Keep sweeping at this interval until stopped (instead of once).",
        )

    def handle(self, *args, every=None, **options):
        while True:
            closed = Attempt.objects.close_overdue()
            if every is None or closed:
                self.stdout.write(self.style.SUCCESS(f"Closed {closed} overdue attempt(s)."))
            if every is None:
                return
            close_old_connections()
            time.sleep(every)
