"""Is a question's term in a text? Word by word, as the lexical index compares them.

Terms are folded and Swedish-stemmed: "lönekartläggning" does not contain "lön". A compound
is covered by itself or by all of its parts ("kartläggning av löner" covers
"lönekartläggning"), a long term also as the last part of a compound ("grund" by
"diskrimineringsgrund"), a word by its contraction ("Dnr"), a word cut short in Slack by the
word it starts ("serviceforv"), a number by a range that takes it in ("30" by "25 eller fler").
"""

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from bot.search.text import fold, terms

BASE_MIN = 4  # two words are one word inflected when they share a base this long ("lag" ≠ "lagen")
SHORTENED_MIN = 5  # a word cut this long, and no word itself, stands for the word it starts ("serviceforv")
OVERSTRIPPED = 3  # letters the stemmer took off a word that it should have left ("område" → "omr")
NOMINAL_MIN = 5  # a verb stem this long is covered by its noun in "-ing", "-ning", "-an" and back
_NOMINAL = ("ing", "ning", "an")
HEAD_MIN = 5  # a stem this long is also covered as the head of a compound ("grund" by "diskrimineringsgrund")
ENDINGS = frozenset(["", *"en et er erna ar arna n t na s ens ets ns".split()])  # noun endings
_INFLECTIONS = ENDINGS | {"r", "rna"}  # ...and the plural of a noun in -e ("kallelser", "kallelserna")


@dataclass(frozen=True)
class Term:
    """A specific term of a question: the word as typed, its stem, its compound parts' stems.

    A `required` term (a number, an ordinal, the noun asked about, a fact asked for by name)
    must be quoted for the answer to count: "steg 9" is not answered by a quote about steg 7,
    however relevant.
    """

    word: str
    stem: str
    parts: tuple[str, ...] = ()
    required: bool = False
    asked: bool = False  # the noun the question asks about (a number must count it)
    named: bool = False  # written as a name in the question ("Gränsgångare", "Rätt stöd för mig!")
    alternatives: tuple[str, ...] = ()  # other stems that say it ("böter" for "straff"; "lösenord" for "password")


def uncovered(question_terms: Collection[Term], text: str) -> list[Term]:
    """Return the terms `text` does not contain, word by word (a compound's parts count).

    >>> lon = Term("lön", "lon")
    >>> [t.word for t in uncovered([lon], "Lönekartläggningen görs varje år.")]
    ['lön']
    >>> uncovered([Term("lönekartläggning", "lonekartlaggning", ("lon", "kartlaggning"))], "kartläggning av löner")
    []
    >>> uncovered([Term("grunder", "grund")], "Lagen har sju diskrimineringsgrunder.")
    []
    >>> uncovered([Term("webbplats", "webbplat")], "Vissa webbplatser skriver fem.")
    []
    """
    present = set(terms(text))
    return [t for t in question_terms if not covered(t, present, text)]


def covered(term: Term, present: set[str], text: str = "") -> bool:
    """Whether `present` (the stems of `text`) holds the term: itself, all its compound parts,
    a compound it heads, a contraction of it ("Dnr"), a word it was cut short from ("serviceforv"),
    or for a number a bound that takes it in ("30" by "25 eller fler")."""
    if term.stem in present or (term.parts and all(p in present for p in term.parts)):
        return True
    # The Swedish stemmer drops a final "s" from "webbplats" but not from "webbplatser" ("webbplats").
    if f"{term.stem}s" in present or (term.stem.endswith("s") and term.stem[:-1] in present):
        return True
    if any(p.startswith(a) and p[len(a) :] in ENDINGS for a in term.alternatives for p in present):
        return True  # the stemmer leaves some endings ("lösenordet")
    if term.stem.isdigit():
        return _within(int(term.stem), text)
    if _nominal(term.stem, present):
        return True  # "inventera" by "inventering", "samverkan" by "samverka"
    if len(term.stem) >= HEAD_MIN and any(
        len(p) >= len(term.stem) + HEAD_MIN - 1 and p.endswith(term.stem) and _heads(p, term.stem, text)
        for p in present
    ):
        return True
    word = fold(term.word.lower())  # contractions are written in lower case ("Dnr"); "SKR" is a name
    written = re.findall(r"\w+", text)
    if any(_overstripped(term.word) or _overstripped(w) for w in written if same_word(term.word, w)):
        return True  # the stemmer took a noun's own letters: "område" (omr), "områden" (omrad)
    if _overstripped(term.word) and any(_headed(w, term.word) for w in written):
        return True  # ...and as the head of a compound: "samhällsområden", "Göteborgsområdet"
    if len(word) >= SHORTENED_MIN and zipf(word) == 0 and any(
        len(w) > len(word) + 1 and fold(w.lower()).startswith(word) for w in written
    ):
        return True  # shortened in Slack: "serviceforv" for "serviceförvaltningen" (no Swedish word)
    # A stop word is no contraction: "för" does not stand for "förbereder".
    # (Length first: stemming every word of the quote for every uncovered term was a sixth of an answer's time.)
    return any(
        _abbreviates(fold(w.lower()), word) for w in written if 3 <= len(w) <= 4 and not w.isupper() and terms(w)
    )


def same_word(a: str, b: str) -> bool:
    """Whether two words are one word inflected: the same base, each with a noun ending.

    Snowball's Swedish stemmer takes one suffix off, so it parts "arbetsmarknad" (arbetsmarkn)
    from "arbetsmarknaden" (arbetsmarknad) and "strukturnivå" from "strukturnivån"; the folded
    words themselves are compared here.

    >>> same_word("arbetsmarknaden", "arbetsmarknad"), same_word("Kallelse", "kallelser"), same_word("lag", "lagen")
    (True, True, False)
    """
    return not _bases(a).isdisjoint(_bases(b))


def _headed(compound: str, head: str) -> bool:
    """Whether `compound` ends with `head`, inflected, as its last part ("samhällsområden", "område").

    >>> _headed("samhällsområden", "område"), _headed("Göteborgsområdet", "område"), _headed("området", "område")
    (True, True, False)
    """
    folded = fold(compound.lower())
    for base in _bases(head):
        for ending in _INFLECTIONS:
            prefix = folded[: len(folded) - len(base) - len(ending)]
            if folded.endswith(base + ending) and len(prefix) >= HEAD_MIN - 1:
                return _splits_after(compound, prefix)
    return False


@lru_cache(maxsize=65536)
def _overstripped(word: str) -> bool:
    """Whether Snowball took three letters or more off `word` ("område" → "omr", "kompetens" →
    "kompet"), so that its stem no longer meets the stem of the same noun inflected.

    >>> _overstripped("område"), _overstripped("kompetens"), _overstripped("projektet"), _overstripped("teman")
    (True, True, False, False)
    """
    stems = terms(word)
    return bool(stems) and len(fold(word.lower())) - len(stems[0]) >= OVERSTRIPPED


@lru_cache(maxsize=65536)
def _bases(word: str) -> frozenset[str]:
    """Return what `word` (folded, in lower case) is with each noun ending it may carry taken off."""
    folded = fold(word.lower())
    kept = (len(folded) - len(e) for e in _INFLECTIONS if folded.endswith(e))
    return frozenset(folded[:n] for n in kept if n >= BASE_MIN)


def _heads(stem: str, head: str, text: str) -> bool:
    """Whether the compound of `text` whose stem is `stem` has `head` as its last part, not just
    as its last letters: "arbetsplatsträff" folds to "…tstraff" but is no "straff".

    >>> _heads("arbetsplatstraff", "straff", "på arbetsplatsträffen"), _heads("diskrimineringsgrund", "grund", "")
    (False, True)
    """
    for word in re.findall(r"\w+", text):
        if terms(word)[:1] == [stem]:
            return _splits_after(word, stem[: len(stem) - len(head)])  # the head starts where a part does
    return True


def _nominal(stem: str, present: set[str]) -> bool:
    """Whether `present` holds the verb's noun or the noun's verb: Snowball leaves "-ing", "-ning"
    and "-an" on ("inventer"/"inventering", "lonekartlagg"/"lonekartlaggning", "samverk"/"samverkan").
    Stems shorter than NOMINAL_MIN are left alone ("led" is no "ledning").

    >>> _nominal("inventer", {"inventering"}), _nominal("samverkan", {"samverk"}), _nominal("led", {"ledning"})
    (True, True, False)
    """
    if len(stem) >= NOMINAL_MIN and any(stem + suffix in present for suffix in _NOMINAL):
        return True
    return any(
        stem.endswith(suffix) and len(stem) - len(suffix) >= NOMINAL_MIN and stem[: -len(suffix)] in present
        for suffix in _NOMINAL
    )


def _splits_after(word: str, prefix: str) -> bool:
    """Whether the compound analysis of `word` has a part boundary right after `prefix` (folded),
    or finds no parts at all: "arbetsplats|träff" has none after "arbetsplatst"."""
    parts = compound_parts(word.lower())
    return len(parts) < 2 or any(fold("".join(parts[:j])) == prefix for j in range(1, len(parts)))


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

    >>> zipf("heter") > 5.0 > zipf("dataskyddsombud")
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
