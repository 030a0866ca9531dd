"""GIFT and Aiken, read and written: the constructs Moodle's own tests cover (fixtures of our own
in tests/data/exchange/), every kind through its portable body, and round trips."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import kinds
from quizzes.exchange import aiken, gift, moodle_xml, qti, spreadsheet
from quizzes.exchange.portable import (
    Answer,
    Choices,
    Cloze,
    Matches,
    Numeric,
    Order,
    PortableQuestion,
    ShortAnswers,
    TrueFalse,
)

DATA = Path(__file__).parent / "data" / "exchange"


def by_name(reading):
    return {question.name: question for question in reading.questions}


# GIFT, read


def test_the_gift_fixture_gives_eight_questions_and_reports_the_essay():
    reading = gift.read((DATA / "questions.gift.txt").read_bytes())
    assert len(reading.questions) == 8
    assert [str(problem) for problem in reading.unsupported] == [
        "line 2: An essay (an answer in the student's own words) is not supported here."
    ]
    assert reading.errors == []


def test_gift_matching_with_formats_and_an_extra_answer():
    schools = by_name(gift.read((DATA / "questions.gift.txt").read_text()))["Schools"]
    assert schools.prompt == "Match the school to its town."
    assert schools.body == Matches(
        (
            ("The flying school.", "Lipetsk"),
            ("The tank school.", "Kazan"),
            ("The gas warfare school.", "Volsk"),
            ("The naval talks.", "Berlin"),
        ),
        ("Moscow",),
    )
    assert schools.line == 5


def test_gift_choices_feedback_and_weights():
    questions = by_name(gift.read((DATA / "questions.gift.txt").read_text()))
    assert questions["Q2"].body == Choices(
        (
            Answer("Lipetsk", 1.0, "right; well read!"),
            Answer("Kazan", 0.0, "wrong, that was the tank school"),
            Answer("Volsk", 0.0, "wrong, that was gas"),
        ),
        single=True,
    )
    towns = questions["towns"].body
    assert isinstance(towns, Choices) and not towns.single
    assert [answer.fraction for answer in towns.answers] == [0.5, -1.0, 0.5, -1.0]


def test_gift_numeric_true_false_and_short_answers():
    questions = by_name(gift.read((DATA / "questions.gift.txt").read_text()))
    assert questions["Q5"].body == Numeric(1925.0, 1.0, (), "")
    q1 = questions["Q1"]
    assert q1.body == TrueFalse(
        True, "It was signed on 16 April 1922.", "You gave the right answer."
    )
    assert q1.explanation == "Rapallo is near Genoa, where the conference was held."
    short = questions["Shortanswer"].body
    assert short == ShortAnswers(
        (
            Answer("Kazan", 1.0, "Good!"),
            Answer("Kasan", 0.5, "Almost: the spelling."),
            Answer("*", 0.0, "Completely wrong"),
        )
    )
    assert [q.body for q in gift.read("::a::X{T}\n\n::b::Y{FALSE}").questions] == [
        TrueFalse(True),
        TrueFalse(False),
    ]


@pytest.mark.parametrize(
    ("text", "value", "tolerance"),
    [
        ("{#1822:2}", 1822, 2),
        ("{#1..2}", 1.5, 0.5),
        ("{#-3}", -3, 0),
        ("{#=1822:0 =%50%1822:2}", 1822, 0),
    ],
)
def test_gift_numeric_forms(text, value, tolerance):
    (question,) = gift.read(f"When? {text}").questions
    assert (question.body.value, question.body.tolerance) == (value, tolerance)


def test_gift_every_escape():
    text = r"::T\:1::What is \{a\} \~ \= \# \\ \: here?\nNew line{=a\=b\#c#fb\~ok}"
    (question,) = gift.read(text).questions
    assert question.name == "T:1"
    assert question.prompt == "What is {a} ~ = # \\ : here?\nNew line"
    assert question.body == ShortAnswers((Answer("a=b#c", 1.0, "fb~ok"),))


def test_gift_categories_ids_tags_comments_crlf_and_bom():
    text = (
        "\ufeff$CATEGORY: $course$/top/Rapallo/dates\r\n\r\n"
        "// [id:rapallo-7] [tag:years] [tag:easy]\r\n"
        "// a comment\r\n"
        "::When::Signed in {=1922 ~1925}\r\n"
    )
    (question,) = gift.read(text.encode("utf-8")).questions
    assert question.idnumber == "rapallo-7"
    assert question.tags == ["Rapallo/dates", "years", "easy"]
    assert question.prompt == "Signed in"
    assert question.line == 5  # its text, after the comments


def test_gift_missing_word_questions():
    (question,) = gift.read("The treaty was signed at {=Rapallo ~Genoa ~Berlin} in 1922.").questions
    assert question.prompt == "The treaty was signed at _____ in 1922."
    assert isinstance(question.body, Choices) and question.body.single


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Just a description.", "A description (text without answers) is not supported here."),
        ("::T::Unclosed {=a", "The answers are not closed with }."),
        ("::T Unclosed title {=a}", "The title is not closed with ::."),
        ("How much? {#many}", "“many” is not a number, a number:tolerance or a min..max range."),
        ("Match {=a -> b =c}", "“c” has no -> between the item and its match."),
        ("{=a}", "The question has no text."),
    ],
)
def test_gift_problems_are_said_by_line(text, message):
    reading = gift.read("// first\n\n" + text)
    assert reading.questions == []
    assert [str(problem) for problem in reading.problems] == [f"line 3: {message}"]


def test_gift_html_is_made_plain_with_a_warning():
    (question,) = gift.read("[html]<p>Signed at <b>Rapallo</b> &amp; Genoa?</p>{T}").questions
    assert question.prompt == "Signed at Rapallo & Genoa?"
    reading = gift.read("[html]<p>Signed?</p>{T}")
    assert [p.level for p in reading.problems] == ["warning"]


# Aiken


def test_aiken_errors_are_moodles_on_the_right_lines():
    reading = aiken.read((DATA / "aiken_errors.txt").read_bytes())
    assert [question.name for question in reading.questions] == [
        "A good question",
        "A second good question",
    ]
    assert [(problem.line, problem.message.split(" (")[0]) for problem in reading.errors] == [
        (3, "A question must have at least 2 answers"),
        (5, "An option before any question"),
        (7, "ANSWER: before any question"),
        (18, "Question not completed before the next question starts"),
    ]
    second = reading.questions[1].body
    assert second == Choices(
        (Answer("Incorrect (No space)", 0.0), Answer("Correct (No space)", 1.0)), single=True
    )


def test_aiken_with_a_dot_and_html_characters():
    text = "Which signs? > < &\nA. Correct (< > &)\nB. Incorrect\nANSWER: A\n"
    (question,) = aiken.read(text).questions
    assert question.body.answers[0] == Answer("Correct (< > &)", 1.0)


def test_aiken_writes_single_choice_and_lists_the_rest():
    questions = [
        PortableQuestion(Choices((Answer("Genoa", 0), Answer("Rapallo", 1)), True), "Where?", "W"),
        PortableQuestion(TrueFalse(True), "True?", "T"),
    ]
    text, skipped = aiken.write(questions)
    assert text == "Where?\nA) Genoa\nB) Rapallo\nANSWER: B\n"
    assert skipped == ["“T”: Aiken holds one-answer multiple choice only."]
    assert aiken.read(text).questions[0].body == questions[0].body


# Every kind through GIFT and back


def key_of(kind_name, spec):
    return kinds.get(kind_name).key_from_bank(spec)


KEYS = {
    "single_choice": {
        "choices": [
            {"text": "Lipetsk", "correct": True, "feedback": "Yes."},
            {"text": "Kazan", "correct": False},
        ]
    },
    "multiple_response": {
        "choices": [
            {"text": "Lipetsk", "correct": True},
            {"text": "Kazan", "correct": True},
            {"text": "Paris", "correct": False, "feedback": "No school there."},
        ]
    },
    "true_false": {"answer": False},
    "short_answer": {"answers": ["Lipetsk", "Lipezk"]},
    "numeric": {"value": 1925, "tolerance": 0.5},
    "matching": {"pairs": [["aviation", "Lipetsk"], ["tanks", "Kazan"]], "distractors": ["Rome"]},
}


@pytest.mark.parametrize("kind_name", sorted(KEYS))
def test_every_kind_goes_through_gift_and_back(kind_name):
    kind = kinds.get(kind_name)
    key = key_of(kind_name, KEYS[kind_name])
    question = PortableQuestion(
        kind.to_portable(key),
        "Which? {1} = #2",
        "Name: 1",
        "Because ~ so.",
        tags=["a/b"],
        idnumber="x-1",
    )
    text, skipped = gift.write([question])
    assert skipped == []
    (back,) = gift.read(text).questions
    assert (back.prompt, back.name, back.explanation, back.tags, back.idnumber) == (
        question.prompt,
        question.name,
        question.explanation,
        question.tags,
        question.idnumber,
    )
    made, new_key, warnings = kinds.from_portable(back.body)
    assert made is kind
    assert warnings == []
    assert kind.same_key(key, new_key)


@pytest.mark.parametrize(
    ("body", "reason"),
    [(Order(("a", "b")), "no such question"), (Cloze("{1:SA:=a}"), "no such question")],
)
def test_gift_lists_what_it_cannot_hold(body, reason):
    text, skipped = gift.write([PortableQuestion(body, "Put in order", "O")])
    assert text == ""
    assert skipped == [f"“O”: GIFT has {reason}."]


def test_kinds_say_what_changes_on_the_way_in():
    _, key, warnings = kinds.from_portable(
        ShortAnswers((Answer("Kazan", 1.0), Answer("Kasan", 0.5), Answer("K*", 1.0)))
    )
    assert key == {"answers": ["Kazan"]}
    assert len(warnings) == 2 and "50%" in warnings[0] and "pattern" in warnings[1]
    kind, _, warnings = kinds.from_portable(
        Choices((Answer("a", 0.7), Answer("b", 0.3), Answer("c", -1)), single=False)
    )
    assert kind.name == "multiple_response"
    assert "70% / 30%" in warnings[0]
    with pytest.raises(kinds.KeyFormatError, match="2 answers are fully right"):
        kinds.from_portable(Choices((Answer("a", 1), Answer("b", 1)), single=True))
    with pytest.raises(kinds.KeyFormatError, match="no answer is fully right"):
        kinds.from_portable(ShortAnswers((Answer("a", 0.5),)))


# Any text survives GIFT's escapes

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")
    | st.sampled_from(list("~=#{}:\\\n")),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() and text == text.strip() and "\n\n" not in text)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(prompt=TEXT, name=TEXT, right=TEXT, wrong=TEXT, explanation=TEXT)
def test_gift_round_trip_keeps_any_text(prompt, name, right, wrong, explanation):
    if right.strip() == wrong.strip():
        return
    question = PortableQuestion(
        Choices((Answer(right, 1.0, wrong), Answer(wrong, 0.0)), single=True),
        prompt,
        name,
        explanation,
        points=Decimal(1),
    )
    text, _ = gift.write([question])
    (back,) = gift.read(text).questions
    assert (back.prompt, back.name, back.explanation) == (prompt, name, explanation)
    assert back.body == question.body


# Moodle XML


def test_moodle_xml_categories_become_tags_and_other_types_are_reported():
    reading = moodle_xml.read((DATA / "nested_categories.xml").read_bytes())
    questions = by_name(reading)
    assert list(questions) == ["Signed in 1922", "Flying school", "Tank school"]
    signed = questions["Signed in 1922"]
    assert signed.tags == ["Rapallo"]
    assert signed.prompt == "The treaty was signed in 1922."
    assert signed.body == TrueFalse(True, "No.", "Right.")
    assert (signed.idnumber, signed.explanation) == ("tf-1", "On 16 April.")
    flying = questions["Flying school"]
    assert flying.tags == ["Rapallo/Schools", "towns"]
    assert flying.points == 2
    assert flying.prompt == "Which town held the flying school & its airfield?"
    assert flying.body == Choices(
        (Answer("Lipetsk", 1.0, "Yes."), Answer("Kazan", 0.0, "The tanks.")), single=True
    )
    assert [str(p) for p in reading.unsupported] == [
        "question 5 (“Why Rapallo?”) is of type essay, which is not supported here."
    ]
    assert "An image or file in the text is not imported." in [p.message for p in reading.warnings]


@pytest.mark.parametrize("kind_name", [*sorted(KEYS), "ordering", "cloze"])
def test_every_kind_goes_through_moodle_xml_and_back(kind_name):
    kind = kinds.get(kind_name)
    spec = {
        **KEYS,
        "ordering": {"items": ["1922", "1925", "1933"]},
        "cloze": {"markup": "Signed at {1:SHORTANSWER:=Rapallo} in {1:NUMERICAL:=1922:0}."},
    }[kind_name]
    key = key_of(kind_name, spec)
    question = PortableQuestion(
        kind.to_portable(key),
        "Which <b>one</b> & why?",
        "A name",
        "Because.",
        Decimal("2.5"),
        ["t"],
        "id-9",
    )
    text, skipped = moodle_xml.write([question])
    assert skipped == []
    (back,) = moodle_xml.read(text.encode("utf-8")).questions
    made, new_key, warnings = kinds.from_portable(back.body)
    assert (made, warnings) == (kind, [])
    assert kind.same_key(key, new_key)
    assert (back.points, back.tags, back.idnumber, back.explanation) == (
        Decimal("2.5"),
        ["t"],
        "id-9",
        "Because.",
    )
    if kind_name != "cloze":
        assert back.prompt == "Which <b>one</b> & why?"


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (
            '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            "<quiz>&b;</quiz>",
            "The file declares a DTD or entities, which are refused for safety.",
        ),
        (
            '<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]><quiz>&x;</quiz>',
            "The file declares a DTD or entities, which are refused for safety.",
        ),
        ("<quiz><question type='truefalse'>", "line 1: This is not well-formed XML"),
        ("<questions/>", "This is not a Moodle XML file: its root is not <quiz>."),
    ],
)
def test_moodle_xml_refuses_bombs_entities_and_broken_files(xml, message):
    reading = moodle_xml.read(xml.encode("utf-8"))
    assert reading.questions == []
    assert str(reading.errors[0]).startswith(message)


def test_deeply_nested_markup_is_an_error_not_a_crash():
    xml = "<quiz>" + "<a>" * 50_000 + "</a>" * 50_000 + "</quiz>"
    assert moodle_xml.read(xml).questions == []


# Spreadsheets


def test_the_template_reads_as_one_question_of_each_type():
    reading = spreadsheet.read_csv(spreadsheet.template_csv().encode("utf-8"))
    assert reading.problems == []
    bodies = [question.body for question in reading.questions]
    assert [type(body).__name__ for body in bodies] == [
        "Choices",
        "Choices",
        "TrueFalse",
        "ShortAnswers",
        "Numeric",
        "Matches",
        "Order",
        "Cloze",
    ]
    made = [kinds.from_portable(body)[0].name for body in bodies]
    assert made == [
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "numeric",
        "matching",
        "ordering",
        "cloze",
    ]
    assert reading.questions[0].body.answers[1].feedback == "Yes."
    assert reading.questions[0].tags == ["schools", "towns"]
    assert reading.questions[1].points == 2


@pytest.mark.parametrize("name", ["csv", "xlsx"])
@pytest.mark.parametrize("kind_name", [*sorted(KEYS), "ordering", "cloze"])
def test_every_kind_goes_through_a_spreadsheet_and_back(name, kind_name):
    kind = kinds.get(kind_name)
    spec = {
        **KEYS,
        "ordering": {"items": ["1922", "1925 | 1926", "1933"]},
        "cloze": {"markup": "Signed at {1:SHORTANSWER:=Rapallo} in {1:NUMERICAL:=1922:0}."},
    }[kind_name]
    key = key_of(kind_name, spec)
    question = PortableQuestion(
        kind.to_portable(key), "=Which, one?", "N", "So.", Decimal(3), ["a", "b"], "i-1"
    )
    write = spreadsheet.write_csv if name == "csv" else spreadsheet.write_xlsx
    read = spreadsheet.read_csv if name == "csv" else spreadsheet.read_xlsx
    data, _ = write([question])
    (back,) = read(data.encode("utf-8") if isinstance(data, str) else data).questions
    made, new_key, _ = kinds.from_portable(back.body)
    assert made is kind and kind.same_key(key, new_key)
    assert (back.prompt, back.points, back.tags, back.idnumber) == (
        "=Which, one?",
        3,
        ["a", "b"],
        "i-1",
    )


def test_a_formula_in_a_question_is_text_in_the_workbook():
    data, _ = spreadsheet.write_xlsx([PortableQuestion(TrueFalse(True), "=1+1", "N")])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet["C2"].value == "=1+1" and sheet["C2"].data_type == "s"


def test_spreadsheet_problems_by_line_and_encodings():
    rows = (
        "type;question;answers;correct\r\n"
        "multichoice;Où?;Kazan | Lipetsk;C\r\n"
        'essay;"Why,\nreally?";;\r\n'
        "numerical;When?;soon;\r\n"
        "truefalse;Café?;;maybe\r\n"
        "shortanswer;Where?;Kazan;\r\n"
    ).encode("cp1252")
    reading = spreadsheet.read_csv(rows)
    assert [q.prompt for q in reading.questions] == ["Where?"]
    assert [str(p) for p in reading.problems] == [
        "The file is not UTF-8: it was read as Windows-1252.",
        "line 2: “C” does not name answers A to B.",
        "line 3: “essay” is not a type of question here (" + ", ".join(spreadsheet.TYPES) + ").",
        "line 5: “soon” is not a number or number:tolerance.",
        "line 6: correct must be true or false.",
    ]
    assert str(spreadsheet.read_csv(b"name,points\n").problems[0]).startswith(
        "line 1: The header has no column type, question, answers"
    )
    assert (
        str(spreadsheet.read_xlsx(b"not a zip").problems[0]) == "This is not an Excel (.xlsx) file."
    )


# Canvas QTI


@pytest.mark.parametrize("kind_name", sorted(KEYS))
def test_every_kind_canvas_has_goes_through_qti_and_back(kind_name):
    kind = kinds.get(kind_name)
    key = key_of(kind_name, KEYS[kind_name])
    question = PortableQuestion(
        kind.to_portable(key), "Which & why?", "N", "Because.", Decimal(2), [], "i-1"
    )
    data, skipped = qti.write([question])
    assert skipped == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
    assert names[0] == "imsmanifest.xml" and names[1].endswith(".xml")
    (back,) = qti.read(data).questions
    made, new_key, _ = kinds.from_portable(back.body)
    assert made is kind and kind.same_key(key, new_key)
    assert (back.prompt, back.explanation, back.points, back.idnumber) == (
        "Which & why?",
        "Because.",
        2,
        "i-1",
    )


def test_qti_lists_ordering_and_cloze_as_left_out():
    data, skipped = qti.write([PortableQuestion(Order(("a", "b")), "Order?", "O")])
    assert skipped == ["“O”: Canvas has no such question."]
    assert qti.read(data).questions == []


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (zip_of({"../evil.xml": b"<questestinterop/>"}), "The zip has a path outside its folder"),
        (zip_of({"/etc/evil.xml": b"<questestinterop/>"}), "The zip has a path outside its folder"),
        (zip_of({"a.txt": b"x"}), "The package has no QTI assessment."),
        (b"PK\x03\x04broken", "This is not a QTI package: the zip cannot be read."),
        (
            zip_of(
                {"a/a.xml": b'<!DOCTYPE q [<!ENTITY x "y">]><questestinterop>&x;</questestinterop>'}
            ),
            "The file declares a DTD or entities",
        ),
    ],
)
def test_qti_refuses_unsafe_or_broken_packages(data, message):
    reading = qti.read(data)
    assert reading.questions == []
    assert str(reading.errors[0]).startswith(message)


def test_qti_reports_canvas_types_we_do_not_have():
    item = (
        '<questestinterop><assessment ident="a"><section ident="s"><item ident="e" title="Why">'
        "<itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>question_type</fieldlabel>"
        "<fieldentry>essay_question</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>"
        "</item></section></assessment></questestinterop>"
    )
    reading = qti.read(zip_of({"a/a.xml": item.encode()}))
    assert [str(p) for p in reading.unsupported] == [
        "question 1 (“Why”) is a Canvas essay_question, which is not supported here."
    ]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(prompt=TEXT, name=TEXT, right=TEXT, wrong=TEXT, explanation=TEXT, tag=TEXT)
def test_moodle_xml_round_trip_keeps_any_text(prompt, name, right, wrong, explanation, tag):
    if right.strip() == wrong.strip() or "\n" in name or "\n" in tag:
        return
    question = PortableQuestion(
        Choices((Answer(right, 1.0, wrong), Answer(wrong, 0.0, right)), single=True),
        prompt,
        name,
        explanation,
        tags=[tag],
    )
    text, _ = moodle_xml.write([question])
    (back,) = moodle_xml.read(text.encode("utf-8")).questions
    assert (back.prompt, back.name, back.explanation, back.tags) == (
        prompt,
        name,
        explanation,
        [tag],
    )
    assert back.body == question.body


def test_a_weight_moodle_does_not_offer_is_said_with_the_nearest():
    reading = gift.read("// first\n\n::W::Which?{~%-15%a ~%50%b ~%50%c ~%33.33333%d}")
    assert [str(p) for p in reading.warnings] == [
        "line 3: An answer weight of -15% is not one of Moodle's; nearest is -14.29% (kept as "
        "written here)."
    ]
