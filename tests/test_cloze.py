"""The cloze kind: Moodle's Cloze syntax read and written, graded gap by gap, answered in place."""

import random
import re

import pytest
from django.urls import reverse

from quizzes import kinds
from quizzes.forms import answer_data
from quizzes.kinds.cloze import ClozeSyntaxError, grade_gap, matches, parse, write
from quizzes.models import Question, Quiz
from quizzes.starting import start_attempt
from tests.factories import QuestionFactory, QuizFactory, QuizQuestionFactory, SourceTextFactory

CLOZE = kinds.get("cloze")
MARKUP = (
    "The school at {1:SHORTANSWER:=Lipetsk~=Lipezk#Also spelt so~%50%Lipez} opened in "
    "{2:NUMERICAL:=1925:1~%50%1930:2}; tanks went to {1:MULTICHOICE:=Kazan~Volsk#Gas~Lipetsk}."
)


def snapshot_of(markup: str, rng=None) -> dict:
    return {"kind": "cloze", **CLOZE.snapshot({"markup": markup}, rng=rng, seed=1)}


# Reading and writing the syntax


def test_a_passage_is_read_into_text_and_gaps():
    passage = parse(MARKUP)
    assert [part for part in passage.parts if isinstance(part, str)] == [
        "The school at ",
        " opened in ",
        "; tanks went to ",
        ".",
    ]
    first, second, third = passage.gaps
    assert (first.type, first.marks, [(a.text, a.fraction) for a in first.answers]) == (
        "shortanswer",
        1,
        [("Lipetsk", 1.0), ("Lipezk", 1.0), ("Lipez", 0.5)],
    )
    assert first.answers[1].feedback == "Also spelt so"
    assert (second.type, second.marks, second.answers[0].text) == ("numerical", 2, "1925:1")
    assert (third.type, third.display, [a.fraction for a in third.answers]) == (
        "multichoice",
        "dropdown",
        [1.0, 0.0, 0.0],
    )


@pytest.mark.parametrize(
    ("name", "kind", "display", "case", "shuffle"),
    [
        ("SA", "shortanswer", "text", False, False),
        ("MW", "shortanswer", "text", False, False),
        ("SAC", "shortanswer", "text", True, False),
        ("SHORTANSWER_C", "shortanswer", "text", True, False),
        ("NM", "numerical", "text", False, False),
        ("MC", "multichoice", "dropdown", False, False),
        ("MCV", "multichoice", "vertical", False, False),
        ("MULTICHOICE_H", "multichoice", "horizontal", False, False),
        ("MCS", "multichoice", "dropdown", False, True),
        ("MULTICHOICE_VS", "multichoice", "vertical", False, True),
    ],
)
def test_every_type_name_of_moodle(name, kind, display, case, shuffle):
    (gap,) = parse(f"x {{1:{name}:=1~2}} y").gaps
    assert (gap.type, gap.display, gap.case_sensitive, gap.shuffle) == (
        kind,
        display,
        case,
        shuffle,
    )


def test_escapes_and_braces_that_are_not_gaps():
    passage = parse(r"A {curly} word, {1:SA:=a\}b\~c\#d\\e#feed\#back}.")
    assert passage.parts[0] == "A {curly} word, "
    (gap,) = passage.gaps
    assert (gap.answers[0].text, gap.answers[0].feedback) == ("a}b~c#d\\e", "feed#back")


def test_written_markup_reads_back_the_same():
    for markup in (MARKUP, r"A {1:SA:=a\}b\~c\#d\\e#feed\#back} and {3:MCVS:%50%x~=y~z}."):
        again = parse(write(parse(markup)))
        assert again == parse(markup)


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("A {1:SHORTANSWER:=Lipetsk", "Gap 1 (at character 3) has no closing }"),
        ("A {1:ESSAY:=x}", "unknown gap type 'ESSAY'"),
        (
            "A {1:MULTIRESPONSE:=x~=y}",
            "MULTIRESPONSE gaps (several answers ticked) are not supported",
        ),
        ("A {0:SA:=x}", "Gap 1: its marks must be 1 or more."),
        ("A {1:SA:%150%x}", "a weight must be between -100% and 100%"),
    ],
)
def test_unreadable_markup_says_where_and_why(markup, message):
    with pytest.raises(ClozeSyntaxError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse(markup)


@pytest.mark.parametrize(
    ("markup", "problem"),
    [
        ("", "Write the passage with its gaps"),
        ("No gap at all.", "A cloze question needs a gap"),
        ("A {1:SA:Lipetsk}.", "Gap 1: no answer is marked right (start one with =)."),
        ("A {1:NM:=nineteen}.", "Gap 1: “nineteen” is not a number with its tolerance"),
        ("A {1:MC:=only}.", "Gap 1: a choice gap needs at least two options."),
        ("A {1:MC:=same~Same}.", "Gap 1: two options have the same text."),
        ("A {1:SA:=x} and {1:SA:=y", "Gap 2 (at character 17) has no closing }"),
    ],
)
def test_key_problems_name_the_gap(markup, problem):
    assert problem in " ".join(CLOZE.key_problems({"markup": markup}))


def test_a_complete_passage_has_no_problems():
    assert CLOZE.key_problems({"markup": MARKUP}) == []


# Grading


def test_each_gap_earns_its_marks_times_its_best_fraction():
    snapshot = snapshot_of(MARKUP)
    kazan = next(o["id"] for o in snapshot["gaps"][2]["options"] if o["text"] == "Kazan")
    volsk = next(o["id"] for o in snapshot["gaps"][2]["options"] if o["text"] == "Volsk")
    assert CLOZE.grade(snapshot, {"1": "lipezk", "2": "1926", "3": kazan}) == 1.0
    assert CLOZE.grade(snapshot, {"1": "Lipez", "2": "1925", "3": kazan}) == pytest.approx(3.5 / 4)
    assert CLOZE.grade(snapshot, {"1": "Berlin", "2": "1931", "3": volsk}) == pytest.approx(1 / 4)
    assert CLOZE.grade(snapshot, {"1": "", "2": "", "3": ""}) == 0.0
    assert CLOZE.grade(snapshot, {}) == 0.0
    assert CLOZE.grade(snapshot, "not a mapping") == 0.0


def test_case_sensitive_gaps_and_wildcards():
    assert matches("Lipetsk", " lipetsk ", case_sensitive=False)
    assert not matches("Lipetsk", "lipetsk", case_sensitive=True)
    assert matches("Lip*sk", "Lipetsk", case_sensitive=False)
    assert matches("*school", "the aviation school", case_sensitive=False)
    assert not matches("Lip*sk", "Lipetsk school", case_sensitive=False)
    gap = snapshot_of("{1:SAC:=Kazan}")["gaps"][0]
    assert grade_gap(gap, "Kazan") == 1.0
    assert grade_gap(gap, "kazan") == 0.0


def test_a_shuffled_drop_down_keeps_its_order_for_the_attempt_and_its_ids():
    snapshot = snapshot_of("{1:MCS:=a~b~c~d~e~f}", rng=random.Random(3))
    options = snapshot["gaps"][0]["options"]
    assert sorted(option["id"] for option in options) == ["1", "2", "3", "4", "5", "6"]
    assert [option["id"] for option in options] != ["1", "2", "3", "4", "5", "6"]
    assert snapshot["gaps"][0]["fractions"]["1"] == 1.0


def test_review_lines_and_feedback():
    snapshot = snapshot_of(MARKUP)
    volsk = next(o["id"] for o in snapshot["gaps"][2]["options"] if o["text"] == "Volsk")
    answer = {"1": "Lipezk", "2": "", "3": volsk}
    assert CLOZE.answer_lines(snapshot, answer) == [
        "Gap 1: Lipezk",
        "Gap 2: no answer",
        "Gap 3: Volsk",
    ]
    assert CLOZE.key_lines(snapshot) == [
        "Gap 1: Lipetsk (or Lipezk)",
        "Gap 2: 1925 (± 1)",
        "Gap 3: Kazan",
    ]
    assert CLOZE.feedback_for(snapshot, answer) == ["Gap 1: Also spelt so", "Gap 3: Gas"]


def test_the_answer_form_round_trips_and_never_shows_an_option_id():
    snapshot = snapshot_of(MARKUP, rng=random.Random(1))
    right = CLOZE.right_answer(snapshot)
    data = answer_data(snapshot, right)
    form = CLOZE.answer_form(data, snapshot=snapshot)
    assert form.is_valid(), form.errors
    assert form.answer() == right
    assert CLOZE.grade(snapshot, form.answer()) == 1.0
    controls = form.controls()
    labels = [part["label"] for part in controls if not part.get("is_text")]
    assert labels == ["Gap 1 of 3", "Gap 2 of 3", "Gap 3 of 3"]
    select = next(part for part in controls if part.get("name") == "gap_3")
    assert 'value="o1"' in select["choices_html"]


def test_a_number_gap_refuses_words_and_a_blank_form_is_refused():
    snapshot = snapshot_of(MARKUP)
    form = CLOZE.answer_form({"gap_1": "", "gap_2": "soon", "gap_3": ""}, snapshot=snapshot)
    assert not form.is_valid()
    assert "Gap 2: enter a number, e.g. 1922" in form.error_summary()
    empty = CLOZE.answer_form({"gap_1": "", "gap_2": "", "gap_3": ""}, snapshot=snapshot)
    assert not empty.is_valid()
    assert "Fill in at least one gap." in empty.error_summary()


# On the site


@pytest.mark.django_db
def test_a_student_answers_a_cloze_question_gap_by_gap(client, student):
    text = SourceTextFactory()
    question = QuestionFactory(source_text=text, kind="cloze", key={"markup": MARKUP})
    quiz = QuizFactory(source_text=text, feedback=Quiz.Feedback.DEFERRED, shuffle_options=True)
    QuizQuestionFactory(quiz=quiz, question=question, position=1)
    attempt = start_attempt(quiz=quiz, student=student)
    response = attempt.responses.get()
    client.force_login(student)
    page = client.get(reverse("quizzes:attempt_question", args=[attempt.pk, 1])).text
    # Two typed gaps and a drop-down, each labelled; no accepted answer or number in the page.
    assert page.count('class="visually-hidden" for="id_gap_') == 3
    assert "Lipezk" not in page
    assert not re.search(r"\b1925\b", page)
    answer = CLOZE.right_answer(response.snapshot)
    answer["1"] = "Berlin"
    client.post(
        reverse("quizzes:attempt_question", args=[attempt.pk, 1]),
        answer_data(response.snapshot, answer),
    )
    response.refresh_from_db()
    assert response.answer["1"] == "Berlin"
    assert float(response.marks) == pytest.approx(0.75)
    client.post(reverse("quizzes:finish_attempt", args=[attempt.pk]))
    result = client.get(reverse("quizzes:attempt_result", args=[attempt.pk])).text
    assert "Gap 1: Berlin" in result
    assert "Gap 1: Lipetsk (or Lipezk)" in result


@pytest.mark.django_db
def test_a_teacher_writes_a_cloze_question_in_the_editor(client, instructor):
    text = SourceTextFactory()
    client.force_login(instructor)
    url = reverse("quizzes:question_create", args=["cloze"])
    page = client.get(url).text
    assert 'name="cloze_markup"' in page
    assert "quizzes/kinds/cloze.js" in page
    data = {
        "source_text": text.pk,
        "prompt": "Complete the passage.",
        "excerpt": "Lipetsk, an aviation school opened in 1925",
        "default_points": "4",
        "status": "published",
        "cloze_markup": "{1:SA:=Lipetsk}, an aviation school opened in {1:SA:1925}.",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "Gap 2: no answer is marked right" in refused.text
    data["cloze_markup"] = "{1:SA:=Lipetsk}, an aviation school opened in {1:NM:=1925:0}."
    assert client.post(url, data).status_code == 302
    question = Question.objects.get()
    assert question.kind == "cloze"
    assert question.key_problems() == []
