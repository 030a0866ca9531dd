"""quiz_stats QUIZ --attempts first|last|best|all [--json]: the item analysis of a quiz."""

import json

from django.core.management.base import BaseCommand, CommandError

from quizzes import reports
from quizzes.models import Quiz


def _figure(value, suffix="") -> str:
    return "—" if value is None else f"{value:.2f}{suffix}"


class Command(BaseCommand):
    help = "Print a quiz's item analysis (Moodle's definitions), as a table or as JSON."

    def add_arguments(self, parser):
        parser.add_argument("quiz", help="The quiz's slug.")
        parser.add_argument("--attempts", choices=list(reports.ATTEMPT_CHOICES), default=None)
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args, **options):
        quiz = Quiz.objects.filter(slug=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"No quiz with the slug {options['quiz']!r}.")
        report = reports.item_analysis(quiz, options["attempts"] or reports.default_attempts(quiz))
        data = reports.report_as_dict(report)
        if options["json"]:
            self.stdout.write(json.dumps(data, indent=2))
            return
        summary = data["summary"]
        self.stdout.write(f"{quiz.title}: {data['attempts_analysed']} attempts analysed")
        for name in ("attempts", "mean", "median", "sd", "skewness", "kurtosis", "cic"):
            value = summary[name]
            self.stdout.write(f"  {name:16} {value if name == 'attempts' else _figure(value)}")
        self.stdout.write(f"  {'error_ratio':16} {_figure(summary['error_ratio'], ' %')}")
        self.stdout.write(f"  {'standard_error':16} {_figure(summary['standard_error'])}")
        self.stdout.write("   #  facility      sd   guess  int.wt  eff.wt  discr.  d.eff.")
        for row in data["questions"]:
            figures = [
                row[name]
                for name in (
                    "facility",
                    "sd",
                    "random_guess",
                    "intended_weight",
                    "effective_weight",
                    "discrimination_index",
                    "discriminative_efficiency",
                )
            ]
            cells = "".join(f"{_figure(value):>8}" for value in figures)
            flags = f"  ⚑ {' '.join(row['flags'])}" if row["flags"] else ""
            self.stdout.write(f"{row['position']:>4}{cells}{flags}")
