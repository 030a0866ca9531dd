"""The models, by concept: courses, texts, questions, quizzes, attempts, regrades and drafts."""

from quizzes.models.attempts import (
    Accommodation,
    AnswerRefused,
    Attempt,
    AttemptNotAllowed,
    Response,
    changed_elsewhere,
    extra_time_for,
    responses_shown,
)
from quizzes.models.courses import (
    STAFF_ROLES,
    Assignment,
    Course,
    Membership,
    Role,
    SetupCode,
    StudentOverride,
)
from quizzes.models.drafts import DraftDecision, QuestionDraft, RestoredBlock
from quizzes.models.imports import QuestionImport
from quizzes.models.marking import MarkingEvent, MarkingRefused, comment_on_attempt, mark_response
from quizzes.models.questions import Question
from quizzes.models.quizzes import Quiz, QuizQuestion, RandomDraw
from quizzes.models.regrades import Regrade, RegradedResponse
from quizzes.models.texts import SourceText, Tag

__all__ = [
    "STAFF_ROLES",
    "Accommodation",
    "AnswerRefused",
    "Assignment",
    "Attempt",
    "AttemptNotAllowed",
    "Course",
    "DraftDecision",
    "MarkingEvent",
    "MarkingRefused",
    "Membership",
    "Question",
    "QuestionDraft",
    "QuestionImport",
    "Quiz",
    "QuizQuestion",
    "RandomDraw",
    "Regrade",
    "RegradedResponse",
    "Response",
    "RestoredBlock",
    "Role",
    "SetupCode",
    "SourceText",
    "StudentOverride",
    "Tag",
    "changed_elsewhere",
    "comment_on_attempt",
    "extra_time_for",
    "mark_response",
    "responses_shown",
]
