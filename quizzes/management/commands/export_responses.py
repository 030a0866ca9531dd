"""export_responses QUIZ: the responses CSV (one row per attempt and question) on stdout."""

from django.core.management.base import BaseCommand, CommandError

from quizzes import reports
from quizzes.models import Quiz


class Command(BaseCommand):
    help = "Write a quiz's responses as CSV to standard output."

    def add_arguments(self, parser):
        parser.add_argument("quiz", help="The quiz's slug.")
        parser.add_argument(
            "--no-bom", action="store_true", help="Leave out the byte-order mark for spreadsheets."
        )

    def handle(self, *args, **options):
        quiz = Quiz.objects.filter(slug=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"No quiz with the slug {options['quiz']!r}.")
        for number, chunk in enumerate(reports.responses_csv(quiz)):
            if number == 0 and options["no_bom"]:
                chunk = chunk.removeprefix("\ufeff")
            self.stdout.write(chunk, ending="")
