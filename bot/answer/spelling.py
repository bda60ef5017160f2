"""Read a question as it was meant: letters typed without å/ä/ö, and one-letter slips.

Staff type fast ("maste vi dokumentera aktiva atgarder", "respektrappan", "horisontela").
BM25 folds diacritics, but the dense side and the answerer's term check see the typed
word. A word is corrected only towards the knowledge base's own vocabulary, and only
when it is not a word there: first by restoring diacritics (the same folded spelling),
then, for words of MIN_EDIT_LEN letters or more that are no common Swedish word either,
to the knowledge-base word one edit away (symspellpy; the most frequent when several).
Initials that are no word stand for the one name of three or four words that has them
("bhs": Botkyrka Huddinge Salem), and a date's month typed short is written out ("8 nov").
A Swedish question's other words get their diacritics back from Swedish at large when that
reading is clearly likelier, by the OCR repair's rule for stripped text ("soker" → "söker",
"forbundsmotet" → "förbundsmötet", but "har" stays: `bot.ingest.ocr.restore_diacritics`).
"""

import importlib
import re
from collections import Counter
from collections.abc import Callable, Iterable

from bot.ingest.dates import MONTHS
from bot.search.text import fold, words

MIN_EDIT_LEN = 7  # shorter words have too many neighbours one edit away (steg: stag, stog, sten)
KNOWN_ZIPF = 2.5  # a word this frequent in Swedish at large is a word, not a slip


# A date typed short in Slack ("den 8 nov") is the date the documents write out ("den 8 november").
_MONTHS = {m[:3]: m for m in MONTHS} | {"oct": "oktober"}
_MONTH_SHORT = re.compile(r"\b(\d{1,2})\s+(jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|oct|nov|dec)\b", re.I)


class Vocabulary:
    """The words of a knowledge base, folded, with the spelling the documents use most.

    >>> vocabulary = Vocabulary(["Respekttrappan har sju steg. Åtgärder och åtgärder."])
    >>> vocabulary.correct("vad ar respektrappan och atgarder", lambda w: 0.0)
    'vad ar respekttrappan och åtgärder'
    >>> vocabulary.correct("vem soker har", lambda w: 0.0, {"soker": "söker"}.get)
    'vem söker har'
    >>> Vocabulary(["Avtalet med Sobona."]).correct("vad ar sobona", lambda w: 0.0, {"sobona": "skona"}.get)
    'vad ar sobona'
    >>> vocabulary.correct("hur manga kom den 8 nov.", lambda w: 0.0)
    'hur manga kom den 8 november.'
    """

    def __init__(self, texts: Iterable[str]) -> None:
        texts_seen = list(texts)
        counts = Counter(w for text in texts_seen for w in words(text))
        self._surface: dict[str, str] = {}
        self._count: Counter[str] = Counter()
        for word, n in counts.most_common():
            self._surface.setdefault(fold(word), word)
            self._count[fold(word)] += n
        self._lookup: Callable[[str], list[tuple[str, int]]] | None = None
        self._initials = _initials(texts_seen)

    def correct(
        self, question: str, frequency: Callable[[str], float], restore: Callable[[str], str | None] | None = None
    ) -> str:
        """Return `question` with its slips corrected.

        Args:
            frequency: a word → its Zipf frequency in Swedish.
            restore: a word typed without diacritics → the Swedish word it stands for (None or the
                word itself when none); None restores them only from the knowledge base, as for
                English questions.
        """
        question = _MONTH_SHORT.sub(lambda m: f"{m.group(1)} {_MONTHS[m.group(2).lower()[:3]]}", question)
        return re.sub(r"\w+", lambda m: self._word(m.group(0), frequency, restore), question)

    def _word(self, typed: str, frequency: Callable[[str], float], restore: Callable[[str], str | None] | None) -> str:
        lower = lower_typed = typed.lower()
        folded = fold(lower)
        if folded in self._surface:
            if lower == folded:  # typed without diacritics: the documents' spelling
                lower = self._surface[folded]
        elif folded in self._initials and frequency(lower) < KNOWN_ZIPF:
            return self._initials[folded]  # "bhs": Botkyrka Huddinge Salem
        elif len(folded) >= MIN_EDIT_LEN and frequency(lower) < KNOWN_ZIPF and not lower.isdigit():
            near = self._near(folded)
            if near:
                lower = self._surface[near]
        if lower == lower_typed == folded and restore is not None and folded not in self._surface:
            lower = restore(lower) or lower  # never a word of the documents: "Sobona" is no "Skona"
        if lower == lower_typed:
            return typed
        return lower[0].upper() + lower[1:] if typed[0].isupper() else lower

    def _near(self, folded: str) -> str | None:
        """The most frequent knowledge-base word one edit from `folded`, if any."""
        found = [w for w, d in self._index()(folded) if d == 1]
        return max(found, key=lambda w: (self._count[w], w)) if found else None

    def _index(self) -> Callable[[str], list[tuple[str, int]]]:
        if self._lookup is None:
            # Imported by name: symspellpy ships no type information; these calls are all we use.
            symspellpy = importlib.import_module("symspellpy")
            index = symspellpy.SymSpell(max_dictionary_edit_distance=1, prefix_length=7)
            for word, n in self._count.items():
                if len(word) >= MIN_EDIT_LEN - 1:
                    index.create_dictionary_entry(word, n)
            every = symspellpy.Verbosity.ALL

            def lookup(word: str) -> list[tuple[str, int]]:
                return [(str(s.term), int(s.distance)) for s in index.lookup(word, every, max_edit_distance=1)]

            self._lookup = lookup
        return self._lookup


_NAME = re.compile(r"(?:\b[A-ZÅÄÖ][a-zåäöé]{2,}\b ?){3,4}")  # three or four capitalised words in a row


def _initials(texts: Iterable[str]) -> dict[str, str]:
    """Return the documents' names of three or four words by their initials, where only one name has them.

    Staff write "bhs" for Botkyrka Huddinge Salem; the documents never do.

    >>> _initials(["Samordningsförbundet Botkyrka Huddinge Salem har skrivit under."])["bhs"]
    'Botkyrka Huddinge Salem'
    """
    found: dict[str, set[str]] = {}
    for text in texts:
        for match in _NAME.finditer(text):
            name = match.group(0).split()
            for n in range(3, len(name) + 1):
                for i in range(len(name) - n + 1):
                    phrase = name[i : i + n]
                    found.setdefault(fold("".join(w[0] for w in phrase).lower()), set()).add(" ".join(phrase))
    return {initials: names.pop() for initials, names in found.items() if len(names) == 1}
