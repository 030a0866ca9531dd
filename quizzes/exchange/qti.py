"""Canvas QTI: the IMS QTI 1.2 package (a zip) that Canvas Classic Quizzes exports and imports.

    imsmanifest.xml                 the package's resources
    <assessment>/<assessment>.xml   the questions, each an <item> with Canvas's question_type

Written: multiple_choice_question, multiple_answers_question, true_false_question,
short_answer_question, numerical_question, matching_question (Canvas has no ordering or cloze
question: those are listed as left out). Read: the same, from a package Canvas exported; other
types (essay, file upload, fill in multiple blanks, ...) are reported. The zip is checked first:
no path outside its root, no more than MAX_MEMBERS files or MAX_UNPACKED bytes unpacked; its XML
goes through defusedxml.
"""

import io
import uuid
import xml.etree.ElementTree as ET  # builds our own output; input is parsed by defusedxml
import zipfile
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

import defusedxml
import defusedxml.ElementTree

from quizzes.exchange import gift
from quizzes.exchange.portable import (
    FULL,
    Answer,
    Body,
    Choices,
    Matches,
    Numeric,
    PortableQuestion,
    Reading,
    ShortAnswers,
    TrueFalse,
)

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
MAX_MEMBERS = 2000
MAX_UNPACKED = 50 * 1024 * 1024


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element.iter() if _local(child.tag) == name]


def _first(element: ET.Element, name: str) -> ET.Element | None:
    return next(iter(_children(element, name)), None)


def _mattext(element: ET.Element | None, reading: Reading, where: int) -> str:
    if element is None:
        return ""
    found = _first(element, "mattext")
    if found is None:
        return ""
    text_format = "html" if found.get("texttype", "text/plain") == "text/html" else "plain"
    return gift.plain(found.text or "", text_format, reading, where).strip()


def _metadata(item: ET.Element) -> dict[str, str]:
    fields = {}
    for field in _children(item, "qtimetadatafield"):
        label, entry = _first(field, "fieldlabel"), _first(field, "fieldentry")
        if label is not None and entry is not None:
            fields[label.text or ""] = entry.text or ""
    return fields


# Reading


def read(data: bytes) -> Reading:
    """The questions of a Canvas QTI package (or of one QTI XML file)."""
    reading = Reading()
    if data[:2] != b"PK":
        _read_assessment(data, reading)
        return reading
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        reading.problem(0, "This is not a QTI package: the zip cannot be read.")
        return reading
    members = archive.infolist()
    unsafe = [
        m.filename
        for m in members
        if PurePosixPath(m.filename).is_absolute() or ".." in PurePosixPath(m.filename).parts
    ]
    if unsafe:
        reading.problem(0, f"The zip has a path outside its folder ({unsafe[0]}): refused.")
        return reading
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        reading.problem(0, "The zip unpacks to too many files or too many bytes: refused.")
        return reading
    names = [m.filename for m in members if m.filename.endswith((".xml", ".qti"))]
    assessments = [
        name
        for name in names
        if not name.endswith(("imsmanifest.xml", "assessment_meta.xml"))
        and b"questestinterop" in archive.read(name)[:2000]
    ]
    if not assessments:
        reading.problem(0, "The package has no QTI assessment.")
    for name in assessments:
        _read_assessment(archive.read(name), reading)
    return reading


def _read_assessment(data: bytes, reading: Reading) -> None:
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except defusedxml.DefusedXmlException:
        reading.problem(0, "The file declares a DTD or entities, which are refused for safety.")
        return
    except ET.ParseError as error:
        reading.problem(0, f"This is not well-formed XML ({error.msg}).")
        return
    for number, item in enumerate(_children(root, "item"), start=len(reading.questions) + 1):
        fields = _metadata(item)
        qtype = fields.get("question_type", "")
        reader = READERS.get(qtype)
        name = item.get("title", "")
        if reader is None:
            reading.problem(
                0,
                f"question {number} (“{name}”) is a Canvas {qtype or 'question without a type'}, "
                "which is not supported here.",
                "unsupported",
            )
            continue
        body = reader(item, number, reading)
        if body is None:
            continue
        try:
            points = Decimal(fields.get("points_possible") or "1")
        except InvalidOperation:
            points = Decimal(1)
        general = next(
            (fb for fb in _children(item, "itemfeedback") if fb.get("ident") == "general_fb"), None
        )
        reading.questions.append(
            PortableQuestion(
                body=body,
                prompt=_mattext(_first(item, "presentation"), reading, number),
                name=name,
                explanation=_mattext(general, reading, number),
                points=points if points > 0 else Decimal(1),
                idnumber=fields.get("assessment_question_identifierref", "")
                or item.get("ident", ""),
                tags=[
                    tag.strip() for tag in fields.get("quizsite_tags", "").split(";") if tag.strip()
                ],
                line=number,
            )
        )


def _labels(item: ET.Element, reading: Reading, where: int) -> dict[str, str]:
    return {
        label.get("ident", ""): _mattext(label, reading, where)
        for label in _children(item, "response_label")
    }


def _scored(condition: ET.Element) -> float:
    setvar = _first(condition, "setvar")
    try:
        return float(setvar.text or 0) / 100 if setvar is not None else 0.0
    except ValueError:
        return 0.0


def _choices(item: ET.Element, where: int, reading: Reading, *, single: bool) -> Body | None:
    labels = _labels(item, reading, where)
    right: set[str] = set()
    for condition in _children(item, "respcondition"):
        if _scored(condition) <= 0:
            continue
        for equal in _children(condition, "varequal"):
            if not any(
                equal in _children(negation, "varequal") for negation in _children(condition, "not")
            ):
                right.add(equal.text or "")
    feedback = {}
    for block in _children(item, "itemfeedback"):
        ident = block.get("ident", "")
        if ident.endswith("_fb") and ident[:-3] in labels:
            feedback[ident[:-3]] = _mattext(block, reading, where)
    share = 1 / len(right) if right else 0.0
    return Choices(
        tuple(
            Answer(
                text,
                (1.0 if single else share) if ident in right else (0.0 if single else -share),
                feedback.get(ident, ""),
            )
            for ident, text in labels.items()
        ),
        single=single,
    )


def _true_false(item: ET.Element, where: int, reading: Reading) -> Body | None:
    choices = _choices(item, where, reading, single=True)
    assert isinstance(choices, Choices)
    right = [answer for answer in choices.answers if answer.fraction >= FULL]
    if len(right) != 1:
        reading.problem(where, "A true/false question without its right answer.")
        return None
    return TrueFalse(right[0].text.strip().casefold() == "true")


def _short(item: ET.Element, where: int, reading: Reading) -> Body | None:
    accepted = [
        equal.text or ""
        for condition in _children(item, "respcondition")
        if _scored(condition) >= FULL
        for equal in _children(condition, "varequal")
    ]
    return ShortAnswers(tuple(Answer(text, 1.0) for text in accepted))


def _numerical(item: ET.Element, where: int, reading: Reading) -> Body | None:
    for condition in _children(item, "respcondition"):
        if _scored(condition) < FULL:
            continue
        try:
            low, high = _first(condition, "vargte"), _first(condition, "varlte")
            exact = _first(condition, "varequal")
            if low is not None and high is not None:
                lowest, highest = float(low.text or ""), float(high.text or "")
                return Numeric((lowest + highest) / 2, abs(highest - lowest) / 2)
            if exact is not None:
                return Numeric(float(exact.text or ""), 0.0)
        except ValueError:
            break
    reading.problem(where, "A numerical question without a value that earns full marks.")
    return None


def _matching(item: ET.Element, where: int, reading: Reading) -> Body | None:
    prompts = {
        response.get("ident", ""): _mattext(response, reading, where)
        for response in _children(item, "response_lid")
    }
    labels = _labels(item, reading, where)
    matched: dict[str, str] = {}
    for condition in _children(item, "respcondition"):
        for equal in _children(condition, "varequal"):
            if _scored(condition) > 0 and equal.get("respident") in prompts:
                matched[equal.get("respident", "")] = equal.text or ""
    pairs = [(prompts[ident], labels.get(matched.get(ident, ""), "")) for ident in prompts]
    used = set(matched.values())
    extra = [text for ident, text in labels.items() if ident not in used]
    # Canvas repeats the answers under every item: the distinct ones not matched are extra.
    return Matches(tuple(pairs), tuple(dict.fromkeys(extra)))


READERS = {
    "multiple_choice_question": lambda item, where, reading: _choices(
        item, where, reading, single=True
    ),
    "multiple_answers_question": lambda item, where, reading: _choices(
        item, where, reading, single=False
    ),
    "true_false_question": _true_false,
    "short_answer_question": _short,
    "numerical_question": _numerical,
    "matching_question": _matching,
}


# Writing


def _field(parent: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry


def _material(parent: ET.Element, text: str) -> None:
    mattext = ET.SubElement(
        ET.SubElement(parent, "material"), "mattext", {"texttype": "text/plain"}
    )
    mattext.text = text


def _condition(
    parent: ET.Element, respident: str, value: str, score: str, *, add: bool = False
) -> ET.Element:
    condition = ET.SubElement(parent, "respcondition", {"continue": "Yes" if add else "No"})
    equal = ET.SubElement(
        ET.SubElement(condition, "conditionvar"), "varequal", {"respident": respident}
    )
    equal.text = value
    setvar = ET.SubElement(
        condition, "setvar", {"action": "Add" if add else "Set", "varname": "SCORE"}
    )
    setvar.text = score
    return condition


def _item(section: ET.Element, question: PortableQuestion, qtype: str, number: int) -> ET.Element:
    item = ET.SubElement(
        section, "item", {"ident": f"q{number}", "title": question.name or f"Question {number}"}
    )
    metadata = ET.SubElement(ET.SubElement(item, "itemmetadata"), "qtimetadata")
    _field(metadata, "question_type", qtype)
    _field(metadata, "points_possible", f"{question.points.normalize():f}")
    _field(metadata, "assessment_question_identifierref", question.idnumber or f"q{number}")
    if question.tags:
        # Ours: Canvas has no tags and passes over a field it does not know.
        _field(metadata, "quizsite_tags", "; ".join(question.tags))
    return item


def _outcomes(item: ET.Element) -> ET.Element:
    processing = ET.SubElement(item, "resprocessing")
    ET.SubElement(
        ET.SubElement(processing, "outcomes"),
        "decvar",
        {"maxvalue": "100", "minvalue": "0", "varname": "SCORE", "vartype": "Decimal"},
    )
    return processing


def _general_feedback(item: ET.Element, text: str) -> None:
    if text:
        flow = ET.SubElement(
            ET.SubElement(item, "itemfeedback", {"ident": "general_fb"}), "flow_mat"
        )
        _material(flow, text)


def _write_choices(
    item: ET.Element, prompt: str, answers: list[tuple[str, str, float, str]], single: bool
) -> None:
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, prompt)
    response = ET.SubElement(
        presentation,
        "response_lid",
        {"ident": "response1", "rcardinality": "Single" if single else "Multiple"},
    )
    choice = ET.SubElement(response, "render_choice")
    for ident, text, _, _ in answers:
        _material(ET.SubElement(choice, "response_label", {"ident": ident}), text)
    processing = _outcomes(item)
    right = [ident for ident, _, fraction, _ in answers if fraction > 0]
    if single:
        _condition(processing, "response1", right[0], "100")
    else:
        condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
        together = ET.SubElement(ET.SubElement(condition, "conditionvar"), "and")
        for ident, _, fraction, _ in answers:
            parent = together if fraction > 0 else ET.SubElement(together, "not")
            ET.SubElement(parent, "varequal", {"respident": "response1"}).text = ident
        ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
    for ident, _, _, feedback in answers:
        if feedback:
            flow = ET.SubElement(
                ET.SubElement(item, "itemfeedback", {"ident": f"{ident}_fb"}), "flow_mat"
            )
            _material(flow, feedback)


def _write_text_entry(item: ET.Element, prompt: str, fibtype: str) -> ET.Element:
    presentation = ET.SubElement(item, "presentation")
    _material(presentation, prompt)
    response = ET.SubElement(
        presentation, "response_str", {"ident": "response1", "rcardinality": "Single"}
    )
    ET.SubElement(response, "render_fib", {"fibtype": fibtype})
    return _outcomes(item)


def write(questions: Iterable[PortableQuestion]) -> tuple[bytes, list[str]]:
    """A Canvas QTI package of the questions Canvas has types for, and what was left out."""
    ident = f"quizsite-{uuid.uuid4().hex[:12]}"
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    assessment = ET.SubElement(root, "assessment", {"ident": ident, "title": "Quizsite questions"})
    section = ET.SubElement(assessment, "section", {"ident": "root_section"})
    skipped = []
    for number, question in enumerate(questions, start=1):
        body = question.body
        if isinstance(body, Choices):
            qtype = "multiple_choice_question" if body.single else "multiple_answers_question"
            item = _item(section, question, qtype, number)
            answers = [
                (str(place), answer.text, answer.fraction, answer.feedback)
                for place, answer in enumerate(body.answers, start=1)
            ]
            _write_choices(item, question.prompt, answers, body.single)
        elif isinstance(body, TrueFalse):
            item = _item(section, question, "true_false_question", number)
            answers = [
                ("1", "True", 1.0 if body.answer else 0.0, ""),
                ("2", "False", 0.0 if body.answer else 1.0, ""),
            ]
            _write_choices(item, question.prompt, answers, True)
        elif isinstance(body, ShortAnswers):
            item = _item(section, question, "short_answer_question", number)
            processing = _write_text_entry(item, question.prompt, "String")
            condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
            either = ET.SubElement(ET.SubElement(condition, "conditionvar"), "or")
            for answer in body.answers:
                ET.SubElement(either, "varequal", {"respident": "response1"}).text = answer.text
            ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
        elif isinstance(body, Numeric):
            item = _item(section, question, "numerical_question", number)
            processing = _write_text_entry(item, question.prompt, "Decimal")
            condition = ET.SubElement(processing, "respcondition", {"continue": "No"})
            either = ET.SubElement(ET.SubElement(condition, "conditionvar"), "or")
            ET.SubElement(either, "varequal", {"respident": "response1"}).text = repr(body.value)
            within = ET.SubElement(either, "and")
            ET.SubElement(within, "vargte", {"respident": "response1"}).text = repr(
                body.value - body.tolerance
            )
            ET.SubElement(within, "varlte", {"respident": "response1"}).text = repr(
                body.value + body.tolerance
            )
            ET.SubElement(condition, "setvar", {"action": "Set", "varname": "SCORE"}).text = "100"
        elif isinstance(body, Matches):
            item = _item(section, question, "matching_question", number)
            presentation = ET.SubElement(item, "presentation")
            _material(presentation, question.prompt)
            targets = list(dict.fromkeys([*(match for _, match in body.pairs), *body.distractors]))
            for place, (prompt, _) in enumerate(body.pairs, start=1):
                response = ET.SubElement(
                    presentation, "response_lid", {"ident": f"response_{place}"}
                )
                _material(response, prompt)
                choice = ET.SubElement(response, "render_choice")
                for index, target in enumerate(targets, start=1):
                    _material(
                        ET.SubElement(choice, "response_label", {"ident": f"t{index}"}), target
                    )
            processing = _outcomes(item)
            share = f"{100 / len(body.pairs):.4f}" if body.pairs else "0"
            for place, (_, match) in enumerate(body.pairs, start=1):
                _condition(
                    processing, f"response_{place}", f"t{targets.index(match) + 1}", share, add=True
                )
        else:
            skipped.append(
                f"“{question.name or question.prompt[:40]}”: Canvas has no such question."
            )
            continue
        _general_feedback(item, question.explanation)
    ET.indent(root)
    manifest = _manifest(ident)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("imsmanifest.xml", manifest)
        archive.writestr(
            f"{ident}/{ident}.xml",
            '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode"),
        )
    return buffer.getvalue(), skipped


def _manifest(ident: str) -> str:
    manifest = ET.Element("manifest", {"identifier": f"{ident}-manifest", "xmlns": MANIFEST_NS})
    resources = ET.SubElement(manifest, "resources")
    resource = ET.SubElement(
        resources,
        "resource",
        {"identifier": ident, "type": "imsqti_xmlv1p2", "href": f"{ident}/{ident}.xml"},
    )
    ET.SubElement(resource, "file", {"href": f"{ident}/{ident}.xml"})
    ET.indent(manifest)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(manifest, "unicode")
