"""Drafts in the database: store what the generator proposes, accept, edit or reject them.

The generator (quizzes/question_generator.py) is pure; this module is its Django side. A draft's
identity is its fingerprint (kind, rule, spans and prompt as first proposed), unique per text, so
running the generator again never duplicates a draft. A new proposal is also skipped when it
would repeat a question already in the bank: same kind, on the same text, whose excerpt contains
the draft's key (an accepted draft's excerpt is its sentence, so this also catches bank questions
imported or written by hand on the same sentence).
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from quizzes import building, kinds, question_generator
from quizzes.models import (
    DraftDecision,
    Question,
    QuestionDraft,
    RestoredBlock,
    SourceText,
)
from quizzes.question_generator import Draft, derive

MAX_TEXT_BYTES = 2 * 1024 * 1024
TEXT_EXTENSIONS = (".txt", ".md", ".markdown", ".text")


class BadText(ValueError):
    """Bytes that are not a usable text; the message says why, for the person who sent them."""


# Reading a text


def decode_text(data: bytes, *, name: str = "The file") -> str:
    """The text of an uploaded or given file, or BadText: too large, not UTF-8, binary, empty."""
    if len(data) > MAX_TEXT_BYTES:
        raise BadText(
            f"{name} is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_TEXT_BYTES // 1024 // 1024} MB. Split the text into parts."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadText(
            f"{name} is not UTF-8 text. Save it as plain text (.txt) or Markdown (.md) in UTF-8."
        ) from None
    return check_text(text, name=name)


def check_text(text: str, *, name: str = "The text") -> str:
    """The text itself, or BadText when it is empty or looks like binary data."""
    if "\x00" in text or _control_share(text) > 0.01:
        raise BadText(f"{name} looks like binary data, not text (a PDF or Word file?).")
    if not text.strip():
        raise BadText(f"{name} is empty.")
    return text


def normalise_newlines(text: str) -> str:
    """CRLF and CR as LF: browsers send textareas with CRLF, and the stored body is what's read."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\n\r\t\f")
    return controls / len(text)


# Storing drafts


def fingerprint(draft: dict) -> str:
    """A draft's identity: kind, rule, spans and prompt as the generator proposed them."""
    key = [
        draft["kind"],
        draft["rule"],
        draft["source_start"],
        draft["source_end"],
        draft["answer_start"],
        draft["answer_end"],
        " ".join(draft["prompt"].split()),
    ]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()


def restored_spans(text: SourceText) -> list[tuple[int, int]]:
    return [(block.start, block.end) for block in text.restored_blocks.all()]


def derive_for_text(text: SourceText) -> list[Draft]:
    """The generator's drafts for a stored text, reading the boilerplate lines it restored."""
    return derive(text.body, restore=restored_spans(text), title=text.title)


@transaction.atomic
def store_drafts(*, text: SourceText, drafts: list[Draft]) -> list[QuestionDraft]:
    """Store the drafts not already there or already in the bank; returns the new rows."""
    existing = set(text.drafts.values_list("fingerprint", flat=True))
    # Two proposals of one kind on one key are the same question, whatever the rule or wording.
    taken_keys = set(text.drafts.values_list("kind", "answer_start", "answer_end"))
    excerpts = defaultdict(list)
    for kind, start, end in text.questions.values_list("kind", "excerpt_start", "excerpt_end"):
        excerpts[kind].append((start, end))
    rows = []
    for draft in drafts:
        data = draft.as_json()
        mark = fingerprint(data)
        key = (draft.kind, draft.answer_start, draft.answer_end)
        if mark in existing or key in taken_keys:
            continue
        if any(s <= draft.answer_start and draft.answer_end <= e for s, e in excerpts[draft.kind]):
            continue
        existing.add(mark)
        taken_keys.add(key)
        rows.append(
            QuestionDraft(
                source_text=text,
                kind=draft.kind,
                rule=draft.rule,
                prompt=draft.prompt,
                original=data,
                data={**data, "explanation": ""},
                source_start=draft.source_start,
                source_end=draft.source_end,
                answer_start=draft.answer_start,
                answer_end=draft.answer_end,
                fingerprint=mark,
            )
        )
    return QuestionDraft.objects.bulk_create(rows)


def rederive(text: SourceText) -> list[QuestionDraft]:
    """Run the generator again on a stored text and store what is new. The generator runs
    before the transaction that stores its drafts: on a long text it takes seconds, and on
    SQLite a transaction that writes holds the database's one write lock (students' saves)."""
    return store_drafts(text=text, drafts=derive_for_text(text))


def restore_block(*, text: SourceText, start: int, end: int) -> list[QuestionDraft]:
    """Read one boilerplate line after all, and store the drafts that now appear (derived
    first, outside the transaction, as rederive)."""
    drafts = derive(text.body, restore=[*restored_spans(text), (start, end)], title=text.title)
    with transaction.atomic():
        RestoredBlock.objects.get_or_create(source_text=text, start=start, end=end)
        return store_drafts(text=text, drafts=drafts)


def draft_from_selection(
    *, text: SourceText, start: int, end: int, kind: str
) -> tuple[QuestionDraft, bool]:
    """A draft of the selected words (question_generator.draft_for_span), stored; or the
    draft of that kind already asking about them. (draft, whether it is new); SelectionRefused
    says why none can be made."""
    draft = question_generator.draft_for_span(
        text.body, start, end, kind, restore=restored_spans(text)
    )
    with transaction.atomic():
        stored = store_drafts(text=text, drafts=[draft])
    if stored:
        return stored[0], True
    existing = text.drafts.filter(
        kind=draft.kind, answer_start=draft.answer_start, answer_end=draft.answer_end
    ).first()
    if existing is None:
        raise question_generator.SelectionRefused(
            "A question of this kind on these words is already in the bank."
        )
    return existing, False


def add_text(form) -> tuple[SourceText, list[QuestionDraft]]:
    """Save a new text from its (valid) form with the generator's drafts: derived first, then
    the text and its drafts stored in one short transaction."""
    drafts = derive(form.instance.body, restore=[], title=form.instance.title)
    with transaction.atomic():
        text = form.save()
        return text, store_drafts(text=text, drafts=drafts)


# Editing


def edit_draft(draft: QuestionDraft, *, prompt: str, explanation: str, key: dict) -> None:
    """Replace a pending draft's prompt, explanation and key (the kind-specific JSON fields)."""
    if not draft.is_pending:
        raise ValidationError("This draft has already been decided.")
    draft.data = {**draft.data, **key, "prompt": prompt, "explanation": explanation}
    draft.prompt = prompt
    draft.edited = draft.data != {**draft.original, "explanation": ""}
    draft.save(update_fields=["data", "prompt", "edited", "updated_at"])


def changes(draft: QuestionDraft) -> list[str]:
    """The parts of a draft the reviewer changed from the generator's proposal."""
    parts = []
    if draft.data.get("prompt") != draft.original.get("prompt"):
        parts.append("prompt")
    if any(draft.data.get(field) != draft.original.get(field) for field in KEY_FIELDS):
        parts.append("key")
    if draft.data.get("explanation"):
        parts.append("explanation")
    return parts


KEY_FIELDS = (
    "options",
    "answer",
    "answers",
    "pairs",
    "order",
    "numeric_value",
    "numeric_tolerance",
)


# Deciding


@transaction.atomic
def accept_draft(
    draft: QuestionDraft, *, user, status: str = Question.Status.PUBLISHED, quiz=None
) -> Question:
    """Turn a pending draft into a bank question with its answer key (and add it at the end of
    `quiz`, if given); ValidationError if unusable.

    The excerpt is the draft's sentence (for matching and ordering, the sentences it spans): the
    passage a student is sent back to must read as a whole, and the key alone ("1922") does not.
    """
    draft = QuestionDraft.objects.select_for_update().select_related("source_text").get(pk=draft.pk)
    if not draft.is_pending:
        raise ValidationError("This draft has already been decided.")
    data = draft.data
    question = Question(
        source_text=draft.source_text,
        kind=draft.kind,
        prompt=draft.prompt,
        explanation=data.get("explanation", ""),
        status=status,
        excerpt_start=draft.source_start,
        excerpt_end=draft.source_end,
        key=kinds.get(draft.kind).key_from_draft(data),
    )
    question.full_clean()
    problems = question.key_problems()
    if problems:
        raise ValidationError(problems)
    question.save()
    if quiz is not None:
        building.add_question(quiz, question)
    draft.status, draft.question = QuestionDraft.Status.ACCEPTED, question
    draft.save(update_fields=["status", "question", "updated_at"])
    action = DraftDecision.Action.EDIT if draft.edited else DraftDecision.Action.ACCEPT
    _record(draft, action=action, user=user)
    return question


@transaction.atomic
def reject_draft(draft: QuestionDraft, *, user) -> None:
    """Reject a pending draft; it stays stored so a re-run never proposes it again."""
    draft = QuestionDraft.objects.select_for_update().get(pk=draft.pk)
    if not draft.is_pending:
        raise ValidationError("This draft has already been decided.")
    draft.status = QuestionDraft.Status.REJECTED
    draft.save(update_fields=["status", "updated_at"])
    _record(draft, action=DraftDecision.Action.REJECT, user=user)


def accept_drafts(
    drafts, *, user, status: str = Question.Status.PUBLISHED, quiz=None
) -> "BulkResult":
    """Accept each draft on its own, so one unusable draft does not block the others."""
    result = BulkResult()
    for draft in drafts:
        try:
            result.accepted.append(accept_draft(draft, user=user, status=status, quiz=quiz))
        except ValidationError as error:
            result.failed.append((draft, " ".join(error.messages)))
    return result


@dataclass
class BulkResult:
    accepted: list[Question] = field(default_factory=list)
    failed: list[tuple[QuestionDraft, str]] = field(default_factory=list)


def _record(draft: QuestionDraft, *, action: str, user) -> DraftDecision:
    return DraftDecision.objects.create(
        draft=draft,
        rule=draft.rule,
        kind=draft.kind,
        action=action,
        changes=changes(draft) if action != DraftDecision.Action.ACCEPT else [],
        decided_by=user if getattr(user, "is_authenticated", False) else None,
        decided_at=timezone.now(),
    )


# Tuning the rules


@dataclass(frozen=True)
class RuleTally:
    rule: str
    accepted: int
    edited: int
    rejected: int

    @property
    def decided(self) -> int:
        return self.accepted + self.edited + self.rejected

    @property
    def rate(self) -> float | None:
        """The share of decided drafts accepted as proposed (None before any decision)."""
        return self.accepted / self.decided if self.decided else None


# Below this many decisions a rule's rate says little; its drafts rank as if half were kept.
TRUSTED_DECISIONS = 5


def draft_score(draft: QuestionDraft, tally: RuleTally | None) -> float:
    """How likely a teacher keeps the draft as proposed, to show the likeliest first (Heilman
    and Smith's overgenerate-and-rank, with features that can be said): its rule's record in
    this site's decisions, the warnings it carries, and a stem that reads on its own (12 to 30
    words, the length teachers keep; longer and shorter ones are edited more)."""
    known = tally is not None and tally.decided >= TRUSTED_DECISIONS and tally.rate is not None
    score = tally.rate if known and tally.rate is not None else 0.5
    score -= 0.15 * len(draft.data.get("warnings") or [])
    words = len(draft.prompt.split())
    if not 12 <= words <= 30:
        score -= 0.1
    return round(score, 3)


def rule_tallies() -> list[RuleTally]:
    """Per generator rule, across every text: drafts accepted as proposed, edited, rejected."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    rows = DraftDecision.objects.order_by().values("rule", "action").annotate(n=Count("pk"))
    for row in rows:
        counts[row["rule"]][row["action"]] = row["n"]
    return [
        RuleTally(
            rule=rule,
            accepted=by.get(DraftDecision.Action.ACCEPT, 0),
            edited=by.get(DraftDecision.Action.EDIT, 0),
            rejected=by.get(DraftDecision.Action.REJECT, 0),
        )
        for rule, by in sorted(counts.items())
    ]
