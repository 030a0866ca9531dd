"""manage.py import_bank FILE --course CODE: create or update a source text, its questions and
quizzes in a course."""

from django.core.management.base import BaseCommand, CommandError

from quizzes import bank
from quizzes.management.arguments import course_named


class Command(BaseCommand):
    help = "Import a question bank JSON file (idempotent; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The bank JSON file, e.g. fixtures/rapallo-bank.json")
        parser.add_argument(
            "--course",
            default="",
            help="The code of the course it belongs to (may be left out when there is one).",
        )

    def handle(self, *args, **options):
        course = course_named(options["course"])
        try:
            report = bank.import_bank(options["file"], course)
        except bank.BankError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {options['file']}."))
        for line in report.lines():
            self.stdout.write(line)
