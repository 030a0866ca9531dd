"""One factory per model. Values that grading compares are fixed, never random.

Unless a test says otherwise, everything lands in one course, "the class" (default_course): its
texts, quizzes (each given to it) and users (students; InstructorFactory's users teach it), as
on a site with a single class. Tests of separation between courses make their own courses
(CourseFactory) and pass `courses=[...]` or `course=`.
"""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from quizzes.kinds.base import new_ids
from quizzes.models import (
    Assignment,
    Attempt,
    Course,
    Membership,
    Question,
    QuestionDraft,
    Quiz,
    QuizQuestion,
    Response,
    SourceText,
    Tag,
)
from quizzes.models.courses import Role
from quizzes.permissions import instructors_group

SAMPLE_BODY = (
    "The first paragraph names Lipetsk, an aviation school opened in 1925.\n\n"
    "The second paragraph names Volsk, a gas school, and Kazan, a tank school.\n\n"
    "The third paragraph says the report was 54 pages long."
)


def default_course() -> Course:
    """The course everything is in unless a test says otherwise."""
    course, _ = Course.objects.get_or_create(code="the-class", defaults={"title": "The class"})
    return course


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    title = factory.Sequence(lambda n: f"Course {n}")
    code = factory.Sequence(lambda n: f"course-{n}")
    term = "2026–27"


class UserFactory(factory.django.DjangoModelFactory):
    """A student of the default course; `courses=[...]` for others, `courses=[]` for none."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create:
            enrol(self, extracted, Role.STUDENT)


def enrol(user, courses, role: str) -> None:
    for course in [default_course()] if courses is None else courses:
        Membership.objects.get_or_create(course=course, user=user, defaults={"role": role})


class InstructorFactory(UserFactory):
    """Staff in the Instructors group (may create courses), teaching the default course;
    `courses=[...]` for others."""

    username = factory.Sequence(lambda n: f"instructor{n}")
    is_staff = True

    @factory.post_generation
    def courses(self, create, extracted, **kwargs):
        if create:
            enrol(self, extracted, Role.TEACHER)

    @factory.post_generation
    def join_instructors(self, create, extracted, **kwargs):
        if create:
            self.groups.add(instructors_group())


class SourceTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceText

    course = factory.LazyFunction(default_course)
    title = factory.Sequence(lambda n: f"Text {n}")
    slug = factory.Sequence(lambda n: f"text-{n}")
    body = SAMPLE_BODY
    publisher = "Example Press"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("course", "name")

    course = factory.LazyFunction(default_course)
    name = factory.Sequence(lambda n: f"tag{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A published single-choice question without options (an incomplete key); use the
    kind-specific factories for complete ones."""

    class Meta:
        model = Question
        skip_postgeneration_save = True

    source_text = factory.SubFactory(SourceTextFactory)
    kind = Question.Kind.SINGLE_CHOICE
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    explanation = "Because the text says so."
    status = Question.Status.PUBLISHED
    excerpt_start = 0
    excerpt_end = factory.LazyAttribute(lambda question: question.source_text.body.index(","))
    key = factory.LazyFunction(lambda: {"options": []})


def options_key(*options: tuple[str, bool]) -> dict:
    """A choice question's key: (text, correct) per option, ids as the editor hands them out."""
    ids = new_ids(len(options))
    return {
        "options": [
            {"id": option_id, "text": text, "correct": correct, "feedback": ""}
            for option_id, (text, correct) in zip(ids, options, strict=True)
        ]
    }


def items_key(*texts: str) -> dict:
    """An ordering question's key: the items in the correct order."""
    return {
        "items": [{"id": i, "text": t} for i, t in zip(new_ids(len(texts)), texts, strict=True)]
    }


def pairs_key(*pairs: tuple[str, str]) -> dict:
    """A matching question's key: (prompt, answer) per pair, "" as prompt for a distractor."""
    return {
        "pairs": [
            {"id": i, "prompt": prompt, "answer": answer}
            for i, (prompt, answer) in zip(new_ids(len(pairs)), pairs, strict=True)
        ]
    }


class SingleChoiceQuestionFactory(QuestionFactory):
    """Options "Lipetsk" (correct), "Volsk" and "Kazan"."""

    key = factory.LazyFunction(
        lambda: options_key(("Lipetsk", True), ("Volsk", False), ("Kazan", False))
    )


class MultipleResponseQuestionFactory(QuestionFactory):
    """Correct: "Lipetsk" and "Volsk"; wrong: "Berlin" and "Paris"."""

    kind = Question.Kind.MULTIPLE_RESPONSE
    key = factory.LazyFunction(
        lambda: options_key(("Lipetsk", True), ("Volsk", True), ("Berlin", False), ("Paris", False))
    )


class TrueFalseQuestionFactory(QuestionFactory):
    kind = Question.Kind.TRUE_FALSE
    key = factory.LazyFunction(lambda: {"answer": True})


class ShortAnswerQuestionFactory(QuestionFactory):
    """Accepts "Lipetsk" and "Lipezk"."""

    kind = Question.Kind.SHORT_ANSWER
    key = factory.LazyFunction(lambda: {"answers": ["Lipetsk", "Lipezk"]})


class NumericQuestionFactory(QuestionFactory):
    kind = Question.Kind.NUMERIC
    key = factory.LazyFunction(lambda: {"value": 1925, "tolerance": 0})


class OrderingQuestionFactory(QuestionFactory):
    """Correct order: "Lipetsk", "Volsk", "Kazan"."""

    kind = Question.Kind.ORDERING
    key = factory.LazyFunction(lambda: items_key("Lipetsk", "Volsk", "Kazan"))


class MatchingQuestionFactory(QuestionFactory):
    """aviation → Lipetsk, gas → Volsk, tank → Kazan, with the distractor "Moscow"."""

    kind = Question.Kind.MATCHING
    key = factory.LazyFunction(
        lambda: pairs_key(
            ("aviation", "Lipetsk"), ("gas", "Volsk"), ("tank", "Kazan"), ("", "Moscow")
        )
    )


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    description = "A quiz on the sample text."
    course = factory.LazyFunction(default_course)
    source_text = factory.SubFactory(SourceTextFactory, course=factory.SelfAttribute("..course"))
    owner = factory.SubFactory(InstructorFactory)
    is_published = True
    shuffle_options = False
    feedback = Quiz.Feedback.IMMEDIATE

    @factory.post_generation
    def assigned(self, create, extracted, **kwargs):
        """Given to its course (QuizFactory(assigned=False) leaves it given to none)."""
        if create and extracted is not False:
            Assignment.objects.get_or_create(quiz=self, course=self.course)

    @factory.post_generation
    def question_count(self, create, extracted, **kwargs):
        """QuizFactory(question_count=5) adds that many single-choice questions."""
        if create and extracted:
            for position in range(1, extracted + 1):
                QuizQuestionFactory(
                    quiz=self,
                    position=position,
                    question=SingleChoiceQuestionFactory(source_text=self.source_text),
                )


class QuizQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuizQuestion

    quiz = factory.SubFactory(QuizFactory)
    question = factory.SubFactory(
        SingleChoiceQuestionFactory, source_text=factory.SelfAttribute("..quiz.source_text")
    )
    position = factory.Sequence(lambda n: n)


class AttemptFactory(factory.django.DjangoModelFactory):
    """A bare attempt row; tests of the flow use starting.start_attempt instead."""

    class Meta:
        model = Attempt

    quiz = factory.SubFactory(QuizFactory)
    course = factory.SelfAttribute("quiz.course")
    student = factory.SubFactory(UserFactory)
    number = factory.Sequence(lambda n: n + 1)
    max_score = Decimal(1)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    attempt = factory.SubFactory(AttemptFactory)
    position = factory.Sequence(lambda n: n + 1)
    question = factory.SubFactory(SingleChoiceQuestionFactory)
    points = Decimal(1)
    snapshot = factory.LazyAttribute(lambda response: response.question.snapshot())


class QuestionDraftFactory(factory.django.DjangoModelFactory):
    """A pending short-answer draft blanking "Lipetsk" in the sample text's first sentence."""

    class Meta:
        model = QuestionDraft

    source_text = factory.SubFactory(SourceTextFactory)
    kind = Question.Kind.SHORT_ANSWER
    rule = "name-blank"
    prompt = "The first paragraph names _____, an aviation school opened in 1925."
    source_start = 0
    source_end = 69
    answer_start = 26
    answer_end = 33
    original = factory.LazyAttribute(
        lambda draft: {
            "kind": draft.kind,
            "prompt": draft.prompt,
            "options": [],
            "answer": "Lipetsk",
            "answers": ["Lipetsk"],
            "pairs": [],
            "order": [],
            "numeric_value": None,
            "numeric_tolerance": None,
            "source_start": draft.source_start,
            "source_end": draft.source_end,
            "answer_start": draft.answer_start,
            "answer_end": draft.answer_end,
            "rule": draft.rule,
            "warnings": [],
        }
    )
    data = factory.LazyAttribute(lambda draft: {**draft.original, "explanation": ""})
    fingerprint = factory.Sequence(lambda n: f"draft-{n}")


# Editing a key as an instructor would, for tests that change a question after students answered.


def options_of(question: Question) -> list[tuple[str, bool]]:
    """(text, correct) per option of a choice question, in the author's order."""
    return [(option["text"], option["correct"]) for option in question.key["options"]]


def mark_correct(question: Question, *texts: str) -> Question:
    """Make exactly the options with these texts correct, and save the key."""
    for option in question.key["options"]:
        option["correct"] = option["text"] in texts
    question.save(update_fields=["key"])
    return question


def rename_option(question: Question, old: str, new: str) -> Question:
    """Reword an option (it keeps its id), and save the key."""
    for entry in question.key.get("options", []) + question.key.get("items", []):
        if entry["text"] == old:
            entry["text"] = new
    question.save(update_fields=["key"])
    return question


def add_option(question: Question, text: str, *, correct: bool = False) -> Question:
    """Add an option at the end, and save the key."""
    (option_id,) = new_ids(1, [option["id"] for option in question.key["options"]])
    question.key["options"].append(
        {"id": option_id, "text": text, "correct": correct, "feedback": ""}
    )
    question.save(update_fields=["key"])
    return question
