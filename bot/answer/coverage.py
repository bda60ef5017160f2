"""Does a quote answer the question? Its specific terms, and the kind of answer it asks for.

Relevance of the best passage cannot tell "the documents answer this" from "the documents
are about this topic but do not say *that*" (a salary, a named person, next year's date).
The quote can: a question's specific terms (not question words, not words that occur all
over the knowledge base) must be in the quoted text, and the kind of answer asked for
(vem → a person, role or body; när → a date; hur många → a number; vilken tid → a time
of day) must be present in it.

Terms are compared as the lexical index compares them (folded, Swedish-stemmed), word by
word: "lönekartläggning" does not contain "lön". A question's compound is covered by the
compound itself or by all of its parts ("kartläggning av löner" covers "lönekartläggning").
"""

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from bot.search.text import fold, terms

Ask = Literal["who", "when", "time", "count", "list", "how", "other"]

# Question patterns, checked in this order on the folded question ("vilken tid" before "vilken").
_ASKS: tuple[tuple[Ask, re.Pattern[str]], ...] = (
    ("time", re.compile(r"\b(vilken tid|hur dags|vilket klockslag|what time|at what time)\b")),
    ("count", re.compile(r"\b(hur (manga|mycket|stor|stora|lang tid)|how (many|much)|vilket belopp|vad kostar)\b")),
    ("who", re.compile(r"^\W*(vem|vilka personer|vilken person|who)\b|\bvem (ar|har|ansvarar|leder)\b")),
    ("when", re.compile(
        r"^\W*(nar|vilket (ar|datum)|vilken dag|sedan nar|hur ofta|when|what date|how often)\b"
        r"|\bnar (ar|blir|borjar|ska)\b"
    )),
    ("list", re.compile(r"^\W*(vilka|which|what are)\b")),
    ("how", re.compile(r"^\W*(hur (gor|ska|bor|kan) (vi|man|jag|ni)|how (do|should|can) (we|i|you))\b")),
)
# Words that only ask, in any question; folded and stemmed like every other term.
ASKING = frozenset(
    terms(
        "vem vad när hur vilken vilket vilka varför var vart många mycket ofta länge dags "
        "betyder betyda innebär innebära gäller gälla står säger säga handlar menas göra gör "
        "finns ska skall kan får måste vill behöver egentligen exakt nu "
        "who what when how which why where many much often mean means does say says"
    )
)
_ITEM_LINE = re.compile(r"^\W*(?:[-*•]|\d{1,2}[.)])\s+")
_MONTHS = (
    "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
)
_EVIDENCE: dict[Ask, re.Pattern[str]] = {
    "time": re.compile(r"\b([01]?\d|2[0-3])[:.][0-5]\d\b|\bklockan\b|\bkl\.\s?\d", re.I),
    "count": re.compile(
        r"\d|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|hundra|tusen|"
        r"hälften|procent|kronor|dubbelt|gratis|kostnadsfri(tt)?|avgiftsfri(tt)?)\b",
        re.I,
    ),
    "when": re.compile(
        rf"\b(1[89]\d\d|20\d\d|{_MONTHS}|måndag|tisdag|onsdag|torsdag|fredag|vår(en)?|sommar(en)?"
        r"|höst(en)?|vinter(n)?|årlig(en)?|månadsvis|veckovis|varje (dag|vecka|månad|år|termin)"
        r"|en gång|senast|inför|efter|innan|före|i samband med|sedan|datum)\b|\d{1,2}/\d{1,2}",
        re.I,
    ),
    "who": re.compile(
        r"\b\w*(chef|chefen|ordförande|ansvarig|ansvarar|ansvaret|samordnare|ombud|ombudet|"
        r"ombudsmannen|styrelse|styrelsen|styrgrupp\w*|nämnd\w*|ledning\w*|ledare|handläggare|"
        r"arbetsgivare\w*|samordnare\w*)\b"
        r"|\b[A-ZÅÄÖ][a-zåäöé]+ [A-ZÅÄÖ][a-zåäöé]+\b"
        r"|\b(DO|SBAB|IVO|Försäkringskassan|Arbetsförmedlingen|Make Equal)\b"
        r"|\b(av|från|by|from) [A-ZÅÄÖ]\w+"  # the agent: "drevs av Finsam", "3R-metoden från JämKom"
        r"|\b([Vv]em som helst|[Vv]ar och en|anyone|everyone)\b",
    ),
}


# Time words anchored on the day of asking: a document, written once, cannot say when
# "nästa" APT is or how many came "i år" unless it says so in the same words.
_NOW = frozenset("nästa förra kommande hittills idag nuvarande next last today".split())
_ORDINALS = frozenset(
    "första andra tredje fjärde femte sjätte sjunde åttonde nionde tionde elfte tolfte "
    "first second third fourth fifth sixth seventh eighth ninth tenth".split()
)
GENERIC_ZIPF = 5.0  # words this frequent in Swedish at large ("heter", "brukar") ask nothing specific
MIN_COVERAGE = 0.6  # share of the specific terms all quotes together must hold (tuned on the tune half)
QUOTE_COVERAGE = 0.5  # ...and the one quote that answers (a verb may be said otherwise: började, startade)
HEAD_MIN = 5  # a stem this long is also covered as the head of a compound ("grund" by "diskrimineringsgrund")
NEAR = 3  # words between a number and the thing it counts ("sju steg", "sex former av diskriminering")

# The noun an ask is about: "vem är [projektledare]", "hur många [timmar]", "vilka [leverantörer]",
# "vilket [diarienummer]"; a "vem" question's own verb too ("vem [utvärderar]"). Matched on the
# folded question; possessives and articles before the noun are skipped (closed word classes).
_FOCUS = re.compile(
    r"\b(?:vem (?:ar|var)|hur manga|vilken|vilket|vilka|who (?:is|was|are)|how many|which)\s+"
    r"(?:(?:en|ett|den|det|de|var|vart|vara|er|ert|era|min|mitt|mina|din|ditt|dina|sin|sitt|sina"
    r"|the|a|an|our|your|their|my)\s+)?(\w+)"
    r"|^\W*(?:vem|who)\s+(\w+)"
)


@dataclass(frozen=True)
class Term:
    """A specific term of a question: the word as typed, its stem, its compound parts' stems.

    A `required` term (a number, an ordinal) must be quoted for the answer to count:
    "steg 9" is not answered by a quote about steg 7, however relevant.
    """

    word: str
    stem: str
    parts: tuple[str, ...] = ()
    required: bool = False
    asked: bool = False  # the noun the question asks about (a number must count it)


def ask_kind(question: str) -> Ask:
    """Return the kind of answer a question asks for.

    >>> [ask_kind(q) for q in ("Vem är vårt dataskyddsombud?", "När är nästa demokratidag?",
    ...  "Vilken tid börjar APT?", "Hur många steg har trappan?", "Vilka är grunderna?", "Vad är HP?",
    ...  "Hur gör vi en HP-punkt?")]
    ['who', 'when', 'time', 'count', 'list', 'other', 'how']
    """
    folded = fold(question)
    for kind, pattern in _ASKS:
        if pattern.search(folded):
            return kind
    return "other"


def has_evidence(kind: Ask, text: str, asked: Collection[Term] = ()) -> bool:
    """Return True when `text` holds the kind of answer asked for ("other": always).

    The question's own words do not count: "kontakta dataskyddsombudet" does not say
    *who* the dataskyddsombud is. A count must count the thing asked about ("sju steg"
    for "hur många steg"), and a "vilka" question wants several things: a list, an
    enumeration, or names.

    >>> has_evidence("when", "Planen antogs i oktober 2023."), has_evidence("when", "Planen gäller alla.")
    (True, False)
    >>> has_evidence("who", "Förbundschefen ansvarar för planen."), has_evidence("time", "Mötet är på måndag.")
    (True, False)
    >>> has_evidence("who", "Fråga dataskyddsombudet.", [Term("dataskyddsombud", "dataskyddsombud")])
    False
    >>> steg = [Term("steg", "steg", required=True, asked=True)]
    >>> has_evidence("count", "Trappan har sju steg.", steg), has_evidence("count", "Steg 7 tar 30 minuter.", steg)
    (True, False)
    >>> has_evidence("list", "Vi besöker leverantörerna."), has_evidence("list", "Målen är a, b och c.")
    (False, True)
    """
    if kind == "count" and any(t.asked for t in asked):
        return _counted(text, [t for t in asked if t.asked])
    if kind == "list":
        return _several(_masked(text, asked))
    pattern = _EVIDENCE.get(kind)
    if pattern is None:
        return True
    return bool(pattern.search(_masked(text, asked)))


def _masked(text: str, asked: Collection[Term]) -> str:
    """Replace the question's own words in `text` by "_"."""
    stems = {t.stem for t in asked}
    if not stems:
        return text
    return re.sub(r"\w+", lambda m: "_" if set(terms(m.group(0))) & stems else m.group(0), text)


def _counted(text: str, counted: Collection[Term]) -> bool:
    """Whether a number stands at most NEAR words before a word for the thing counted."""
    words = re.findall(r"[\w–-]+", text)
    for i, word in enumerate(words):
        if any(_covered(t, set(terms(word))) for t in counted):
            before = " ".join(words[max(0, i - NEAR) : i])
            if _EVIDENCE["count"].search(before):
                return True
    return False


def _several(text: str) -> bool:
    """Whether `text` names several things: list items, "a, b och c", or two names."""
    if sum(bool(_ITEM_LINE.match(line)) for line in text.splitlines()) >= 2:
        return True
    if re.search(r"[\w)]+(?:,\s+[^,.;:]+)+,?\s+(?:och|eller|samt|and|or)\s+\w+", text):
        return True
    inner = [m for m in re.finditer(r"\b[A-ZÅÄÖ]\w+", text) if re.search(r"\w[^\w.?!:]*$", text[: m.start()])]
    return len(inner) >= 2


def answers(question_terms: Collection[Term], context: str, text: str, kind: Ask) -> bool:
    """Whether one quote answers: its `context` (the quote with its title, section and lead-in)
    holds QUOTE_COVERAGE of the specific terms and every required one, and its `text` the kind
    of answer asked for.

    Judged quote by quote, not over all quotes together: terms scattered over three
    documents ("uppgifter", "Försäkringskassan", "samtycke") answer nothing.

    >>> plan, lon, chef = Term("planen", "plan"), Term("lön", "lon"), Term("chefens", "chef")
    >>> answers([plan], "Planen antogs 2022.", "Planen antogs 2022.", "when")
    True
    >>> answers([plan, lon, chef], "Planen antogs 2022.", "Planen antogs 2022.", "when")
    False
    """
    missing = uncovered(question_terms, context)
    share = 1.0 - len(missing) / len(question_terms) if question_terms else 1.0
    return share >= QUOTE_COVERAGE and not any(t.required for t in missing) and has_evidence(kind, text, question_terms)


def focus_word(question: str) -> tuple[str, bool] | None:
    """Return the word a question asks about, as typed, and whether it is the verb after "vem".

    >>> focus_word("Vem är vårt dataskyddsombud?"), focus_word("Hur många timmar får jag lägga?")
    (('dataskyddsombud', False), ('timmar', False))
    >>> focus_word("Vem utvärderar projektet?"), focus_word("Vad är HP?")
    (('utvärderar', True), None)
    """
    typed = re.findall(r"\w+", question)
    folded = " ".join(fold(w) for w in typed)
    match = _FOCUS.search(folded)
    if match is None:
        return None
    group = 1 if match.group(1) else 2
    index = folded[: match.start(group)].count(" ")  # the typed word at the same position
    return typed[index], group == 2


def _names(question: str) -> set[str]:
    """Words written with a capital inside a sentence: names, even when made of common words.

    >>> sorted(_names("Vem utvärderar Rätt stöd för mig! i år? Och Lex Heller?"))
    ['Heller', 'Lex', 'Rätt']
    """
    return {
        m.group(0) for m in re.finditer(r"\w+", question)
        if m.group(0)[0].isupper() and re.search(r"\w[^\w.?!]*$", question[: m.start()])
    }


def specific_terms(
    question: str,
    common: Collection[str] = (),
    split: Callable[[str], tuple[str, ...]] | None = None,
    frequency: Callable[[str], float] | None = None,
) -> list[Term]:
    """Return the terms of `question` that a quote must contain to answer it.

    Args:
        common: stems that occur all over the knowledge base (they pick no passage out).
        split: a word → its compound parts (unsplit words return themselves).
        frequency: a word → its Zipf frequency in the language at large.

    >>> [t.stem for t in specific_terms("Vem är vårt dataskyddsombud?")]
    ['dataskyddsombud']
    >>> [t.stem for t in specific_terms("Vad säger planen om jämställdhet?", common={"jamstalld"})]
    ['plan']

    The noun the question asks about is required: "vem är projektledare" is not answered
    by a quote that never names a projektledare, however much else it shares.

    >>> [(t.word, t.required) for t in specific_terms("Vem är projektledare för Gränsgångare?")]
    [('projektledare', True), ('Gränsgångare', False)]
    """
    found: dict[str, Term] = {}
    kind = ask_kind(question)
    if kind in ("when", "time", "count"):
        found |= {terms(w)[0]: Term(w, terms(w)[0], required=True) for w in re.findall(r"\w+", question)
                  if w.lower() in _NOW}
    focus, verb = focus_word(question) or ("", False) if kind not in ("when", "time") else ("", False)
    names = _names(question)
    for word in re.findall(r"\w+", question):
        stems = terms(word)
        if not stems or stems[0] in found:
            continue
        stem = stems[0]
        # The noun asked about; even a word all over the documents when a number must count it.
        asked = word == focus and stem not in ASKING and (kind == "count" or stem not in common)
        generic = frequency is not None and max(frequency(word.lower()), frequency(stem)) >= GENERIC_ZIPF
        if asked and generic and (verb or kind != "count"):
            asked = False  # "vem leder", "vilka tidigare": a common word is said in many ways; a count must count it
        required = stem.isdigit() or word.lower() in _ORDINALS or asked
        named = word in names  # "Gör!", "Rätt stöd för mig!": a name, though made of common words
        if not required and (((stem in ASKING or generic) and not named) or stem in common):
            continue
        parts = split(word.lower()) if split else ()
        part_stems = tuple(s for p in parts for s in terms(p)) if len(parts) > 1 else ()
        found[stem] = Term(word, stem, part_stems, required, asked)
    return list(found.values())


def uncovered(question_terms: Collection[Term], text: str) -> list[Term]:
    """Return the terms `text` does not contain, word by word (a compound's parts count).

    >>> lon = Term("lön", "lon")
    >>> [t.word for t in uncovered([lon], "Lönekartläggningen görs varje år.")]
    ['lön']
    >>> uncovered([Term("lönekartläggning", "lonekartlaggning", ("lon", "kartlaggning"))], "kartläggning av löner")
    []
    >>> uncovered([Term("grunder", "grund")], "Lagen har sju diskrimineringsgrunder.")
    []
    """
    present = set(terms(text))
    return [t for t in question_terms if not _covered(t, present, text)]


def _covered(term: Term, present: set[str], text: str = "") -> bool:
    """Whether `present` (the stems of `text`) holds the term: itself, all its compound parts,
    a compound it heads, a contraction of it ("Dnr"), or for a number a bound that takes it in
    ("30" by "25 eller fler")."""
    if term.stem in present or (term.parts and all(p in present for p in term.parts)):
        return True
    if term.stem.isdigit():
        return _within(int(term.stem), text)
    if len(term.stem) >= HEAD_MIN and any(
        len(p) >= len(term.stem) + HEAD_MIN - 1 and p.endswith(term.stem) for p in present
    ):
        return True
    word = fold(term.word.lower())  # contractions are written in lower case ("Dnr"); "SKR" is a name
    return any(_abbreviates(fold(w.lower()), word) for w in re.findall(r"\w+", text) if not w.isupper())


_AT_LEAST = re.compile(r"(\d+) eller (?:fler|mer)|(?:minst|över|fler än|mer än) (\d+)")
_BELOW = re.compile(r"(?:under|färre än|mindre än|högst) (\d+)")


def _within(number: int, text: str) -> bool:
    """Whether `text` states a range or bound that `number` falls in ("10–24", "25 eller fler").

    >>> _within(30, "med 25 eller fler anställda"), _within(30, "med 10–24 anställda"), _within(12, "10–24")
    (True, False, True)
    """
    for low, high in re.findall(r"(\d+)\s?[–-]\s?(\d+)", text):
        if int(low) <= number <= int(high):
            return True
    at_least = [int(a or b) for a, b in _AT_LEAST.findall(text)]
    below = [int(b) for b in _BELOW.findall(text)]
    return any(number >= b for b in at_least) or any(number < b for b in below)


def _abbreviates(short: str, word: str) -> bool:
    """Whether `short` is a contraction of a long `word`: its first and last letter and some
    between, in order ("dnr" for "diarienummer"); three letters at least ("in" is a word).

    >>> _abbreviates("dnr", "diarienummer"), _abbreviates("do", "dataskyddsombud")
    (True, False)
    """
    if not (3 <= len(short) <= 4 and len(word) >= 3 * len(short) and short.isalpha()):
        return False
    if short[0] != word[0] or short[-1] != word[-1]:
        return False
    rest = iter(word[1:-1])
    return all(ch in rest for ch in short[1:-1])


def coverage(question_terms: Collection[Term], text: str) -> float:
    """Return the share of `question_terms` that `text` contains (1.0 when there are none).

    >>> coverage([Term("steg", "steg"), Term("nio", "nio")], "Respekttrappan har sju steg.")
    0.5
    """
    if not question_terms:
        return 1.0
    return 1.0 - len(uncovered(question_terms, text)) / len(question_terms)


def zipf(word: str) -> float:
    """Return the Zipf frequency of a Swedish word in wordfreq's list (0 when unknown).

    >>> zipf("heter") > GENERIC_ZIPF > zipf("dataskyddsombud")
    True
    """
    from bot.ingest.ocr_lexicon import Lexicon

    return Lexicon.from_wordfreq().word_frequency(word)


@lru_cache(maxsize=4096)
def compound_parts(word: str) -> tuple[str, ...]:
    """Split a Swedish compound into its lexicon parts (a known word stays whole).

    >>> compound_parts("lönekartläggning")
    ('löne', 'kartläggning')
    >>> compound_parts("lösenordet")
    ('lösenordet',)
    """
    from bot.ingest.ocr_lexicon import Lexicon, analyses, best  # the OCR repair's compound analysis

    lexicon = Lexicon.from_wordfreq()  # the shared, cached wordfreq lexicon
    found = analyses(lexicon, word.lower(), {})
    return best(lexicon, found).parts if found else (word,)
