"""manage.py import_questions FILE --format F --course C [--text SLUG] [--dry-run]: questions from
GIFT, Aiken, Moodle XML, CSV or XLSX into a course, on one of its texts (all or nothing)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from quizzes.exchange import FORMATS, format_for, importing
from quizzes.management.arguments import course_named
from quizzes.models import SourceText

MAX_BYTES = 10 * 1024 * 1024


class Command(BaseCommand):
    help = "Import questions from another tool's format; prints what was stored and skipped."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--format", choices=sorted(FORMATS), help="Else from the file name.")
        parser.add_argument("--course", default="", help="The course's code.")
        parser.add_argument("--text", default="", help="The slug of the course's text.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be stored.")

    def handle(self, *args, **options):
        path = Path(options["file"])
        format_name = options["format"] or format_for(path.name)
        if format_name is None:
            raise CommandError("Say which format with --format (" + ", ".join(FORMATS) + ").")
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is over {MAX_BYTES // 1024 // 1024} MB.")
        course = course_named(options["course"])
        texts = SourceText.objects.filter(course=course)
        if options["text"]:
            texts = texts.filter(slug=options["text"])
        found = list(texts.order_by("pk")[:2])
        if len(found) != 1:
            raise CommandError("Say which text of the course with --text SLUG.")
        reading = FORMATS[format_name].read(path.read_bytes())
        plan = importing.plan_import(reading, found[0])
        for problem in reading.problems:
            self.stdout.write(f"{problem.level}: {problem}")
        for item in plan.items:
            where = f"line {item.question.line}: " if item.question.line else ""
            if item.error:
                self.stdout.write(f"refused: {where}{item.question.name}: {item.error}")
            elif item.duplicate is not None:
                self.stdout.write(f"already here: {where}{item.question.name}")
            for warning in item.warnings:
                self.stdout.write(f"warning: {where}{warning}")
        errors = len(plan.refused) + len(reading.errors)
        if errors:
            raise CommandError(f"Nothing was imported: {errors} question(s) cannot be.")
        if options["dry_run"]:
            self.stdout.write(f"Would store {len(plan.new)} question(s).")
            return
        stored = importing.apply_import(plan)
        drafts = sum(1 for question in stored if question.excerpt_to_confirm)
        self.stdout.write(
            self.style.SUCCESS(
                f"Stored {len(stored)} question(s) on “{found[0].title}”"
                f" ({drafts} with an excerpt to confirm); {len(plan.duplicates)} already here;"
                f" {len(reading.unsupported)} not supported."
            )
        )
