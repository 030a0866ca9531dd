"""Authoring pages: add a text, the text with its drafts, the review queue and its actions."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import drafting
from quizzes.models import DraftDecision, Question, QuestionDraft, RestoredBlock, SourceText
from quizzes.question_generator import boilerplate_blocks
from tests.factories import (
    InstructorFactory,
    QuestionDraftFactory,
    SourceTextFactory,
    default_course,
    options_of,
)

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "generator"
HX = {"HX-Request": "true"}


@pytest.fixture
def hanse():
    text = SourceTextFactory(slug="hanse", body=(DATA / "hanseatic.txt").read_text())
    drafting.rederive(text)
    return text


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


def url(name, *args):
    return reverse(f"quizzes:{name}", args=args)


# Permissions


def page_urls(text, draft):
    return [
        url("text_list"),
        url("add_text"),
        url("text_drafts", text.slug),
        url("review_queue", text.slug),
        url("draft_card", text.slug, draft.pk),
        url("draft_edit", text.slug, draft.pk),
    ]


def action_urls(text, draft):
    return [
        url("restore_block", text.slug),
        url("draft_from_selection", text.slug),
        url("bulk_accept", text.slug),
        url("draft_accept", text.slug, draft.pk),
        url("draft_reject", text.slug, draft.pk),
        url("draft_edit", text.slug, draft.pk),
    ]


def test_anonymous_visitors_are_sent_to_log_in(client):
    draft = QuestionDraftFactory()
    for address in page_urls(draft.source_text, draft) + action_urls(draft.source_text, draft):
        for response in [client.get(address), client.post(address)]:
            if response.status_code == 405:  # a POST-only action refuses GET before anything
                continue
            assert response.status_code == 302, address
            assert response["Location"].startswith(reverse("login")), address


def test_students_are_refused_and_nothing_changes(client, student):
    draft = QuestionDraftFactory()
    client.force_login(student)
    for address in page_urls(draft.source_text, draft):
        assert client.get(address).status_code == 403, address
    for address in action_urls(draft.source_text, draft):
        assert client.post(address, {"status": "published"}).status_code == 403, address
    draft.refresh_from_db()
    assert draft.status == QuestionDraft.Status.PENDING
    assert not DraftDecision.objects.exists()


# Adding a text


def test_add_a_pasted_text_stores_it_and_its_drafts(teacher):
    body = (DATA / "rapallo.txt").read_text().replace("\n", "\r\n")  # as a browser sends it
    response = teacher.post(
        url("add_text"),
        {
            "course": default_course().pk,
            "title": "The Rapallo Treaty",
            "body": body,
            "publisher": "Me",
        },
    )

    text = SourceText.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("review_queue", "the-rapallo-treaty")
    assert "\r" not in text.body
    assert text.drafts.count() == len(drafting.derive_for_text(text)) > 10
    assert "16 April, 1922" in {d.data["answer"] for d in text.drafts.all()}


def test_add_an_uploaded_file(teacher):
    upload = SimpleUploadedFile("hanse.md", (DATA / "hanseatic.txt").read_bytes())
    response = teacher.post(
        url("add_text"),
        {"course": default_course().pk, "title": "Hanse", "slug": "hanse", "upload": upload},
        headers=HX,
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == url("review_queue", "hanse")
    assert SourceText.objects.get().drafts.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.txt", b"%PDF-1.7\n\xe2\xe3\xcf\xd3 binary", "not UTF-8 text"),
        ("nul.txt", b"MZ\x00\x00\x00\x03binary", "looks like binary data"),
        ("empty.txt", b"   \n\n", "is empty"),
        ("big.txt", b"word " * 450_000, "the limit is 2 MB"),
        ("report.pdf", b"Plain words in a PDF-named file.", "cannot be read"),
    ],
    ids=["not-utf8", "binary", "empty", "too-large", "wrong-extension"],
)
def test_a_bad_upload_is_refused_with_a_clear_message(teacher, name, content, message):
    upload = SimpleUploadedFile(name, content)
    response = teacher.post(url("add_text"), {"title": "Bad", "upload": upload})

    assert response.status_code == 200
    assert message in response.text
    assert not SourceText.objects.exists()
    assert not QuestionDraft.objects.exists()


def test_nothing_to_add_is_refused(teacher):
    response = teacher.post(url("add_text"), {"title": "Nothing", "body": "  "})
    assert response.status_code == 200
    assert "Paste the text or upload a file." in response.text
    assert not SourceText.objects.exists()


def test_a_taken_slug_is_refused(teacher, hanse):
    response = teacher.post(url("add_text"), {"title": "Again", "slug": "hanse", "body": "Words."})
    assert response.status_code == 200
    assert "already exists" in response.text
    assert SourceText.objects.count() == 1


# The text with its drafts


def test_text_page_highlights_keys_and_greys_boilerplate(teacher, hanse):
    response = teacher.get(url("text_drafts", hanse.slug))

    assert response.status_code == 200
    assert "<html" in response.text
    assert response.text.count('<mark class="derived-key') >= hanse.drafts.count() - 1
    assert 'class="derived-skipped">Home | History | Trade | Contact</span>' in response.text
    assert response.text.count("Restore<span") == len(boilerplate_blocks(hanse.body))


def test_text_page_fragment(teacher, hanse):
    response = teacher.get(url("text_drafts", hanse.slug), headers=HX)
    assert "<html" not in response.text
    assert 'id="text-body"' in response.text
    assert "HX-Request" in response["Vary"]


def test_text_page_query_count_does_not_grow_with_drafts(teacher, hanse):
    with CaptureQueriesContext(connection) as few:
        teacher.get(url("text_drafts", hanse.slug))
    QuestionDraftFactory.create_batch(20, source_text=hanse)
    with CaptureQueriesContext(connection) as many:
        teacher.get(url("text_drafts", hanse.slug))
    assert len(few) == len(many) == 7


def test_restore_a_line_reruns_the_generator(teacher, hanse):
    start, end = boilerplate_blocks(hanse.body)[1]
    response = teacher.post(url("restore_block", hanse.slug), {"start": start, "end": end})

    assert response.status_code == 302
    assert RestoredBlock.objects.filter(source_text=hanse, start=start, end=end).exists()
    page = teacher.get(url("text_drafts", hanse.slug))
    assert page.text.count("Restore<span") == len(boilerplate_blocks(hanse.body)) - 1


def test_restore_refuses_a_span_that_is_not_a_skipped_line(teacher, hanse):
    response = teacher.post(url("restore_block", hanse.slug), {"start": 0, "end": 5})
    assert response.status_code == 400
    assert "not one the generator skipped" in response.text
    assert not RestoredBlock.objects.exists()


# Select to make


def test_selected_words_make_a_draft_that_opens_in_its_editor(teacher, hanse):
    body = hanse.body
    start = body.index("Hamburg")
    response = teacher.post(
        url("draft_from_selection", hanse.slug),
        {"start": start, "end": start + len("Hamburg"), "phrase": "Hamburg", "kind": "blank"},
    )
    draft = QuestionDraft.objects.get(rule="selected-blank")
    assert response.status_code == 302
    assert response["Location"] == url("draft_edit", hanse.slug, draft.pk)
    assert (draft.answer_start, draft.answer_end) == (start, start + len("Hamburg"))
    assert "_____" in draft.prompt and draft.source_start <= start < draft.source_end

    # The same words again: the draft there already opens, nothing is added.
    again = teacher.post(
        url("draft_from_selection", hanse.slug),
        {"start": start, "end": start + len("Hamburg"), "phrase": "Hamburg", "kind": "blank"},
    )
    assert again["Location"] == response["Location"]
    assert QuestionDraft.objects.filter(rule="selected-blank").count() == 1


def test_without_javascript_the_typed_words_are_found_in_the_text(teacher, hanse):
    response = teacher.post(
        url("draft_from_selection", hanse.slug), {"phrase": "1241", "kind": "choice"}
    )
    assert response.status_code == 302
    pk = int(response["Location"].rstrip("/").split("/")[-2])
    draft = QuestionDraft.objects.get(pk=pk)
    assert draft.kind == "single_choice"
    assert hanse.body[draft.answer_start : draft.answer_end] == "1241"
    options = draft.data["options"]
    assert len(options) == 4 and sum(o["correct"] for o in options) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"phrase": "words that are nowhere", "kind": "blank"}, "not in the text"),
        ({"phrase": "", "kind": "blank"}, "This field is required"),
        ({"phrase": "Hamburg", "kind": "essay"}, "Select a valid choice"),
    ],
)
def test_a_selection_that_cannot_make_a_draft_says_why(teacher, hanse, data, message):
    before = QuestionDraft.objects.count()
    response = teacher.post(url("draft_from_selection", hanse.slug), data)
    assert response.status_code == 400
    assert message in response.text
    assert QuestionDraft.objects.count() == before


def test_the_text_page_offers_select_to_make_with_each_segments_offset(teacher, hanse):
    page = teacher.get(url("text_drafts", hanse.slug))
    assert "Make a draft from the text" in page.text
    start = hanse.body.index("The Hanseatic League was")
    assert f'data-at="{start}"' in page.text
    assert "quizzes/selection.js" in page.text


# The review queue


def test_queue_full_page(teacher, hanse):
    response = teacher.get(url("review_queue", hanse.slug))

    assert response.status_code == 200
    assert "<html" in response.text
    assert response.text.count('class="card stack draft-card"') == hanse.drafts.count()
    assert "Decisions per generator rule" in response.text
    assert 'id="bulk-accept-form"' in response.text


def test_queue_fragment_is_the_list_only(teacher, hanse):
    response = teacher.get(url("review_queue", hanse.slug), {"kind": "ordering"}, headers=HX)

    assert "<html" not in response.text
    assert response.text.lstrip().startswith('<section id="draft-list"')
    assert response.text.count('class="card stack draft-card"') == 1
    assert "HX-Request" in response["Vary"]


def test_queue_filters_by_rule_and_status(teacher, hanse, instructor):
    year = hanse.drafts.filter(rule="year-choice").first()
    drafting.reject_draft(year, user=instructor)

    pending = teacher.get(url("review_queue", hanse.slug), {"rule": "year-choice"}, headers=HX)
    rejected = teacher.get(
        url("review_queue", hanse.slug), {"rule": "year-choice", "status": "rejected"}, headers=HX
    )

    expected = hanse.drafts.filter(rule="year-choice").count() - 1
    assert pending.text.count('class="card stack draft-card"') == expected
    assert rejected.text.count('class="card stack draft-card"') == 1
    assert f'id="draft-{year.pk}"' in rejected.text


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_queue_query_count_does_not_grow_with_drafts(teacher, django_assert_num_queries, headers):
    text = SourceTextFactory()
    QuestionDraftFactory.create_batch(3, source_text=text)
    with CaptureQueriesContext(connection) as few:
        teacher.get(url("review_queue", text.slug), headers=headers)
    QuestionDraftFactory.create_batch(30, source_text=text)
    with django_assert_num_queries(len(few)):
        response = teacher.get(url("review_queue", text.slug), headers=headers)
    assert response.text.count('class="card stack draft-card"') == 33


# Card actions


def test_accept_with_htmx_swaps_the_card(teacher, hanse, instructor):
    draft = hanse.drafts.filter(kind="single_choice").first()
    response = teacher.post(
        url("draft_accept", hanse.slug, draft.pk), {"status": "published"}, headers=HX
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<article id="draft-{draft.pk}"')
    assert "Accepted" in response.text
    question = Question.objects.get()
    assert question.key_problems() == []
    assert question.excerpt == hanse.body[draft.source_start : draft.source_end]
    assert reverse("quizzes:question_edit", args=[question.pk]) in response.text


def test_accept_without_js_redirects_to_the_queue(teacher, hanse):
    draft = hanse.drafts.first()
    response = teacher.post(url("draft_accept", hanse.slug, draft.pk), {"status": "draft"})

    assert response.status_code == 302
    assert response["Location"] == url("review_queue", hanse.slug)
    assert Question.objects.get().status == Question.Status.DRAFT


def test_accepted_question_shows_in_the_admin(client, hanse, admin_user):
    draft = hanse.drafts.first()
    question = drafting.accept_draft(draft, user=admin_user)
    client.force_login(admin_user)
    response = client.get(reverse("admin:quizzes_question_changelist"))
    assert response.status_code == 200
    assert reverse("admin:quizzes_question_change", args=[question.pk]) in response.text


def test_reject_with_htmx(teacher, hanse):
    draft = hanse.drafts.first()
    response = teacher.post(url("draft_reject", hanse.slug, draft.pk), headers=HX)

    assert response.status_code == 200
    assert "Rejected" in response.text
    draft.refresh_from_db()
    assert draft.status == QuestionDraft.Status.REJECTED
    assert DraftDecision.objects.get().action == "reject"


def test_a_decided_draft_says_so_instead_of_deciding_twice(teacher, hanse, instructor):
    draft = hanse.drafts.first()
    drafting.reject_draft(draft, user=instructor)
    response = teacher.post(
        url("draft_accept", hanse.slug, draft.pk), {"status": "published"}, headers=HX
    )
    assert response.status_code == 200
    assert "already been decided" in response.text
    assert not Question.objects.exists()


def test_edit_form_fragment_and_page(teacher, hanse):
    draft = hanse.drafts.filter(kind="single_choice").first()
    fragment = teacher.get(url("draft_edit", hanse.slug, draft.pk), headers=HX)
    page = teacher.get(url("draft_edit", hanse.slug, draft.pk))

    assert "<html" not in fragment.text
    assert 'name="distractors"' in fragment.text
    assert 'name="answers"' not in fragment.text
    assert "<html" in page.text
    assert 'name="correct"' in page.text


def test_invalid_edit_rerenders_the_form_and_changes_nothing(teacher, hanse):
    draft = hanse.drafts.filter(kind="single_choice").first()
    key = next(o["text"] for o in draft.data["options"] if o["correct"])
    response = teacher.post(
        url("draft_edit", hanse.slug, draft.pk),
        {"prompt": "In _____ what?", "correct": key, "distractors": key},
        headers=HX,
    )

    assert response.status_code == 200
    assert "Options must differ" in response.text
    draft.refresh_from_db()
    assert not draft.edited


def test_edit_then_accept_records_an_edit(teacher, hanse):
    draft = hanse.drafts.filter(kind="single_choice").first()
    response = teacher.post(
        url("draft_edit", hanse.slug, draft.pk),
        {
            "prompt": "Which year? _____",
            "explanation": "Said in paragraph 2.",
            "correct": "1241",
            "distractors": "1250\n1260\n1270",
        },
        headers=HX,
    )
    assert response.status_code == 200
    assert "Which year? _____" in response.text
    assert "Edited" in response.text

    teacher.post(url("draft_accept", hanse.slug, draft.pk), {"status": "published"}, headers=HX)

    question = Question.objects.get()
    assert question.prompt == "Which year? _____"
    assert sorted(text for text, _ in options_of(question)) == ["1241", "1250", "1260", "1270"]
    assert [text for text, correct in options_of(question) if correct] == ["1241"]
    assert DraftDecision.objects.get().action == "edit"
    page = teacher.get(url("review_queue", hanse.slug))
    assert '<th scope="row">year-choice</th><td>0</td><td>1</td><td>0</td>' in page.text


def test_edit_without_js_redirects(teacher, hanse):
    draft = hanse.drafts.filter(kind="short_answer").first()
    response = teacher.post(
        url("draft_edit", hanse.slug, draft.pk),
        {"prompt": "Name the _____.", "explanation": "", "answers": "Hanse\nHansa"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.data["answers"] == ["Hanse", "Hansa"]


def test_bulk_accept_the_selected_drafts(teacher, hanse):
    chosen = list(hanse.drafts.values_list("pk", flat=True)[:4])
    response = teacher.post(
        url("bulk_accept", hanse.slug) + "?kind=",
        {"drafts": chosen, "status": "published"},
    )

    assert response.status_code == 302
    assert response["Location"] == url("review_queue", hanse.slug) + "?kind="
    assert Question.objects.count() == 4
    assert all(q.key_problems() == [] for q in Question.objects.all())
    assert DraftDecision.objects.count() == 4
    assert hanse.drafts.filter(status="accepted").count() == 4


def test_bulk_accept_with_nothing_selected_says_so(teacher, hanse):
    response = teacher.post(url("bulk_accept", hanse.slug), {"status": "published"}, follow=True)
    assert "Select the drafts to accept." in response.text
    assert not Question.objects.exists()


def test_rerun_after_review_adds_nothing(teacher, hanse):
    chosen = list(hanse.drafts.values_list("pk", flat=True))
    teacher.post(url("bulk_accept", hanse.slug), {"drafts": chosen, "status": "published"})
    drafts, questions = QuestionDraft.objects.count(), Question.objects.count()

    start, end = boilerplate_blocks(hanse.body)[0]
    teacher.post(url("restore_block", hanse.slug), {"start": start, "end": end})

    # The restored navigation line is not prose, so it yields nothing new either.
    assert (QuestionDraft.objects.count(), Question.objects.count()) == (drafts, questions)


@pytest.mark.django_db(transaction=True)
def test_deriving_holds_no_transaction_while_it_runs(client, monkeypatch):
    """On SQLite a transaction that writes holds the one write lock: a 1.9 MB text derived
    inside one stalled every student's save for about 15 s. The generator runs outside any."""
    seen = []
    real = drafting.derive

    def watched(body, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(body, **kwargs)

    monkeypatch.setattr(drafting, "derive", watched)
    client.force_login(InstructorFactory())
    body = (DATA / "rapallo.txt").read_text()
    client.post(url("add_text"), {"course": default_course().pk, "title": "T", "body": body})
    text = SourceText.objects.get()
    assert text.drafts.exists()
    start, end = boilerplate_blocks(text.body)[0]
    client.post(url("restore_block", text.slug), {"start": start, "end": end})
    assert seen == [False, False]


def test_the_text_page_lists_the_paragraphs_without_a_draft(teacher):
    text = SourceTextFactory(slug="rapallo", body=(DATA / "rapallo.txt").read_text())
    drafting.rederive(text)
    page = teacher.get(url("text_drafts", text.slug)).text
    assert "Paragraphs without a draft" in page
    assert "<strong>Paragraph 8</strong> (“There is a temptation" in page
