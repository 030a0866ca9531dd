"""Propose draft questions from a text file: print them as JSON, or store them under a text."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quizzes import drafting
from quizzes.management.arguments import course_named
from quizzes.models import SourceText
from quizzes.question_generator import derive


class Command(BaseCommand):
    help = (
        "Derive draft questions from a UTF-8 text or Markdown file. --json prints them and saves "
        "nothing; --save --text SLUG stores them as drafts under that source text (created from "
        "the file if it does not exist). Re-running never duplicates drafts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--json", action="store_true", help="Print the drafts as JSON.")
        parser.add_argument("--save", action="store_true", help="Store the drafts for review.")
        parser.add_argument("--text", metavar="SLUG", help="The source text to store them under.")
        parser.add_argument("--title", help="Title for a new source text (default: from SLUG).")
        parser.add_argument(
            "--course",
            default="",
            help="The code of the course a new text belongs to (may be left out when there is "
            "one).",
        )

    def handle(self, *args, **options):
        file, as_json, save, text = (options[k] for k in ("file", "json", "save", "text"))
        if save == as_json:
            raise CommandError("Give exactly one of --json (print) or --save --text SLUG (store).")
        if save and not text:
            raise CommandError("--save needs --text SLUG: the source text to store drafts under.")
        body = self.read(file)
        if as_json:
            drafts = [draft.as_json() for draft in derive(body)]
            self.stdout.write(_dumps(drafts))
            return
        with transaction.atomic():
            source, created = self.source_text(text, body, options.get("title"), options["course"])
            stored = drafting.rederive(source)
        made = "Created" if created else "Found"
        self.stdout.write(
            self.style.SUCCESS(
                f"{made} text {source.slug!r}: {len(stored)} new draft(s) stored, "
                f"{source.drafts.count()} in all."
            )
        )

    def read(self, file: Path) -> str:
        try:
            if file.stat().st_size > drafting.MAX_TEXT_BYTES:
                # Refuse before reading a huge file into memory.
                raise drafting.BadText(
                    f"{file} is larger than {drafting.MAX_TEXT_BYTES // 1024 // 1024} MB."
                )
            return drafting.decode_text(file.read_bytes(), name=str(file))
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror or error}") from None
        except drafting.BadText as error:
            raise CommandError(str(error)) from None

    def source_text(
        self, slug: str, body: str, title: str | None, course_code: str
    ) -> tuple[SourceText, bool]:
        body = drafting.normalise_newlines(body)
        source = SourceText.objects.filter(slug=slug).first()
        if source is None:
            title = title or slug.replace("-", " ").replace("_", " ").capitalize()
            source = SourceText(
                slug=slug, title=title[:200], body=body, course=course_named(course_code)
            )
            try:
                source.full_clean()
            except Exception as error:
                raise CommandError(f"Cannot create text {slug!r}: {error}") from None
            source.save()
            return source, True
        if drafting.normalise_newlines(source.body) != body:
            raise CommandError(
                f"The file is not the stored text of {slug!r}: drafts point into the text by "
                "character offsets, so they can only be stored under the same text."
            )
        return source, False


def _dumps(drafts: list[dict]) -> str:
    return json.dumps(drafts, ensure_ascii=False, indent=2)
