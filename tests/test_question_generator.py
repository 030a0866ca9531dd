"""The question generator: invariants on any text, the Rapallo bars, the judged set. No database."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import kinds
from quizzes.kinds import cloze
from quizzes.passages import paragraphs
from quizzes.question_generator import (
    BLANK,
    WARN_CONTEXT,
    Draft,
    SelectionRefused,
    boilerplate_blocks,
    defined_aliases,
    derive,
    draft_for_span,
    sentences,
    topic_phrase,
    uncovered_paragraphs,
)

DATA = Path(__file__).parent / "data" / "generator"
MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
TEXTS = {path.stem: path.read_text(encoding="utf-8") for path in sorted(DATA.glob("*.txt"))}
RAPALLO = TEXTS["rapallo"]  # byte-for-byte copy of /work/shared/texts/rapallo.txt
JUDGED = json.loads((DATA / "judged.json").read_text(encoding="utf-8"))
CHOICE_KINDS = ("single_choice", "true_false")


def assert_invariants(text: str, drafts: list[Draft]) -> None:
    """What the issue promises for every draft on any input."""
    blocks = boilerplate_blocks(text)
    per_sentence: Counter = Counter()
    for draft in drafts:
        assert 0 <= draft.source_start <= draft.answer_start < draft.answer_end <= draft.source_end
        assert draft.source_end <= len(text)
        key = text[draft.answer_start : draft.answer_end]
        if draft.kind == "true_false":
            assert draft.answer in ("True", "False")
            assert [o.text for o in draft.options] == ["True", "False"]
        else:
            assert key == draft.answer
        folded = [o.text.casefold() for o in draft.options]
        assert len(set(folded)) == len(folded)
        for option in draft.options:
            assert f" {option.text.casefold()} " not in f" {draft.prompt.casefold()} "
        if draft.kind in CHOICE_KINDS:
            assert sum(o.correct for o in draft.options) == 1
        if draft.kind == "single_choice":
            correct = next(o for o in draft.options if o.correct)
            assert correct.text == " ".join(draft.answer.split())
        assert not any(s < draft.source_end and draft.source_start < e for s, e in blocks)
        if draft.kind != "cloze":  # a passage, not a sentence
            per_sentence[(draft.source_start, draft.source_end)] += 1
    assert all(n <= 2 for n in per_sentence.values())


# Invariants


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_invariants_on_the_judged_texts(name):
    text = TEXTS[name]
    assert_invariants(text, derive(text))


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_output_is_deterministic(name):
    assert derive(TEXTS[name]) == derive(TEXTS[name])


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_dates_are_at_most_about_forty_percent(name):
    drafts = derive(TEXTS[name])
    dates = [d for d in drafts if d.rule.startswith(("date", "year", "decade"))]
    assert len(dates) <= max(1, 0.4 * len(drafts))


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_stems_never_open_with_a_pronoun_or_here_there(name):
    openers = {"he", "she", "it", "they", "this", "these", "those", "here", "there", "his", "its"}
    for draft in derive(TEXTS[name]):
        assert draft.prompt.split()[0].casefold() not in openers


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_blanks_stand_in_sentences_of_8_to_45_words(name):
    text = TEXTS[name]
    for draft in derive(text):
        if draft.kind not in ("ordering", "cloze"):  # these ask about a passage
            words = text[draft.source_start : draft.source_end].split()
            assert 8 <= len(words) <= 46  # "16 April, 1922" counts as three words


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_true_false_only_changes_a_date_after_in_or_on(name):
    text = TEXTS[name]
    for draft in derive(text):
        if draft.kind == "true_false":
            before = text[draft.source_start : draft.answer_start].split()
            # "in 1922", "on the", or the month of a date led by them: "in late October 1918".
            assert before[-1].casefold() in ("in", "on", "the", *MONTHS), before[-3:]


def test_as_json_has_the_issue_keys():
    draft = derive(RAPALLO)[0]
    assert set(draft.as_json()) >= {
        "kind", "prompt", "options", "answer", "answers", "pairs", "order", "source_start",
        "source_end", "answer_start", "answer_end", "rule", "warnings", "numeric_value",
        "numeric_tolerance",
    }  # fmt: skip
    json.dumps([d.as_json() for d in derive(RAPALLO)])


TEXT_STRATEGY = st.one_of(
    st.text(max_size=3000),
    st.text(alphabet=st.sampled_from(list(".,;:!?\"'“”‘’()-–— \n\r\t…")), max_size=500),
    st.binary(max_size=2000).map(lambda b: b.decode("latin-1")),
    st.lists(
        st.sampled_from(
            [
                "The Treaty of Versailles was signed in 1919 by Germany and France.",
                "On 16 April, 1922, Germany and Russia signed the Rapallo Treaty at Rapallo.",
                "General Werner von Blomberg visited an aviation school at Lipetsk, a gas school "
                "at Volsk, and a tank school near Kazan on the River Kama in 1928.",
                "“Dr. J. R. Smith said ‘no’,” wrote the Red Army in the 1920s about 54 pages.",
                "Join the mailing list",
                "\r\n",
                "\n\n",
                "By 1928 or 1929 all were organized and operational in Germany and Russia.",
                "It was here that there were about 10 tanks in Kazan in 1930.",
            ]
        ),
        max_size=30,
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None)
@given(TEXT_STRATEGY)
def test_any_text_gives_drafts_or_none_never_an_error(text):
    drafts = derive(text)
    assert_invariants(text, drafts)
    assert all(start < end for start, end in sentences(text))


def test_huge_text_still_holds_the_invariants():
    text = (RAPALLO + "\r\n\r\n") * 40
    assert_invariants(text, derive(text))


def test_crlf_gives_the_same_questions():
    crlf = RAPALLO.replace("\n", "\r\n")
    assert [d.prompt for d in derive(crlf)] == [d.prompt for d in derive(RAPALLO)]


# Text structure


def test_sentences_keep_abbreviations_initials_and_quotes():
    text = 'Dr. J. R. Smith met Gen. Lee in the U.S. on Monday. "Go!" he said. Then they left.'
    assert [text[s:e] for s, e in sentences(text)] == [
        "Dr. J. R. Smith met Gen. Lee in the U.S. on Monday.",
        '"Go!" he said.',
        "Then they left.",
    ]


def test_rapallo_boilerplate_lines_are_blocks():
    lines = RAPALLO.splitlines()
    clutter = {lines[0], lines[-3], lines[-1]}
    found = {RAPALLO[s:e] for s, e in boilerplate_blocks(RAPALLO)}
    assert clutter <= found
    assert not any(len(block.split()) > 15 for block in found)


def test_a_restored_block_is_read():
    text = (
        "Home | News | Contact\n\n"
        "In 1922, the city of Genoa hosted the Genoa Conference of European powers.\n"
        "Subscribe to the Genoa Conference newsletter in 1922 for the news today.\n"
    )
    blocks = boilerplate_blocks(text)
    newsletter = next(b for b in blocks if "Subscribe" in text[b[0] : b[1]])
    assert not any(d.source_start >= newsletter[0] for d in derive(text))
    restored = derive(text, restore=[newsletter])
    assert any(d.source_start >= newsletter[0] for d in restored)


# The Rapallo bars of issue 4


@pytest.fixture(scope="module")
def rapallo():
    """Rapallo's drafts on a sentence (the paragraph cloze quotes whole paragraphs: its own test
    is below)."""
    return [d for d in derive(RAPALLO) if d.kind != "cloze"]


def test_rapallo_date_question_keyed_16_april_1922(rapallo):
    dates = [d for d in rapallo if d.answer == "16 April, 1922" and d.kind == "single_choice"]
    assert dates
    assert RAPALLO[dates[0].answer_start : dates[0].answer_end] == "16 April, 1922"


def test_rapallo_matching_schools_to_places(rapallo):
    matching = [d for d in rapallo if d.kind == "matching"]
    assert [
        ("aviation", "Lipetsk"),
        ("gas", "Volsk"),
        ("tank", "Kazan"),
    ] in [list(d.pairs) for d in matching]


def test_rapallo_fill_in_the_blank_on_the_versailles_treaty(rapallo):
    blanks = [d for d in rapallo if d.kind == "short_answer" and "Versailles" in d.answer]
    assert blanks
    assert all({"Versailles Treaty", "Treaty of Versailles"} <= set(d.answers) for d in blanks)


def test_rapallo_nothing_from_the_boilerplate(rapallo):
    lines = RAPALLO.splitlines()
    for line in (lines[0], lines[-3], lines[-1]):
        start = RAPALLO.index(line)
        assert not any(d.source_start < start + len(line) and start < d.source_end for d in rapallo)


def test_rapallo_nothing_from_by_1928_or_1929(rapallo):
    start = RAPALLO.index("By 1928 or 1929")
    assert not any(d.source_start <= start < d.source_end for d in rapallo)
    assert not any("1928" in d.answer or "1929" in d.answer for d in rapallo)


def test_rapallo_no_blank_coordinated_with_a_name(rapallo):
    for draft in rapallo:
        assert f"and {BLANK}" not in draft.prompt or draft.kind == "numeric"
        assert f"{BLANK} and " not in draft.prompt
        assert f"{BLANK} or " not in draft.prompt


def test_rapallo_thirdly_and_blocking_are_never_keys(rapallo):
    assert not any(word in d.answer for d in rapallo for word in ("Thirdly", "Blocking"))


def test_rapallo_kazan_is_not_one_name_with_the_river(rapallo):
    assert not any("Kazan on the River Kama" in d.answer for d in rapallo if d.kind != "matching")
    for draft in rapallo:
        assert all("River Kama" not in place for _, place in draft.pairs)


def test_rapallo_no_answer_leak(rapallo):
    for draft in rapallo:
        if draft.kind in ("short_answer", "single_choice"):
            assert draft.answer not in draft.prompt


def test_rapallo_typos_are_flagged(rapallo):
    doubled = next(d for d in rapallo if "was was" in d.prompt)
    assert "the source has a likely typo" in doubled.warnings


# The judged set


def current_drafts():
    return [(name, d) for name, text in TEXTS.items() for d in derive(text)]


def test_known_wrong_drafts_stay_at_zero():
    """A draft judged wrong is never produced again; one judged wrong for an answer it
    accepted ("wrongly_accepts") may come back only without that answer."""
    wrong = [j for j in JUDGED if j["verdict"] == "wrong"]
    assert wrong, "the judged set keeps the wrong drafts it has seen"
    produced = {(name, d.rule, d.prompt, d.answer): d for name, d in current_drafts()}
    for j in wrong:
        draft = produced.get((j["text"], j["rule"], j["prompt"], j["answer"]))
        if "wrongly_accepts" in j:
            assert draft is None or j["wrongly_accepts"] not in draft.answers, j
        else:
            assert draft is None, j


def test_every_current_draft_is_judged():
    """A rule change that yields new drafts must be judged before it lands."""
    judged = {(j["text"], j["rule"], j["prompt"], j["answer"]) for j in JUDGED}
    unjudged = [
        (n, d.rule, d.prompt)
        for n, d in current_drafts()
        if (n, d.rule, d.prompt, d.answer) not in judged
    ]
    assert not unjudged


def test_judged_set_covers_more_than_one_text_with_verdicts_and_reasons():
    assert {j["text"] for j in JUDGED} >= {"rapallo", "hanseatic", "suez", "telegraph"}
    assert all(
        j["verdict"] in ("usable", "fixable", "awkward", "wrong") and j["reason"] for j in JUDGED
    )


def test_abbreviations_the_text_defines_are_accepted_both_ways():
    aliases = defined_aliases(
        "The North Atlantic Treaty Organization (NATO) met in 1950. The Red Army (RKKA) did not."
        " In 1920 the League of Nations (LoN) sat in Geneva."
    )
    assert aliases["north atlantic treaty organization"] == "NATO"
    assert aliases["nato"] == "North Atlantic Treaty Organization"
    assert aliases["league of nations"] == "LoN"
    assert "red army" not in aliases  # RKKA does not spell its initials


def test_a_blank_accepts_the_abbreviation_the_text_defines_and_never_shows_it():
    text = (
        "The countries founded the North Atlantic Treaty Organization (NATO) in Washington in"
        " April 1949 to defend each other against any attack.\n\n"
        "Each member of the North Atlantic Treaty Organization promised to defend the others"
        " against any attack from outside the alliance.\n\n"
        "Ten years later the alliance had moved its headquarters from London to Paris, and in"
        " 1967 it moved again to Brussels in Belgium."
    )
    drafts = derive(text)
    (blank,) = [d for d in drafts if d.answer == "North Atlantic Treaty Organization"]
    assert blank.answers == ("North Atlantic Treaty Organization", "NATO")
    assert blank.prompt.startswith("Each member of the _____ promised")
    # Not blanked where "(NATO)" follows: the initials would give it away.
    assert not any(d.prompt.count("_____ (NATO)") for d in drafts)


def test_paragraphs_without_a_draft_say_why():
    long = " ".join(["word"] * 50) + "."
    text = (
        f"{RAPALLO}\n\nLong {long}\n\n"
        "They trained many pilots in those long summers, and they kept the school secret.\n\n"
        "Everything went well there for a good while, as everybody agreed at once."
    )
    drafts = derive(text)
    uncovered = uncovered_paragraphs(text, [(d.source_start, d.source_end) for d in drafts])
    assert [u.reason for u in uncovered[-3:]] == [
        "its sentences are over 45 words",
        "its sentences are opening with a pronoun, a quote or a lower-case word",
        "no name, date or number that the rules ask about",
    ]
    assert uncovered[-3].opening.startswith("Long word word")
    # The page's clutter lines (greyed, with Restore) are not listed.
    assert not any(u.opening.startswith("Page last modified") for u in uncovered)


def test_the_title_is_never_the_key():
    hanseatic = TEXTS["hanseatic"]
    assert any(d.answer == "Hanseatic League" for d in derive(hanseatic))
    titled = derive(hanseatic, title="The Hanseatic League")
    assert titled and not any(d.answer == "Hanseatic League" for d in titled)
    assert len(derive(RAPALLO, title="1922-1932 - Rapallo")) == len(derive(RAPALLO))


@pytest.mark.parametrize(
    ("title", "phrase"),
    [
        ("1922-1932 - Rapallo", "rapallo"),
        ("The Suez Canal (1859–1869)", "the suez canal"),
        ("", ""),
    ],
)
def test_topic_phrase(title, phrase):
    assert topic_phrase(title) == phrase


DATED = (
    "The conference opened in Genoa in April 1922, and the powers argued for weeks about debts"
    " and trade across the whole of Europe.\n\n"
    "The insurgents in Upper Silesia fought the German volunteers on 3–9 May 1921 in several"
    " districts of the disputed province.\n\n"
    "In 1922 the delegates met again. On 16 April the two governments signed a treaty at"
    " Rapallo in the villa of the Soviet delegation.\n\n"
    "Nobody knew the exact day. On 3 March the French army occupied the Ruhr, and the German"
    " government called for passive resistance from all its workers."
)


def test_a_day_and_month_read_in_the_paragraphs_year_is_asked():
    drafts = {d.answer: d for d in derive(DATED)}
    april = drafts["16 April"]
    assert april.rule == "day-month-choice"
    assert [o.text for o in april.options] == ["2 April", "9 April", "16 April", "23 April"]
    assert april.prompt.startswith("On _____ the two governments signed")
    # Without a year earlier in its paragraph, "3 March" of which year? Not asked.
    assert "3 March" not in drafts


def test_a_date_range_is_one_key():
    (range_draft,) = [d for d in derive(DATED) if d.answer == "3–9 May 1921"]
    assert range_draft.rule == "date-choice"
    shown = [o.text for o in range_draft.options]
    assert len(shown) == 4 and all(text.startswith("3–9 May ") for text in shown)
    assert not any(d.answer == "9 May 1921" for d in derive(DATED))  # not its end alone


def test_a_reference_back_to_the_two_governments_is_said():
    text = (
        "In 1922 Germany signed a treaty with Russia at Rapallo, and the news travelled fast to"
        " France and to Britain, and across Europe.\n\n"
        "The treaty angered France more than any other country in the west, because France wanted"
        " reparations paid in full and on time.\n\n"
        "Britain hoped that trade with Russia would help its industries, and Italy hoped the same"
        " for its own ports and its merchants.\n\n"
        "Europe watched as the two governments built secret schools for pilots and tank crews on"
        " Soviet soil in the following years."
    )
    (europe,) = [d for d in derive(text) if d.answer == "Europe"]
    assert WARN_CONTEXT in europe.warnings


def test_a_continent_is_never_offered_in_place_of_a_country():
    text = (
        "In 1922 Germany signed a treaty with Russia at Rapallo, while statesmen in Europe and"
        " Asia watched and waited for the news.\n\n"
        "The treaty angered France more than any other country in the west, because France"
        " wanted reparations paid in full and on time.\n\n"
        "Britain hoped that trade with Russia would help its industries, and Italy hoped the"
        " same for its own ports and its merchants.\n\n"
        "Later in the decade Japan and China also sent missions to Moscow to learn what the two"
        " states had agreed behind closed doors."
    )
    choices = [d for d in derive(text) if d.rule == "name-choice"]
    assert {d.answer for d in choices} >= {"Russia", "Italy"}
    for draft in choices:
        assert not {o.text for o in draft.options} & {"Europe", "Asia"}, draft


ORDERED = (
    "The delegations arrived in Genoa on 10 April 1922 for the economic conference of all the"
    " European powers.\n\n"
    "The German and Soviet delegates signed their own treaty at Rapallo on 16 April 1922 without"
    " telling the other powers.\n\n"
    "A second agreement on military matters followed on 11 August 1922 in the greatest secrecy"
    " between the two armies.\n\n"
    "The first German pilots arrived at the new flying school at Lipetsk in 1925 to train on"
    " Fokker aircraft.\n\n"
    "The tank school was built at Kazan on the Volga, where German and Soviet officers tested new"
    " designs together.\n\n"
    "General Hans von Seeckt led the Reichswehr and argued that cooperation with Moscow served"
    " German interests.\n\n"
    "Chemical weapons were tested at Volsk, far from the eyes of the Allied control commission in"
    " Berlin.\n\n"
    "Leon Trotsky wanted German engineers to rebuild the arms factories of Tula and Petrograd for"
    " the Red Army.\n\n"
    "The Junkers company built an aircraft factory at Fili near Moscow with money from the German"
    " budget.\n\n"
    "Gustav Stresemann knew of the schools but kept silent while he courted Britain and France at"
    " Locarno."
)


def test_an_ordering_keeps_events_of_one_year_in_their_days_order():
    (ordering,) = [d for d in derive(ORDERED) if d.rule == "date-ordering"]
    assert [label.split()[1] for label in ordering.order] == [
        "delegations",  # 10 April 1922
        "German",  # 16 April 1922
        "second",  # 11 August 1922
        "first",  # 1925
    ]


UNSEEN = ["curie", "iceland", "kiel", "locks", "nile", "penicillin", "photosynthesis", "tulips"]


def test_the_texts_judged_unseen_keep_the_issues_bars():
    """Issue 16's bars on the eight texts first judged on 2026-12-04 (written after the rules;
    the judge was their author, so the figures are optimistic): at least 60 % of the drafts
    usable as they stand, at most 3 % wrong."""
    verdicts = {(j["text"], j["rule"], j["prompt"], j["answer"]): j["verdict"] for j in JUDGED}
    produced = [
        verdicts[(name, d.rule, d.prompt, d.answer)] for name in UNSEEN for d in derive(TEXTS[name])
    ]
    assert len(produced) >= 80
    assert produced.count("usable") / len(produced) >= 0.60
    assert produced.count("wrong") / len(produced) <= 0.03


SECOND_UNSEEN = [
    "vienna", "tectonics", "baikal", "lovelace", "refrigerator", "airlift", "insulin", "dams"
]  # fmt: skip


def test_the_second_unseen_set_keeps_the_bars_and_leaves_no_paragraph_without_a_draft():
    """Eight more texts (history, science, geography, a biography, two how-it-works), written
    and first judged on 2026-12-04 after the term and clause rules were fixed for the round:
    57 of 88 drafts usable as they stood (64.8 %), 1 wrong. The judge wrote the texts too."""
    verdicts = {(j["text"], j["rule"], j["prompt"], j["answer"]): j["verdict"] for j in JUDGED}
    produced = []
    for name in SECOND_UNSEEN:
        drafts = derive(TEXTS[name])
        produced += [verdicts[(name, d.rule, d.prompt, d.answer)] for d in drafts]
        spans = [(d.source_start, d.source_end) for d in drafts]
        assert not uncovered_paragraphs(TEXTS[name], spans), name
    assert len(produced) >= 80
    assert produced.count("usable") / len(produced) >= 0.60
    assert produced.count("wrong") / len(produced) <= 0.03


def test_a_role_beside_a_name_makes_it_a_person_with_both_forms_accepted():
    drafts = derive(TEXTS["penicillin"])
    full = [d for d in drafts if d.answer == "Alexander Fleming"]
    short = [d for d in drafts if d.answer == "Fleming"]
    assert full and short
    assert all("Fleming" in d.answers for d in full)  # "..., a Scottish bacteriologist"
    assert all("Alexander Fleming" in d.answers for d in short)
    (noske,) = [d for d in derive(TEXTS["kiel"]) if d.answer == "Gustav Noske"]
    assert "Noske" in noske.answers  # "..., a Social Democrat who knew the navy"


def test_a_paragraph_that_names_no_one_is_asked_about_the_terms_it_teaches():
    drafts = derive(TEXTS["locks"])
    (paddles,) = [d for d in drafts if d.rule == "definition-blank"]
    assert paddles.prompt.startswith("Each gate has small openings called _____,")
    assert paddles.answers == ("paddles", "paddle")
    (chamber,) = [d for d in drafts if d.answer == "chamber"]
    assert chamber.rule == "term-blank" and chamber.kind == "short_answer"
    # Only where no other rule asked: never beside a date, a name or a count of the paragraph.
    for draft in drafts:
        if draft.rule in ("term-blank", "definition-blank"):
            paragraph = next(
                p for p in paragraphs(TEXTS["locks"]) if p.start <= draft.source_start < p.end
            )
            others = [
                d
                for d in drafts
                if paragraph.start <= d.source_start < paragraph.end and d is not draft
            ]
            assert not others


def test_a_term_the_text_equates_with_another_accepts_both():
    text = (
        "The old port was quiet for many years and more.\n\n"
        "The strike was a protest. "
        "Within a few days the protest had closed every quay and the ships waited outside. "
        "Nobody expected the strike to last as long as it did in the end."
    )
    (asked,) = [d for d in derive(text) if d.rule == "term-blank"]
    equated = {"strike": "protest", "protest": "strike"}
    assert asked.answers == (asked.answer, equated[asked.answer])
    assert not any(f" {a} " in f" {asked.prompt} " for a in asked.answers)


def test_a_sentence_over_the_limit_is_asked_about_by_its_first_clause():
    drafts = derive(TEXTS["kiel"])
    (fleet,) = [d for d in drafts if d.answer == "German High Seas Fleet"]
    sentence = TEXTS["kiel"][fleet.source_start : fleet.source_end]
    assert sentence.startswith("The Kiel mutiny was a revolt of sailors")
    assert sentence.endswith("November 1918")  # the clause before ", and it set off..."
    assert len(sentence.split()) <= 45


def test_a_quotation_over_the_limit_is_not_cut_into_clauses():
    assert not [d for d in derive(RAPALLO) if d.prompt.startswith("Erickson paraphrases")]


def span_of(text: str, words: str) -> tuple[int, int]:
    start = text.index(words)
    return start, start + len(words)


def test_selected_words_make_a_blank_a_choice_of_their_kind_or_a_changed_fact():
    vienna = TEXTS["vienna"]
    blank = draft_for_span(vienna, *span_of(vienna, "Metternich"), "blank")
    assert blank.kind == "short_answer" and blank.answer == "Metternich"
    assert blank.prompt.startswith("The Austrian foreign minister, Klemens von _____,")
    person = draft_for_span(vienna, *span_of(vienna, "Metternich"), "choice")
    assert "Charles-Maurice de Talleyrand" in [o.text for o in person.options]  # a person
    year = draft_for_span(TEXTS["locks"], *span_of(TEXTS["locks"], "1490s"), "choice")
    assert all(o.text.endswith("0s") for o in year.options)  # decades for a decade
    count = draft_for_span(vienna, *span_of(vienna, "39"), "true_false")
    assert count.kind == "true_false" and count.answer in ("True", "False")
    part = draft_for_span(vienna, *span_of(vienna, "tternic"), "blank")
    assert part.answer == "Metternich"  # a word cut by the selection is taken whole


@pytest.mark.parametrize(
    ("words", "kind", "reason"),
    [
        ("The Congress of Vienna was a meeting of the great powers of Europe", "blank", "at most"),
        ("Napoleon. It met", "blank", "inside one sentence"),
        ("Saxony", "choice", "too few other words"),
        ("Poland", "essay", "Choose a blank"),
    ],
)
def test_a_selection_that_cannot_make_a_draft_says_why(words, kind, reason):
    vienna = TEXTS["vienna"]
    with pytest.raises(SelectionRefused, match=reason):
        draft_for_span(vienna, *span_of(vienna, words), kind)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(TEXTS["tulips"])),
    st.integers(min_value=1, max_value=60),
    st.sampled_from(["blank", "choice", "true_false"]),
)
def test_any_selection_makes_a_valid_draft_or_says_why(start, length, kind):
    text = TEXTS["tulips"]
    try:
        draft = draft_for_span(text, start, min(len(text), start + length), kind)
    except SelectionRefused:
        return
    assert_invariants(text, [draft])


def test_a_paragraph_cloze_has_two_to_four_gaps_from_the_texts_own_keys():
    made = 0
    for name, text in TEXTS.items():
        for draft in derive(text):
            if draft.rule != "paragraph-cloze":
                continue
            made += 1
            passage = text[draft.source_start : draft.source_end]
            assert draft.answer == passage
            assert not cloze._key_problems_of(draft.markup), name
            gaps = cloze.parse(draft.markup).gaps
            assert 2 <= len(gaps) <= 4
    assert made >= 15


def test_which_is_true_keeps_one_sentence_and_changes_the_date_of_the_others():
    (draft,) = [d for d in derive(TEXTS["penicillin"]) if d.rule == "which-is-true"]
    right = [o for o in draft.options if o.correct]
    assert len(right) == 1 and right[0].text == " ".join(draft.answer.split())
    assert right[0].text in " ".join(TEXTS["penicillin"].split())
    for option in draft.options:
        if not option.correct:
            assert option.text not in " ".join(TEXTS["penicillin"].split())  # changed
            assert re.search(r"\b1[0-9]{3}\b", option.text)  # a date is what changed


def test_a_list_of_names_of_one_type_is_asked_as_multiple_response():
    text = (
        "In 1919 France, Britain and Italy signed the treaty at a palace outside Paris. "
        "The talks that spring did not include Germany, and the delegates of Russia and of "
        "Japan left before the end of the conference."
    )
    (draft,) = [d for d in derive(text) if d.rule == "list-multiple-response"]
    assert draft.kind == "multiple_response"
    assert draft.prompt.startswith("In 1919 _____ signed the treaty")
    assert {o.text for o in draft.options if o.correct} == {"France", "Britain", "Italy"}
    assert {o.text for o in draft.options if not o.correct} <= {"Germany", "Russia", "Japan"}
    assert len(draft.options) >= 5
    assert_invariants(text, [draft])
    key = kinds.get("multiple_response").key_from_draft(draft.as_json())
    assert sorted(o["text"] for o in key["options"] if o["correct"]) == [
        "Britain",
        "France",
        "Italy",
    ]


def test_when_something_was_done_is_asked_as_a_question():
    prompts = {d.prompt: d for d in derive(TEXTS["suez"]) if d.rule.endswith("-question")}
    founded = prompts["In which year was the Suez Canal Company founded?"]
    assert founded.answer == "1858" and founded.kind == "single_choice"
    assert "On which date was the canal opened?" in prompts  # the clause after the comma left out


def test_a_blank_accepts_its_key_typed_without_accents():
    (armistice,) = [
        d for d in derive(TEXTS["kiel"]) if d.answer == "Compiègne" and d.kind == "short_answer"
    ]
    assert armistice.answers == ("Compiègne", "Compiegne")
