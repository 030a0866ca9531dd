"""Working with a source text by character offsets: paragraphs, sentences and excerpts. No
database."""

import math
import re
from dataclasses import dataclass

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r]*\n\s*")


@dataclass(frozen=True)
class Paragraph:
    number: int
    start: int
    end: int
    text: str

    @property
    def anchor(self) -> str:
        return f"p{self.number}"


class ExcerptError(ValueError):
    """An excerpt that is not exactly, and only once, in the text."""


def paragraphs(body: str) -> list[Paragraph]:
    """The paragraphs of a text (separated by blank lines), numbered from 1, with their spans."""
    result: list[Paragraph] = []
    start = 0
    for match in [*_PARAGRAPH_BREAK.finditer(body), None]:
        end = match.start() if match else len(body)
        chunk = body[start:end]
        stripped_start = start + (len(chunk) - len(chunk.lstrip()))
        stripped_end = start + len(chunk.rstrip())
        if stripped_end > stripped_start:
            result.append(
                Paragraph(
                    number=len(result) + 1,
                    start=stripped_start,
                    end=stripped_end,
                    text=body[stripped_start:stripped_end],
                )
            )
        if match:
            start = match.end()
    return result


def locate_excerpt(body: str, excerpt: str) -> tuple[int, int]:
    """The span of an excerpt that occurs exactly once in the text; ExcerptError otherwise."""
    if not excerpt.strip():
        raise ExcerptError("The excerpt is empty.")
    start = body.find(excerpt)
    if start < 0:
        raise ExcerptError(
            "The excerpt is not in the text exactly as typed. Copy it from the text, "
            "keeping its spelling, punctuation and spaces."
        )
    if body.find(excerpt, start + 1) >= 0:
        raise ExcerptError("The excerpt occurs more than once in the text; quote a longer passage.")
    return start, start + len(excerpt)


@dataclass(frozen=True)
class ExcerptInContext:
    paragraph: Paragraph
    before: str
    excerpt: str
    after: str


def excerpt_in_context(body: str, start: int, end: int) -> ExcerptInContext | None:
    """The paragraph holding an excerpt, split around it for highlighting."""
    if not 0 <= start < end <= len(body):
        return None
    for paragraph in paragraphs(body):
        if paragraph.start <= start < paragraph.end:
            stop = min(end, paragraph.end)
            return ExcerptInContext(
                paragraph=paragraph,
                before=body[paragraph.start : start],
                excerpt=body[start:stop],
                after=body[stop : paragraph.end],
            )
    return None


SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9À-Ý])")
WORD = re.compile(r"\w+")


def sentences(body: str) -> list[tuple[int, int]]:
    """Each sentence of each paragraph as (start, end) offsets, without surrounding space."""
    found = []
    for paragraph in paragraphs(body):
        text = body[paragraph.start : paragraph.end]
        start = 0
        for boundary in [*SENTENCE_END.finditer(text), None]:
            end = boundary.start() if boundary else len(text)
            piece = text[start:end]
            lead = len(piece) - len(piece.lstrip())
            if piece.strip():
                found.append(
                    (paragraph.start + start + lead, paragraph.start + start + len(piece.rstrip()))
                )
            if boundary:
                start = boundary.end()
    return found


def best_sentence(body: str, query: str) -> tuple[int, int, float] | None:
    """The sentence of the text that best matches the query (a question with its answers), by
    TF-IDF over the text's sentences: (start, end, score from 0 to 1). None if no word is shared.
    """
    spans = sentences(body)
    bags = [set(WORD.findall(body[start:end].casefold())) for start, end in spans]
    if not bags:
        return None
    documents = len(bags)
    frequency: dict[str, int] = {}
    for bag in bags:
        for word in bag:
            frequency[word] = frequency.get(word, 0) + 1
    wanted = set(WORD.findall(query.casefold()))

    def weight(word: str) -> float:
        return math.log((1 + documents) / (1 + frequency.get(word, 0))) + 1

    total = sum(weight(word) for word in wanted) or 1.0
    scored = [
        (sum(weight(word) for word in wanted & bag) / total, -index)
        for index, bag in enumerate(bags)
    ]
    score, negative_index = max(scored)
    if score <= 0:
        return None
    start, end = spans[-negative_index]
    return start, end, round(score, 3)
