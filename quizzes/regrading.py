"""Regrading a quiz, or one of its questions, after its answer key was fixed.

The rule, for "mark again against the current key": each response keeps the student's answer and
the points it was worth when the attempt started; its snapshot's key (correct options, accepted
answers, value and tolerance, matches) is rebuilt from the live question, and its marks are
computed again by its kind. Options, items and pairs keep their ids across edits (the key editor
carries them; quizzes/kinds/base.py), so the student's picks stay valid: options keep the order the
student saw, with their current wording; an option added since is appended; an option deleted since
stays (with its old wording) and is never correct. A question whose kind has changed is left alone,
since its answers cannot be compared. Attempts still in progress get the new key too, so answers
saved later are marked against it. A mark a teacher gave by hand (quizzes/models/marking.py) stays.

"Give everyone who answered full marks" sets marks to the points of every answered response to
one question in finished attempts. Blank responses stay blank: a response without an answer cannot
carry marks. The attempt's score is the sum of its marks, as when it was submitted.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from quizzes import grading, kinds, signals
from quizzes.models import Attempt, Question, Quiz, Regrade, RegradedResponse, Response


def rekeyed(snapshot: dict, live: dict) -> dict:
    """The snapshot with its key rebuilt from the live question's snapshot (see the rule)."""
    if snapshot.get("kind") != live.get("kind"):
        return snapshot
    return kinds.of(snapshot).rekey(snapshot, live)


@dataclass(frozen=True)
class Change:
    response: Response
    old_marks: Decimal | None
    new_marks: Decimal | None
    snapshot: dict

    @property
    def marks_changed(self) -> bool:
        return self.old_marks != self.new_marks


@dataclass(frozen=True)
class AttemptChange:
    attempt: Attempt
    old_score: Decimal | None
    new_score: Decimal | None

    @property
    def delta(self) -> Decimal:
        return (self.new_score or 0) - (self.old_score or 0)

    @property
    def old_percent(self) -> float | None:
        return grading.Score(self.old_score, self.attempt.max_score).percent

    @property
    def new_percent(self) -> float | None:
        return grading.Score(self.new_score, self.attempt.max_score).percent


@dataclass(frozen=True)
class RegradePlan:
    changes: tuple[Change, ...]
    attempts: tuple[AttemptChange, ...]
    checked: int

    @property
    def mark_changes(self) -> list[Change]:
        return [change for change in self.changes if change.marks_changed]


def plan_regrade(quiz: Quiz, *, mode: str, question: Question | None = None) -> RegradePlan:
    """What a regrade would change, without saving anything: five queries."""
    if mode == Regrade.Mode.FULL_MARKS and question is None:
        raise ValueError("Choose the question to give full marks for.")
    responses = Response.objects.filter(attempt__quiz=quiz).select_related("attempt__student")
    if question is not None:
        responses = responses.filter(question=question)
    responses = list(
        responses.order_by("attempt__student__username", "attempt__number", "position")
    )
    live = {}
    if mode == Regrade.Mode.CURRENT_KEY:
        ids = {response.question_id for response in responses}
        live = {q.pk: q.snapshot() for q in Question.objects.with_key().filter(pk__in=ids)}
    changes = []
    for response in responses:
        attempt = response.attempt
        if mode == Regrade.Mode.FULL_MARKS:
            if attempt.is_in_progress or not response.is_answered:
                continue
            snapshot, new_marks = response.snapshot, response.points.quantize(Decimal("0.0001"))
        else:
            snapshot = rekeyed(response.snapshot, live[response.question_id])
            new_marks = (
                grading.marks(response.points, kinds.grade(snapshot, response.answer))
                if response.is_answered
                else None
            )
            if response.marked_by_teacher:
                new_marks = response.marks  # a teacher's own mark outranks the key's
        if new_marks != response.marks or snapshot != response.snapshot:
            changes.append(Change(response, response.marks, new_marks, snapshot))
    deltas: dict[int, Decimal] = defaultdict(Decimal)
    attempts = {}
    for change in changes:
        if change.marks_changed:
            attempts[change.response.attempt_id] = change.response.attempt
            deltas[change.response.attempt_id] += (change.new_marks or 0) - (change.old_marks or 0)
    attempt_changes = tuple(
        AttemptChange(
            attempt=attempt,
            old_score=attempt.score,
            new_score=None if attempt.score is None else attempt.score + deltas[attempt.pk],
        )
        for attempt in attempts.values()
    )
    return RegradePlan(changes=tuple(changes), attempts=attempt_changes, checked=len(responses))


def apply_regrade(
    quiz: Quiz, *, mode: str, by, question: Question | None = None, note: str = ""
) -> tuple[Regrade, RegradePlan]:
    """Regrade and record it (who, when, which marks changed) in one transaction."""
    with transaction.atomic():
        # Lock the quiz's attempts so a submission cannot be scored halfway through.
        list(Attempt.objects.select_for_update().filter(quiz=quiz).values_list("pk"))
        plan = plan_regrade(quiz, mode=mode, question=question)
        for change in plan.changes:
            change.response.snapshot, change.response.marks = change.snapshot, change.new_marks
        Response.objects.bulk_update(
            [change.response for change in plan.changes], ["snapshot", "marks"], batch_size=500
        )
        finished = [item for item in plan.attempts if item.new_score is not None]
        for item in finished:
            item.attempt.score = item.new_score
        Attempt.objects.bulk_update([item.attempt for item in finished], ["score"], batch_size=500)
        for pair in {(item.attempt.course_id, item.attempt.student_id) for item in finished}:
            signals.grade_changed.send(
                Regrade, quiz_id=quiz.pk, course_id=pair[0], student_id=pair[1]
            )
        regrade = Regrade.objects.create(
            quiz=quiz, question=question, mode=mode, regraded_by=by, note=note
        )
        RegradedResponse.objects.bulk_create(
            RegradedResponse(
                regrade=regrade,
                attempt_id=change.response.attempt_id,
                response=change.response,
                old_marks=change.old_marks,
                new_marks=change.new_marks,
            )
            for change in plan.mark_changes
        )
    return regrade, plan
