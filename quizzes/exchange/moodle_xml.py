"""Moodle XML, the format Moodle exports question banks in, read and written.

Read: multichoice (one or several answers), truefalse, shortanswer, numerical, matching,
ordering (the qtype_ordering plugin), cloze (multianswer); categories become tags, with
`<tags>`, `<idnumber>`, `<defaultgrade>`, feedback per answer and general feedback, CDATA and
entities, HTML made plain. Questions of other types (essay, description, calculated, ...) and
embedded files (@@PLUGINFILE@@, <file>) are reported, never lost silently. The file is parsed by
defusedxml: a DTD, entity definitions (XML bombs) and external entities are refused.
"""

import re

# Only to build our own output and name the types: input is parsed by defusedxml.
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

import defusedxml
import defusedxml.ElementTree

from quizzes.exchange import gift
from quizzes.exchange.portable import (
    FULL,
    Answer,
    Body,
    Choices,
    Cloze,
    Matches,
    Numeric,
    Order,
    PortableQuestion,
    Reading,
    ShortAnswers,
    TrueFalse,
)


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "") if found is not None else ""


def _formatted(element: ET.Element | None, reading: Reading, where: int) -> str:
    """An element's <text> as plain text (HTML made plain); embedded files are reported."""
    if element is None:
        return ""
    text = _text(element)
    if "@@PLUGINFILE@@" in text or element.find("file") is not None:
        reading.problem(where, "An image or file in the text is not imported.", "warning")
    text_format = "html" if element.get("format", "html") == "html" else "plain"
    return gift.plain(text, text_format, reading, where).strip()


def _fraction(answer: ET.Element) -> float:
    try:
        value = float(answer.get("fraction", "0"))
    except ValueError:
        return 0.0
    return value / 100 if abs(value) > 1 else value


def read(data: bytes | str) -> Reading:
    """Every question of a Moodle XML file. Its problems name the question by its place (its
    `line` is the count of <question> elements up to it, categories included: XML has no lines
    worth naming once parsed)."""
    reading = Reading()
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        reading.problem(0, "The file declares a DTD or entities, which are refused for safety.")
        return reading
    except ET.ParseError as error:
        line = error.position[0] if error.position else 0
        reading.problem(line, f"This is not well-formed XML ({error.msg}).")
        return reading
    if root.tag != "quiz":
        reading.problem(0, "This is not a Moodle XML file: its root is not <quiz>.")
        return reading
    category = ""
    for number, element in enumerate(root.findall("question"), start=1):
        qtype = element.get("type", "")
        if qtype == "category":
            path = _text(element.find("category"))
            category = re.sub(r"^(\$(course|system|module|cat\d*)\$/)?(top/?)?", "", path)
            continue
        name = _text(element.find("name")).strip()
        reader = READERS.get(qtype)
        if reader is None:
            reading.problem(
                0,
                f"question {number} (“{name}”) is of type {qtype or '(none)'}, which is not "
                "supported here.",
                "unsupported",
            )
            continue
        body = reader(element, number, reading)
        if body is None:
            continue
        # A cloze question's text is its passage: its name stands as the prompt.
        prompt = (
            name
            if isinstance(body, Cloze)
            else _formatted(element.find("questiontext"), reading, number)
        )
        try:
            points = Decimal(_text(element, "defaultgrade") or "1")
        except InvalidOperation:
            points = Decimal(1)
        tags = [category] if category else []
        tags += [tag.text.strip() for tag in element.findall("tags/tag/text") if tag.text]
        reading.questions.append(
            PortableQuestion(
                body=body,
                prompt=prompt,
                name=name,
                explanation=_formatted(element.find("generalfeedback"), reading, number),
                points=points if points > 0 else Decimal(1),
                tags=tags,
                idnumber=_text(element, "idnumber").strip(),
                line=number,
            )
        )
    return reading


def _answers(element: ET.Element, reading: Reading, where: int) -> tuple[Answer, ...]:
    return tuple(
        Answer(
            _formatted(answer, reading, where),
            _fraction(answer),
            _formatted(answer.find("feedback"), reading, where),
        )
        for answer in element.findall("answer")
    )


def _multichoice(element: ET.Element, where: int, reading: Reading) -> Body | None:
    single = _text(element, "single").strip().lower() not in ("false", "0")
    return Choices(_answers(element, reading, where), single=single)


def _truefalse(element: ET.Element, where: int, reading: Reading) -> Body | None:
    answers = element.findall("answer")
    right = [answer for answer in answers if _fraction(answer) >= FULL]
    if not right:
        reading.problem(where, "A true/false question with no right answer.")
        return None
    wrong = [answer for answer in answers if answer is not right[0]]
    return TrueFalse(
        _text(right[0]).strip().lower() == "true",
        _formatted(wrong[0].find("feedback"), reading, where) if wrong else "",
        _formatted(right[0].find("feedback"), reading, where),
    )


def _shortanswer(element: ET.Element, where: int, reading: Reading) -> Body | None:
    return ShortAnswers(_answers(element, reading, where))


def _numerical(element: ET.Element, where: int, reading: Reading) -> Body | None:
    values = []
    for answer in element.findall("answer"):
        raw = _text(answer).strip()
        if raw in ("", "*"):
            continue  # an answer for anything else: its feedback only
        try:
            tolerance = abs(float(_text(answer, "tolerance") or 0))
            values.append((float(raw), tolerance, _fraction(answer)))
        except ValueError:
            reading.problem(where, f"“{raw}” is not a number.")
            return None
    right = [value for value in values if value[2] >= FULL]
    if not right:
        reading.problem(where, "No numeric answer is fully right.")
        return None
    others = tuple(value for value in values if value is not right[0])
    return Numeric(right[0][0], right[0][1], others)


def _matching(element: ET.Element, where: int, reading: Reading) -> Body | None:
    pairs, distractors = [], []
    for sub in element.findall("subquestion"):
        prompt = _formatted(sub, reading, where)
        answer = _text(sub.find("answer")).strip()
        if prompt:
            pairs.append((prompt, answer))
        elif answer:
            distractors.append(answer)
    return Matches(tuple(pairs), tuple(distractors))


def _ordered(element: ET.Element, where: int, reading: Reading) -> Body | None:
    return Order(tuple(_formatted(answer, reading, where) for answer in element.findall("answer")))


def _multianswer(element: ET.Element, where: int, reading: Reading) -> Body | None:
    # Cloze: the passage with its gaps is the question text.
    return Cloze(gift.plain(_text(element.find("questiontext")), "html", reading, where).strip())


# Moodle's question types we read, and how.
READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordered,
    "multianswer": _multianswer,
    "cloze": _multianswer,
}


# Writing


def _add_text(parent: ET.Element, tag: str, text: str, text_format: str = "plain_text") -> None:
    element = ET.SubElement(parent, tag, {"format": text_format} if text_format else {})
    ET.SubElement(element, "text").text = text


def _percent(fraction: float) -> str:
    return gift.percent(fraction)


def write(questions: Iterable[PortableQuestion]) -> tuple[str, list[str]]:
    """Moodle XML for the questions (every kind has a Moodle type), and what was left out."""
    root = ET.Element("quiz")
    for question in questions:
        body = question.body
        qtype = {
            Choices: "multichoice",
            TrueFalse: "truefalse",
            ShortAnswers: "shortanswer",
            Numeric: "numerical",
            Matches: "matching",
            Order: "ordering",
            Cloze: "multianswer",
        }[type(body)]
        element = ET.SubElement(root, "question", {"type": qtype})
        # A cloze question's text is its passage: its prompt travels as its name.
        name = question.prompt if isinstance(body, Cloze) else question.name
        _add_text(element, "name", (name or question.prompt[:50])[:255], "")
        if isinstance(body, Cloze):
            _add_text(element, "questiontext", body.markup, "moodle_auto_format")
        else:
            _add_text(element, "questiontext", question.prompt)
        _add_text(element, "generalfeedback", question.explanation)
        ET.SubElement(element, "defaultgrade").text = f"{question.points.normalize():f}"
        ET.SubElement(element, "idnumber").text = question.idnumber
        _write_body(element, body)
        if question.tags:
            tags = ET.SubElement(element, "tags")
            for tag in question.tags:
                ET.SubElement(ET.SubElement(tags, "tag"), "text").text = tag
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n", []


def _answer(parent: ET.Element, text: str, fraction: float, feedback: str = "") -> ET.Element:
    answer = ET.SubElement(
        parent, "answer", {"fraction": _percent(fraction), "format": "plain_text"}
    )
    ET.SubElement(answer, "text").text = text
    _add_text(answer, "feedback", feedback)
    return answer


def _write_body(element: ET.Element, body: Body) -> None:
    if isinstance(body, Choices):
        ET.SubElement(element, "single").text = "true" if body.single else "false"
        ET.SubElement(element, "shuffleanswers").text = "true"
        ET.SubElement(element, "answernumbering").text = "abc"
        for choice in body.answers:
            _answer(element, choice.text, choice.fraction, choice.feedback)
    elif isinstance(body, TrueFalse):
        _answer(element, "true", 1.0 if body.answer else 0.0)
        _answer(element, "false", 0.0 if body.answer else 1.0)
    elif isinstance(body, ShortAnswers):
        ET.SubElement(element, "usecase").text = "0"
        for accepted in body.answers:
            _answer(element, accepted.text, accepted.fraction, accepted.feedback)
    elif isinstance(body, Numeric):
        answer = _answer(element, repr(body.value), 1.0)
        ET.SubElement(answer, "tolerance").text = repr(body.tolerance)
    elif isinstance(body, Matches):
        ET.SubElement(element, "shuffleanswers").text = "true"
        for prompt, match in [*body.pairs, *(("", answer) for answer in body.distractors)]:
            sub = ET.SubElement(element, "subquestion", {"format": "plain_text"})
            ET.SubElement(sub, "text").text = prompt
            ET.SubElement(ET.SubElement(sub, "answer"), "text").text = match
    elif isinstance(body, Order):
        ET.SubElement(element, "layouttype").text = "VERTICAL"
        ET.SubElement(element, "selecttype").text = "ALL"
        ET.SubElement(element, "gradingtype").text = "RELATIVE_TO_CORRECT"
        for item in body.items:
            _answer(element, item, 1.0)
