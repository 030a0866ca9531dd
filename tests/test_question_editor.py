"""The question bank and the question editor under /teach/questions/."""

import pytest
from django.urls import reverse

from quizzes.models import Question, Tag
from quizzes.starting import start_attempt
from tests.factories import (
    QuizFactory,
    QuizQuestionFactory,
    ShortAnswerQuestionFactory,
    SingleChoiceQuestionFactory,
    SourceTextFactory,
    TagFactory,
    options_of,
)
from tests.test_admin import rows_data

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def teacher(client, instructor):
    client.force_login(instructor)
    return client


def create_url(kind: str) -> str:
    return reverse("quizzes:question_create", args=[kind])


def post_data(text, **fields) -> dict:
    return {
        "source_text": str(text.pk),
        "prompt": "Where was the aviation school?",
        "excerpt": "Lipetsk, an aviation school opened in 1925",
        "explanation": "The first paragraph says so.",
        "default_points": "1",
        "tag_names": "",
        "status": "published",
        **fields,
    }


KEYS = {
    "single_choice": rows_data(
        "options", [{"text": "Lipetsk"}, {"text": "Volsk"}, {"text": "Kazan"}], correct=0
    ),
    "multiple_response": rows_data(
        "options",
        [
            {"text": "Lipetsk", "correct": "on"},
            {"text": "Volsk", "correct": "on"},
            {"text": "Paris"},
        ],
    ),
    "true_false": {"statement_is_true": "false"},
    "short_answer": {"accepted_answers": "Lipetsk\nLipezk"},
    "numeric": {"numeric_value": "1925", "numeric_tolerance": "0"},
    "ordering": rows_data("items", [{"text": "Lipetsk"}, {"text": "Volsk"}, {"text": "Kazan"}]),
    "matching": rows_data(
        "pairs",
        [
            {"prompt": "aviation", "answer": "Lipetsk"},
            {"prompt": "gas", "answer": "Volsk"},
            {"prompt": "", "answer": "Moscow"},
        ],
    ),
}
EXPECTED = {
    "true_false": {"answer": False},
    "short_answer": {"answers": ["Lipetsk", "Lipezk"]},
    "numeric": {"value": 1925.0, "tolerance": 0.0},
}


def test_the_kind_picker_offers_every_kind(teacher):
    page = teacher.get(reverse("quizzes:question_new") + "?text=my-text")
    for kind in Question.Kind:
        assert f'href="{create_url(kind.value)}?text=my-text"' in page.text


@pytest.mark.parametrize("kind", list(KEYS))
def test_a_question_of_each_kind_is_written_and_published(teacher, kind):
    text = SourceTextFactory()
    response = teacher.post(create_url(kind), post_data(text, **KEYS[kind]))
    assert response.status_code == 302, response.context["form"].errors
    question = Question.objects.get()
    assert question.kind == kind
    assert question.status == Question.Status.PUBLISHED
    assert question.key_problems() == []
    assert question.excerpt == "Lipetsk, an aviation school opened in 1925"
    if kind in EXPECTED:
        assert question.key == EXPECTED[kind]
    assert response["Location"] == reverse("quizzes:question_edit", args=[question.pk])


def test_the_editor_shows_only_its_kinds_key_fields(teacher):
    page = teacher.get(create_url("numeric")).text
    assert 'name="numeric_value"' in page
    assert 'name="options-count"' not in page
    assert 'name="accepted_answers"' not in page


def test_an_unknown_kind_is_404(teacher):
    assert teacher.get(create_url("essay")).status_code == 404


def test_publishing_an_incomplete_key_is_refused_with_the_reason(teacher):
    text = SourceTextFactory()
    response = teacher.post(create_url("short_answer"), post_data(text, accepted_answers=""))
    assert response.status_code == 400
    assert "needs an accepted answer" in response.text
    assert "cannot be published until its answer key is complete" in response.text
    assert not Question.objects.exists()


def test_an_incomplete_key_is_kept_as_a_draft_that_says_why_then_published(teacher):
    """The newcomer's case: a short answer without answers, then its key fixed."""
    text = SourceTextFactory()
    response = teacher.post(
        create_url("short_answer"),
        post_data(text, accepted_answers="", status="draft"),
        follow=True,
    )
    question = Question.objects.get()
    assert question.status == Question.Status.DRAFT
    assert "Saved as a draft until its answer key is complete" in response.text
    assert "Draft until its answer key is complete" in response.text
    edit = reverse("quizzes:question_edit", args=[question.pk])
    response = teacher.post(edit, post_data(text, accepted_answers="Lipetsk"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.status == Question.Status.PUBLISHED
    assert question.key == {"answers": ["Lipetsk"]}


def test_checking_as_you_type_shows_the_state_and_saves_nothing(teacher):
    text = SourceTextFactory()
    data = post_data(
        text,
        action="check",
        **rows_data("options", [{"text": "Lipetsk"}, {"text": "Lipetsk"}], correct=0),
    )
    fragment = teacher.post(create_url("single_choice"), data, headers=HTMX)
    assert fragment.status_code == 200
    assert fragment.text.lstrip().startswith('<div id="question-check"')
    assert "Two options have the same text." in fragment.text
    assert "As students see it" in fragment.text
    assert not Question.objects.exists()


def test_the_preview_shows_the_question_as_students_will(teacher):
    text = SourceTextFactory()
    data = post_data(text, action="check", **KEYS["matching"])
    fragment = teacher.post(create_url("matching"), data, headers=HTMX).text
    assert "Choose the matching answer for each item" in fragment
    assert fragment.count("<select") == 2  # one per prompt
    assert "Moscow" in fragment  # the extra answer is offered


def test_editing_keeps_each_options_id(teacher):
    question = SingleChoiceQuestionFactory()
    ids = [option["id"] for option in question.key["options"]]
    rows = [{"id": option["id"], "text": option["text"]} for option in question.key["options"]]
    rows[1]["text"] = "Volsk (gas)"
    data = post_data(question.source_text, **rows_data("options", rows, correct=0))
    response = teacher.post(reverse("quizzes:question_edit", args=[question.pk]), data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert [option["id"] for option in question.key["options"]] == ids
    assert options_of(question)[1] == ("Volsk (gas)", False)


def test_an_id_the_key_never_had_is_not_taken_over(teacher):
    """A crafted hidden id cannot make a new option pass for another question's."""
    question = SingleChoiceQuestionFactory()
    rows = [{"id": "forged", "text": "New"}, {"text": "Other"}]
    data = post_data(question.source_text, **rows_data("options", rows, correct=0))
    teacher.post(reverse("quizzes:question_edit", args=[question.pk]), data)
    question.refresh_from_db()
    assert "forged" not in [option["id"] for option in question.key["options"]]


def test_a_changed_key_after_answers_offers_the_regrade(teacher, student):
    quiz = QuizFactory(question_count=1)
    question = quiz.quiz_questions.get().question
    response = start_attempt(quiz=quiz, student=student).responses.get()
    response.save_answer(response.snapshot["correct"][0])
    edit = reverse("quizzes:question_edit", args=[question.pk])
    page = teacher.get(edit)
    assert "Students have given 1 answer to this question" in page.text
    rows = [{"id": o["id"], "text": o["text"]} for o in question.key["options"]]
    data = post_data(question.source_text, **rows_data("options", rows, correct=1))
    check = teacher.post(edit, {**data, "action": "check"}, headers=HTMX)
    assert "The key differs from the saved one" in check.text
    saved = teacher.post(edit, data, follow=True)
    regrade = reverse("quizzes:regrade_quiz", args=[quiz.slug]) + f"?question={question.pk}"
    assert regrade in saved.text
    assert "a dry run shows what changes first" in saved.text
    form = teacher.get(regrade).context["form"]
    assert str(form["question"].value()) == str(question.pk)


def test_a_selected_excerpt_keeps_its_place_when_the_text_repeats_it(teacher):
    text = SourceTextFactory()
    start = text.body.index("paragraph names", 10)
    data = post_data(
        text,
        excerpt="paragraph\r\nnames",  # the browser's reading of the selection
        selected_start=str(start),
        selected_end=str(start + len("paragraph names")),
        **KEYS["short_answer"],
    )
    assert teacher.post(create_url("short_answer"), data).status_code == 302
    question = Question.objects.get()
    assert (question.excerpt_start, question.excerpt) == (start, "paragraph names")


def test_offsets_that_do_not_mark_the_excerpt_are_ignored(teacher):
    text = SourceTextFactory()
    data = post_data(text, selected_start="0", selected_end="3", **KEYS["short_answer"])
    assert teacher.post(create_url("short_answer"), data).status_code == 302
    assert Question.objects.get().excerpt == "Lipetsk, an aviation school opened in 1925"


def test_tags_are_typed_and_reused_whatever_their_case(teacher):
    TagFactory(name="dates")
    text = SourceTextFactory()
    data = post_data(text, tag_names="Dates, people ,, people", **KEYS["short_answer"])
    teacher.post(create_url("short_answer"), data)
    assert sorted(Question.objects.get().tags.values_list("name", flat=True)) == ["dates", "people"]
    assert Tag.objects.count() == 2


def test_the_text_picker_shows_the_chosen_text_by_paragraphs(teacher):
    text = SourceTextFactory()
    fragment = teacher.get(reverse("quizzes:text_picker"), {"source_text": text.pk})
    assert fragment.text.lstrip().startswith('<section id="text-picker"')
    for paragraph in text.paragraphs():
        assert f'data-start="{paragraph.start}"' in fragment.text
    assert teacher.get(reverse("quizzes:text_picker"), {"source_text": "0"}).status_code == 404


# The bank


@pytest.fixture
def bank():
    text = SourceTextFactory()
    other = SourceTextFactory()
    dates = TagFactory(name="dates")
    first = SingleChoiceQuestionFactory(source_text=text, prompt="Which school first?")
    first.tags.add(dates)
    second = ShortAnswerQuestionFactory(
        source_text=text,
        prompt="Name the gas school.",
        excerpt_start=text.body.index("Volsk"),
        excerpt_end=text.body.index("Volsk") + 5,
        status=Question.Status.DRAFT,
    )
    elsewhere = SingleChoiceQuestionFactory(source_text=other, prompt="Elsewhere?")
    return {"text": text, "first": first, "second": second, "elsewhere": elsewhere}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({}, {"first", "second", "elsewhere"}),
        ({"q": "gas"}, {"second"}),
        ({"kind": "short_answer"}, {"second"}),
        ({"tag": "dates"}, {"first"}),
        ({"status": "draft"}, {"second"}),
        ({"text": "TEXT"}, {"first", "second"}),
        ({"text": "TEXT", "paragraph": "2"}, {"second"}),
        ({"text": "TEXT", "paragraph": "99"}, set()),
        ({"kind": "essay"}, {"first", "second", "elsewhere"}),  # an invalid filter is no filter
    ],
)
def test_the_bank_filters(teacher, bank, query, found):
    if query.get("text") == "TEXT":
        query = {**query, "text": bank["text"].slug}
    if "tag" in query:  # tags are chosen by id: two courses may each have a "dates" tag
        query = {**query, "tag": Tag.objects.get(name=query["tag"]).pk}
    page = teacher.get(reverse("quizzes:question_bank"), query)
    assert page.status_code == 200
    shown = {name for name in ("first", "second", "elsewhere") if bank[name].prompt in page.text}
    assert shown == found


def test_the_bank_swaps_its_results_under_htmx(teacher, bank):
    fragment = teacher.get(reverse("quizzes:question_bank"), {"q": "gas"}, headers=HTMX)
    assert fragment.text.lstrip().startswith('<section id="results"')
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.parametrize("size", [3, 30])
def test_the_bank_query_count_does_not_grow_with_the_questions(
    teacher, size, django_assert_num_queries
):
    text = SourceTextFactory()
    for number in range(size):
        question = SingleChoiceQuestionFactory(source_text=text, prompt=f"Q{number}?")
        question.tags.add(TagFactory(name=f"tag{number % 3}"))
        QuizQuestionFactory(quiz=QuizFactory(source_text=text), question=question)
    # Session, user, the two permission lookups, the courses the user teaches, the filters'
    # texts and tags, the count, the page of questions and their tags.
    with django_assert_num_queries(10):
        teacher.get(reverse("quizzes:question_bank"))


def test_saving_an_imported_question_confirms_its_excerpt(teacher):
    question = SingleChoiceQuestionFactory(status="draft")
    Question.objects.filter(pk=question.pk).update(excerpt_to_confirm=True)
    edit = reverse("quizzes:question_edit", args=[question.pk])
    assert "data-excerpt-to-confirm" in teacher.get(edit).text
    rows = [{"id": option["id"], "text": option["text"]} for option in question.key["options"]]
    data = post_data(question.source_text, **rows_data("options", rows, correct=0))
    assert teacher.post(edit, data).status_code == 302
    question.refresh_from_db()
    assert not question.excerpt_to_confirm
    assert "data-excerpt-to-confirm" not in teacher.get(edit).text
