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

Ask = Literal["who", "when", "time", "count", "list", "other"]

# Question patterns, checked in this order on the folded question ("vilken tid" before "vilken").
_ASKS: tuple[tuple[Ask, re.Pattern[str]], ...] = (
    ("time", re.compile(r"\b(vilken tid|hur dags|vilket klockslag|what time|at what time)\b")),
    ("count", re.compile(r"\b(hur (manga|mycket|stor|stora|lang tid)|how (many|much)|vilket belopp|vad kostar)\b")),
    ("who", re.compile(r"^\W*(vem|vilka personer|vilken person|who)\b|\bvem (ar|har|ansvarar|leder)\b")),
    ("when", re.compile(
        r"^\W*(nar|vilket (ar|datum)|vilken dag|sedan nar|when|what date)\b|\bnar (ar|blir|borjar|ska)\b"
    )),
    ("list", re.compile(r"^\W*(vilka|which|what are)\b")),
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
_MONTHS = (
    "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"
)
_EVIDENCE: dict[Ask, re.Pattern[str]] = {
    "time": re.compile(r"\b([01]?\d|2[0-3])[:.][0-5]\d\b|\bklockan\b|\bkl\.\s?\d", re.I),
    "count": re.compile(
        r"\d|\b(två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|tjugo|hundra|tusen|"
        r"hälften|procent|kronor|dubbelt)\b",
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
        r"|\b(DO|SBAB|IVO|Försäkringskassan|Arbetsförmedlingen|Make Equal)\b",
    ),
}


_ORDINALS = frozenset(
    "första andra tredje fjärde femte sjätte sjunde åttonde nionde tionde elfte tolfte "
    "first second third fourth fifth sixth seventh eighth ninth tenth".split()
)
GENERIC_ZIPF = 5.0  # words this frequent in Swedish at large ("heter", "brukar") ask nothing specific


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


def ask_kind(question: str) -> Ask:
    """Return the kind of answer a question asks for.

    >>> [ask_kind(q) for q in ("Vem är vårt dataskyddsombud?", "När är nästa demokratidag?",
    ...  "Vilken tid börjar APT?", "Hur många steg har trappan?", "Vilka är grunderna?", "Vad är HP?")]
    ['who', 'when', 'time', 'count', 'list', 'other']
    """
    folded = fold(question)
    for kind, pattern in _ASKS:
        if pattern.search(folded):
            return kind
    return "other"


def has_evidence(kind: Ask, text: str, asked: Collection[Term] = ()) -> bool:
    """Return True when `text` holds the kind of answer asked for ("list"/"other": always).

    The question's own words do not count: "kontakta dataskyddsombudet" does not say
    *who* the dataskyddsombud is.

    >>> has_evidence("when", "Planen antogs i oktober 2023."), has_evidence("when", "Planen gäller alla.")
    (True, False)
    >>> has_evidence("who", "Förbundschefen ansvarar för planen."), has_evidence("time", "Mötet är på måndag.")
    (True, False)
    >>> has_evidence("who", "Fråga dataskyddsombudet.", [Term("dataskyddsombud", "dataskyddsombud")])
    False
    """
    pattern = _EVIDENCE.get(kind)
    if pattern is None:
        return True
    stems = {t.stem for t in asked}
    if stems:
        text = re.sub(r"\w+", lambda m: "_" if set(terms(m.group(0))) & stems else m.group(0), text)
    return bool(pattern.search(text))


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
    """
    found: dict[str, Term] = {}
    for word in re.findall(r"\w+", question):
        stems = terms(word)
        if not stems or stems[0] in found:
            continue
        stem = stems[0]
        required = stem.isdigit() or word.lower() in _ORDINALS
        generic = frequency is not None and max(frequency(word.lower()), frequency(stem)) >= GENERIC_ZIPF
        if not required and (stem in ASKING or stem in common or generic):
            continue
        parts = split(word.lower()) if split else ()
        part_stems = tuple(s for p in parts for s in terms(p)) if len(parts) > 1 else ()
        found[stem] = Term(word, stem, part_stems, required)
    return list(found.values())


def uncovered(question_terms: Collection[Term], text: str) -> list[Term]:
    """Return the terms `text` does not contain, word by word (a compound's parts count).

    >>> lon = Term("lön", "lon")
    >>> [t.word for t in uncovered([lon], "Lönekartläggningen görs varje år.")]
    ['lön']
    >>> uncovered([Term("lönekartläggning", "lonekartlaggning", ("lon", "kartlaggning"))], "kartläggning av löner")
    []
    """
    present = set(terms(text))
    return [
        t for t in question_terms
        if t.stem not in present and not (t.parts and all(p in present for p in t.parts))
    ]


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
