"""Drafts in the database: stored once, accepted into graded questions, rejected, tallied."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from quizzes import drafting
from quizzes.models import DraftDecision, Question, QuestionDraft, RestoredBlock
from quizzes.question_generator import boilerplate_blocks
from quizzes.starting import start_attempt
from tests.factories import (
    QuestionDraftFactory,
    QuizFactory,
    QuizQuestionFactory,
    SingleChoiceQuestionFactory,
    SourceTextFactory,
    options_of,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "generator"
KINDS = ["single_choice", "true_false", "short_answer", "numeric", "matching", "ordering", "cloze"]


@pytest.fixture
def hanse():
    return SourceTextFactory(slug="hanse", body=(DATA / "hanseatic.txt").read_text())


@pytest.fixture
def rapallo():
    return SourceTextFactory(slug="rapallo", body=(DATA / "rapallo.txt").read_text())


def first_of_kind(kind: str, *texts) -> QuestionDraft:
    for text in texts:
        drafting.rederive(text)
    return QuestionDraft.objects.filter(kind=kind).order_by("pk").first()


def test_storing_twice_never_duplicates(hanse):
    first = drafting.rederive(hanse)
    assert first
    assert drafting.rederive(hanse) == []
    assert hanse.drafts.count() == len(first)
    assert len(set(hanse.drafts.values_list("fingerprint", flat=True))) == len(first)


@pytest.mark.parametrize("kind", KINDS)
def test_accepting_each_kind_makes_a_gradable_question_quoting_its_sentence(
    kind, hanse, rapallo, instructor
):
    draft = first_of_kind(kind, hanse, rapallo)
    assert draft is not None, f"no {kind} draft in the sample texts"

    question = drafting.accept_draft(draft, user=instructor)

    question = Question.objects.with_key().get(pk=question.pk)
    body = draft.source_text.body
    assert question.kind == kind
    assert question.key_problems() == []
    assert question.excerpt == body[draft.source_start : draft.source_end]
    assert body[draft.answer_start : draft.answer_end] in question.excerpt
    assert question.status == Question.Status.PUBLISHED
    draft.refresh_from_db()
    assert draft.status == QuestionDraft.Status.ACCEPTED
    assert draft.question == question
    decision = DraftDecision.objects.get(draft=draft)
    assert decision.action == "accept"
    assert (decision.rule, decision.decided_by) == (draft.rule, instructor)


def test_accepted_keys_match_the_draft(hanse, rapallo, instructor):
    for text in (hanse, rapallo):
        drafting.rederive(text)
    by_kind = {d.kind: d for d in QuestionDraft.objects.order_by("-pk")}
    questions = {
        kind: Question.objects.with_key().get(pk=drafting.accept_draft(d, user=instructor).pk)
        for kind, d in by_kind.items()
    }
    choice = by_kind["single_choice"].data
    assert options_of(questions["single_choice"]) == [
        (o["text"], o["correct"]) for o in choice["options"]
    ]
    truth = next(o["text"] for o in by_kind["true_false"].data["options"] if o["correct"])
    assert questions["true_false"].key["answer"] is (truth == "True")
    assert questions["numeric"].key["value"] == by_kind["numeric"].data["numeric_value"]
    assert [[p["prompt"], p["answer"]] for p in questions["matching"].key["pairs"]] == by_kind[
        "matching"
    ].data["pairs"]
    assert [i["text"] for i in questions["ordering"].key["items"]] == by_kind["ordering"].data[
        "order"
    ]
    assert by_kind["short_answer"].data["answer"] in questions["short_answer"].key["answers"]


def test_accepted_question_can_be_put_in_a_quiz_and_taken(hanse, instructor, student):
    draft = first_of_kind("single_choice", hanse)
    question = drafting.accept_draft(draft, user=instructor)
    quiz = QuizFactory(source_text=hanse)
    QuizQuestionFactory(quiz=quiz, question=question, position=1)

    attempt = start_attempt(quiz=quiz, student=student)

    snapshot = attempt.responses.get().snapshot
    assert snapshot["prompt"] == draft.prompt
    assert snapshot["excerpt"]["text"] == hanse.body[draft.source_start : draft.source_end]


def test_accept_as_draft_question(hanse, instructor):
    draft = first_of_kind("short_answer", hanse)
    question = drafting.accept_draft(draft, user=instructor, status=Question.Status.DRAFT)
    assert question.status == Question.Status.DRAFT


def test_an_edited_draft_is_accepted_with_the_edits_and_recorded_as_edited(hanse, instructor):
    draft = first_of_kind("short_answer", hanse)
    drafting.edit_draft(
        draft,
        prompt="Which league? _____",
        explanation="See the first paragraph.",
        key={"answers": ["Hanse", "Hanseatic League"], "answer": "Hanse"},
    )
    question = drafting.accept_draft(draft, user=instructor)

    assert question.prompt == "Which league? _____"
    assert question.explanation == "See the first paragraph."
    assert set(question.key["answers"]) == {"Hanse", "Hanseatic League"}
    decision = DraftDecision.objects.get(draft=draft)
    assert decision.action == "edit"
    assert decision.changes == ["prompt", "key", "explanation"]


def test_reject_keeps_the_draft_so_a_rerun_does_not_propose_it_again(hanse, instructor):
    drafting.rederive(hanse)
    draft = hanse.drafts.first()
    drafting.reject_draft(draft, user=instructor)

    draft.refresh_from_db()
    assert draft.status == QuestionDraft.Status.REJECTED
    assert DraftDecision.objects.get(draft=draft).action == "reject"
    assert drafting.rederive(hanse) == []
    assert not Question.objects.exists()


def test_a_decided_draft_cannot_be_decided_again(hanse, instructor):
    draft = first_of_kind("short_answer", hanse)
    drafting.accept_draft(draft, user=instructor)
    with pytest.raises(ValidationError):
        drafting.accept_draft(draft, user=instructor)
    with pytest.raises(ValidationError):
        drafting.reject_draft(draft, user=instructor)
    assert Question.objects.count() == 1
    assert DraftDecision.objects.count() == 1


def test_rerun_after_accepting_duplicates_neither_drafts_nor_questions(hanse, instructor):
    drafting.rederive(hanse)
    for draft in hanse.drafts.all():
        drafting.accept_draft(draft, user=instructor)
    drafts, questions = hanse.drafts.count(), hanse.questions.count()

    assert drafting.rederive(hanse) == []
    assert (hanse.drafts.count(), hanse.questions.count()) == (drafts, questions)


def test_a_key_already_quoted_by_a_question_of_the_same_kind_is_not_proposed(hanse):
    start = hanse.body.index("In 1598")
    end = hanse.body.index(".", start) + 1
    twin = SourceTextFactory(body=hanse.body)
    drafting.rederive(twin)
    assert twin.drafts.filter(kind="single_choice", answer_start__gte=start, answer_end__lte=end)
    SingleChoiceQuestionFactory(source_text=hanse, excerpt_start=start, excerpt_end=end)

    drafting.rederive(hanse)

    inside = hanse.drafts.filter(answer_start__gte=start, answer_end__lte=end)
    assert not inside.filter(kind="single_choice").exists()
    assert hanse.drafts.count() < twin.drafts.count()


def test_bulk_accept_names_the_drafts_it_could_not_accept(hanse, instructor):
    drafting.rederive(hanse)
    drafts = list(hanse.drafts.filter(kind="single_choice")[:3])
    broken = drafts[0]
    broken.data = {**broken.data, "options": [{"text": "Only", "correct": False}]}
    broken.save()

    result = drafting.accept_drafts(drafts, user=instructor)

    assert len(result.accepted) == 2
    assert [draft for draft, _ in result.failed] == [broken]
    broken.refresh_from_db()
    assert broken.status == QuestionDraft.Status.PENDING
    assert Question.objects.count() == 2  # the broken one left nothing behind


def test_restoring_a_boilerplate_line_reruns_the_generator(hanse):
    drafting.rederive(hanse)
    start, end = boilerplate_blocks(hanse.body)[0]

    drafting.restore_block(text=hanse, start=start, end=end)
    drafting.restore_block(text=hanse, start=start, end=end)

    assert RestoredBlock.objects.filter(source_text=hanse).count() == 1
    assert len(set(hanse.drafts.values_list("fingerprint", flat=True))) == hanse.drafts.count()


def test_tallies_count_decisions_per_rule(hanse, instructor):
    drafting.rederive(hanse)
    names = list(hanse.drafts.filter(rule="name-blank")[:3])
    drafting.accept_draft(names[0], user=instructor)
    drafting.reject_draft(names[1], user=instructor)
    drafting.edit_draft(names[2], prompt="Edited _____", explanation="", key={})
    drafting.accept_draft(names[2], user=instructor)

    tallies = {tally.rule: tally for tally in drafting.rule_tallies()}

    name = tallies["name-blank"]
    assert (name.accepted, name.edited, name.rejected, name.decided) == (1, 1, 1, 3)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8"),
        (b"text\x00with a NUL", "binary"),
        (b"  \n\t ", "empty"),
        (b"a" * (drafting.MAX_TEXT_BYTES + 1), "limit is 2 MB"),
    ],
)
def test_bad_bytes_are_refused_with_a_reason(data, message):
    with pytest.raises(drafting.BadText, match=message):
        drafting.decode_text(data)


def test_a_utf8_text_with_bom_and_crlf_is_read():
    text = drafting.decode_text("\ufeffLine one.\r\nLine two “quoted”.".encode())
    assert drafting.normalise_newlines(text) == "Line one.\nLine two “quoted”."


def _decide(rule: str, action: str, times: int) -> None:
    for _ in range(times):
        DraftDecision.objects.create(rule=rule, kind="short_answer", action=action)


def test_rule_rates_and_the_likeliest_drafts_first(client, instructor):
    _decide("name-blank", DraftDecision.Action.REJECT, 4)
    _decide("name-blank", DraftDecision.Action.ACCEPT, 1)
    _decide("count-numeric", DraftDecision.Action.ACCEPT, 5)
    tallies = {tally.rule: tally for tally in drafting.rule_tallies()}
    assert (tallies["name-blank"].rate, tallies["count-numeric"].rate) == (0.2, 1.0)
    first = QuestionDraftFactory(rule="name-blank", fingerprint="a")
    second = QuestionDraftFactory(
        rule="count-numeric",
        fingerprint="b",
        source_text=first.source_text,
        prompt="The third paragraph says the report was _____ pages long, as the archive keeps it.",
    )
    assert drafting.draft_score(second, tallies["count-numeric"]) > drafting.draft_score(
        first, tallies["name-blank"]
    )
    warned = QuestionDraftFactory.build(prompt=second.prompt, data={"warnings": ["a typo?"]})
    assert drafting.draft_score(warned, tallies["count-numeric"]) < drafting.draft_score(
        second, tallies["count-numeric"]
    )
    client.force_login(instructor)
    queue = reverse("quizzes:review_queue", args=[first.source_text.slug])
    page = client.get(queue).text
    assert page.index(f'id="draft-{second.pk}"') < page.index(f'id="draft-{first.pk}"')
    assert "100&nbsp;% kept as proposed (5)" in page
    in_text = client.get(queue, {"order": "text"}).text
    assert in_text.index(f'id="draft-{first.pk}"') < in_text.index(f'id="draft-{second.pk}"')
