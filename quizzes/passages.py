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


class SentenceMatcher:
    """The sentences of a text, ready to find the one that best matches a query (a question
    with its answers) by TF-IDF: built once per text, asked once per question."""

    def __init__(self, body: str):
        self.spans = sentences(body)
        self.bags = [set(WORD.findall(body[start:end].casefold())) for start, end in self.spans]
        self.frequency: dict[str, int] = {}
        for bag in self.bags:
            for word in bag:
                self.frequency[word] = self.frequency.get(word, 0) + 1

    def weight(self, word: str) -> float:
        return math.log((1 + len(self.bags)) / (1 + self.frequency.get(word, 0))) + 1

    def best(self, query: str) -> tuple[int, int, float] | None:
        """(start, end, score from 0 to 1) of the best sentence; None if no word is shared."""
        wanted = {word for word in set(WORD.findall(query.casefold())) if word in self.frequency}
        if not wanted:
            return None
        total = sum(self.weight(word) for word in set(WORD.findall(query.casefold())))
        best_score, best_index = 0.0, -1
        for index, bag in enumerate(self.bags):
            score = sum(self.weight(word) for word in wanted & bag) / total
            if score > best_score:
                best_score, best_index = score, index
        start, end = self.spans[best_index]
        return start, end, round(best_score, 3)


def best_sentence(body: str, query: str) -> tuple[int, int, float] | None:
    """The sentence of the text that best matches the query: (start, end, score from 0 to 1),
    or None if no word is shared (SentenceMatcher, for one question)."""
    return SentenceMatcher(body).best(query)
