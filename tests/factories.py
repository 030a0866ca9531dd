"""One factory per model. Values that grading compares are fixed, never random."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from quizzes.models import (
    AcceptedAnswer,
    Attempt,
    Choice,
    MatchPair,
    Question,
    QuestionDraft,
    Quiz,
    QuizQuestion,
    Response,
    SourceText,
    Tag,
)
from quizzes.permissions import instructors_group

SAMPLE_BODY = (
    "The first paragraph names Lipetsk, an aviation school opened in 1925.\n\n"
    "The second paragraph names Volsk, a gas school, and Kazan, a tank school.\n\n"
    "The third paragraph says the report was 54 pages long."
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class InstructorFactory(UserFactory):
    username = factory.Sequence(lambda n: f"instructor{n}")
    is_staff = True

    @factory.post_generation
    def join_instructors(self, create, extracted, **kwargs):
        if create:
            self.groups.add(instructors_group())


class SourceTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceText

    title = factory.Sequence(lambda n: f"Text {n}")
    slug = factory.Sequence(lambda n: f"text-{n}")
    body = SAMPLE_BODY
    publisher = "Example Press"


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"tag{n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A published single-choice question; use the kind-specific factories for the others."""

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


class ChoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Choice

    question = factory.SubFactory(QuestionFactory)
    text = factory.Sequence(lambda n: f"Choice {n}")
    is_correct = False
    position = factory.Sequence(lambda n: n)

    class Params:
        correct = factory.Trait(is_correct=True)


class AcceptedAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcceptedAnswer

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.SHORT_ANSWER)
    text = "Lipetsk"


class MatchPairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatchPair

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.MATCHING)
    prompt = factory.Sequence(lambda n: f"Prompt {n}")
    answer = factory.Sequence(lambda n: f"Answer {n}")
    position = factory.Sequence(lambda n: n)


class SingleChoiceQuestionFactory(QuestionFactory):
    """Options "Lipetsk" (correct), "Volsk" and "Kazan"."""

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if create:
            ChoiceFactory(question=self, text="Lipetsk", correct=True, position=1)
            ChoiceFactory(question=self, text="Volsk", position=2)
            ChoiceFactory(question=self, text="Kazan", position=3)


class MultipleResponseQuestionFactory(QuestionFactory):
    """Correct: "Lipetsk" and "Volsk"; wrong: "Berlin" and "Paris"."""

    kind = Question.Kind.MULTIPLE_RESPONSE

    @factory.post_generation
    def options(self, create, extracted, **kwargs):
        if create:
            ChoiceFactory(question=self, text="Lipetsk", correct=True, position=1)
            ChoiceFactory(question=self, text="Volsk", correct=True, position=2)
            ChoiceFactory(question=self, text="Berlin", position=3)
            ChoiceFactory(question=self, text="Paris", position=4)


class TrueFalseQuestionFactory(QuestionFactory):
    kind = Question.Kind.TRUE_FALSE
    statement_is_true = True


class ShortAnswerQuestionFactory(QuestionFactory):
    """Accepts "Lipetsk" and "Lipezk"."""

    kind = Question.Kind.SHORT_ANSWER

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        if create:
            AcceptedAnswerFactory(question=self, text="Lipetsk")
            AcceptedAnswerFactory(question=self, text="Lipezk")


class NumericQuestionFactory(QuestionFactory):
    kind = Question.Kind.NUMERIC
    numeric_value = 1925
    numeric_tolerance = 0


class OrderingQuestionFactory(QuestionFactory):
    """Correct order: "Lipetsk", "Volsk", "Kazan"."""

    kind = Question.Kind.ORDERING

    @factory.post_generation
    def items(self, create, extracted, **kwargs):
        if create:
            for position, text in enumerate(["Lipetsk", "Volsk", "Kazan"], start=1):
                ChoiceFactory(question=self, text=text, position=position)


class MatchingQuestionFactory(QuestionFactory):
    """aviation → Lipetsk, gas → Volsk, tank → Kazan, with the distractor "Moscow"."""

    kind = Question.Kind.MATCHING

    @factory.post_generation
    def pairs(self, create, extracted, **kwargs):
        if create:
            pairs = [("aviation", "Lipetsk"), ("gas", "Volsk"), ("tank", "Kazan"), ("", "Moscow")]
            for position, (prompt, answer) in enumerate(pairs, start=1):
                MatchPairFactory(question=self, prompt=prompt, answer=answer, position=position)


class QuizFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quiz
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Quiz {n}")
    slug = factory.Sequence(lambda n: f"quiz-{n}")
    description = "A quiz on the sample text."
    source_text = factory.SubFactory(SourceTextFactory)
    owner = factory.SubFactory(InstructorFactory)
    is_published = True
    shuffle_options = False
    feedback = Quiz.Feedback.IMMEDIATE

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
