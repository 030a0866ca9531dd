"""Properties every kind keeps, for keys hypothesis makes up: a complete key has no problems;
grading stays between 0 and the points; the right answer scores full marks; and an answer goes
from the snapshot to the form's data, through the form, back to the same stored answer."""

import random
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes import grading, kinds
from quizzes.kinds.base import new_ids, same_text
from quizzes.kinds.cloze import Answer, Gap, Passage, write

# Words as people type them: no control characters, no outer or doubled spaces, no wildcard.
WORD = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="*"
        ),
        min_size=1,
        max_size=24,
    )
    .map(lambda text: " ".join(text.split()))
    .filter(lambda text: grading.normalise_text(text))
)


def distinct(strategy, *, min_size, max_size):
    return st.lists(strategy, min_size=min_size, max_size=max_size, unique_by=same_text)


@st.composite
def single_choice_keys(draw):
    texts = draw(distinct(WORD, min_size=2, max_size=6))
    right = draw(st.integers(0, len(texts) - 1))
    ids = new_ids(len(texts))
    return {
        "options": [
            {"id": i, "text": t, "correct": n == right, "feedback": ""}
            for n, (i, t) in enumerate(zip(ids, texts, strict=True))
        ]
    }


@st.composite
def multiple_response_keys(draw):
    texts = draw(distinct(WORD, min_size=2, max_size=6))
    flags = draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts)))
    if all(flags) or not any(flags):
        flags = [True] + [False] * (len(texts) - 1)
    ids = new_ids(len(texts))
    return {
        "options": [
            {"id": i, "text": t, "correct": c, "feedback": ""}
            for i, t, c in zip(ids, texts, flags, strict=True)
        ]
    }


@st.composite
def matching_keys(draw):
    prompts = draw(distinct(WORD, min_size=2, max_size=5))
    answers = draw(distinct(WORD, min_size=len(prompts), max_size=len(prompts) + 2))
    pairs = [*zip(prompts, answers, strict=False), *[("", a) for a in answers[len(prompts) :]]]
    ids = new_ids(len(pairs))
    return {
        "pairs": [{"id": i, "prompt": p, "answer": a} for i, (p, a) in zip(ids, pairs, strict=True)]
    }


@st.composite
def ordering_keys(draw):
    texts = draw(distinct(WORD, min_size=2, max_size=6))
    return {
        "items": [{"id": i, "text": t} for i, t in zip(new_ids(len(texts)), texts, strict=True)]
    }


NUMBER = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False).map(
    lambda value: round(value, 3)
)
PASSAGE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="{}\\"),
    min_size=1,
    max_size=30,
)


@st.composite
def cloze_keys(draw):
    parts = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        parts.append(draw(PASSAGE_TEXT))
        kind = draw(st.sampled_from(["shortanswer", "numerical", "multichoice"]))
        marks = draw(st.integers(1, 3))
        if kind == "numerical":
            value, tolerance = draw(NUMBER), draw(st.sampled_from([0, 0.5, 2]))
            answers = [Answer(f"{value}:{tolerance}", 1.0)]
            gap = Gap(number, kind, marks, source="NUMERICAL", answers=answers)
        elif kind == "multichoice":
            texts = draw(distinct(WORD, min_size=2, max_size=4))
            answers = [Answer(text, 1.0 if n == 0 else 0.0) for n, text in enumerate(texts)]
            gap = Gap(
                number, kind, marks, display="dropdown", source="MULTICHOICE", answers=answers
            )
        else:
            texts = draw(distinct(WORD, min_size=1, max_size=3))
            gap = Gap(
                number, kind, marks, source="SHORTANSWER", answers=[Answer(t, 1.0) for t in texts]
            )
        parts.append(gap)
    parts.append(draw(PASSAGE_TEXT))
    return {"markup": write(Passage(parts=parts))}


KEYS = {
    "single_choice": single_choice_keys(),
    "multiple_response": multiple_response_keys(),
    "true_false": st.booleans().map(lambda truth: {"answer": truth}),
    "short_answer": distinct(WORD, min_size=1, max_size=4).map(
        lambda answers: {"answers": answers}
    ),
    "numeric": st.tuples(NUMBER, st.sampled_from([0.0, 0.5, 1.0, 10.0])).map(
        lambda pair: {"value": pair[0], "tolerance": pair[1]}
    ),
    "ordering": ordering_keys(),
    "matching": matching_keys(),
    "cloze": cloze_keys(),
}
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_every_kind_has_a_strategy():
    assert set(KEYS) == set(kinds.KINDS)


def snapshot(kind, key, seed):
    return {
        "kind": kind.name,
        "prompt": "?",
        "explanation": "",
        "excerpt": {"start": 0, "end": 1, "text": "x"},
        **kind.snapshot(key, rng=random.Random(seed), seed=seed),
    }


@st.composite
def cases(draw):
    name = draw(st.sampled_from(sorted(KEYS)))
    return kinds.get(name), draw(KEYS[name]), draw(st.integers(0, 10**6))


@PROPERTIES
@given(cases())
def test_a_complete_key_has_no_problems_and_its_right_answer_scores_full_marks(case):
    kind, key, seed = case
    assert kind.key_problems(key) == []
    frozen = snapshot(kind, key, seed)
    assert kinds.grade(frozen, kind.right_answer(frozen)) == 1.0


@PROPERTIES
@given(cases(), st.integers(0, 10**6), st.sampled_from([Decimal("0.5"), Decimal(1), Decimal(3)]))
def test_marks_stay_between_zero_and_the_points(case, answer_seed, points):
    kind, key, seed = case
    frozen = snapshot(kind, key, seed)
    for answer in (
        kind.right_answer(frozen),
        kind.wrong_answer(random.Random(answer_seed), frozen),
    ):
        fraction = kinds.grade(frozen, answer)
        assert 0.0 <= fraction <= 1.0
        assert Decimal(0) <= grading.marks(points, fraction) <= points


@PROPERTIES
@given(cases(), st.integers(0, 10**6))
def test_an_answer_goes_through_the_form_and_comes_back_the_same(case, answer_seed):
    kind, key, seed = case
    frozen = snapshot(kind, key, seed)
    for answer in (
        kind.right_answer(frozen),
        kind.wrong_answer(random.Random(answer_seed), frozen),
    ):
        data = kind.answer_form.data_for(frozen, answer)
        form = kind.answer_form(data, snapshot=frozen)
        assert form.is_valid(), (answer, form.errors)
        assert kinds.grade(frozen, form.answer()) == kinds.grade(frozen, answer)
        if kind.name == "multiple_response":  # stored in display order, whatever the order given
            assert sorted(form.answer()) == sorted(answer)
        elif kind.name not in ("cloze", "numeric", "short_answer"):
            assert form.answer() == answer


@PROPERTIES
@given(cases())
def test_the_form_never_shows_an_id_of_the_key(case):
    kind, key, seed = case
    frozen = snapshot(kind, key, seed)
    form = kind.answer_form(snapshot=frozen)
    html = "".join(str(control.get("choices_html", "")) for control in form.controls())
    ids = [
        entry["id"]
        for name in ("options", "targets", "prompts")
        for entry in frozen.get(name, [])
        if len(str(entry["id"])) > 3
    ]
    for entry_id in ids:
        assert f'value="{entry_id}"' not in html
