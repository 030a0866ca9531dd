"""Working with a source text by character offsets: paragraphs and excerpts. No database."""

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
