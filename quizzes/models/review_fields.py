"""The review options as database columns: one bit mask of moments per item (Moodle's
`reviewmarks`, `reviewrightanswer`, ...), on a quiz and, where a course has its own, on its
assignment of the quiz."""

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from quizzes import review_options
from quizzes.review_options import ITEM_LABELS, ReviewOptions

REVIEW_ITEMS = tuple(ITEM_LABELS)


def review_field(item: str, *, null: bool) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        f"review: {ITEM_LABELS[item].lower()}",
        null=null,
        blank=null,
        default=None if null else review_options.ALWAYS,
        validators=[MaxValueValidator(review_options.ALWAYS)],
        help_text="The moments at which students see it.",
    )


def review_constraints(prefix: str, *, null: bool) -> list[models.CheckConstraint]:
    """Each item a set of moments; where they may be empty, all of them or none."""
    ranges = [
        models.CheckConstraint(
            condition=Q(**{f"review_{item}__isnull": True})
            | Q(**{f"review_{item}__lte": review_options.ALWAYS}),
            name=f"{prefix}_review_{item}_moments",
        )
        for item in REVIEW_ITEMS
    ]
    if not null:
        return ranges
    all_or_none = Q(**{f"review_{item}__isnull": True for item in REVIEW_ITEMS}) | Q(
        **{f"review_{item}__isnull": False for item in REVIEW_ITEMS}
    )
    return [*ranges, models.CheckConstraint(condition=all_or_none, name=f"{prefix}_review_whole")]


def stored_options(row) -> ReviewOptions | None:
    """A row's review options, or None where it has none of its own (an assignment as the quiz)."""
    values = {item: getattr(row, f"review_{item}") for item in REVIEW_ITEMS}
    if None in values.values():
        return None
    return ReviewOptions(**values)


def store_options(row, options: ReviewOptions | None) -> None:
    for item in REVIEW_ITEMS:
        setattr(row, f"review_{item}", None if options is None else getattr(options, item))
