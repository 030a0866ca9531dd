"""manage.py import_bank FILE: create or update a source text, its questions and quizzes."""

from django.core.management.base import BaseCommand, CommandError

from quizzes import bank


class Command(BaseCommand):
    help = "Import a question bank JSON file (idempotent; all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The bank JSON file, e.g. fixtures/rapallo-bank.json")

    def handle(self, *args, **options):
        try:
            report = bank.import_bank(options["file"])
        except bank.BankError as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {options['file']}."))
        for line in report.lines():
            self.stdout.write(line)
