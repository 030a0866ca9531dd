import re

import pytest
from django.urls import reverse

from quizzes.models import Attempt, Question, Quiz, SourceText
from quizzes.starting import start_attempt
from tests.factories import (
    MatchingQuestionFactory,
    NumericQuestionFactory,
    OrderingQuestionFactory,
    QuestionFactory,
    QuizFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
    SourceTextFactory,
    TrueFalseQuestionFactory,
    options_of,
)

pytestmark = pytest.mark.django_db


def inline_data(prefix: str, rows: list[dict]) -> dict:
    """The management form and rows of one inline formset, as the admin page posts them."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def rows_data(name: str, rows: list[dict], *, correct: int | None = None) -> dict:
    """A key editor's rows as the form posts them; `correct`: the ticked radio's row."""
    data = {f"{name}-count": str(len(rows))}
    for index, row in enumerate(rows):
        data.update({f"{name}-{index}-{column}": value for column, value in row.items()})
    if correct is not None:
        data[f"{name}-correct"] = str(correct)
    return data


def question_post(text: SourceText, *, excerpt: str, kind="single_choice", **key) -> dict:
    data = {
        "kind": kind,
        "source_text": str(text.pk),
        "prompt": "Where was the aviation school?",
        "explanation": "The first paragraph names it.",
        "default_points": "1",
        "status": "published",
        "excerpt": excerpt,
        "_save": "Save",
    }
    data.update(key)
    return data


SINGLE_CHOICE_ROWS = rows_data(
    "options", [{"text": "Lipetsk"}, {"text": "Volsk"}, {"text": "Kazan"}], correct=0
)


def add_url(kind: str = "single_choice") -> str:
    return reverse("admin:quizzes_question_add") + f"?kind={kind}"


@pytest.fixture
def instructor_client(client, instructor):
    client.force_login(instructor)
    return client


@pytest.mark.parametrize("model", ["sourcetext", "question", "quiz", "tag", "attempt", "response"])
def test_instructor_opens_every_changelist(instructor_client, model):
    """An instructor who is not a superuser can see every quizzes model in the admin."""
    response = instructor_client.get(reverse(f"admin:quizzes_{model}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("model", ["sourcetext", "question", "quiz", "tag"])
def test_instructor_opens_add_pages(instructor_client, model):
    response = instructor_client.get(reverse(f"admin:quizzes_{model}_add"))
    assert response.status_code == 200


def test_add_page_asks_for_the_kind_first(instructor_client):
    """The kind decides the key's fields, so the add page offers the kinds before any form."""
    response = instructor_client.get(reverse("admin:quizzes_question_add"))
    assert response.status_code == 200
    for kind in Question.Kind:
        assert f'href="?kind={kind.value}"' in response.text
    assert 'name="prompt"' not in response.text


@pytest.mark.parametrize(
    ("kind", "present", "absent"),
    [
        ("single_choice", ['name="options-count"', 'name="options-correct"'], ["accepted_answers"]),
        ("short_answer", ['name="accepted_answers"'], ['name="options-count"']),
        ("true_false", ['name="statement_is_true"'], ['name="options-count"']),
        ("numeric", ['name="numeric_value"', 'name="numeric_tolerance"'], ["statement_is_true"]),
        ("matching", ['name="pairs-count"'], ['name="options-count"']),
        ("ordering", ['name="items-count"'], ['name="pairs-count"']),
    ],
)
def test_add_page_of_a_kind_shows_its_key_fields_only(instructor_client, kind, present, absent):
    response = instructor_client.get(add_url(kind))
    assert response.status_code == 200
    for field in present:
        assert field in response.text
    for field in absent:
        assert field not in response.text


def test_add_question_with_excerpt_stores_offsets(instructor_client, instructor):
    text = SourceTextFactory()
    excerpt = "Lipetsk, an aviation school opened in 1925"
    response = instructor_client.post(
        add_url(), question_post(text, excerpt=excerpt, **SINGLE_CHOICE_ROWS)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    question = Question.objects.get()
    assert text.body[question.excerpt_start : question.excerpt_end] == excerpt
    assert question.excerpt_start == text.body.index("Lipetsk")
    assert options_of(question) == [("Lipetsk", True), ("Volsk", False), ("Kazan", False)]
    assert question.status == Question.Status.PUBLISHED
    assert question.key_problems() == []


def test_excerpt_pasted_with_crlf_line_ends_is_found(instructor_client):
    """Browsers post textareas with CRLF; the text is stored with LF."""
    text = SourceTextFactory()
    excerpt = "opened in 1925.\r\n\r\nThe second paragraph"
    response = instructor_client.post(
        add_url(), question_post(text, excerpt=excerpt, **SINGLE_CHOICE_ROWS)
    )
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.excerpt == excerpt.replace("\r\n", "\n")


@pytest.mark.parametrize(
    ("excerpt", "message"),
    [
        ("Lipetsk, a naval school", "is not in the text exactly as typed"),
        ("paragraph names", "occurs more than once"),
    ],
)
def test_wrong_excerpt_is_refused(instructor_client, excerpt, message):
    text = SourceTextFactory()
    response = instructor_client.post(
        add_url(), question_post(text, excerpt=excerpt, **SINGLE_CHOICE_ROWS)
    )
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["excerpt"])
    assert message in response.text
    assert not Question.objects.exists()


def test_a_selected_excerpt_that_repeats_in_the_text_is_kept_by_its_offsets(instructor_client):
    """Selected in the text, a repeated phrase comes with its offsets: no need to quote more."""
    text = SourceTextFactory()
    start = text.body.index("paragraph names", 10)
    data = question_post(
        text,
        excerpt="paragraph names",
        selected_start=str(start),
        selected_end=str(start + len("paragraph names")),
        **SINGLE_CHOICE_ROWS,
    )
    assert instructor_client.post(add_url(), data).status_code == 302
    assert Question.objects.get().excerpt_start == start


def test_only_the_kinds_own_key_is_stored(instructor_client):
    """Fields of another kind sent along (a crafted post) are never read."""
    text = SourceTextFactory()
    data = question_post(
        text,
        excerpt="Lipetsk",
        kind="short_answer",
        accepted_answers="Lipetsk\nLipezk",
        **SINGLE_CHOICE_ROWS,
    )
    response = instructor_client.post(add_url("short_answer"), data)
    assert response.status_code == 302
    assert Question.objects.get().key == {"answers": ["Lipetsk", "Lipezk"]}


def test_publishing_a_broken_key_is_refused_with_the_reason(instructor_client):
    """Never silently kept as a draft: the form says why it cannot be published yet."""
    text = SourceTextFactory()
    rows = rows_data("options", [{"text": "Volsk"}, {"text": "Kazan"}])
    data = question_post(text, excerpt="Lipetsk", **rows)
    response = instructor_client.post(add_url(), data)
    assert response.status_code == 200
    assert "exactly one correct option" in response.text
    assert "cannot be published until its answer key is complete" in response.text
    assert not Question.objects.exists()


def test_a_broken_key_saved_as_draft_says_why_and_publishes_once_fixed(instructor_client):
    text = SourceTextFactory()
    rows = rows_data("options", [{"text": "Volsk"}, {"text": "Kazan"}])
    data = question_post(text, excerpt="Lipetsk", **rows) | {"status": "draft"}
    response = instructor_client.post(add_url(), data, follow=True)
    question = Question.objects.get()
    assert question.status == Question.Status.DRAFT
    shown = [str(message) for message in response.context["messages"]]
    assert any("until its answer key is complete" in message for message in shown)
    assert any("exactly one correct option" in message for message in shown)

    change = reverse("admin:quizzes_question_change", args=[question.pk])
    page = instructor_client.get(change)
    assert "Draft until its answer key is complete" in page.text
    ids = [option["id"] for option in question.key["options"]]
    fixed = rows_data(
        "options",
        [{"id": ids[0], "text": "Volsk"}, {"id": ids[1], "text": "Kazan"}, {"text": "Lipetsk"}],
        correct=2,
    )
    data = question_post(text, excerpt="Lipetsk", **fixed)
    assert instructor_client.post(change, data).status_code == 302
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
    assert [option["id"] for option in question.key["options"]][:2] == ids


def test_true_false_question_needs_its_answer(instructor_client):
    text = SourceTextFactory()
    data = question_post(text, excerpt="Lipetsk", kind="true_false")
    response = instructor_client.post(add_url("true_false"), data)
    assert response.status_code == 200
    assert "Say whether the statement is true or false." in response.text
    data["statement_is_true"] = "true"
    response = instructor_client.post(add_url("true_false"), data)
    assert response.status_code == 302
    assert Question.objects.get().key == {"answer": True}


@pytest.mark.parametrize(
    ("factory", "present", "absent"),
    [
        (SingleChoiceQuestionFactory, ["options"], ["accepted_answers", "pairs", "items"]),
        (OrderingQuestionFactory, ["items"], ["accepted_answers", "pairs", "options"]),
        (ShortAnswerQuestionFactory, ["accepted_answers"], ["options", "pairs"]),
        (MatchingQuestionFactory, ["pairs"], ["options", "accepted_answers"]),
        (TrueFalseQuestionFactory, ["statement_is_true"], ["options", "accepted_answers"]),
        (NumericQuestionFactory, ["numeric_value"], ["options", "statement_is_true"]),
    ],
)
def test_change_page_shows_the_kinds_key_fields_only(instructor_client, factory, present, absent):
    question = factory()
    response = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert response.status_code == 200
    names = set(re.findall(r'name="([a-z_]+?)(?:-count|-correct)?"', response.text))
    for name in present:
        assert name in names
    for name in absent:
        assert name not in names


def test_ordering_editor_explains_the_order(instructor_client):
    question = OrderingQuestionFactory()
    response = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert "First item first" in response.text
    assert (
        response.text.index("Lipetsk") < response.text.index("Volsk") < response.text.index("Kazan")
    )


def test_change_page_shows_excerpt_in_its_paragraph(instructor_client):
    question = SingleChoiceQuestionFactory()
    response = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert '<mark class="excerpt-highlight">The first paragraph names Lipetsk</mark>' in (
        response.text
    )
    assert response.context["adminform"].form.initial["excerpt"] == question.excerpt


def test_editing_the_excerpt_moves_the_offsets(instructor_client):
    question = SingleChoiceQuestionFactory()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    data = {
        "source_text": str(question.source_text_id),
        "prompt": question.prompt,
        "explanation": question.explanation,
        "default_points": "1",
        "status": "published",
        "excerpt": "Volsk, a gas school",
        **rows_data(
            "options",
            [{"id": o["id"], "text": o["text"]} for o in question.key["options"]],
            correct=0,
        ),
    }
    response = instructor_client.post(url, data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.excerpt == "Volsk, a gas school"


def test_publish_action_skips_broken_keys(instructor_client):
    good = SingleChoiceQuestionFactory(status=Question.Status.DRAFT)
    broken = QuestionFactory(status=Question.Status.DRAFT)  # no options at all
    response = instructor_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "publish", "_selected_action": [good.pk, broken.pk]},
        follow=True,
    )
    good.refresh_from_db()
    broken.refresh_from_db()
    assert good.status == Question.Status.PUBLISHED
    assert broken.status == Question.Status.DRAFT
    assert "Not published" in response.text


def test_retire_action(instructor_client):
    question = SingleChoiceQuestionFactory()
    instructor_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "retire", "_selected_action": [question.pk]},
    )
    question.refresh_from_db()
    assert question.status == Question.Status.RETIRED


def test_authored_script_is_escaped_in_the_changelist(instructor_client):
    SingleChoiceQuestionFactory(prompt="<script>alert('x')</script> Which school?")
    response = instructor_client.get(reverse("admin:quizzes_question_changelist"))
    assert "<script>alert(" not in response.text
    assert "&lt;script&gt;alert(" in response.text


def test_authored_script_is_escaped_in_the_excerpt_display(instructor_client):
    text = SourceTextFactory(body="Before <script>alert(1)</script> after.")
    question = SingleChoiceQuestionFactory(source_text=text, excerpt_start=7, excerpt_end=32)
    response = instructor_client.get(reverse("admin:quizzes_question_change", args=[question.pk]))
    assert "<script>alert(1)" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def test_source_text_edit_that_moves_excerpts_is_refused(instructor_client):
    question = SingleChoiceQuestionFactory()
    text = question.source_text
    url = reverse("admin:quizzes_sourcetext_change", args=[text.pk])
    data = {"title": text.title, "slug": text.slug, "body": "Inserted. " + text.body}
    response = instructor_client.post(url, data)
    assert response.status_code == 200
    assert "moves the excerpts of 1 question(s)" in response.text
    text.refresh_from_db()
    assert text.body.startswith("The first paragraph")
    data["body"] = text.body + "\n\nA new last paragraph."
    assert instructor_client.post(url, data).status_code == 302


def test_source_text_saved_from_a_browser_keeps_its_excerpts(instructor_client):
    """Browsers post CRLF line ends: an unchanged text must save, and be stored with LF."""
    question = SingleChoiceQuestionFactory()
    text = question.source_text
    url = reverse("admin:quizzes_sourcetext_change", args=[text.pk])
    body = text.body.replace("\n", "\r\n")
    response = instructor_client.post(url, {"title": text.title, "slug": text.slug, "body": body})
    assert response.status_code == 302
    text.refresh_from_db()
    assert "\r" not in text.body
    assert len(text.paragraphs()) == 3


def test_add_quiz_sets_owner_and_orders_questions(instructor_client, instructor):
    text = SourceTextFactory()
    first, second = SingleChoiceQuestionFactory.create_batch(2, source_text=text)
    data = {
        "course": str(text.course_id),
        "title": "Practice",
        "slug": "practice",
        "description": "",
        "source_text": str(text.pk),
        "is_published": "on",
        "grading_method": "highest",
        "overdue_handling": "autosubmit",
        "grace_period_minutes": "10",
        "feedback": "immediate",
        "pass_mark": "50",
        "shuffle_options": "on",
        "text_during_quiz": "on",
        **inline_data(
            "quiz_questions",
            [
                {"position": "2", "question": str(first.pk), "points": ""},
                {"position": "1", "question": str(second.pk), "points": "3"},
            ],
        ),
        "_save": "Save",
    }
    response = instructor_client.post(reverse("admin:quizzes_quiz_add"), data)
    assert response.status_code == 302
    quiz = Quiz.objects.get(slug="practice")
    assert quiz.owner == instructor
    assert [slot.question for slot in quiz.quiz_questions.all()] == [second, first]


def test_quiz_with_a_draft_question_warns(instructor_client):
    text = SourceTextFactory()
    draft = SingleChoiceQuestionFactory(source_text=text, status=Question.Status.DRAFT)
    data = {
        "course": str(text.course_id),
        "title": "Practice",
        "slug": "practice",
        "source_text": str(text.pk),
        "grading_method": "highest",
        "overdue_handling": "autosubmit",
        "grace_period_minutes": "10",
        "feedback": "immediate",
        "pass_mark": "50",
        **inline_data("quiz_questions", [{"position": "1", "question": str(draft.pk)}]),
    }
    response = instructor_client.post(reverse("admin:quizzes_quiz_add"), data, follow=True)
    assert "Not every question of this quiz is published" in response.text


def test_quiz_change_page_links_to_preview(instructor_client):
    quiz = QuizFactory(question_count=1, is_published=False)
    response = instructor_client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))
    assert response.status_code == 200
    assert f'href="{reverse("quizzes:quiz_detail", args=[quiz.slug])}"' in response.text
    assert "Preview as student" in response.text


def test_attempts_are_read_only_for_instructors(instructor_client, quiz, student):
    attempt = start_attempt(quiz=quiz, student=student)
    change_url = reverse("admin:quizzes_attempt_change", args=[attempt.pk])
    response = instructor_client.get(change_url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    assert quiz.quiz_questions.first().question.prompt in response.text  # the response inline
    assert instructor_client.post(change_url, {"state": "submitted"}).status_code == 403
    assert instructor_client.get(reverse("admin:quizzes_attempt_add")).status_code == 403
    delete_url = reverse("admin:quizzes_attempt_delete", args=[attempt.pk])
    assert instructor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Attempt.objects.get().state == Attempt.State.IN_PROGRESS
    response_url = reverse("admin:quizzes_response_change", args=[attempt.responses.first().pk])
    assert instructor_client.get(response_url).status_code == 200
    assert instructor_client.post(response_url, {}).status_code == 403


def test_attempt_changelist_filters(instructor_client, quiz, student):
    start_attempt(quiz=quiz, student=student)
    response = instructor_client.get(
        reverse("admin:quizzes_attempt_changelist"),
        {"quiz__id__exact": quiz.pk, "state__exact": "in_progress", "is_preview__exact": "0"},
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_student_is_sent_to_the_admin_login(client, student):
    client.force_login(student)
    response = client.get(reverse("admin:quizzes_question_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
