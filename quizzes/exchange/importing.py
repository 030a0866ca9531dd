"""Another tool's questions into a course, on one of its texts: planned first (the preview says
what each question becomes, and why not), then stored all at once, or not at all.

A question that came from here keeps its passage (its `passage:<start>-<end>:<digest>` tag,
when the text has those words there); any other gets the sentence of the text that matches it
best, marked for a teacher to confirm, and stays a draft until then. Importing the same file
again adds nothing: a question is matched by its id (its bank key), else by its kind, text and
key.
"""

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from quizzes import kinds, passages
from quizzes.exchange.portable import Body, PortableQuestion, Reading
from quizzes.models import Question, SourceText, Tag

PASSAGE = re.compile(r"^passage:(?P<start>\d+)-(?P<end>\d+):(?P<digest>[0-9a-f]{8})$")
# Below this share of a question's (weighted) words, the sentence offered is said to be a guess.
WEAK_MATCH = 0.2


class ImportRefused(Exception):
    """A file that cannot be imported as a whole; the message says why."""


@dataclass
class Planned:
    """One question of the file as it will be stored, or why it will not be."""

    question: PortableQuestion
    kind: kinds.QuestionKind | None = None
    key: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    excerpt: tuple[int, int] | None = None
    excerpt_exact: bool = False
    match_score: float = 1.0
    excerpt_text: str = ""
    duplicate: Question | None = None
    error: str = ""

    @property
    def publishable(self) -> bool:
        return self.excerpt_exact and not self.key_problems

    @property
    def key_problems(self) -> list[str]:
        return self.kind.key_problems(self.key) if self.kind else []

    @property
    def key_lines(self) -> list[str]:
        """The right answer in words, as a review shows it."""
        if self.kind is None or self.key_problems:
            return []
        return self.kind.key_lines(self.kind.snapshot(self.key, rng=None, seed=0))


@dataclass
class Plan:
    text: SourceText
    reading: Reading
    items: list[Planned]

    @property
    def new(self) -> list[Planned]:
        return [item for item in self.items if not item.error and item.duplicate is None]

    @property
    def duplicates(self) -> list[Planned]:
        return [item for item in self.items if item.duplicate is not None]

    @property
    def refused(self) -> list[Planned]:
        return [item for item in self.items if item.error]


def plan_import(reading: Reading, text: SourceText) -> Plan:
    """What importing these questions onto the text would store; nothing is written."""
    body = text.body
    matcher = passages.SentenceMatcher(body)
    existing = list(Question.objects.filter(source_text=text).order_by("pk"))
    by_bank_key = {question.bank_key: question for question in existing if question.bank_key}
    items = []
    for question in reading.questions:
        item = Planned(question)
        items.append(item)
        try:
            item.kind, item.key, item.warnings = kinds.from_portable(question.body)
        except kinds.KeyFormatError as error:
            item.error = str(error)
            continue
        item.excerpt, item.excerpt_exact, item.match_score = excerpt_for(question, text, matcher)
        if item.excerpt is None:
            item.error = "it shares no word with the text: add the text it comes from first."
            continue
        item.excerpt_text = body[item.excerpt[0] : item.excerpt[1]]
        if not item.excerpt_exact and item.match_score < WEAK_MATCH:
            item.warnings.append(
                "Its passage is a guess: no sentence of the text shares many of its words."
            )
        bank_key = slugify(question.idnumber)[:80]
        item.duplicate = by_bank_key.get(bank_key) if bank_key else None
        if item.duplicate is None:
            item.duplicate = next(
                (
                    old
                    for old in existing
                    if old.kind == item.kind.name
                    and old.prompt == question.prompt
                    and item.kind.same_key(old.key, item.key)
                ),
                None,
            )
    return Plan(text, reading, items)


def passage_digest(excerpt: str) -> str:
    """Eight hex digits that recognise an excerpt's words (not a secret)."""
    return hashlib.sha256(excerpt.encode("utf-8")).hexdigest()[:8]


def excerpt_for(
    question: PortableQuestion, text: SourceText, matcher: passages.SentenceMatcher
) -> tuple[tuple[int, int] | None, bool, float]:
    """The question's passage in the text, whether it is exact, and how well it matches: exact
    from its passage tag when the text has those words there, else the best-matching sentence
    (to confirm), else None (no word in common)."""
    for tag in question.tags:
        found = PASSAGE.match(tag)
        if found:
            start, end = int(found["start"]), int(found["end"])
            if start < end and passage_digest(text.body[start:end]) == found["digest"]:
                return (start, end), True, 1.0
    answers = " ".join(_words(question.body))
    match = matcher.best(f"{question.prompt} {question.explanation} {answers}")
    if match is None:
        return None, False, 0.0
    return (match[0], match[1]), False, match[2]


def _words(body: Body) -> list[str]:
    """The text of a body's answers, for matching it with a sentence."""
    parts: list[str] = []
    for name in ("answers", "pairs", "items", "distractors"):
        for entry in getattr(body, name, ()):
            parts.extend(entry if isinstance(entry, tuple) else [getattr(entry, "text", entry)])
    markup = getattr(body, "markup", "")
    return [*parts, markup] if markup else parts


def apply_import(plan: Plan) -> list[Question]:
    """Store the plan's new questions in one transaction, planned again inside it so that a
    question stored since the preview is not stored twice."""
    with transaction.atomic():
        SourceText.objects.select_for_update().filter(pk=plan.text.pk).values_list("pk").get()
        fresh = plan_import(plan.reading, plan.text)
        if fresh.refused:
            raise ImportRefused(f"{len(fresh.refused)} question(s) cannot be imported.")
        stored = []
        for item in fresh.new:
            assert item.kind is not None and item.excerpt is not None
            question = Question.objects.create(
                source_text=plan.text,
                kind=item.kind.name,
                prompt=item.question.prompt,
                explanation=item.question.explanation,
                default_points=item.question.points,
                status=Question.Status.PUBLISHED if item.publishable else Question.Status.DRAFT,
                excerpt_start=item.excerpt[0],
                excerpt_end=item.excerpt[1],
                excerpt_to_confirm=not item.excerpt_exact,
                key=item.key,
                bank_key=_free_bank_key(plan.text, item.question.idnumber),
            )
            names = [tag for tag in item.question.tags if not PASSAGE.match(tag)]
            question.tags.set([_tag(plan.text, name) for name in names])
            stored.append(question)
    return stored


def _free_bank_key(text: SourceText, idnumber: str) -> str:
    key = slugify(idnumber)[:80]
    if key and Question.objects.filter(source_text=text, bank_key=key).exists():
        return ""
    return key


def _tag(text: SourceText, name: str) -> Tag:
    name = " ".join(name.split())[:50]
    found = Tag.objects.filter(course=text.course_id, name__iexact=name).first()
    return found or Tag.objects.create(course_id=text.course_id, name=name)
