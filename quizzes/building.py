"""Building a quiz: its slots (questions by name and random draws) added, ordered, marked,
removed; and a quiz duplicated.

A slot is named by its kind and key ("q12": the question slot 12, "r3": the random draw 3), so
one order covers both. Every change locks the quiz's row first, so two teachers editing the same
quiz take turns, and leaves the positions numbered 1, 2, 3… in order.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify

from quizzes.models import Assignment, Course, Question, Quiz, QuizQuestion, RandomDraw

Slot = QuizQuestion | RandomDraw


class BuildError(ValueError):
    """A change to a quiz that cannot be made; the message says why."""


def slot_id(slot: Slot) -> str:
    return f"{'r' if isinstance(slot, RandomDraw) else 'q'}{slot.pk}"


@dataclass(frozen=True)
class Marks:
    """A quiz's marks: those of its questions by name and of draws with set marks, and how many
    questions are drawn at their own default marks (known only when an attempt starts)."""

    total: Decimal
    drawn_at_default: int


def marks(slots: list[Slot]) -> Marks:
    total, unknown = Decimal(0), 0
    for slot in slots:
        if isinstance(slot, RandomDraw):
            if slot.points is None:
                unknown += slot.count
            else:
                total += slot.points * slot.count
        else:
            total += slot.effective_points
    return Marks(total=total, drawn_at_default=unknown)


def _locked_slots(quiz: Quiz) -> list[Slot]:
    Quiz.objects.select_for_update().filter(pk=quiz.pk).values_list("pk").first()
    return quiz.slots()


def _renumber(slots: list[Slot]) -> None:
    named = [slot for slot in slots if isinstance(slot, QuizQuestion)]
    draws = [slot for slot in slots if isinstance(slot, RandomDraw)]
    for position, slot in enumerate(slots, start=1):
        slot.position = position
    QuizQuestion.objects.bulk_update(named, ["position"])
    RandomDraw.objects.bulk_update(draws, ["position"])


def _find(slots: list[Slot], wanted: str) -> Slot:
    for slot in slots:
        if slot_id(slot) == wanted:
            return slot
    raise BuildError("That question is no longer in the quiz: reload the page.")


def add_question(quiz: Quiz, question: Question) -> QuizQuestion:
    """Add a question of the bank at the end of the quiz; BuildError if it is there already."""
    with transaction.atomic():
        slots = _locked_slots(quiz)
        if any(isinstance(s, QuizQuestion) and s.question_id == question.pk for s in slots):
            raise BuildError("That question is already in this quiz.")
        slot = QuizQuestion.objects.create(quiz=quiz, question=question, position=len(slots) + 1)
    return slot


def add_draw(quiz: Quiz, draw: RandomDraw) -> RandomDraw:
    """Add a random draw (validated, not saved) at the end of the quiz."""
    with transaction.atomic():
        slots = _locked_slots(quiz)
        draw.quiz = quiz
        draw.position = len(slots) + 1
        draw.save()
    return draw


def remove_slot(quiz: Quiz, wanted: str) -> None:
    """Take a slot out of the quiz; attempts already started keep their questions."""
    with transaction.atomic():
        slots = _locked_slots(quiz)
        slot = _find(slots, wanted)
        slot.delete()
        _renumber([other for other in slots if other is not slot])


def move_slot(quiz: Quiz, wanted: str, step: int) -> None:
    """Move a slot one place up (-1) or down (+1); at either end it stays."""
    with transaction.atomic():
        slots = _locked_slots(quiz)
        slot = _find(slots, wanted)
        index = slots.index(slot)
        target = min(max(index + step, 0), len(slots) - 1)
        slots.insert(target, slots.pop(index))
        _renumber(slots)


def reorder(quiz: Quiz, order: list[str]) -> None:
    """Put every slot in the given order; BuildError if the list is not exactly the slots."""
    with transaction.atomic():
        slots = _locked_slots(quiz)
        by_id = {slot_id(slot): slot for slot in slots}
        if sorted(order) != sorted(by_id):
            raise BuildError("The quiz changed while you were ordering it: reload the page.")
        _renumber([by_id[wanted] for wanted in order])


def set_points(quiz: Quiz, wanted: str, points: Decimal | None) -> None:
    """A slot's marks; None: the question's own default marks."""
    with transaction.atomic():
        slot = _find(_locked_slots(quiz), wanted)
        slot.points = points
        slot.save(update_fields=["points"])


# What a copy of a quiz takes over, besides its slots.
SETTINGS = (
    "description",
    "source_text_id",
    "opens_at",
    "closes_at",
    "time_limit_minutes",
    "overdue_handling",
    "grace_period_minutes",
    "attempts_allowed",
    "grading_method",
    "feedback",
    "pass_mark",
    "shuffle_questions",
    "shuffle_options",
    "text_during_quiz",
)


def give_to_course(quiz: Quiz, course: Course) -> Assignment:
    """The quiz's assignment to the course, made if it has none (with the quiz's own dates)."""
    assignment, _ = Assignment.objects.get_or_create(quiz=quiz, course=course)
    return assignment


def duplicate_quiz(quiz: Quiz, *, owner) -> Quiz:
    """A copy of the quiz with its slots, unpublished and owned by `owner`, under a free slug, in
    the quiz's course and given to it. (To give a quiz to another course, assign it there.)"""
    course = quiz.course
    with transaction.atomic():
        base = slugify(f"{quiz.slug}-copy")[:70]
        slug, number = base, 2
        while Quiz.objects.filter(slug=slug).exists():
            slug, number = f"{base}-{number}", number + 1
        copy = Quiz.objects.create(
            slug=slug,
            title=f"Copy of {quiz.title}"[:200],
            is_published=False,
            owner=owner,
            course=course,
            **{name: getattr(quiz, name) for name in SETTINGS},
        )
        give_to_course(copy, course)
        for slot in quiz.slots():
            if isinstance(slot, RandomDraw):
                RandomDraw.objects.create(
                    quiz=copy,
                    position=slot.position,
                    count=slot.count,
                    tag_id=slot.tag_id,
                    source_text_id=slot.source_text_id,
                    paragraph=slot.paragraph,
                    points=slot.points,
                )
            else:
                QuizQuestion.objects.create(
                    quiz=copy,
                    question_id=slot.question_id,
                    position=slot.position,
                    points=slot.points,
                )
    return copy
