"""simulate_class QUIZ --students N --seed S: a class of simulated students for the reports."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes.models import Quiz
from quizzes.simulation import simulate_class


class Command(BaseCommand):
    help = "Create N simulated students with submitted attempts that follow an ability model."

    def add_arguments(self, parser):
        parser.add_argument("quiz", help="The quiz's slug.")
        parser.add_argument("--students", type=int, default=30)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--attempts", type=int, default=1, help="Each student makes 1 to this many attempts."
        )

    def handle(self, *args, **options):
        quiz = Quiz.objects.filter(slug=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"No quiz with the slug {options['quiz']!r}.")
        try:
            with transaction.atomic():
                result = simulate_class(
                    quiz=quiz,
                    students=options["students"],
                    seed=options["seed"],
                    attempts=options["attempts"],
                )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Simulated {result.students} students, {result.attempts} attempts and "
                f"{result.responses} responses at {quiz.title}."
            )
        )
