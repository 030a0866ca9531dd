"""manage.py export_questions --format F [--course C] [--quiz Q] [--text T] [--tag T]
[--output FILE]: questions in GIFT, Aiken, Moodle XML, CSV or XLSX."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.exchange import FORMATS, exporting
from quizzes.models import Question, Quiz


class Command(BaseCommand):
    help = "Export questions (a quiz's, a text's, a tag's, a course's, or all) to a format."

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--course", default="", help="A course's code: its questions.")
        parser.add_argument("--quiz", default="", help="A quiz's slug: the questions it names.")
        parser.add_argument("--text", default="", help="A text's slug: its questions.")
        parser.add_argument("--tag", default="", help="Only the questions with this tag.")
        parser.add_argument("--output", default="", help="The file to write (else stdout).")

    def handle(self, *args, **options):
        questions = Question.objects.all()
        if options["course"]:
            questions = questions.filter(source_text__course__code=options["course"])
        if options["quiz"]:
            quiz = Quiz.objects.filter(slug=options["quiz"]).first()
            if quiz is None:
                raise CommandError(f"No quiz “{options['quiz']}”.")
            questions = questions.filter(quiz_slots__quiz=quiz)
        if options["text"]:
            questions = questions.filter(source_text__slug=options["text"])
        if options["tag"]:
            questions = questions.filter(tags__name__iexact=options["tag"])
        content, skipped = exporting.export(exporting.exportable(questions), options["format"])
        if options["output"]:
            data = content.encode("utf-8") if isinstance(content, str) else content
            Path(options["output"]).write_bytes(data)
        elif isinstance(content, str):
            self.stdout.write(content, ending="")
        else:
            sys.stdout.buffer.write(content)
        for line in skipped:
            self.stderr.write(f"skipped: {line}")
