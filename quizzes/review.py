"""How a finished (or feedback-shown) response is reviewed: the answer and the key in words,
the excerpt inside its paragraph. Plain values from the attempt's snapshot; no requests."""

from dataclasses import dataclass, field

from quizzes import kinds, passages
from quizzes.models import Attempt, Response, SourceText
from quizzes.review_options import EVERYTHING, Visible


@dataclass
class AnswerReview:
    """One response as the review shows it: answers as text and the excerpt in its paragraph.

    What the review options hide is never put in: the page cannot leak what it was not given.
    """

    response: Response
    shown: Visible
    explanation: str
    your_answer: list[str]
    correct_answer: list[str]
    also_accepted: list[str]
    ordered: bool
    feedback: list[str]
    excerpt_text: str
    context: passages.ExcerptInContext | None
    text_url: str | None
    comments: list[str] = field(default_factory=list)
    marked_by_teacher: bool = False
    # For teachers: the marking events of this answer (who, when, marks before and after).
    history: list = field(default_factory=list)
    # The question whose review already quoted this paragraph (then it is shown folded).
    passage_seen: int | None = None

    @property
    def outcome(self) -> str:
        """right, partly, wrong or unanswered; only "answered" where correctness is hidden."""
        if not self.response.is_answered:
            return "unanswered"
        if not self.shown.correctness:
            return "answered"
        if self.response.is_correct:
            return "right"
        return "partly" if self.response.is_partially_correct else "wrong"

    @property
    def outcome_text(self) -> str:
        return OUTCOME_TEXT[self.outcome]


OUTCOME_TEXT = {
    "unanswered": "not answered",
    "answered": "answered",
    "right": "right",
    "partly": "partly right",
    "wrong": "wrong",
}


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


def review(
    response: Response,
    texts: dict[int, SourceText],
    *,
    link_text: bool,
    shown: Visible = EVERYTHING,
) -> AnswerReview:
    """The review of one response, holding only what `shown` allows; `link_text` adds the link
    to its place in the full text."""
    snapshot = response.snapshot
    kind = kinds.of(snapshot)
    excerpt = snapshot["excerpt"]
    text = texts.get(response.source_text_id) if shown.passage else None
    context = text and passages.excerpt_in_context(text.body, excerpt["start"], excerpt["end"])
    if context and context.excerpt != excerpt["text"]:
        # The text was edited after this attempt started: quote the frozen excerpt on its own.
        context = None
    text_url = None
    if link_text and text:
        text_url = text.get_absolute_url() + (f"#{context.paragraph.anchor}" if context else "")
    answered = response.answer is not None
    return AnswerReview(
        response=response,
        shown=shown,
        explanation=snapshot.get("explanation", "") if shown.explanation else "",
        your_answer=answer_lines(snapshot, response.answer),
        correct_answer=key_lines(snapshot) if shown.answer else [],
        also_accepted=kind.also_accepted(snapshot) if shown.answer else [],
        ordered=kind.review_ordered,
        feedback=kind.feedback_for(snapshot, response.answer)
        if answered and shown.explanation
        else [],
        excerpt_text=excerpt["text"] if shown.passage else "",
        context=context or None,
        text_url=text_url,
        comments=[response.comment] if response.comment and shown.explanation else [],
        marked_by_teacher=response.marked_by_teacher and shown.marks,
    )


def fold_repeated_passages(reviews: list[AnswerReview]) -> None:
    """Mark each review whose paragraph an earlier review already quoted, so the page shows it
    folded: a results page quoting the same paragraph for every question was 21,000 px long."""
    first: dict[tuple[int | None, int], int] = {}
    for item in reviews:
        if item.context is None:
            continue
        place = (item.response.source_text_id, item.context.paragraph.number)
        if place in first:
            item.passage_seen = first[place]
        else:
            first[place] = item.response.position


def outcome_counts(reviews: list[AnswerReview]) -> dict[str, int]:
    """How many answers were right, partly right, wrong, answered and not answered."""
    counts = dict.fromkeys(["right", "partly", "wrong", "answered", "unanswered"], 0)
    for item in reviews:
        counts[item.outcome] += 1
        if item.outcome in ("right", "partly", "wrong"):
            counts["answered"] += 1
    return counts
