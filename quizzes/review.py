"""How a finished (or feedback-shown) response is reviewed: the answer and the key in words,
the excerpt inside its paragraph. Plain values from the attempt's snapshot; no requests."""

from dataclasses import dataclass

from quizzes import kinds, passages
from quizzes.models import Attempt, Response, SourceText


@dataclass
class AnswerReview:
    """One response as the review shows it: answers as text and the excerpt in its paragraph."""

    response: Response
    your_answer: list[str]
    correct_answer: list[str]
    also_accepted: list[str]
    ordered: bool
    feedback: list[str]
    excerpt_text: str
    context: passages.ExcerptInContext | None
    text_url: str | None


def answer_lines(snapshot: dict, answer) -> list[str]:
    """A stored answer as the lines of text a student reads, from the snapshot alone."""
    if answer is None:
        return []
    return kinds.of(snapshot).answer_lines(snapshot, answer)


def key_lines(snapshot: dict) -> list[str]:
    """The correct answer as lines of text; only ever called once review is allowed."""
    return kinds.of(snapshot).key_lines(snapshot)


def source_texts(attempt: Attempt, responses: list[Response]) -> dict[int, SourceText]:
    """The texts these responses quote: the quiz's own, plus at most one query for others.

    Each response needs a `source_text_id` annotation (its question's text).
    """
    texts = (
        {attempt.quiz.source_text_id: attempt.quiz.source_text} if attempt.quiz.source_text else {}
    )
    missing = {response.source_text_id for response in responses} - set(texts)
    if missing:
        texts.update(SourceText.objects.in_bulk(missing))
    return texts


def review(response: Response, texts: dict[int, SourceText], *, link_text: bool) -> AnswerReview:
    """The review of one response; `link_text` adds the link to its place in the full text."""
    snapshot = response.snapshot
    excerpt = snapshot["excerpt"]
    text = texts.get(response.source_text_id)
    context = text and passages.excerpt_in_context(text.body, excerpt["start"], excerpt["end"])
    if context and context.excerpt != excerpt["text"]:
        # The text was edited after this attempt started: quote the frozen excerpt on its own.
        context = None
    text_url = None
    if link_text and text:
        text_url = text.get_absolute_url() + (f"#{context.paragraph.anchor}" if context else "")
    return AnswerReview(
        response=response,
        your_answer=answer_lines(snapshot, response.answer),
        correct_answer=key_lines(snapshot),
        also_accepted=kinds.of(snapshot).also_accepted(snapshot),
        ordered=kinds.of(snapshot).review_ordered,
        feedback=kinds.of(snapshot).feedback_for(snapshot, response.answer)
        if response.answer is not None
        else [],
        excerpt_text=excerpt["text"],
        context=context or None,
        text_url=text_url,
    )
