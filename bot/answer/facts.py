"""What a claim's cited passages must hold: its facts, its names and its content words.

Pure: no model, no I/O. `facts` reads the numbers, dates, month names, percentages and law
references of a text as tokens, number words too ("sju" is 7); `names` its proper names:
acronyms (DO, IVO, ESF) anywhere, capitalised words not at the start of a sentence or
clause, web addresses; `invented_names` those the cited passages do not hold. `support`
measures how much of a Swedish claim's content words (`content_words`: folded, stemmed,
compounds split, weighted by rarity) the passages hold. `bot.answer.verify` decides with
them whether a claim's citations hold.

Numbers, dates and law references are read by hand-written regular expressions: the one
parser of Swedish law references we found (ferenda's LegalRef) is unmaintained since 2015,
and dateparser finds dates but neither "3 kap. 2–3 §§" nor "KS 2023/1159" nor "sju".
"""

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from bot.answer.coverage import compound_parts, zipf
from bot.search.text import fold, terms

# A word weighs its information, 7 − its Zipf frequency in Swedish (Zipf 7 is about the most
# frequent words), at least 0.5: "finns" or "också" barely count, "lönekartläggning" fully,
# so one invented specific word among common ones fails the claim ("Arbetsgivaren ska också
# göra en jämställdhetsrevision": 0.41 weighted, 0.8 counted word by word).
WEIGHT_TOP, WEIGHT_FLOOR = 7.0, 0.5
# A capitalised English word this frequent in English is a translated word, not a name.
EN_COMMON_ZIPF = 2.5

_COMPOUND_MIN = 8  # shorter words are seldom compounds; compound_parts is the slow step
_URL = re.compile(r"https?://\S*[\w/]|www\.\S*[\w/]|\b[\w-]+\.(?:se|nu|com|org|eu|net)\b(?:/\S*[\w/])?", re.I)
_CLAUSE_START = re.compile(r"(^|[.!?:;(\"'“”«»–—•-])$")

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


def invented_names(text: str, evidence: str, language: str = "sv") -> list[str]:
    """Return the names of `text` that `evidence` (the cited passages, joined) does not hold.

    >>> invented_names("Anmäl till DO eller IVO.", "Anmälan görs till DO.")
    ['IVO']
    """
    vocabulary = _name_vocabulary(evidence)
    return [n for n in names(text, language) if not _has_name(n, vocabulary)]


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
