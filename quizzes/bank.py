"""Importing a question bank: a JSON file describing a source text, its questions and quizzes.

The format (see fixtures/rapallo-bank.json)::

    {"text": {"slug", "title", "body_file" (relative to the JSON file), "publisher",
              "page_title", "url", "published_on"},
     "questions": [{"key", "kind", "prompt", "explanation", "points", "tags", "excerpt",
                    ...the kind's answer key...}],
     "quizzes": [{"slug", "title", "description", "questions": [keys] | "all", "feedback",
                  "time_limit_minutes", "attempts_allowed", "grading_method",
                  "shuffle_questions", "shuffle_options", "pass_mark", "text_during_quiz",
                  "is_secure", "review": "practice" | "test"}]}

Answer keys by kind (each kind's key_from_bank, quizzes/kinds/): "choices" [{"text", "correct",
"feedback"?}] (single choice, multiple response); "answer" bool (true/false); "answers" [str]
(short answer); "value", "tolerance" (numeric); "items" [str in the correct order] (ordering);
"pairs" [[prompt, answer]] and "distractors" [str] (matching).

A bank is imported into one course: its text, tags and quizzes belong to the course, and each new
quiz is given to it. Importing is idempotent: texts and quizzes are matched by slug (a slug another
course uses is refused), questions by (text, key).
A question that students have already met in an attempt is never rewritten, so the history
stays as it was; the report says which ones were kept.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from quizzes import kinds, passages, review_options
from quizzes.models import (
    Assignment,
    Course,
    Question,
    Quiz,
    QuizQuestion,
    SourceText,
    Tag,
)
from quizzes.models.review_fields import REVIEW_ITEMS, store_options

TEXT_FIELDS = ("title", "publisher", "page_title", "url", "published_on")
QUIZ_SETTINGS = (
    "feedback",
    "time_limit_minutes",
    "attempts_allowed",
    "grading_method",
    "shuffle_questions",
    "shuffle_options",
    "pass_mark",
    "text_during_quiz",
    "is_secure",
)
REVIEW_COLUMNS = tuple(f"review_{item}" for item in REVIEW_ITEMS)


class BankError(Exception):
    """A bank file that cannot be imported; the message says where and why."""


@dataclass
class ImportReport:
    text: str = ""
    text_created: bool = False
    text_updated: bool = False
    questions_created: list[str] = field(default_factory=list)
    questions_updated: list[str] = field(default_factory=list)
    questions_unchanged: list[str] = field(default_factory=list)
    questions_kept: list[str] = field(default_factory=list)
    quizzes_created: list[str] = field(default_factory=list)
    quizzes_updated: list[str] = field(default_factory=list)
    quizzes_unchanged: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The report in words, one line per fact."""
        state = "created" if self.text_created else "updated" if self.text_updated else "unchanged"
        lines = [
            f"Text “{self.text}”: {state}.",
            f"Questions: {len(self.questions_created)} created, "
            f"{len(self.questions_updated)} updated, {len(self.questions_unchanged)} unchanged.",
        ]
        if self.questions_kept:
            lines.append(
                f"{len(self.questions_kept)} changed question(s) were left as they are because "
                f"students have already answered them: {', '.join(self.questions_kept)}."
            )
        lines.append(
            f"Quizzes: {len(self.quizzes_created)} created, {len(self.quizzes_updated)} updated, "
            f"{len(self.quizzes_unchanged)} unchanged."
        )
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())


def import_bank(path: str | Path, course: Course) -> ImportReport:
    """Create or update the text, questions and quizzes of a bank file in the course, all or
    nothing."""
    path = Path(path)
    data = _read(path)
    with transaction.atomic():
        return _Importer(data, path, course).run()


def bank_text_slug(path: str | Path) -> str:
    """The slug of the text a bank file describes."""
    return _required(_read(Path(path))["text"], "slug", "text")


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BankError(f"No bank file at {path}.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BankError(f"Cannot read {path}: {error}") from None
    except json.JSONDecodeError as error:
        raise BankError(f"{path} is not valid JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), dict):
        raise BankError(f'{path}: the bank needs a "text" object.')
    if not isinstance(data.get("questions"), list):
        raise BankError(f'{path}: the bank needs a "questions" list.')
    if not isinstance(data.get("quizzes", []), list):
        raise BankError(f'{path}: "quizzes" must be a list.')
    return data


def _required(mapping: dict, name: str, where: str):
    if mapping.get(name) in (None, ""):
        raise BankError(f'{where}: "{name}" is missing.')
    return mapping[name]


def _validation_message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


class _Importer:
    def __init__(self, data: dict, path: Path, course: Course):
        self.data = data
        self.path = path
        self.course = course
        self.report = ImportReport()

    def run(self) -> ImportReport:
        text, old_body = self.import_text()
        questions = self.import_questions(text)
        self.check_other_excerpts(text, old_body, questions)
        self.import_quizzes(text, questions)
        return self.report

    # The text

    def import_text(self) -> tuple[SourceText, str | None]:
        spec = self.data["text"]
        slug = _required(spec, "slug", "text")
        body_file = self.path.parent / _required(spec, "body_file", "text")
        try:
            body = body_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise BankError(f"text: cannot read its body file {body_file}: {error}") from None
        values = {name: spec.get(name) or "" for name in TEXT_FIELDS}
        values["title"] = _required(spec, "title", "text")
        values["published_on"] = self.parse_date(spec.get("published_on"))
        values["body"] = body
        text = SourceText.objects.filter(slug=slug).first()
        if text is not None and text.course_id != self.course.pk:
            raise BankError(f"text: the slug “{slug}” is already used by another course's text.")
        old_body = text.body if text else None
        if text is None:
            text = SourceText(slug=slug, course=self.course, **values)
            self.report.text_created = True
        elif any(getattr(text, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(text, name, value)
            self.report.text_updated = True
        self.report.text = values["title"]
        if self.report.text_created or self.report.text_updated:
            try:
                # Only the fields: the model's excerpt check runs later, once the bank's
                # questions have been relocated in the new body (check_other_excerpts).
                text.clean_fields()
            except ValidationError as error:
                raise BankError(f"text: {_validation_message(error)}") from None
            text.save()
        return text, old_body

    @staticmethod
    def parse_date(value) -> datetime.date | None:
        if not value:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except (TypeError, ValueError):
            raise BankError(f"text: published_on {value!r} is not a date (YYYY-MM-DD).") from None

    # Questions

    def import_questions(self, text: SourceText) -> dict[str, Question]:
        existing = {
            question.bank_key: question
            for question in Question.objects.filter(source_text=text).exclude(bank_key="")
        }
        in_use = set(
            Question.objects.filter(source_text=text, responses__isnull=False).values_list(
                "bank_key", flat=True
            )
        )
        questions = {}
        for index, spec in enumerate(self.data["questions"], start=1):
            if not isinstance(spec, dict):
                raise BankError(f"question #{index}: expected an object.")
            key = _required(spec, "key", f"question #{index}")
            if key in questions:
                raise BankError(f"question {key}: the key is used twice in the bank.")
            questions[key] = self.import_question(text, spec, key, existing.get(key), key in in_use)
        return questions

    def import_question(
        self, text: SourceText, spec: dict, key_name: str, question: Question | None, in_use: bool
    ) -> Question:
        where = f"question {key_name}"
        kind = _required(spec, "kind", where)
        if kind not in kinds.KINDS:
            raise BankError(f"{where}: unknown kind {kind!r} (one of {', '.join(kinds.KINDS)}).")
        try:
            start, end = passages.locate_excerpt(text.body, _required(spec, "excerpt", where))
        except passages.ExcerptError as error:
            raise BankError(f"{where}: {error}") from None
        try:
            points = Decimal(str(spec.get("points", 1)))
        except InvalidOperation:
            raise BankError(f"{where}: points {spec.get('points')!r} is not a number.") from None
        values = {
            "kind": kind,
            "prompt": _required(spec, "prompt", where),
            "explanation": spec.get("explanation") or "",
            "default_points": points,
            "excerpt_start": start,
            "excerpt_end": end,
        }
        kind_type = kinds.get(kind)
        try:
            key = kind_type.key_from_bank(spec)
        except kinds.KeyFormatError as error:
            raise BankError(
                f"{where}: the answer key for a {kind} question is malformed: {error} "
                "See the format in quizzes/bank.py."
            ) from None
        tags = spec.get("tags") or []
        if not isinstance(tags, list) or not all(isinstance(tag, str) and tag for tag in tags):
            raise BankError(f'{where}: "tags" must be a list of names.')

        if question is not None:
            if self.question_matches(question, values, key, tags):
                self.report.questions_unchanged.append(key_name)
                return question
            if in_use:
                # History is immutable: students' attempts refer to this question as it was.
                self.report.questions_kept.append(key_name)
                return question
            self.report.questions_updated.append(key_name)
            if question.kind == kind:
                key = kind_type.keep_ids(question.key, key)
        else:
            question = Question(source_text=text, bank_key=key_name)
            self.report.questions_created.append(key_name)
        for name, value in values.items():
            setattr(question, name, value)
        question.key = key
        question.status = Question.Status.PUBLISHED
        try:
            question.full_clean()
        except ValidationError as error:
            raise BankError(f"{where}: {_validation_message(error)}") from None
        problems = question.key_problems()
        if problems:
            raise BankError(f"{where}: {' '.join(problems)}")
        question.save()
        question.tags.set(
            [Tag.objects.get_or_create(course=self.course, name=name)[0] for name in tags]
        )
        return question

    @staticmethod
    def question_matches(question: Question, values: dict, key: dict, tags: list) -> bool:
        return (
            all(getattr(question, name) == value for name, value in values.items())
            and question.kind_type.same_key(question.key, key)
            and sorted(tag.name for tag in question.tags.all()) == sorted(tags)
        )

    def check_other_excerpts(
        self, text: SourceText, old_body: str | None, imported: dict[str, Question]
    ) -> None:
        """A changed body must not move the excerpt of a question the bank did not relocate."""
        if old_body is None or old_body == text.body:
            return
        relocated = {
            question.pk
            for key, question in imported.items()
            if key not in self.report.questions_kept
        }
        moved = [
            question.bank_key or f"#{question.pk}"
            for question in text.questions.exclude(pk__in=relocated)
            if text.body[question.excerpt_start : question.excerpt_end]
            != old_body[question.excerpt_start : question.excerpt_end]
        ]
        if moved:
            raise BankError(
                f"text: the new body moves the excerpts of question(s) {', '.join(moved[:10])}, "
                "which the bank cannot update (students answered them, or they are not in the "
                "bank). Keep the text as it was up to those excerpts."
            )

    # Quizzes

    def import_quizzes(self, text: SourceText, questions: dict[str, Question]) -> None:
        for index, spec in enumerate(self.data.get("quizzes", []), start=1):
            if not isinstance(spec, dict):
                raise BankError(f"quiz #{index}: expected an object.")
            slug = _required(spec, "slug", f"quiz #{index}")
            self.import_quiz(text, questions, spec, slug)

    def import_quiz(
        self, text: SourceText, questions: dict[str, Question], spec: dict, slug: str
    ) -> None:
        where = f"quiz {slug}"
        keys = spec.get("questions")
        if keys == "all":
            # The whole bank in the order of the text.
            chosen = sorted(questions.values(), key=lambda q: (q.excerpt_start, q.excerpt_end))
        elif isinstance(keys, list) and keys:
            unknown = [key for key in keys if key not in questions]
            if unknown:
                raise BankError(f"{where}: no question with key(s) {', '.join(map(str, unknown))}.")
            if len(set(keys)) != len(keys):
                raise BankError(f"{where}: a question is listed twice.")
            chosen = [questions[key] for key in keys]
        else:
            raise BankError(f'{where}: "questions" must be a list of keys or "all".')
        quiz = Quiz.objects.filter(slug=slug).first()
        if quiz is not None and quiz.course_id != self.course.pk:
            raise BankError(f"{where}: the slug is already used by another course's quiz.")
        created = quiz is None
        if created:
            quiz = Quiz(slug=slug, course=self.course)
        tracked = (
            "title",
            "description",
            "source_text_id",
            "is_published",
            *QUIZ_SETTINGS,
            *REVIEW_COLUMNS,
        )
        before = [getattr(quiz, name) for name in tracked]
        quiz.title = _required(spec, "title", where)
        quiz.description = spec.get("description") or ""
        quiz.source_text = text
        quiz.is_published = True
        for name in QUIZ_SETTINGS:
            if name in spec:
                setattr(quiz, name, spec[name])
        if "review" in spec:
            preset = review_options.PRESETS.get(spec["review"])
            if preset is None:
                names = " or ".join(f'"{name}"' for name in review_options.PRESETS)
                raise BankError(f'{where}: "review" must be {names}.')
            store_options(quiz, preset)
        try:
            quiz.full_clean()
        except ValidationError as error:
            raise BankError(f"{where}: {_validation_message(error)}") from None
        changed = created or before != [getattr(quiz, name) for name in tracked]
        if changed:
            quiz.save()
        if created:
            Assignment.objects.create(quiz=quiz, course=self.course)
        slots = {slot.question_id: slot for slot in quiz.quiz_questions.all()}
        for position, question in enumerate(chosen, start=1):
            slot = slots.pop(question.pk, None)
            if slot is None:
                QuizQuestion.objects.create(quiz=quiz, question=question, position=position)
                changed = True
            elif slot.position != position:
                slot.position = position
                slot.save(update_fields=["position"])
                changed = True
        if slots:
            quiz.quiz_questions.filter(pk__in=[slot.pk for slot in slots.values()]).delete()
            changed = True
        if created:
            self.report.quizzes_created.append(slug)
        elif changed:
            self.report.quizzes_updated.append(slug)
        else:
            self.report.quizzes_unchanged.append(slug)
