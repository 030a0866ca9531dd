"""Aiken, the simplest bank format: one-answer multiple choice, as Moodle reads it.

    Where was the treaty signed?
    A) Genoa
    B) Rapallo
    ANSWER: B

The question on one line, then its options (a capital letter, ")" or ".", the text), then
"ANSWER: " and the right letter. Errors are Moodle's, by line: too few answers, an option or an
ANSWER before a question, a question not completed before the next one starts.
"""

import re
from collections.abc import Iterable

from quizzes.exchange.portable import FULL, Answer, Choices, PortableQuestion, Reading, decode

OPTION = re.compile(r"^([A-Z])[).][ \t]?(.*)$")
ANSWER = re.compile(r"^ANSWER:\s*([A-Z])?", re.IGNORECASE)


def read(data: bytes | str) -> Reading:
    reading = Reading()
    text = decode(data, reading)
    prompt, start = "", 0
    options: list[str] = []

    def drop(line: int, message: str) -> None:
        nonlocal prompt, options
        reading.problem(line, f"{message} (“{prompt[:50]}” is not imported).")
        prompt, options = "", []

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if len(line) < 2:
            continue
        option, answer = OPTION.match(line), ANSWER.match(line)
        if answer:
            if not prompt:
                reading.problem(number, "ANSWER: before any question (question not started).")
                continue
            if len(options) < 2:
                drop(number, "A question must have at least 2 answers")
                continue
            letter = (answer.group(1) or "").upper()
            index = ord(letter) - ord("A") if letter else -1
            if not 0 <= index < len(options):
                drop(number, f"ANSWER: {letter or '(none)'} is not one of the options")
                continue
            reading.questions.append(
                PortableQuestion(
                    body=Choices(
                        tuple(
                            Answer(text, 1.0 if place == index else 0.0)
                            for place, text in enumerate(options)
                        ),
                        single=True,
                    ),
                    prompt=prompt,
                    name=prompt[:50],
                    line=start,
                )
            )
            prompt, options = "", []
        elif option:
            if not prompt:
                reading.problem(number, "An option before any question (question not started).")
                continue
            options.append(option.group(2).strip())
        else:
            if prompt and options:
                drop(number, "Question not completed before the next question starts")
            elif prompt:
                drop(number, "A question without options before the next question starts")
            prompt, start = line, number
    if prompt:
        drop(start, "The last question is not completed with ANSWER:")
    return reading


def write(questions: Iterable[PortableQuestion]) -> tuple[str, list[str]]:
    """Aiken for the one-answer multiple-choice questions; the others are listed as skipped."""
    blocks, skipped = [], []
    for question in questions:
        body = question.body
        right = [
            place
            for place, answer in enumerate(getattr(body, "answers", ()))
            if answer.fraction >= FULL
        ]
        if not isinstance(body, Choices) or not body.single or len(right) != 1:
            name = question.name or question.prompt[:40]
            skipped.append(f"“{name}”: Aiken holds one-answer multiple choice only.")
            continue
        if len(body.answers) > 26:
            skipped.append(f"“{question.name}”: Aiken has letters for 26 options at most.")
            continue
        lines = [" ".join(question.prompt.split())]
        lines += [
            f"{chr(ord('A') + place)}) {' '.join(answer.text.split())}"
            for place, answer in enumerate(body.answers)
        ]
        lines.append(f"ANSWER: {chr(ord('A') + right[0])}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else ""), skipped
