"""The models, by concept: texts, questions, quizzes, attempts, regrades and drafts."""

from quizzes.models.attempts import (
    Accommodation,
    AnswerRefused,
    Attempt,
    AttemptNotAllowed,
    Response,
    describe_extra_time,
    responses_shown,
)
from quizzes.models.drafts import DraftDecision, QuestionDraft, RestoredBlock
from quizzes.models.questions import Question
from quizzes.models.quizzes import Quiz, QuizQuestion, RandomDraw
from quizzes.models.regrades import Regrade, RegradedResponse
from quizzes.models.texts import SourceText, Tag

__all__ = [
    "Accommodation",
    "AnswerRefused",
    "Attempt",
    "AttemptNotAllowed",
    "DraftDecision",
    "Question",
    "QuestionDraft",
    "Quiz",
    "QuizQuestion",
    "RandomDraw",
    "Regrade",
    "RegradedResponse",
    "Response",
    "RestoredBlock",
    "SourceText",
    "Tag",
    "describe_extra_time",
    "responses_shown",
]
