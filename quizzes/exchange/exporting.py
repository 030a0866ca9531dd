"""Questions out of the site into another tool's format: a quiz's, a tag's, a text's or a whole
course's bank. Each question keeps its points, explanation, tags, an id (its bank key, else
quizsite-<id>) and its passage, as a tag `passage:<start>-<end>:<digest of the excerpt>`, so
that a bank that goes to Moodle and comes back, to this course or another with the same text,
finds its excerpts again."""

from collections.abc import Iterable

from django.db.models import F, QuerySet
from django.db.models.functions import Substr

from quizzes import kinds
from quizzes.exchange import FORMATS
from quizzes.exchange.importing import passage_digest
from quizzes.exchange.portable import PortableQuestion
from quizzes.models import Question


def passage_tag(question: Question) -> str:
    """Where the question's excerpt is, with a digest of its words to recognise it by (the
    excerpt annotated by exportable())."""
    excerpt: str = getattr(question, "excerpt_words", None) or question.excerpt
    return f"passage:{question.excerpt_start}-{question.excerpt_end}:{passage_digest(excerpt)}"


def portable(question: Question) -> PortableQuestion:
    """A question as the formats take it (its tags must be prefetched)."""
    return PortableQuestion(
        body=kinds.get(question.kind).to_portable(question.key),
        prompt=question.prompt,
        name=" ".join(question.prompt.split())[:50].strip(),
        explanation=question.explanation,
        points=question.default_points,
        tags=[*(tag.name for tag in question.tags.all()), passage_tag(question)],
        idnumber=question.bank_key or f"quizsite-{question.pk}",
    )


def export(questions: Iterable[Question], format_name: str) -> tuple[str | bytes, list[str]]:
    """The questions in the format (FORMATS), and the ones it could not hold, with why."""
    questions = list(questions)
    return FORMATS[format_name].write(portable(question) for question in questions)


def exportable(questions: QuerySet[Question]) -> QuerySet[Question]:
    """Questions with what exporting reads (not the retired ones), in the order of the text."""
    # The excerpt, not the text: a text may be megabytes, and each row would carry it.
    return (
        questions.exclude(status=Question.Status.RETIRED)
        .annotate(
            excerpt_words=Substr(
                "source_text__body", F("excerpt_start") + 1, F("excerpt_end") - F("excerpt_start")
            )
        )
        .prefetch_related("tags")
        .order_by("source_text_id", "excerpt_start", "pk")
    )
