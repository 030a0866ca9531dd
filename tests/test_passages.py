"""Paragraphs and excerpts by character offsets, without a database."""

import pytest

from quizzes import passages

BODY = "First one.\n\nSecond, with words.\r\n\r\n  Third  \n\n\n"


def test_paragraphs_are_numbered_spans_of_the_body():
    found = passages.paragraphs(BODY)
    assert [p.text for p in found] == ["First one.", "Second, with words.", "Third"]
    assert [p.anchor for p in found] == ["p1", "p2", "p3"]
    for paragraph in found:
        assert BODY[paragraph.start : paragraph.end] == paragraph.text


def test_empty_body_has_no_paragraphs():
    assert passages.paragraphs("") == []
    assert passages.paragraphs("\n\n  \n") == []


def test_locate_excerpt_returns_its_span():
    start, end = passages.locate_excerpt(BODY, "with words")
    assert BODY[start:end] == "with words"


@pytest.mark.parametrize(
    ("excerpt", "message"),
    [("with  words", "not in the text"), ("  ", "empty"), ("d", "more than once")],
)
def test_locate_excerpt_refuses_what_is_not_exactly_once_in_the_text(excerpt, message):
    with pytest.raises(passages.ExcerptError, match=message):
        passages.locate_excerpt(BODY, excerpt)


def test_excerpt_in_context_splits_its_paragraph():
    start, end = passages.locate_excerpt(BODY, "with words")
    context = passages.excerpt_in_context(BODY, start, end)
    assert context.paragraph.number == 2
    assert (context.before, context.excerpt, context.after) == ("Second, ", "with words", ".")


def test_excerpt_in_context_outside_the_text_is_none():
    assert passages.excerpt_in_context(BODY, 5, 500) is None
    assert passages.excerpt_in_context(BODY, 3, 3) is None


def test_sentences_by_offsets_within_paragraphs():
    body = "The treaty was signed. It opened trade!\n\nLipetsk had a school (1925). “Kazan” too?"
    spans = passages.sentences(body)
    assert [body[start:end] for start, end in spans] == [
        "The treaty was signed.",
        "It opened trade!",
        "Lipetsk had a school (1925).",
        "“Kazan” too?",
    ]


def test_the_best_sentence_weighs_rare_words_most():
    body = "The school was in the town. The school at Lipetsk trained pilots. The town was small."
    start, end, score = passages.best_sentence(body, "Which school trained pilots?")
    assert body[start:end] == "The school at Lipetsk trained pilots."
    assert 0 < score <= 1
    assert passages.best_sentence(body, "Nothing common there") is None
    assert passages.best_sentence("", "school") is None
