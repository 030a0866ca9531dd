"""GIFT, Moodle's text format for questions (docs.moodle.org, "GIFT format"), read and written.

    // [id:rapallo-12] [tag:dates]
    ::Treaty::[plain]Where was the treaty signed?{=Rapallo#Right. ~Genoa#No: the conference.
    ####It was signed at Rapallo, near Genoa.}

Read: multiple choice (`=` right, `~` wrong, `%50%` weights, negative ones), several answers
(weights without `=`), true/false with feedback, short answers (`*` patterns reported), numeric
(`#1822:2`, ranges `#1..2`, several answers), matching (with extra answers `= -> X`), missing-word
questions (the answers in the middle of the text), `::title::`, `$CATEGORY:` (a tag), `[id:]`
and `[tag:]` in the comment lines above a question, `[html]` / `[markdown]` / `[plain]` /
`[moodle]`, feedback `#` and general feedback `####`, and our own `[points:2]` (GIFT has no marks;
Moodle reads the line as the comment it is), every escape (`\\~ \\= \\# \\{ \\} \\: \\\\`,
`\\n`), comments, CRLF and a UTF-8 byte order mark. Essays and descriptions are reported by line
as not supported, never dropped silently.
"""

import html
import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

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
    decode,
)

SPECIAL = "~=#{}:\\"
# Escaped characters become private-use characters while a question is taken apart, so that
# splitting on the format's own characters never cuts an escaped one.
_HIDE = {char: chr(0xE000 + index) for index, char in enumerate(SPECIAL)}
_SHOW = {hidden: char for char, hidden in _HIDE.items()}
FORMATS = ("html", "moodle", "plain", "markdown")
TRUE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
MISSING_WORD = "_____"
# The grades an answer may be worth in Moodle (its question editor's list), in per cent.
MOODLE_WEIGHTS = (
    100,
    90,
    83.33333,
    80,
    75,
    70,
    66.66667,
    60,
    50,
    40,
    33.33333,
    30,
    25,
    20,
    16.66667,
    14.28571,
    12.5,
    11.11111,
    10,
    5,
    0,
)


def hide_escapes(text: str) -> str:
    out, index = [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if following in _HIDE:
                out.append(_HIDE[following])
                index += 2
                continue
            if following == "n":
                out.append("\n")
                index += 2
                continue
        out.append(char)
        index += 1
    return "".join(out)


def show(text: str) -> str:
    """A piece of a question with its escaped characters back as themselves."""
    return "".join(_SHOW.get(char, char) for char in text).strip()


def escape(text: str) -> str:
    """Text as GIFT writes it: the format's characters escaped, line breaks as \\n."""
    escaped = "".join(f"\\{char}" if char in SPECIAL else char for char in text)
    return escaped.replace("\r\n", "\n").replace("\n", "\\n")


def plain(text: str, text_format: str, reading: Reading, line: int) -> str:
    """Text in one of GIFT's formats as plain text (HTML tags removed, said as a warning)."""
    if text_format != "html":
        return text
    stripped = html.unescape(re.sub(r"<br\s*/?>", "\n", re.sub(r"</p>\s*<p>", "\n\n", text)))
    stripped = re.sub(r"<[^>]*>", "", stripped)
    if stripped != text:
        reading.problem(
            line, "HTML formatting was removed: questions here are plain text.", "warning"
        )
    return stripped


def take_format(text: str) -> tuple[str, str]:
    """A leading [html] / [moodle] / [plain] / [markdown] and the rest."""
    found = re.match(r"\s*\[(html|moodle|plain|markdown)\]", text)
    if found:
        return found.group(1), text[found.end() :]
    return "moodle", text


# Reading


def read(data: bytes | str) -> Reading:
    """Every question of a GIFT file, with the problems met by line."""
    reading = Reading()
    text = decode(data, reading)
    category = ""
    block: list[tuple[int, str]] = []
    comments: list[str] = []

    def finish() -> None:
        nonlocal category, block, comments
        lines = [(number, line) for number, line in block if not line.lstrip().startswith("//")]
        block_comments = [line for _, line in block if line.lstrip().startswith("//")]
        meta = comments + block_comments
        block, comments = [], []
        if lines and lines[0][1].lstrip().startswith("$CATEGORY:"):
            category = lines[0][1].split(":", 1)[1].strip()
            category = re.sub(r"^(\$(course|system|module)\$/)?(top/)?", "", category)
            lines = lines[1:]
        if lines:
            read_question(lines, meta, category, reading)
        elif meta:
            comments = [line for line in meta if re.search(r"\[(id|tag):", line)]

    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            block.append((number, line))
        elif block:
            finish()
    finish()
    return reading


def read_question(
    lines: list[tuple[int, str]], comments: list[str], category: str, reading: Reading
) -> None:
    first = lines[0][0]
    text = hide_escapes("\n".join(line for _, line in lines))
    name = ""
    if text.lstrip().startswith("::"):
        rest = text.lstrip()[2:]
        end = rest.find("::")
        if end < 0:
            reading.problem(first, "The title is not closed with ::.")
            return
        name, text = show(rest[:end]), rest[end + 2 :]
    start = text.find("{")
    if start < 0:
        reading.problem(
            first, "A description (text without answers) is not supported here.", "unsupported"
        )
        return
    end = text.find("}", start)
    if end < 0:
        reading.problem(first, "The answers are not closed with }.")
        return
    text_format, before = take_format(text[:start])
    after = text[end + 1 :]
    prompt = show(before) + (f" {MISSING_WORD} {show(after)}" if after.strip() else "")
    prompt = plain(prompt.strip(), text_format, reading, first)
    answers = text[start + 1 : end]
    explanation = ""
    if "####" in answers:
        answers, general = answers.split("####", 1)
        general_format, general = take_format(general)
        explanation = plain(show(general), general_format, reading, first)
    question = PortableQuestion(
        body=TrueFalse(True),  # replaced below
        prompt=prompt,
        name=name or show(before)[:50].strip(),
        explanation=explanation,
        tags=[category] if category else [],
        line=first,
    )
    for comment in comments:
        for key, value in re.findall(r"\[(id|tag|points):([^\]]*)\]", comment):
            if key == "id":
                question.idnumber = value.strip()
            elif key == "points":
                question.points = _points(value, question.points)
            elif value.strip():
                question.tags.append(value.strip())
    body = read_body(answers, first, reading)
    if body is None:
        return
    if not prompt:
        reading.problem(first, "The question has no text.")
        return
    question.body = body
    reading.questions.append(question)


def _points(text: str, default: Decimal) -> Decimal:
    try:
        points = Decimal(text.strip())
    except InvalidOperation:
        return default
    return points if points.is_finite() and points > 0 else default


def read_body(answers: str, line: int, reading: Reading) -> Body | None:
    """The answers between { and } as a body, or None (with the problem said)."""
    answers = answers.strip()
    if not answers:
        reading.problem(
            line,
            "An essay (an answer in the student's own words) is not supported here.",
            "unsupported",
        )
        return None
    if answers.startswith("#"):
        return read_numeric(answers[1:], line, reading)
    truth, *feedback = answers.split("#")
    if truth.strip().upper() in TRUE_WORDS:
        wrong, right = [*feedback, "", ""][:2]
        return TrueFalse(TRUE_WORDS[truth.strip().upper()], show(wrong), show(right))
    entries = split_answers(answers)
    if not entries:
        reading.problem(line, "No answers: each starts with = (right) or ~ (wrong).")
        return None
    if all(marker == "=" for marker, _ in entries) and any("->" in body for _, body in entries):
        return read_matching(entries, line, reading)
    choices = [read_answer(marker, body, line, reading) for marker, body in entries]
    if any(marker == "~" for marker, _ in entries):
        single = any(marker == "=" for marker, _ in entries)
        return Choices(tuple(choices), single=single)
    return ShortAnswers(tuple(choices))


def split_answers(answers: str) -> list[tuple[str, str]]:
    """Each answer as (= or ~, the rest), in order."""
    parts = re.split(r"([=~])", answers)
    entries = []
    for index in range(1, len(parts), 2):
        entries.append((parts[index], parts[index + 1] if index + 1 < len(parts) else ""))
    return entries


def read_answer(marker: str, body: str, line: int, reading: Reading) -> Answer:
    weight, body = take_weight(body, line, reading)
    text, _, feedback = body.partition("#")
    text_format, text = take_format(text)
    feedback_format, feedback = take_format(feedback)
    fraction = weight if weight is not None else (1.0 if marker == "=" else 0.0)
    return Answer(
        plain(show(text), text_format, reading, line),
        fraction,
        plain(show(feedback), feedback_format, reading, line),
    )


def take_weight(body: str, line: int, reading: Reading) -> tuple[float | None, str]:
    found = re.match(r"\s*%(-?\d+(?:\.\d+)?)%", body)
    if not found:
        return None, body
    percent = float(found.group(1))
    if not -100 <= percent <= 100:
        reading.problem(
            line, f"A weight of {percent:g}% is outside -100% to 100%; taken as 0%.", "warning"
        )
        percent = 0.0
    nearest = min(MOODLE_WEIGHTS, key=lambda weight: abs(weight - abs(percent)))
    if abs(nearest - abs(percent)) > 0.01:
        signed = -nearest if percent < 0 else nearest
        reading.problem(
            line,
            f"An answer weight of {percent:g}% is not one of Moodle's; nearest is "
            f"{f'{signed:.2f}'.rstrip('0').rstrip('.')}% "
            "(kept as written here).",
            "warning",
        )
    return percent / 100, body[found.end() :]


def read_matching(entries: list[tuple[str, str]], line: int, reading: Reading) -> Body | None:
    pairs, distractors = [], []
    for _, body in entries:
        prompt, arrow, answer = body.partition("->")
        if not arrow:
            reading.problem(line, f"“{show(body)}” has no -> between the item and its match.")
            return None
        prompt_format, prompt = take_format(prompt)
        answer_format, answer = take_format(answer)
        prompt = plain(show(prompt), prompt_format, reading, line)
        answer = plain(show(answer), answer_format, reading, line)
        if prompt:
            pairs.append((prompt, answer))
        else:
            distractors.append(answer)
    return Matches(tuple(pairs), tuple(distractors))


def read_numeric(answers: str, line: int, reading: Reading) -> Body | None:
    answers = answers.strip()
    entries = split_answers(answers) if answers[:1] in "=~" else [("=", answers)]
    if answers[:1] not in "=~" and re.search(r"[=~]", answers):
        head, *rest = re.split(r"(?=[=~])", answers)
        entries = [("=", head), *split_answers("".join(rest))]
    values: list[tuple[float, float, float]] = []
    feedback = ""
    for marker, body in entries:
        weight, body = take_weight(body, line, reading)
        number, _, said = body.partition("#")
        number = show(number)
        if not number:
            continue  # an answer for anything else: its feedback only
        parsed = parse_numeric(number)
        if parsed is None:
            reading.problem(
                line, f"“{number}” is not a number, a number:tolerance or a min..max range."
            )
            return None
        fraction = weight if weight is not None else (1.0 if marker == "=" else 0.0)
        values.append((*parsed, fraction))
        feedback = feedback or show(said)
    right = [entry for entry in values if entry[2] >= FULL]
    if not right:
        reading.problem(line, "No numeric answer is fully right.")
        return None
    others = tuple(entry for entry in values if entry is not right[0])
    return Numeric(right[0][0], right[0][1], others, feedback)


def parse_numeric(text: str) -> tuple[float, float] | None:
    """ "1822:2" (value and tolerance), "1..2" (a range), or "1822" as (value, tolerance)."""
    try:
        if ".." in text:
            low, high = (float(part) for part in text.split("..", 1))
            return (low + high) / 2, abs(high - low) / 2
        value, _, tolerance = text.partition(":")
        return float(value), abs(float(tolerance or 0))
    except ValueError:
        return None


# Writing


def write(questions: Iterable[PortableQuestion]) -> tuple[str, list[str]]:
    """GIFT for the questions it can hold, and what was left out (one line each, why)."""
    blocks, skipped = [], []
    for question in questions:
        answers = write_body(question.body)
        if answers is None:
            skipped.append(f"“{question.name or question.prompt[:40]}”: GIFT has no such question.")
            continue
        meta = []
        if question.idnumber:
            meta.append(f"[id:{question.idnumber}]")
        if question.points != 1:
            # Not Moodle's: GIFT has no marks, and Moodle takes it for part of a comment.
            meta.append(f"[points:{question.points.normalize():f}]")
        meta += [f"[tag:{tag}]" for tag in question.tags]
        lines = [f"// {' '.join(meta)}"] if meta else []
        title = f"::{escape(question.name)}::" if question.name else ""
        general = f"\n####{escape(question.explanation)}" if question.explanation else ""
        lines.append(f"{title}[plain]{escape(question.prompt)}{{\n{answers}{general}\n}}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else ""), skipped


def percent(fraction: float) -> str:
    return f"{Decimal(repr(round(fraction * 100, 5))).normalize():f}"


def write_body(body: Body) -> str | None:
    if isinstance(body, Choices):
        lines = []
        for answer in body.answers:
            if body.single and answer.fraction in (0.0, 1.0):
                marker = "=" if answer.fraction == 1.0 else "~"
            else:
                marker = f"~%{percent(answer.fraction)}%"
            feedback = f"#{escape(answer.feedback)}" if answer.feedback else ""
            lines.append(f"{marker}{escape(answer.text)}{feedback}")
        return "\n".join(lines)
    if isinstance(body, TrueFalse):
        return "TRUE" if body.answer else "FALSE"
    if isinstance(body, ShortAnswers):
        return "\n".join(f"={escape(answer.text)}" for answer in body.answers)
    if isinstance(body, Numeric):
        return f"#{body.value!r}:{body.tolerance!r}"
    if isinstance(body, Matches):
        lines = [f"={escape(prompt)} -> {escape(answer)}" for prompt, answer in body.pairs]
        lines += [f"= -> {escape(answer)}" for answer in body.distractors]
        return "\n".join(lines)
    if isinstance(body, Order | Cloze):
        return None
    return None
