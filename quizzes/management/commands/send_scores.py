"""manage.py send_scores: send the grades waiting for LMS gradebooks (LTI grade passback).

Grades are sent right after an attempt is graded, from the web process; this sends what that
missed (the LMS was down, the process stopped) when each is due, and clears expired login and
launch values. Safe to run from several processes at once: each grade is claimed by one sender.
"""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from quizzes.lti.scores import deliver_due
from quizzes.lti.tool import clear_expired


class Command(BaseCommand):
    help = "Send the grades waiting for LMS gradebooks whose time to (re)try has come."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="Keep sending at this interval until stopped (instead of once).",
        )

    def handle(self, *args, every=None, **options):
        while True:
            counts = deliver_due()
            cleared = clear_expired()
            if every is None or any(counts.values()):
                self.stdout.write(
                    f"{counts['sent']} sent, {counts['failed']} failed (tried again later), "
                    f"{counts['skipped']} taken by another sender; {cleared} expired launch "
                    "values cleared."
                )
            if every is None:
                return
            close_old_connections()
            time.sleep(every)
