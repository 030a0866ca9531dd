"""Propose draft quiz questions from any text, each tied to the exact characters it came from.

Rule-based and standard-library only (the research in issue 4 found no NLP dependency worth its
weight). The text is never rewritten: every span is an offset into the string as given.

Pipeline: skip boilerplate lines (an instructor may restore one), split the rest into sentences,
find candidates (full dates, years, decades, counts with their noun, capitalised names, parallel
"an X school at Y" lists), type names with cheap cues and propagate the type across mentions, then
build drafts and filter them: no answer leak, no blank coordinated with another name, true/false
only by changing a date after "in"/"on", sentences of 8 to 45 words that do not open with a
pronoun, at most two drafts per sentence and dates at most about 40 % of the set. Every draft is
checked against the invariants before it is returned, so a rule bug drops a draft, never an error.
"""

import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from quizzes.passages import paragraphs

# The kinds of draft proposed, by their names in quizzes/kinds/.
SINGLE_CHOICE, SHORT_ANSWER, TRUE_FALSE = "single_choice", "short_answer", "true_false"
NUMERIC, MATCHING, ORDERING = "numeric", "matching", "ordering"
CLOZE, MULTIPLE_RESPONSE = "cloze", "multiple_response"

BLANK = "_____"
MIN_WORDS, MAX_WORDS = 8, 45
MAX_PER_SENTENCE = 2
MAX_DATE_SHARE = 0.4
MAX_PER_KEY = 2  # the same name blanked a third time teaches nothing new

WARN_DISTRACTOR = "a distractor may contain or equal the key"
WARN_CONTEXT = "stem needs its context"
WARN_TYPO = "the source has a likely typo"
WARN_LABEL = "label needs rewriting"


# Data


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool


@dataclass(frozen=True)
class Draft:
    """A proposed question. For a statement to judge (true/false), `answer` is "True"/"False" and
    the key span is the date the statement tests; for every other kind
    `text[answer_start:answer_end] == answer`. Options, where a draft has them, have exactly one
    correct."""

    kind: str
    prompt: str
    answer: str
    source_start: int
    source_end: int
    answer_start: int
    answer_end: int
    rule: str
    options: tuple[Option, ...] = ()
    answers: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    order: tuple[str, ...] = ()
    numeric_value: float | None = None
    numeric_tolerance: float | None = None
    warnings: tuple[str, ...] = ()
    statement: bool = False
    markup: str = ""  # a cloze draft's passage in Moodle's Cloze syntax

    def as_json(self) -> dict:
        """The draft as the JSON object of `derive_questions --json`."""
        return {
            "kind": self.kind,
            "prompt": self.prompt,
            "options": [{"text": o.text, "correct": o.correct} for o in self.options],
            "answer": self.answer,
            "answers": list(self.answers),
            "pairs": [list(pair) for pair in self.pairs],
            "order": list(self.order),
            "numeric_value": self.numeric_value,
            "numeric_tolerance": self.numeric_tolerance,
            "source_start": self.source_start,
            "source_end": self.source_end,
            "answer_start": self.answer_start,
            "answer_end": self.answer_end,
            "rule": self.rule,
            "warnings": list(self.warnings),
            "markup": self.markup,
        }


# Word lists. Small on purpose: they are cues, not a dictionary.


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS = frozenset(_MONTH_NAMES)
_WEEKDAYS = _wordset("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
_ABBREVIATIONS = _wordset(
    "mr mrs ms dr prof st jr sr gen col lt capt maj sgt adm cmdr gov sen rep rev fr vs no nos fig "
    "figs vol pp ch inc ltd co corp mt ft ca approx cf al dept univ est jan feb mar apr jun jul "
    "aug sep sept oct nov dec"
)
_FUNCTION_WORDS = _wordset(
    "the a an in on at by for from to of and but or nor yet so as after before during since until "
    "while when where which who whom whose what why how if though although because despite with "
    "without within into onto over under between among through throughout about against along "
    "around across behind beyond near not no all some many most each every both either neither "
    "this that these those there here it its he she they we i you his her their our my your "
    "one two three four five six seven eight nine ten is was were are be been had has have "
    "do did does thus then however also only even still later yet"
)
_PRONOUN_OPENERS = _wordset(
    "he she it they we i you this these those that his her its their our my your here there "
    "such them him"
)
_CONTEXT_WORDS = _wordset(
    "he she him his her hers they them their theirs this these those former latter"
)
_TITLES = _wordset(
    "general gen president king queen emperor kaiser tsar czar chancellor minister colonel captain "
    "admiral marshal dr mr mrs ms sir lord lady pope professor prof senator governor lieutenant "
    "major prince princess duke count baron bishop archbishop premier commissar secretary"
)
_CONNECTORS = _wordset("of von van de der den du da la le del di al bin ibn")
_HEADS = {
    "document": "treaty pact agreement accord convention charter declaration act protocol plan "
    "constitution manifesto edict decree",
    "body": "committee council commission league assembly congress parliament senate court cabinet "
    "ministry office bureau party government society association federation organisation "
    "organization institute academy university college company corporation bank",
    "military": "army armies navy force forces corps fleet regiment division brigade reichswehr "
    "wehrmacht legion",
    "event": "war revolution battle crisis conference rebellion uprising revolt siege campaign "
    "offensive depression massacre election",
    "water": "river sea ocean lake bay gulf strait canal",
}
_HEAD_TYPE = {word: kind for kind, words in _HEADS.items() for word in words.split()}
_COUNTRIES = _wordset(
    "germany russia france england britain italy spain poland austria hungary japan china india "
    "america canada mexico brazil argentina egypt turkey greece sweden norway denmark finland "
    "netherlands holland belgium switzerland portugal ireland scotland wales czechoslovakia "
    "yugoslavia romania bulgaria serbia ukraine prussia bavaria persia iran iraq syria israel "
    "korea vietnam australia chile peru cuba lithuania latvia estonia albania"
) | {"united states", "great britain", "soviet union", "united kingdom", "new zealand"}
# Continents and regions are places, but not countries: never offered in place of one.
_REGIONS = _wordset("europe asia africa antarctica oceania scandinavia balkans siberia") | {
    "north america",
    "south america",
    "latin america",
    "central europe",
    "eastern europe",
    "western europe",
    "middle east",
    "far east",
}
_COUNTRY_WORDS = frozenset(c for c in _COUNTRIES if " " not in c)
_DEMONYMS = _wordset(
    "german germans russian russians soviet soviets french english british american americans "
    "italian italians polish japanese chinese spanish dutch austrian austrians hungarian "
    "hungarians czech czechs swedish norwegian danish greek greeks turkish prussian prussians "
    "bavarian ukrainian canadian mexican indian irish scottish welsh belgian swiss portuguese "
    "arab arabs persian european europeans african asian western eastern northern southern "
    "allied"
)
_PLACE_PREPOSITIONS = _wordset("in at near outside into across throughout around")
# Before a noun phrase whose head may be a term of the text ("the chamber", "its chloroplasts").
_TERM_DETERMINERS = _wordset("the its their this these those")
# After a verb, before its object: a head followed by one of these was a verb.
_OBJECT_DETERMINERS = _TERM_DETERMINERS | {"a", "an", "his", "her", "our", "some", "all"}
# Nouns too general to ask about, however often a text uses them.
_GENERAL_NOUNS = _wordset(
    "time times year years thing things way ways part parts kind kinds number numbers people "
    "person persons day days place places side sides end ends fact facts case cases point points "
    "first second last other others same rest form forms type types half most more less much "
    "many world name names group groups work result results use idea ideas role roles area "
    "areas level levels amount amounts period periods stage stages process step steps course "
    "later today event events history following next whole"
)
_MODIFIERS = _wordset(
    "upper lower inner outer higher greater smaller larger deeper older newer high low open "
    "closed small large great main green dry wet hot cold warm fresh dark light deep shallow "
    "long short wide narrow heavy thin thick"
)
# Common adjectives, never the head of a term ("for a good while").
_ADJECTIVES = _wordset(
    "good best better bad worse worst new old little big own real whole certain possible "
    "important different several various early late true false free full able clear simple "
    "common strong weak rich poor young same such only sure"
)
# Not "-er": river, water and paper are nouns more often than "higher" is an adjective.
_MODIFIER_ENDINGS = ("al", "ous", "ic", "ive", "ful", "less", "ent", "ant", "ar", "ary")
_ROMAN = re.compile(r"[IVXLC]+")
# A person's role: "a Scottish bacteriologist", "the chief engineer", "a Social Democrat".
_ROLE = (
    r"(?:[a-z]+(?:ist|ian|er|or|at)|[A-Z][a-z]+ (?:Democrat|Socialist|Republican)|"
    r"scientist|chemist|physicist|doctor|nurse|officer|general|admiral|leader|priest)"
)
_ROLE_AFTER = re.compile(rf",\s+(?:a|an|the)\s+(?:[A-Za-z-]+\s+){{0,2}}?{_ROLE}\b")
_ROLE_BEFORE = re.compile(rf"\b(?:a|an|the)\s+(?:[A-Za-z-]+\s+){{0,2}}?{_ROLE}\s+$")
# Fields of study: "the Nobel Prize in Physics" names no place.
_FIELDS = _wordset(
    "physics chemistry medicine physiology literature economics mathematics biology history "
    "philosophy law peace"
)
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}  # fmt: skip
_APPROXIMATE = ("about", "almost", "nearly", "around", "approximately", "some", "roughly")
_ONE_SIDED = (
    "more than",
    "less than",
    "fewer than",
    "over",
    "under",
    "at least",
    "at most",
    "up to",
)

# Patterns

_MONTH = "(?:" + "|".join(sorted(_MONTHS)) + ")"
_MONTH_ORDER = [name.casefold() for name in _MONTH_NAMES]
_LINE = re.compile(r"[^\r\n]+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*")
_CLUTTER = re.compile(
    r"mailing list|newsletter|subscribe|sign up|log ?in\b|sign in|last modified|last updated|"
    r"all rights reserved|copyright|©|cookie|privacy|terms of (?:use|service)|share (?:this|on)|"
    r"follow us|advertisement|skip to|back to top|read more|click here|donat|related (?:articles|"
    r"stories)|print this|email this|\bmenu\b",
    re.IGNORECASE,
)
_NAV_SEPARATORS = re.compile(r"\s[|»>·•/]\s")
_FULL_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<y1>\d{{4}})"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,\s*(?P<y2>\d{{4}}))(?![\w-])"
)
# "3–9 May 1921": a range is one key, its year the thing to change.
_DATE_RANGE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s*[–-]\s*\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<y>\d{{4}})"
    rf"(?![\w-])"
)
# "on 3 March" / "on March 3" with no year after it: the year is the paragraph's.
_DAY_MONTH = re.compile(
    rf"\b(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<month>{_MONTH})"
    rf"|(?P<month2>{_MONTH})\s+(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)\b(?!,?\s*\d)"
)
_YEAR = re.compile(r"(?<![\w./,-])(?:1[0-9]{3}|20[0-9]{2})(?![\w/-]|[.,]\d)")
_DECADE = re.compile(r"(?<![\w./-])(?:1[0-9]{2}0|20[0-9]0)s\b")
_DATE_LEAD = re.compile(
    rf"(?:^|\s)(?:in|on)\s+(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?"
    rf"(?:(?:spring|summer|autumn|fall|winter)\s+of\s+)?(?:{_MONTH}\s+(?:\d{{1,2}}\S*\s+)?)?$",
    re.IGNORECASE,
)
_COORDINATED_NUMBER_BEFORE = re.compile(r"\w\s*(?:,|or|and|to|-|–)\s*$")
_COORDINATED_NUMBER_AFTER = re.compile(r"^\s*(?:,\s*)?(?:or|and|to|-|–)\s*\w")
_COUNT = re.compile(
    r"(?<![\w.,/$£€-])(?P<number>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(_NUMBER_WORDS)
    + r")\s+(?:[a-z][\w-]*\s+){0,2}?(?P<noun>[a-z]{3,}s)\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(
    r"\b(?:an?|the)\s+(?P<label>[a-z][\w-]*(?:\s+[a-z][\w-]*){0,2})\s+(?:at|in|near|outside)\s+"
    r"(?P<place>[^\W\d_a-zß-ÿ][\w-]*(?:\s+[^\W\d_a-zß-ÿ][\w-]*)*)"
)
_LIST_GAP = re.compile(r"^\s*[,;]?\s*(?:and\s+)?$")
_COORDINATED_NAME_BEFORE = re.compile(
    r"\b[^\W\d_][\w'’-]*\s*(?:,|&|\band|\bor|\bnor)\s*(?:the\s+)?$"
)
_COORDINATED_NAME_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:(?:,\s*)?(?:and|or|nor|&)\s+(?:the\s+)?[^\W\d_]|,\s*[^\W\d_][\w-]*\s*(?:,|and|or))"
)


# Text structure


def boilerplate_blocks(text: str) -> list[tuple[int, int]]:
    """Spans of lines skipped as page clutter: navigation, mailing-list and 'last modified' lines,
    and short unpunctuated lines such as headings."""
    blocks = []
    previous_open = False  # the previous line is prose that has not ended its sentence
    for match in _LINE.finditer(text):
        line = match.group().strip()
        if not line:
            previous_open = False
            continue
        start = match.start() + match.group().index(line[0])
        span = (start, start + len(line))
        if _is_clutter(line, continues=previous_open):
            blocks.append(span)
            previous_open = False
        else:
            previous_open = not line.endswith((".", "!", "?", ":", ";", '"', "”", "'", "’", ")"))
    return blocks


def _is_clutter(line: str, *, continues: bool) -> bool:
    """A line that reads like page furniture rather than prose."""
    words = len(_WORD.findall(line))
    if words <= 15 and _CLUTTER.search(line):
        return True
    if len(_NAV_SEPARATORS.findall(line)) >= 2:
        return True
    # A wrapped paragraph's short middle line is prose, not a heading.
    ends_sentence = line.endswith((".", "!", "?", '"', "”", "'", "’", ")"))
    return words < MIN_WORDS and not ends_sentence and not continues


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the whole text; paragraphs are separated by blank lines."""
    return [span for para in _paragraphs(text, skip=()) for span in _split(text, *para)]


def _paragraphs(text: str, skip: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Runs of consecutive non-blank lines, broken by blank lines and by skipped blocks."""
    skipped = set(skip)
    paragraphs: list[list[int]] = []
    last_end = None
    for match in _LINE.finditer(text):
        line = match.group()
        if not line.strip():
            continue
        start = match.start() + (len(line) - len(line.lstrip()))
        end = match.start() + len(line.rstrip())
        if (start, end) in skipped:
            last_end = None
            continue
        gap = text[last_end:start] if last_end is not None else ""
        breaks = gap.count("\n") + gap.count("\r") - gap.count("\r\n")
        if last_end is not None and breaks <= 1:
            paragraphs[-1][1] = end
        else:
            paragraphs.append([start, end])
        last_end = end
    return [(start, end) for start, end in paragraphs]


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans within one paragraph, keeping abbreviations, initials and quotes intact."""
    spans = []
    begin = start
    for match in _BOUNDARY.finditer(text, start, end):
        stop = match.end()
        if stop < end:
            rest = text[stop:end]
            stripped = rest.lstrip()
            if len(stripped) == len(rest) or not stripped:
                continue  # "3.5", "etc.," and the like: no space after the mark
            following = stripped[0]
            if not (following.isupper() or following.isdigit() or following in "\"'“‘(["):
                continue
        if match.group()[0] == "." and len(match.group().rstrip("\"'”’»)]")) == 1:
            before = re.search(r"(\w+)$", text[begin : match.start()])
            word = before.group(1) if before else ""
            if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        _add_trimmed(text, begin, stop, spans)
        begin = stop
    _add_trimmed(text, begin, end, spans)
    return [piece for span in spans for piece in _clauses(text, *span)]


# Where a sentence too long to ask about splits into clauses: a semicolon, or a comma before
# a coordinating conjunction ("…in November 1918, and it set off the revolution…").
_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?=(?:and|but|while|whereas|yet)\s)")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence over the word limit as its clauses, each a statement of its own (the first
    keeps the sentence's subject; a later one opening with its conjunction is left unasked)."""
    if len(_WORD.findall(text, start, end)) <= MAX_WORDS or any(
        mark in text[start:end] for mark in '"“”'
    ):
        return [(start, end)]  # a quotation is not cut: its clauses are someone's words
    pieces: list[tuple[int, int]] = []
    begin = start
    for match in _CLAUSE_BREAK.finditer(text, start, end):
        _add_trimmed(text, begin, match.start(), pieces)
        begin = match.end()
    _add_trimmed(text, begin, end, pieces)
    return pieces


def _add_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    """Append the span without its surrounding whitespace, if anything is left."""
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        first = start + (len(chunk) - len(chunk.lstrip()))
        spans.append((first, first + len(stripped)))


# Candidates


@dataclass
class _Mention:
    start: int
    end: int
    surface: str
    title: bool  # preceded by a title such as "General"
    prep: str  # the word just before, lowercased


@dataclass
class _Sentence:
    start: int
    end: int
    words: list[tuple[int, int, str]]
    usable: bool
    mentions: list[_Mention] = field(default_factory=list)


TOO_LONG = f"over {MAX_WORDS} words"
TOO_SHORT = f"under {MIN_WORDS} words"
OPENS_BADLY = "opening with a pronoun, a quote or a lower-case word"
NEEDS_REWRITING = "with a link or code"


def unusable_reason(text: str, start: int, words: list[tuple[int, int, str]]) -> str:
    """Why a sentence cannot carry a question ("" if it can): 8-45 words, no pronoun or quote
    opening it, no link or code."""
    if len(words) > MAX_WORDS:
        return TOO_LONG
    if len(words) < MIN_WORDS:
        return TOO_SHORT
    first = words[0][2]
    if first.casefold() in _PRONOUN_OPENERS or not (first[0].isupper() or first[0].isdigit()):
        return OPENS_BADLY
    # Quotes and Markdown links need rewriting by hand; leave them to the instructor.
    if text[start : words[0][0]]:
        return OPENS_BADLY
    body = text[start : words[-1][1]]
    if "http" in body or "](" in body or "`" in body:
        return NEEDS_REWRITING
    return ""


def sentence_reasons(
    text: str, *, restore: Iterable[tuple[int, int]] = ()
) -> list[tuple[int, int, str]]:
    """Every sentence the rules read, as (start, end, why it cannot carry a question or "")."""
    restored = {tuple(span) for span in restore}
    skipped = [span for span in boilerplate_blocks(text) if span not in restored]
    found = []
    for paragraph in _paragraphs(text, skipped):
        for start, end in _split(text, *paragraph):
            words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]
            found.append((start, end, unusable_reason(text, start, words)))
    return found


def _norm(text: str) -> str:
    """Collapse whitespace, so a name wrapped across lines reads as one line."""
    return " ".join(text.split())


def _key(surface: str) -> str:
    return _norm(surface).casefold()


def _tokens(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]


def _distinctive(name: str) -> list[str]:
    """The words of a name that identify it (not "of", "Treaty", "General")."""
    words = _tokens(name)
    kept = [
        w
        for w in words
        if w not in _CONNECTORS and w not in _HEAD_TYPE and w not in _TITLES and w != "the"
    ]
    return kept or words


def _stem(word: str) -> str:
    """A crude stem, so German, Germans and Germany meet."""
    return word[: max(5, len(word) - 3)] if len(word) >= 5 else word


def _leaks(key: str, stem_text: str) -> bool:
    """True if the key, or a variant of it, is readable elsewhere in the stem."""
    stem_words = _tokens(stem_text)
    for word in _distinctive(key):
        if word.isdigit():
            if word in stem_words:
                return True
            continue
        root = _stem(word)
        for other in stem_words:
            if other == word or other.rstrip("s") == word.rstrip("s"):
                return True
            if len(word) >= 5 and len(other) >= 5 and other.startswith(root):
                return True
    return False


def _is_demonym(word: str) -> bool:
    """Egyptian, Israeli: a country's stem plus a nationality ending."""
    if not word.endswith(("an", "ans", "ese", "ish", "i", "is", "ic")):
        return False
    return any(word.startswith(_stem(country)) for country in _COUNTRY_WORDS)


def _same_entity(a: str, b: str) -> bool:
    """Two names that share an identifying word (Blomberg / Werner von Blomberg)."""
    return bool({_stem(w) for w in _distinctive(a)} & {_stem(w) for w in _distinctive(b)})


class _Document:
    """The text with its sentences, name mentions and the pools distractors come from."""

    def __init__(self, text: str, restore: Iterable[tuple[int, int]]):
        self.text = text
        restored = {tuple(span) for span in restore}
        self.skipped = [span for span in boilerplate_blocks(text) if span not in restored]
        self.sentences: list[_Sentence] = []
        for para in _paragraphs(text, self.skipped):
            for start, end in _split(text, *para):
                words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text, start, end)]
                self.sentences.append(_Sentence(start, end, words, self._usable(start, words)))
        self.midcaps = self._midsentence_capitals()
        for sentence in self.sentences:
            sentence.mentions = self._mentions(sentence)
        self.types, self.counts, self.surfaces = self._type_entities()
        self.pools = self._pools()
        self.years = Counter(int(m.group()) for s in self.sentences for m in self._find(_YEAR, s))
        self.decades = Counter(
            int(m.group()[:4]) for s in self.sentences for m in self._find(_DECADE, s)
        )
        self.typos = self._typos()
        self.aliases = defined_aliases(text)

    def _find(self, pattern: re.Pattern, sentence: _Sentence) -> Iterable[re.Match]:
        return pattern.finditer(self.text, sentence.start, sentence.end)

    def _usable(self, start: int, words: list[tuple[int, int, str]]) -> bool:
        return not unusable_reason(self.text, start, words)

    def _is_initial(self, sentence: _Sentence, index: int) -> bool:
        """The word opens the sentence, a quotation or a clause after a colon."""
        if index == 0:
            return True
        gap = self.text[sentence.words[index - 1][1] : sentence.words[index][0]]
        return any(mark in gap for mark in '.:;!?"“‘(')

    def _midsentence_capitals(self) -> set[str]:
        """Capitalised words seen where capitals are not forced: these are names."""
        seen = set()
        for sentence in self.sentences:
            for index, (_, _, word) in enumerate(sentence.words):
                if word[0].isupper() and not self._is_initial(sentence, index):
                    seen.add(word)
        return seen

    def _is_name_word(self, word: str) -> bool:
        return (
            word[0].isupper()
            and word.casefold() not in _FUNCTION_WORDS
            and word not in _MONTHS
            and word not in _WEEKDAYS
            and len(word) > 1
        )

    def _mentions(self, sentence: _Sentence) -> list[_Mention]:
        """Capitalised multi-word names (joined by of/von/de), split off titles and possessives."""
        words = sentence.words
        mentions = []
        index = 0
        while index < len(words):
            if not self._is_name_word(words[index][2]):
                index += 1
                continue
            first = index
            last = index
            while True:
                nxt = self._extend(words, last)
                if nxt is None:
                    break
                last = nxt
            chain = list(range(first, last + 1))
            opener = words[first][2]
            if (
                self._is_initial(sentence, first)
                and opener not in self.midcaps
                and opener.casefold() not in _TITLES
            ):
                chain = chain[1:]  # "Blocking", "Thirdly": capitalised only by position
            title = False
            while chain and words[chain[0]][2].casefold() in _TITLES and len(chain) > 1:
                chain, title = chain[1:], True
            while chain and words[chain[0]][2].casefold() in _CONNECTORS:
                chain = chain[1:]
            if chain:
                start, end = words[chain[0]][0], words[chain[-1]][1]
                if self.text[end - 2 : end] in ("'s", "’s"):
                    end -= 2
                prep = words[chain[0] - 1][2].casefold() if chain[0] > 0 else ""
                surface = self.text[start:end]
                if len(surface) > 1:
                    mentions.append(_Mention(start, end, surface, title, prep))
            index = last + 1
        return mentions

    def _extend(self, words: list[tuple[int, int, str]], last: int) -> int | None:
        """Index of the word that continues a name after `last`, or None."""
        if last + 1 >= len(words):
            return None
        gap = self.text[words[last][1] : words[last + 1][0]]
        nxt = words[last + 1][2]
        possessive = gap.rstrip() in ("'", "’") and words[last][2].endswith("s")
        if (not gap.strip() or possessive) and "\n\n" not in gap and self._is_name_word(nxt):
            return last + 1
        if not gap.strip() and nxt.casefold() in _CONNECTORS:
            step = last + 2
            if step < len(words) and words[step][2] == "the":
                step += 1
            if step < len(words):
                between = self.text[words[last + 1][1] : words[step][0]]
                if not between.strip() and self._is_name_word(words[step][2]):
                    return step
        return None

    def _mention_type(self, mention: _Mention) -> str | None:
        """A cheap cue: country list, title, head noun, demonym, -ism, or a place preposition."""
        words = _tokens(mention.surface)
        key = _key(mention.surface)
        if key in _COUNTRIES:
            return "country"
        if key in _REGIONS:
            return "region"
        if mention.title:
            return "person"
        if words[-1] in _HEAD_TYPE:
            return _HEAD_TYPE[words[-1]]
        if len(words) > 2 and words[1] == "of" and words[0] in _HEAD_TYPE:
            return _HEAD_TYPE[words[0]]
        if len(words) > 1 and words[0] in _HEAD_TYPE and _HEAD_TYPE[words[0]] == "water":
            return "water"
        if key in _DEMONYMS or (len(words) == 1 and _is_demonym(words[0])):
            return "nationality"
        if len(words) == 1 and words[0].endswith("ism"):
            return "ideology"
        if any(w in ("von", "van", "de", "der") for w in words[1:-1]):
            return "person"
        if key in _FIELDS:
            return "field"
        if mention.prep in _PLACE_PREPOSITIONS:
            return "place"
        return None

    def _type_entities(self) -> tuple[dict[str, str], Counter, dict[str, str]]:
        """Vote a type per name and propagate it across mentions, surnames included."""
        votes: dict[str, Counter] = defaultdict(Counter)
        counts: Counter = Counter()
        surfaces: dict[str, str] = {}
        for sentence in self.sentences:
            for mention in sentence.mentions:
                key = _key(mention.surface)
                counts[key] += 1
                surfaces.setdefault(key, _norm(mention.surface))
                kind = self._mention_type(mention)
                if kind:
                    votes[key][kind] += 1
                if self._has_role(mention):
                    votes[key]["person"] += 2  # a role said of a name outweighs a preposition
        types = {key: self._winner(votes[key]) for key in counts}
        surnames = {key.split()[-1]: key for key, kind in types.items() if kind == "person"}
        for key in counts:
            if key in surnames and types[key] in (None, "place"):
                types[key] = "person"
                counts[surnames[key]] += counts[key]
        return types, counts, surfaces

    def _has_role(self, mention: _Mention) -> bool:
        """A person's role said beside the name, as an apposition ("Alexander Fleming, a
        Scottish bacteriologist") or before it ("the botanist Carolus Clusius")."""
        if len(mention.surface.split()) < 2:
            return False
        after = self.text[mention.end : mention.end + 60]
        before = self.text[max(0, mention.start - 40) : mention.start]
        return bool(_ROLE_AFTER.match(after) or _ROLE_BEFORE.search(before))

    @staticmethod
    def _winner(votes: Counter) -> str | None:
        """The strongest cue wins; a preposition only counts when nothing else spoke."""
        strong = [(n, kind) for kind, n in votes.items() if kind != "place"]
        if strong:
            return max(strong)[1]
        return "place" if votes else None

    def _pools(self) -> dict[str, list[str]]:
        """Names of each type, most mentioned first, for distractors."""
        pools: dict[str, list[str]] = defaultdict(list)
        order = sorted(self.counts, key=lambda key: -self.counts[key])
        for key in order:
            kind = self.types.get(key)
            if kind and kind != "nationality":
                pools[kind].append(self.surfaces[key])
        return pools

    def _typos(self) -> list[int]:
        """Offsets of likely slips: doubled words, [sic], and rare words one letter away from a
        frequent one or glued from two words seen apart ("aviatlon", "carryon")."""
        counts: Counter = Counter()
        bigrams = set()
        positions: dict[str, int] = {}
        found = []
        for sentence in self.sentences:
            previous = None
            for start, _, word in sentence.words:
                lower = word.casefold()
                counts[lower] += 1
                positions.setdefault(lower, start)
                if previous is not None:
                    if previous == lower and lower.isalpha() and lower not in ("that", "had"):
                        found.append(start)
                    bigrams.add(previous + lower)
                previous = lower
            if "[sic]" in self.text[sentence.start : sentence.end]:
                found.append(sentence.start)
        patterns: dict[str, list[str]] = defaultdict(list)
        for word in counts:
            if len(word) >= 6 and word.isalpha():
                for i in range(1, len(word) - 2):
                    patterns[word[:i] + "?" + word[i + 1 :]].append(word)
        for word, n in counts.items():
            if n != 1 or len(word) < 6 or not word.isalpha():
                continue
            neighbours = (
                other
                # Inner letters only: "forces"/"forced" is grammar, not a slip.
                for i in range(1, len(word) - 2)
                for other in patterns[word[:i] + "?" + word[i + 1 :]]
                if other != word and counts[other] >= 2
            )
            if next(neighbours, None) is not None or word in bigrams:
                found.append(positions[word])
        return sorted(found)


# Draft builders


@dataclass
class _Candidate:
    priority: int
    is_date: bool
    draft: Draft


def _cloze(text: str, sentence: _Sentence, start: int, end: int) -> str:
    return _norm(text[sentence.start : start] + BLANK + text[end : sentence.end])


# "the two governments": a reference back to names the stem does not give.
_REFERENCE_BACK = re.compile(
    r"\bthe\s+(?:two|three|four|both|same|latter|former)\s+"
    r"(?:governments|countries|sides|powers|parties|men|nations|states|leaders|armies)\b",
    re.IGNORECASE,
)


def _context_warnings(doc: _Document, sentence: _Sentence, prompt: str) -> list[str]:
    warnings = []
    if any(w in _CONTEXT_WORDS for w in _tokens(prompt)) or _REFERENCE_BACK.search(prompt):
        warnings.append(WARN_CONTEXT)
    if any(sentence.start <= at < sentence.end for at in doc.typos):
        warnings.append(WARN_TYPO)
    return warnings


def _choice(
    doc: _Document,
    sentence: _Sentence,
    span: tuple[int, int],
    distractors: list[str],
    rule: str,
    extra_warnings: Iterable[str] = (),
) -> Draft:
    """A single-choice draft: the sentence with a blank, the key and its distractors."""
    start, end = span
    key = doc.text[start:end]
    prompt = _cloze(doc.text, sentence, start, end)
    options = [Option(_norm(key), True), *(Option(d, False) for d in distractors)]
    options.sort(key=lambda o: (len(o.text) if o.text[:1].isdigit() else 0, o.text.casefold()))
    warnings = [*_context_warnings(doc, sentence, prompt), *extra_warnings]
    folded = _norm(key).casefold()
    if any(folded in d.casefold() or d.casefold() in folded for d in distractors):
        warnings.append(WARN_DISTRACTOR)
    return Draft(
        kind=SINGLE_CHOICE,
        prompt=prompt,
        answer=key,
        source_start=sentence.start,
        source_end=sentence.end,
        answer_start=start,
        answer_end=end,
        rule=rule,
        options=tuple(options),
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _blank(
    doc: _Document, sentence: _Sentence, span: tuple[int, int], variants: list[str], rule: str
) -> Draft:
    """A fill-in-the-blank draft with its accepted variants."""
    start, end = span
    key = doc.text[start:end]
    prompt = _cloze(doc.text, sentence, start, end)
    return Draft(
        kind=SHORT_ANSWER,
        prompt=prompt,
        answer=key,
        source_start=sentence.start,
        source_end=sentence.end,
        answer_start=start,
        answer_end=end,
        rule=rule,
        answers=_with_unaccented([_norm(key), *variants, *_also_called(doc, key)]),
        warnings=tuple(_context_warnings(doc, sentence, prompt)),
    )


def _unaccented(text: str) -> str:
    """The text without its accents, as a keyboard without them types it: Compiègne, Compiegne."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _with_unaccented(answers: list[str]) -> tuple[str, ...]:
    return tuple(
        dict.fromkeys([form for answer in answers for form in (answer, _unaccented(answer))])
    )


def _true_false(
    doc: _Document, sentence: _Sentence, span: tuple[int, int], replacement: str, rule: str
) -> Draft | None:
    """A statement that is the sentence itself or the sentence with its date changed."""
    start, end = span
    truthful = zlib.crc32(doc.text[sentence.start : sentence.end].encode()) % 2 == 0
    shown = doc.text[start:end] if truthful else replacement
    prompt = _norm(doc.text[sentence.start : start] + shown + doc.text[end : sentence.end])
    if {"true", "false"} & set(_tokens(prompt)):
        return None
    return Draft(
        kind=TRUE_FALSE,
        prompt=prompt,
        answer="True" if truthful else "False",
        source_start=sentence.start,
        source_end=sentence.end,
        answer_start=start,
        answer_end=end,
        rule=rule,
        options=(Option("True", truthful), Option("False", not truthful)),
        warnings=tuple(_context_warnings(doc, sentence, prompt)),
        statement=True,
    )


def _year_distractors(year: int, pool: Iterable[int], exclude: set[int], step: int) -> list[int]:
    """Nearest other years (or decades) of the text, then the key plus or minus a few."""
    near = sorted(
        (y for y in set(pool) if y != year and y not in exclude and abs(y - year) <= 25 * step),
        key=lambda y: (abs(y - year), y),
    )
    offsets = [year + k * step for k in (2, -2, 3, -3, 5, -5, 4, -4)]
    chosen: list[int] = []
    for candidate in [*near, *offsets]:
        if candidate not in chosen and candidate != year and candidate not in exclude:
            chosen.append(candidate)
        if len(chosen) == 3:
            break
    return chosen


def _date_candidates(doc: _Document, sentence: _Sentence) -> list[_Candidate]:
    """Full dates, years and decades after "in"/"on": single choice or true/false."""
    text = doc.text
    found: list[tuple[int, int, int, int, str]] = []  # start, end, year start, year, kind
    for match in doc._find(_DATE_RANGE, sentence):
        found.append((match.start(), match.end(), match.start("y"), int(match["y"]), "date"))
    for match in doc._find(_FULL_DATE, sentence):
        if any(s <= match.start() < e for s, e, *_ in found):
            continue  # the end of a range
        group = "y1" if match.group("y1") else "y2"
        found.append(
            (match.start(), match.end(), match.start(group), int(match.group(group)), "date")
        )
    taken = [(s, e) for s, e, *_ in found]
    for match in doc._find(_YEAR, sentence):
        if not any(s <= match.start() < e for s, e in taken):
            found.append((match.start(), match.end(), match.start(), int(match.group()), "year"))
    for match in doc._find(_DECADE, sentence):
        found.append((match.start(), match.end(), match.start(), int(match.group()[:4]), "decade"))
    candidates = []
    for start, end, year_at, year, kind in found:
        before, after = text[sentence.start : start], text[end : sentence.end]
        if not _DATE_LEAD.search(before):
            continue  # "by 1928", "after 1922", "until": other dates would be true as well
        if _COORDINATED_NUMBER_BEFORE.search(before[-12:]) and re.search(r"\d", before[-12:]):
            continue
        if _COORDINATED_NUMBER_AFTER.match(after) and re.match(r"^\s*\S*\s*\d", after[:12]):
            continue
        stem = _cloze(text, sentence, start, end)
        stem_years = {int(y) for y in re.findall(r"\d{4}", stem)}
        if year in stem_years:
            continue  # "A second expedition in 1858 ... on 16 August, 1858": the key leaks
        step = 10 if kind == "decade" else 1
        pool = doc.decades if kind == "decade" else doc.years
        others = _year_distractors(year, pool, stem_years, step)
        if len(others) < 3:
            continue
        key = text[start:end]
        digits_at = year_at - start
        shown = [_norm(key[:digits_at] + str(y) + key[digits_at + 4 :]) for y in others]
        rule = f"{kind}-choice"
        flip = zlib.crc32(text[sentence.start : sentence.end].encode()) % 3 == 0
        if kind != "date" and flip:
            draft = _true_false(doc, sentence, (start, end), shown[0], f"{kind}-true-false")
        else:
            draft = _as_question(_choice(doc, sentence, (start, end), shown, rule), kind)
        if draft:
            candidates.append(_Candidate(1 if kind == "date" else 2, True, draft))
    taken = [(s, e) for s, e, *_ in found]
    for match in doc._find(_DAY_MONTH, sentence):
        if any(s <= match.start() < e for s, e in taken):
            continue
        draft = _day_month(doc, sentence, match)
        if draft:
            candidates.append(_Candidate(1, True, draft))
    return candidates


# "The Suez Canal Company was founded in _____, and most of its shares…": a passive statement
# of when something was done, which reads as a question.
_PASSIVE_DATE = re.compile(
    r"^(?P<subject>[A-Z][^,;:]{2,80}?) (?P<aux>was|were) "
    r"(?P<done>[a-z]+(?:ed|en|t|wn|ng|ld|ilt|ade|ght))\b(?P<where>[^,;:_]{0,40}?) "
    r"(?P<prep>in|on) _____(?P<rest>[^_]*)$"
)
_ASKED = {"year": "In which year", "date": "On which date", "decade": "In which decade"}


def _as_question(draft: Draft, kind: str) -> Draft:
    """A date choice whose sentence says when something was done, asked as a wh-question:
    "In which year was the Suez Canal Company founded?" A clause after a comma is left out; a
    sentence of another shape keeps its blank."""
    match = _PASSIVE_DATE.match(draft.prompt)
    if match is None:
        return draft
    subject = match["subject"]
    if subject.split()[0] in ("The", "A", "An"):
        subject = subject[0].lower() + subject[1:]
    rest = match["rest"].strip()
    tail = "" if rest.startswith(",") or rest in ("", ".") else " " + rest.rstrip(".")
    question = f"{_ASKED[kind]} {match['aux']} {subject} {match['done']}{match['where']}{tail}?"
    return replace(draft, prompt=_norm(question), rule=f"{kind}-question")


def _day_month(doc: _Document, sentence: _Sentence, match: re.Match) -> Draft | None:
    """ "On 3 March the delegates met": a day and month whose year the paragraph gave earlier,
    as a single choice among other days of that month a week or two away (none the text names).
    """
    text = doc.text
    before = text[sentence.start : match.start()]
    if not _DATE_LEAD.search(before) or _COORDINATED_NUMBER_BEFORE.search(before[-12:]):
        return None
    if _COORDINATED_NUMBER_AFTER.match(text[match.end() : sentence.end]):
        return None
    paragraph_start = max(text.rfind("\n\n", 0, sentence.start), 0)
    if not _YEAR.search(text, paragraph_start, sentence.start):
        return None  # no year to read it in: "3 March" of which year?
    day = int(match["day"] or match["day2"])
    month = match["month"] or match["month2"]
    if not 1 <= day <= 31:
        return None
    days = [day + offset for offset in (7, -7, 14, -14, 21, -21)]
    shown = []
    for other in days:
        if not 1 <= other <= 28:
            continue
        label = f"{other} {month}" if match["day"] else f"{month} {other}"
        if label not in text:
            shown.append(label)
        if len(shown) == 3:
            break
    if len(shown) < 3:
        return None
    return _choice(doc, sentence, (match.start(), match.end()), shown, "day-month-choice")


def _count_candidates(doc: _Document, sentence: _Sentence) -> list[_Candidate]:
    """Counts with their noun ("54 pages", "three requests") as numeric drafts."""
    text = doc.text
    candidates = []
    for match in doc._find(_COUNT, sentence):
        raw = match.group("number")
        start, end = match.start("number"), match.end("number")
        if re.fullmatch(r"1[0-9]{3}|20[0-9]{2}", raw) or not match.group("noun").islower():
            continue
        before = text[sentence.start : start].casefold()
        after = text[match.end() : sentence.end]
        if re.match(rf"\s+{_MONTH}\b", text[end : sentence.end], re.IGNORECASE):
            continue  # "on 3 November their comrades marched": a day of the month, no count
        if re.search(r"\b(?:the|these|those|all|both|its|their|his|her)\s+$", before):
            continue  # "all three installations": the number refers back
        if any(re.search(rf"\b{h}\s+$", before) for h in _ONE_SIDED):
            continue  # "more than 10": a one-sided bound has no single answer
        if _COORDINATED_NUMBER_BEFORE.search(before[-12:]) and re.search(
            r"\d|\b(?:two|three|four|five)\b", before[-12:]
        ):
            continue
        if _COORDINATED_NUMBER_AFTER.match(text[end : sentence.end]):
            continue
        if ":" in " ".join(after.split()[:4]):
            continue  # the list that follows counts the answer out
        value = _NUMBER_WORDS.get(raw.casefold())
        if value is None:
            value = float(raw.replace(",", ""))
        approximate = any(re.search(rf"\b{h}\s+$", before) for h in _APPROXIMATE)
        tolerance = round(max(1.0, value * 0.1), 2) if approximate else 0.0
        prompt = _cloze(text, sentence, start, end)
        draft = Draft(
            kind=NUMERIC,
            prompt=prompt,
            answer=text[start:end],
            source_start=sentence.start,
            source_end=sentence.end,
            answer_start=start,
            answer_end=end,
            rule="count-numeric",
            numeric_value=float(value),
            numeric_tolerance=tolerance,
            warnings=tuple(_context_warnings(doc, sentence, prompt)),
        )
        candidates.append(_Candidate(3, False, draft))
    return candidates


def _matching_candidates(doc: _Document, sentence: _Sentence) -> list[_Candidate]:
    """Parallel lists such as "an aviation school at Lipetsk, a gas school at Volsk, and a tank
    school near Kazan" become matching drafts (label -> place)."""
    text = doc.text
    items = []
    for match in doc._find(_LIST_ITEM, sentence):
        label_words = match.group("label").split()
        if any(w in _FUNCTION_WORDS for w in label_words):
            continue
        items.append((match, label_words))
    runs: list[list] = []
    for item in items:
        previous = runs[-1][-1] if runs else None
        if previous and _LIST_GAP.match(text[previous[0].end() : item[0].start()]):
            runs[-1].append(item)
        else:
            runs.append([item])
    candidates = []
    for run in runs:
        heads = {words[-1] for _, words in run}
        # Same head ("aviation school", "gas school"): the modifiers are the labels.
        shared = len(heads) == 1 and all(len(words) > 1 for _, words in run)
        labels = [" ".join(words[:-1] if shared else words) for _, words in run]
        places = [_norm(match.group("place")) for match, _ in run]
        if len(run) < 3 or len({x.casefold() for x in labels}) < len(run):
            continue
        if len({x.casefold() for x in places}) < len(run):
            continue
        start, end = run[0][0].start(), run[-1][0].end()
        head = run[0][1][-1] if shared else "item"
        lead = _norm(text[sentence.start : start]).rstrip(" :,;")
        ask = f"Match each {head} with its place."
        prompt = f"{lead}. {ask}" if lead else ask
        draft = Draft(
            kind=MATCHING,
            prompt=prompt,
            answer=text[start:end],
            source_start=sentence.start,
            source_end=sentence.end,
            answer_start=start,
            answer_end=end,
            rule="list-matching",
            pairs=tuple(zip(labels, places, strict=True)),
            warnings=tuple(_context_warnings(doc, sentence, lead)),
        )
        candidates.append(_Candidate(0, False, draft))
    return candidates


# "the League of Nations (LoN)", "Reichswehr (RW)": a name and the short form the text defines
# for it in brackets right after it.
_DEFINED = re.compile(
    r"(?P<name>(?:[A-Z][\w'’-]*\s+(?:(?:of|the|and|for|de|du|von)\s+)*){0,7}[A-Z][\w'’-]*)"
    r"\s*\(\s*(?P<short>[A-Z][A-Za-z]{1,7}|[A-Z](?:\.[A-Z])+\.?)\s*\)"
)


def defined_aliases(text: str) -> dict[str, str]:
    """Names and the abbreviations the text defines for them, both ways, by folded form: an
    abbreviation counts when its capitals are initials of the name's capitalised words."""
    aliases: dict[str, str] = {}
    for found in _DEFINED.finditer(text):
        name, short = found["name"].strip(), found["short"]
        initials = "".join(word[0] for word in name.split() if word[:1].isupper())
        letters = "".join(char for char in short if char.isupper())
        if len(letters) < 2 or not initials.endswith(letters):
            continue
        # The name is the words whose initials the abbreviation spells, from the first of them.
        words = name.split()
        capitals = [index for index, word in enumerate(words) if word[:1].isupper()]
        name = " ".join(words[capitals[len(capitals) - len(letters)] :])
        aliases.setdefault(name.casefold(), short)
        aliases.setdefault(short.casefold(), name)
    return aliases


def _also_called(doc: "_Document", key: str) -> list[str]:
    """Other forms of a key the text itself gives: its defined abbreviation (or the name an
    abbreviation stands for), and the key without a leading "the"."""
    forms = []
    bare = re.sub(r"^the\s+", "", _norm(key), flags=re.IGNORECASE)
    if bare != _norm(key):
        forms.append(bare)
    alias = doc.aliases.get(bare.casefold())
    if alias:
        forms.append(alias)
    return forms + _person_forms(doc, bare)


def _person_forms(doc: "_Document", name: str) -> list[str]:
    """For a first name or a surname alone, the full names of people the text gives with it
    ("Fleming" -> "Alexander Fleming"). Only names typed as people: "Nile" is no short form of
    "White Nile"."""
    if " " in name:
        return []
    return [
        surface
        for key, surface in doc.surfaces.items()
        if doc.types.get(key) == "person"
        and len(surface.split()) in (2, 3)
        and name in (surface.split()[0], surface.split()[-1])
    ]


def _name_variants(surface: str, kind: str | None) -> list[str]:
    """Accepted answers: without "the", "X Treaty" / "Treaty of X", a person's surname."""
    name = _norm(surface)
    words = name.split()
    variants = [name]
    if kind == "document":
        if len(words) == 2 and words[1].casefold() in _HEAD_TYPE:
            variants += [f"{words[1]} of {words[0]}", words[0]]
        if len(words) == 3 and words[1] == "of":
            variants += [f"{words[2]} {words[0]}", words[2]]
    if kind == "person" and "of" in words:
        variants.append(" ".join(words[: words.index("of")]))  # "Valdemar IV of Denmark"
    elif kind == "person" and len(words) > 1 and _ROMAN.fullmatch(words[-1]):
        pass  # "Wilhelm II": "II" is no name to answer with
    elif kind == "person" and len(words) > 1:
        variants.append(words[-1])
        if words[-2].casefold() in _CONNECTORS:
            variants.append(" ".join(words[-2:]))
    return variants


def _name_candidates(doc: _Document, sentence: _Sentence) -> list[_Candidate]:
    """Names: single choice among same-type names, else fill-in-the-blank."""
    text = doc.text
    candidates = []
    for mention in sentence.mentions:
        key = _key(mention.surface)
        kind = doc.types.get(key)
        if kind == "nationality" or key in _HEAD_TYPE:
            continue  # "the League" alone is a reference back, not a name to learn
        if kind is None and doc.counts[key] < 2 and len(key.split()) < 2:
            continue  # an unknown single word seen once is more often noise than a name
        before = text[sentence.start : mention.start]
        after = text[mention.end : sentence.end]
        if _COORDINATED_NAME_BEFORE.search(before) or _COORDINATED_NAME_AFTER.match(after):
            continue  # "Germany and ___" gives itself away
        short = doc.aliases.get(_key(mention.surface).casefold())
        if short and re.match(rf"\s*\(\s*{re.escape(short)}\s*\)", after):
            continue  # "the _____ (NATO)" spells the name's initials
        span = (mention.start, mention.end)
        stem = _cloze(text, sentence, *span)
        if _leaks(mention.surface, stem):
            continue
        if kind is None:
            draft = _blank(doc, sentence, span, [], "name-blank")
            candidates.append(_Candidate(4, False, draft))
            continue
        distractors: list[str] = []
        for other in doc.pools.get(kind, []):
            if len(distractors) == 3:
                break
            if _same_entity(other, mention.surface) or _leaks(other, stem):
                continue
            if other.casefold() in stem.casefold():
                continue
            if any(_same_entity(other, d) for d in distractors):
                continue
            distractors.append(other)
        if len(distractors) == 3:
            draft = _choice(doc, sentence, span, distractors, "name-choice")
            candidates.append(_Candidate(2, False, draft))
        else:
            draft = _blank(
                doc, sentence, span, _name_variants(mention.surface, kind)[1:], "name-blank"
            )
            candidates.append(_Candidate(3, False, draft))
    return candidates


def _when(match: re.Match) -> tuple[int, int, int]:
    """(year, month, day) of a full date, (year, 0, 0) of a year alone."""
    text = match.group()
    year = int(re.findall(r"\d{4}", text)[-1])
    month = next(
        (number for number, name in enumerate(_MONTH_ORDER, start=1) if name in text.casefold()),
        0,
    )
    day = re.match(r"\D*?(\d{1,2})(?!\d)", text) if month else None
    return year, month, int(day.group(1)) if day else 0


def _orderable(when: tuple[int, int, int], other: tuple[int, int, int]) -> bool:
    """Two events whose order the dates settle: other years, or other days of one year."""
    if when[0] != other[0]:
        return True
    return bool(when[1] and other[1] and when[1:] != other[1:])


def _ordering(doc: _Document) -> list[_Candidate]:
    """Chronological ordering of sentences dated with "in"/"on", when three or more are dated."""
    events = []
    for index, sentence in enumerate(doc.sentences):
        if not sentence.usable:
            continue
        # A full date orders events within one year; a year alone, only across years.
        for match in [*doc._find(_FULL_DATE, sentence), *doc._find(_YEAR, sentence)]:
            if _DATE_LEAD.search(doc.text[sentence.start : match.start()]):
                events.append((index, _when(match), match))
                break
    runs: list[list] = [[]]
    for event in events:
        if runs[-1] and any(runs[-1][-1][2].end() <= s < event[2].start() for s, _ in doc.skipped):
            runs.append([])
        if all(_orderable(event[1], other[1]) for other in runs[-1]):
            runs[-1].append(event)
    for run in runs:
        if len(run) < 3:
            continue
        run = run[:5]
        labels = []
        for index, when, match in run:
            sentence = doc.sentences[index]
            lead = doc.text[sentence.start : match.start()]
            lead = _DATE_LEAD.sub("", lead)
            label = _norm(lead + doc.text[match.end() : sentence.end]).strip(" ,.;")
            words = label.split()
            labels.append((when, " ".join(words[:12]) + (" …" if len(words) > 12 else "")))
        if len({label.casefold() for _, label in labels}) < len(labels):
            continue
        first, last = doc.sentences[run[0][0]], doc.sentences[run[-1][0]]
        draft = _passage_draft(
            doc,
            ORDERING,
            "Put these events in chronological order.",
            (first.start, last.end),
            "date-ordering",
            order=tuple(label for _, label in sorted(labels)),
            warnings=(WARN_LABEL,),
        )
        return [_Candidate(5, True, draft)]
    return []


# Selection and checks


def _is_term_word(word: str) -> bool:
    return (
        word.isalpha()
        and word.islower()
        and len(word) >= 4
        and word not in _FUNCTION_WORDS
        and word not in _GENERAL_NOUNS
        and word not in _ADJECTIVES
        and not word.endswith(("ly", "ed", "ing"))
    )


def _term_at(doc: _Document, sentence: _Sentence, index: int) -> tuple[int, int] | None:
    """The span of a term whose head is word `index`: a lower-case noun, or an adjective and a
    noun, right after "the" or a possessive ("the chamber", "the lower gate", "its
    chloroplasts"), or after "a" or "an" with the article ("a reservoir"), the phrase ending
    there. A verb passes for a noun in so simple a test ("the
    keeper opens the paddles"), so a head followed by a determiner or another content word is
    not taken, nor a second word that is not an adjective ("the boat enters")."""
    words = sentence.words
    if index == 0 or not _is_term_word(words[index][2]) or words[index][2] in _MODIFIERS:
        return None
    if index + 1 < len(words):
        gap = doc.text[words[index][1] : words[index + 1][0]]
        following = words[index + 1][2].casefold()
        if not gap.strip() and (
            following not in _FUNCTION_WORDS or following in _OBJECT_DETERMINERS
        ):
            return None
    for first in (index, index - 1):
        if first < 1 or not _is_term_word(words[first][2]):
            return None
        if first < index and not (
            words[first][2] in _MODIFIERS or words[first][2].endswith(_MODIFIER_ENDINGS)
        ):
            return None
        if doc.text[words[first - 1][1] : words[first][0]].strip():
            return None
        determiner = words[first - 1][2].casefold()
        if determiner in _TERM_DETERMINERS:
            return words[first][0], words[index][1]
        if determiner in ("a", "an"):
            # The article goes into the blank: "an _____" would tell the key's first letter.
            return words[first - 1][0], words[index][1]
    return None


def _term_of(surface: str) -> str:
    """A term as the pool knows it: folded, singular, without an article."""
    words = _tokens(surface)
    if words and words[0] in ("a", "an"):
        words = words[1:]
    return " ".join(_singular(w) for w in words)


def _singular(word: str) -> str:
    """A plural's singular, crudely; words that end in -s of their own ("pancreas", "gas",
    "virus", "basis", "glass") are left alone."""
    if word in ("series", "species"):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "as")):
        return word[:-1]
    return word


@dataclass
class _Terms:
    """The text's terms (folded, singular), in how many sentences each is used wherever it
    stands, and the terms a sentence says are the same thing ("the mutiny was a revolt")."""

    uses: Counter
    same: dict[str, set[str]]
    words: frozenset[str] = frozenset()

    def written(self, form: str) -> bool:
        """The form is the text's own (a crude singular such as "pancrea" is not)."""
        return all(word in self.words for word in form.split())


_COPULA = re.compile(r"^\s+(?:is|was|are|were)\s+(?:(?:a|an|the)\s+)?$")


def _term_pool(doc: _Document) -> _Terms:
    terms = set()
    for sentence in doc.sentences:
        for index in range(len(sentence.words)):
            span = _term_at(doc, sentence, index)
            if span:
                terms.add(_term_of(doc.text[span[0] : span[1]]))
    by_first: dict[str, list[str]] = defaultdict(list)
    for term in terms:
        by_first[term.split()[0]].append(term)
    uses: Counter = Counter()
    same: dict[str, set[str]] = defaultdict(set)
    for sentence in doc.sentences:
        words = sentence.words
        singulars = [_singular(word.casefold()) for _, _, word in words]
        places = []
        for at, first in enumerate(singulars):
            for term in by_first.get(first, ()):
                size = term.count(" ") + 1
                if " ".join(singulars[at : at + size]) == term:
                    places.append((words[at][0], words[at + size - 1][1], term))
        uses.update({term for _, _, term in places})
        for _, end, term in places:
            for start, _, other in places:
                if other != term and end < start and _COPULA.match(doc.text[end:start]):
                    same[term].add(other)
                    same[other].add(term)
    return _Terms(uses, same, frozenset(_tokens(doc.text)))


def _term_candidates(doc: _Document, sentence: _Sentence, terms: _Terms) -> list[_Candidate]:
    """A term of the text blanked, for a paragraph that names no one and dates nothing (how
    something works, what something is). The term is used in at least two sentences, so the text
    teaches it; a fill-in-the-blank, since other terms of the text may fit the sentence as well
    as the key (a choice among them could have two right answers). Accepted: the singular or
    plural, and a term a sentence equates with it."""
    candidates = []
    for index in range(len(sentence.words)):
        span = _term_at(doc, sentence, index)
        if span is None:
            continue
        surface = _norm(doc.text[span[0] : span[1]])
        term = _term_of(surface)
        if terms.uses[term] < 2:
            continue
        prompt = _cloze(doc.text, sentence, *span)
        if _leaks(term, prompt):
            continue
        bare = surface.split(" ", 1)[1] if surface.casefold().startswith(("a ", "an ")) else ""
        variants = [
            v
            for v in [bare, term, *sorted(terms.same[term])]
            if v
            and v.casefold() != surface.casefold()
            and terms.written(v.casefold())
            and not _appears(v, prompt)
        ]
        draft = _blank(doc, sentence, span, variants, "term-blank")
        candidates.append(_Candidate(-terms.uses[term], False, draft))
    return candidates


# A name the text defines: "small openings called paddles", "known as broken tulips".
_CALLED = re.compile(
    r"\b(?:called|known as|termed)\s+(?:(?:the|a|an)\s+)?"
    r"(?P<term>[a-z0-9][\w-]*(?:\s+[a-z][\w-]*)?)"
    r"(?=\s*(?:[,.;:)]|$|\s(?:and|or|which|that|who|because|for|in|on|by|with)\b))",
    re.IGNORECASE,
)


def _definition_candidates(doc: _Document, sentence: _Sentence) -> list[_Candidate]:
    """The name a sentence defines, blanked: "Each gate has small openings called _____". When
    its last word is said elsewhere in the sentence ("tulips … known as broken tulips"), only
    the words before it are asked."""
    candidates = []
    for match in doc._find(_CALLED, sentence):
        start, end = match.start("term"), match.end("term")
        words = match.group("term").split()
        prompt = _cloze(doc.text, sentence, start, end)
        if len(words) == 2 and _leaks(words[1], prompt) and not _leaks(words[0], prompt):
            end = start + len(words[0])
            prompt = _cloze(doc.text, sentence, start, end)
        surface = doc.text[start:end]
        if not any(c.isalpha() for c in surface) or _leaks(surface, prompt):
            continue
        singular = " ".join(_singular(w) for w in _tokens(surface))
        forms = [singular] if singular != surface.casefold() else []
        draft = _blank(doc, sentence, (start, end), forms, "definition-blank")
        candidates.append(_Candidate(-10, False, draft))
    return candidates


MAX_GAPS = 4
_CLOZE_SPECIAL = "}~#\\"


def _cloze_escape(text: str) -> str:
    """Text of the passage as Cloze syntax reads it: its special characters escaped, runs of
    whitespace one space (the spaces either side of a gap kept)."""
    return "".join("\\" + c if c in _CLOZE_SPECIAL else c for c in re.sub(r"\s+", " ", text))


def _gap(draft: Draft) -> str:
    """A draft's key as a gap of Moodle's Cloze syntax: its number, its choice, its answers."""
    if draft.kind == NUMERIC:
        value, tolerance = draft.numeric_value or 0.0, draft.numeric_tolerance or 0.0
        return f"{{1:NUMERICAL:={value:g}:{tolerance:g}}}"
    if draft.kind == SINGLE_CHOICE:
        # In the choice's own order (sorted): a drop-down shows them as written.
        shown = [("=" if o.correct else "") + _cloze_escape(o.text) for o in draft.options]
        return "{1:MULTICHOICE:" + "~".join(shown) + "}"
    answers = "~=".join(_cloze_escape(a) for a in draft.answers or (draft.answer,))
    return "{1:SHORTANSWER:=" + answers + "}"


def _paragraph_cloze(doc: _Document, candidates: list[_Candidate]) -> list[_Candidate]:
    """One cloze draft for the text: the paragraph whose drafts ask about the most different
    keys, with two to four of those keys as its gaps (a number, a drop-down of the choice's
    options, or the blank's accepted answers), each said once in the paragraph."""
    gapped = [
        c.draft
        for c in candidates
        if c.draft.kind in (SHORT_ANSWER, SINGLE_CHOICE, NUMERIC) and not c.draft.statement
    ]
    best: tuple[int, int, list[Draft]] | None = None
    for paragraph in paragraphs(doc.text):
        body = doc.text[paragraph.start : paragraph.end]
        if "{" in body or "}" in body:
            continue  # braces would read as gaps
        inside = sorted(
            (d for d in gapped if paragraph.start <= d.answer_start < paragraph.end),
            key=lambda d: d.answer_start,
        )
        chosen: list[Draft] = []
        for draft in inside:
            if len(chosen) == MAX_GAPS:
                break
            if chosen and draft.answer_start < chosen[-1].answer_end:
                continue
            if any(_key(draft.answer) == _key(c.answer) for c in chosen):
                continue
            if body.casefold().count(_key(draft.answer)) != 1:
                continue  # said again in the passage: the gap would give itself away
            chosen.append(draft)
        if len(chosen) >= 2 and (best is None or len(chosen) > best[0]):
            best = (len(chosen), paragraph.start, chosen)
    if best is None:
        return []
    _, start, chosen = best
    paragraph = next(p for p in paragraphs(doc.text) if p.start == start)
    pieces, at = [], paragraph.start
    for draft in chosen:
        pieces += [_cloze_escape(doc.text[at : draft.answer_start]), _gap(draft)]
        at = draft.answer_end
    pieces.append(_cloze_escape(doc.text[at : paragraph.end]))
    markup = "".join(pieces)
    draft = _passage_draft(
        doc,
        CLOZE,
        "Fill in the gaps in this passage of the text.",
        (paragraph.start, paragraph.end),
        "paragraph-cloze",
        markup=markup,
    )
    return [_Candidate(6, False, draft)]


# "held by the United States, Britain, France and the Soviet Union": names of one type.
_LIST_JOIN = re.compile(r"^\s*(?:,\s*(?:and\s+)?|\s+and\s+)(?:the\s+)?$")
MAX_LIST_DISTRACTORS = 3


def _list_candidates(doc: _Document, sentence: _Sentence) -> list[_Candidate]:
    """A list of three or more names of one type in a sentence ("shared by Uganda, Kenya and
    Tanzania"), asked as multiple response: the list blanked, its names right, names of the
    same type the sentence does not say wrong."""
    mentions = sentence.mentions
    candidates = []
    index = 0
    while index < len(mentions):
        run = [mentions[index]]
        kind = doc.types.get(_key(mentions[index].surface))
        while index + len(run) < len(mentions):
            following = mentions[index + len(run)]
            between = doc.text[run[-1].end : following.start]
            if doc.types.get(_key(following.surface)) != kind or not _LIST_JOIN.match(between):
                break
            run.append(following)
        index += len(run)
        if kind in (None, "nationality") or len(run) < 3:
            continue
        if " and " not in doc.text[run[-2].end : run[-1].start]:
            continue  # a list ends with "and"
        start, end = run[0].start, run[-1].end
        prompt = _cloze(doc.text, sentence, start, end)
        named = [_norm(m.surface) for m in run]
        wrong = [
            other
            for other in doc.pools.get(kind, [])
            if not any(_same_entity(other, name) for name in named) and not _appears(other, prompt)
        ][:MAX_LIST_DISTRACTORS]
        if len(wrong) < 2:
            continue
        options = sorted(
            [Option(name, True) for name in named] + [Option(w, False) for w in wrong],
            key=lambda o: o.text.casefold(),
        )
        draft = Draft(
            kind=MULTIPLE_RESPONSE,
            prompt=f"{prompt} (Choose all that the text names.)",
            answer=doc.text[start:end],
            source_start=sentence.start,
            source_end=sentence.end,
            answer_start=start,
            answer_end=end,
            rule="list-multiple-response",
            options=tuple(options),
            warnings=tuple(_context_warnings(doc, sentence, prompt)),
        )
        candidates.append(_Candidate(2, False, draft))
    return candidates


STATEMENTS = (3, 4)  # at least, at most
MAX_STATEMENT_WORDS = 35


def _which_is_true(doc: _Document, candidates: list[_Candidate]) -> list[_Candidate]:
    """One "which of these is true" draft for the text: three or four of its dated sentences,
    in the text's order, one as written and the others with their date changed as the date
    rules change it (a date after "in"/"on", another year of the text or a near one: false by
    the text). The shortest sentences that need no context are taken; the true one is picked
    by the text."""
    dated: dict[tuple[int, int], tuple[str, str, Draft]] = {}
    used = Counter((c.draft.source_start, c.draft.source_end) for c in candidates)
    for candidate in sorted(candidates, key=lambda c: c.draft.source_end - c.draft.source_start):
        draft = candidate.draft
        if not candidate.is_date or draft.warnings or draft.statement:
            continue  # a true/false draft keeps no changed date apart from its sentence
        wrong = next((o.text for o in draft.options if not o.correct), None)
        if wrong is None:
            continue
        sentence = doc.text[draft.source_start : draft.source_end]
        if len(sentence.split()) > MAX_STATEMENT_WORDS or not sentence.rstrip().endswith("."):
            continue
        if _span(draft) in dated:
            continue
        true = _norm(sentence)
        false = _norm(
            doc.text[draft.source_start : draft.answer_start]
            + wrong
            + doc.text[draft.answer_end : draft.source_end]
        )
        dated[_span(draft)] = (true, false, draft)
    if len(dated) < STATEMENTS[0]:
        return []
    picked = [dated[span] for span in sorted(dated)][: STATEMENTS[1]]
    seed = zlib.crc32("".join(true for true, _, _ in picked).encode())
    order = [i for i in range(len(picked)) if used[_span(picked[i][2])] < MAX_PER_SENTENCE]
    if not order:
        return []
    right = order[seed % len(order)]
    options = tuple(
        Option(true if i == right else false, i == right)
        for i, (true, false, _) in enumerate(picked)
    )
    keyed = picked[right][2]
    draft = _passage_draft(
        doc,
        SINGLE_CHOICE,
        "Which of these statements is true, according to the text?",
        _span(keyed),
        "which-is-true",
        options=options,
    )
    return [_Candidate(6, False, draft)]


def _span(draft: Draft) -> tuple[int, int]:
    return draft.source_start, draft.source_end


def _passage_draft(
    doc: _Document, kind: str, prompt: str, span: tuple[int, int], rule: str, **parts
) -> Draft:
    """A draft that keys on a whole passage of the text (a run of sentences, a paragraph)."""
    start, end = span
    return Draft(
        kind=kind,
        prompt=prompt,
        answer=doc.text[start:end],
        source_start=start,
        source_end=end,
        answer_start=start,
        answer_end=end,
        rule=rule,
        **parts,
    )


def _terms_for_bare_paragraphs(doc: _Document, candidates: list[_Candidate]) -> list[_Candidate]:
    """One draft for each paragraph no other rule asked about: a name it defines, else the
    text's most used term one of its sentences can be asked about."""
    taken = sorted(c.draft.source_start for c in candidates)
    bare = [
        paragraph
        for paragraph in paragraphs(doc.text)
        if not any(paragraph.start <= start < paragraph.end for start in taken)
    ]
    terms = _term_pool(doc) if bare else _Terms(Counter(), {})
    found = []
    for paragraph in bare:
        inside = [
            candidate
            for sentence in doc.sentences
            if sentence.usable and paragraph.start <= sentence.start < paragraph.end
            for candidate in [
                *_definition_candidates(doc, sentence),
                *_term_candidates(doc, sentence, terms),
            ]
        ]
        if inside:
            found.append(min(inside, key=lambda c: (c.priority, c.draft.answer_start)))
    return found


def _pick_per_sentence(candidates: list[_Candidate]) -> list[_Candidate]:
    """At most two drafts per sentence, best first, with keys that do not overlap."""
    chosen: list[_Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (c.priority, c.draft.answer_start)):
        draft = candidate.draft
        if any(
            draft.answer_start < c.draft.answer_end and c.draft.answer_start < draft.answer_end
            for c in chosen
        ):
            continue
        chosen.append(candidate)
        if len(chosen) == MAX_PER_SENTENCE:
            break
    return chosen


def _cap_dates(candidates: list[_Candidate]) -> list[_Candidate]:
    """Keep date drafts to about 40 % of the set, dropping the weakest first."""
    dates = sorted(
        (c for c in candidates if c.is_date), key=lambda c: (c.priority, c.draft.answer_start)
    )
    others = [c for c in candidates if not c.is_date]
    allowed = max(1, int(len(others) * MAX_DATE_SHARE / (1 - MAX_DATE_SHARE)))
    return others + dates[:allowed]


def _valid(draft: Draft, text: str, skipped: list[tuple[int, int]]) -> bool:
    """The invariants every returned draft satisfies."""
    if not (
        0
        <= draft.source_start
        <= draft.answer_start
        < draft.answer_end
        <= draft.source_end
        <= len(text)
    ):
        return False
    if not draft.statement and text[draft.answer_start : draft.answer_end] != draft.answer:
        return False
    if any(s < draft.source_end and draft.source_start < e for s, e in skipped):
        return False
    if not draft.prompt.strip():
        return False
    texts = [o.text.casefold() for o in draft.options]
    if len(set(texts)) != len(texts) or any(_appears(t, draft.prompt) for t in texts):
        return False
    if draft.kind == MULTIPLE_RESPONSE:
        return len(texts) >= 3 and 0 < sum(o.correct for o in draft.options) < len(texts)
    if draft.options:
        return len(texts) >= 2 and sum(o.correct for o in draft.options) == 1
    return True


def _appears(option: str, prompt: str) -> bool:
    """True if the option can be read in the prompt (as words, so "True" is not in "construed")."""
    words = _tokens(option)
    if not words:
        return True
    haystack = " " + " ".join(_tokens(prompt)) + " "
    return f" {' '.join(words)} " in haystack


def topic_phrase(title: str) -> str:
    """What a title names, without its dates and punctuation: "1922-1932 - Rapallo" -> "rapallo"
    (folded)."""
    words = re.findall(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", title)
    return " ".join(words).casefold()


def derive(text: str, *, restore: Iterable[tuple[int, int]] = (), title: str = "") -> list[Draft]:
    """Propose draft questions from `text`; `restore` lists boilerplate spans to read anyway.
    A key that is the text's `title` (its topic phrase) is never asked: a reader knows it from
    the heading."""
    topic = _without_article(topic_phrase(title))
    return [
        draft
        for draft in _derive(text, restore)
        if not topic or _without_article(topic_phrase(draft.answer)) != topic
    ]


def _without_article(phrase: str) -> str:
    return phrase.removeprefix("the ").removeprefix("a ").removeprefix("an ")


def _derive(text: str, restore: Iterable[tuple[int, int]]) -> list[Draft]:
    doc = _Document(text, restore)
    candidates: list[_Candidate] = []
    for sentence in doc.sentences:
        if not sentence.usable:
            continue
        found = _matching_candidates(doc, sentence)
        taken = [(c.draft.answer_start, c.draft.answer_end) for c in found]
        for candidate in [
            *_list_candidates(doc, sentence),
            *_date_candidates(doc, sentence),
            *_name_candidates(doc, sentence),
            *_count_candidates(doc, sentence),
        ]:
            d = candidate.draft
            if not any(s <= d.answer_start < e for s, e in taken):
                found.append(candidate)
        candidates += _pick_per_sentence(found)
    candidates += _ordering(doc)
    candidates += _terms_for_bare_paragraphs(doc, candidates)
    # Not counted in the share of dates: they ask about a paragraph, or several sentences.
    cloze = _paragraph_cloze(doc, candidates) + _which_is_true(doc, candidates)
    drafts = []
    seen = set()
    per_key: Counter = Counter()
    for candidate in sorted(_cap_dates(candidates) + cloze, key=lambda c: c.draft.source_start):
        draft = candidate.draft
        key = _key(draft.answer)
        if (draft.kind, draft.prompt) in seen or per_key[key] >= MAX_PER_KEY:
            continue
        if not _valid(draft, text, doc.skipped):
            continue
        seen.add((draft.kind, draft.prompt))
        per_key[key] += 1
        drafts.append(draft)
    drafts.sort(key=lambda d: (d.source_start, d.answer_start, d.kind, d.rule))
    return drafts


@dataclass(frozen=True)
class Uncovered:
    """A paragraph of the text that no draft asks about, and why, as the review page says it."""

    number: int
    opening: str
    reason: str


def uncovered_paragraphs(
    text: str, draft_spans: Iterable[tuple[int, int]], *, restore: Iterable[tuple[int, int]] = ()
) -> list[Uncovered]:
    """The paragraphs (numbered as the site numbers them) with no draft in them, each with the
    reason: sentences the rules cannot use (too long, too short, opening with a pronoun or a
    quote), or nothing the rules ask about in the sentences they can. Lines skipped as page
    clutter are left out: the page greys them, with a button to read them after all."""
    spans = list(draft_spans)
    reasons = sentence_reasons(text, restore=restore)
    found = []
    for paragraph in paragraphs(text):
        if any(paragraph.start <= start < paragraph.end for start, _ in spans):
            continue
        inside = [why for start, _, why in reasons if paragraph.start <= start < paragraph.end]
        if not inside:
            continue  # page clutter, shown greyed with its Restore button
        if all(inside):
            reason = "its sentences are " + " or ".join(sorted(set(inside)))
        else:
            reason = "no name, date or number that the rules ask about"
        opening = " ".join(paragraph.text.split()[:12])
        found.append(Uncovered(paragraph.number, opening, reason))
    return found


# Select to make: the instructor picks the words, the rules build the draft around them.

SELECTED_KINDS = {"blank": SHORT_ANSWER, "choice": SINGLE_CHOICE, "true_false": TRUE_FALSE}
MAX_SELECTED_WORDS = 8


class SelectionRefused(ValueError):
    """Why the selected words cannot make a draft of the kind asked for; said to the
    instructor."""


def draft_for_span(
    text: str, start: int, end: int, kind: str, *, restore: Iterable[tuple[int, int]] = ()
) -> Draft:
    """A draft of `kind` ("blank", "choice", "true_false") asking about text[start:end]: the
    sentence with a blank; for a choice, three other words of the text of the same type (years
    for a year, names of the same type for a name, numbers for a number, terms for a term); for
    true/false, the sentence as written or with one of those in place of the key."""
    if kind not in SELECTED_KINDS:
        raise SelectionRefused("Choose a blank, a choice or a true/false statement.")
    if not 0 <= start < end <= len(text):
        raise SelectionRefused("Select some words of the text first.")
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1  # a word cut by the selection is taken whole
    while end < len(text) and text[end].isalnum():
        end += 1
    if start >= end:
        raise SelectionRefused("Select a word, a name, a date or a number.")
    key = text[start:end]
    if len(key.split()) > MAX_SELECTED_WORDS:
        raise SelectionRefused(
            f"Select at most {MAX_SELECTED_WORDS} words: what a student answers."
        )
    doc = _Document(text, restore)
    sentence = next((s for s in doc.sentences if s.start <= start and end <= s.end), None)
    if sentence is None:
        raise SelectionRefused("Select words inside one sentence of the text (not a skipped line).")
    prompt = _cloze(text, sentence, start, end)
    if _leaks(key, prompt):
        raise SelectionRefused(
            f"“{_norm(key)}” is said again in its sentence: the blank would give it away."
        )
    span = (start, end)
    if kind == "blank":
        draft = _blank(doc, sentence, span, _selected_variants(doc, key), "selected-blank")
    else:
        others = _same_kind(doc, key, prompt)
        if len(others) < 3:
            raise SelectionRefused(
                f"The text has too few other words like “{_norm(key)}” to offer: make it a blank."
            )
        if kind == "choice":
            draft = _choice(doc, sentence, span, others[:3], "selected-choice")
        else:
            made = _true_false(doc, sentence, span, others[0], "selected-true-false")
            if made is None:
                raise SelectionRefused("The sentence says “true” or “false”: make it a choice.")
            draft = made
    if not _valid(draft, text, doc.skipped):
        raise SelectionRefused("These words cannot make a draft: select other words.")
    return draft


def _name_type(doc: _Document, key: str) -> str | None:
    """The type of the name the selected words are (or are part of: "Metternich" in "Klemens
    von Metternich")."""
    folded = _key(key)
    if doc.types.get(folded):
        return doc.types[folded]
    for whole, kind in doc.types.items():
        if kind and f" {folded} " in f" {whole} ":
            return kind
    return None


def _names_after_same_preposition(doc: _Document, key: str, prompt: str) -> list[str]:
    """For a name of no known type after a place preposition ("a gas school at Volsk"), the
    other names the text puts after one; none otherwise."""
    folded = _key(key)
    mentions = [m for s in doc.sentences for m in s.mentions]
    preps = {m.prep for m in mentions if _key(m.surface) == folded}
    if not preps & _PLACE_PREPOSITIONS:
        return []
    found: list[str] = []
    for mention in mentions:
        surface = _norm(mention.surface)
        if mention.prep not in _PLACE_PREPOSITIONS or doc.types.get(_key(surface)) not in (
            None,
            "place",
        ):
            continue
        if surface in found or _same_entity(surface, key) or _appears(surface, prompt):
            continue
        found.append(surface)
    return found


def _selected_variants(doc: _Document, key: str) -> list[str]:
    folded = _key(key)
    if doc.types.get(folded):
        return _name_variants(key, doc.types[folded])[1:]
    singular = " ".join(_singular(w) for w in _tokens(key))
    return [singular] if singular != folded else []


def _same_kind(doc: _Document, key: str, prompt: str) -> list[str]:
    """Words of the text like the key, for distractors or a changed fact, nearest first."""
    stem_years = {int(y) for y in re.findall(r"\d{4}", prompt)}
    if _DECADE.fullmatch(key):
        decades = _year_distractors(int(key[:4]), doc.decades, stem_years, 10)
        return [f"{decade}s" for decade in decades]
    year = re.search(r"\b(1[0-9]{3}|20[0-9]{2})\b", key)
    if year and (re.fullmatch(r"\d{4}", key) or _FULL_DATE.fullmatch(key)):
        others = _year_distractors(int(year.group()), doc.years, stem_years, 1)
        at = year.start()
        return [_norm(key[:at] + str(y) + key[at + 4 :]) for y in others]
    number = key.replace(",", "")
    if re.fullmatch(r"\d+(?:\.\d+)?", number) or key.casefold() in _NUMBER_WORDS:
        value = float(_NUMBER_WORDS.get(key.casefold(), 0) or number)
        shown = []
        for factor in (2, 0.5, 3, 1.5, 4):
            other = value * factor
            text = f"{other:,.0f}" if other == int(other) else f"{other:,.1f}"
            if text != key and text not in shown and other > 0:
                shown.append(text)
        return shown[:3]
    kind = _name_type(doc, key)
    if kind:
        return [
            other
            for other in doc.pools.get(kind, [])
            if not _same_entity(other, key) and not _appears(other, prompt)
        ]
    if key[:1].isupper():
        return _names_after_same_preposition(doc, key, prompt)
    terms = _term_pool(doc)
    singular = " ".join(_singular(w) for w in _tokens(key))
    plural = singular != _key(key)
    shown = []
    for other, _ in terms.uses.most_common():
        if other == singular or len(other.split()) != len(singular.split()):
            continue
        form = other + "s" if plural and not other.endswith("s") else other
        if terms.written(form) and not _appears(form, prompt) and not _same_entity(form, key):
            shown.append(form)
    return shown
