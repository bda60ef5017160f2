"""Correct OCR residue that letter substitution cannot: letters inserted or lost.

``tilsammans`` -> ``tillsammans``, ``tiligång`` -> ``tillgång``, ``Jjamstélldhet`` ->
``Jämställdhet``, ``servicendimnden`` -> ``servicenämnden`` (a compound: its head is a
word, its tail ``ndimnden`` is two edits from ``nämnden``).

Candidates come from a SymSpell index (symspellpy) over the lexicon's common words
(Zipf >= `CANDIDATE_ZIPF`, some 30,000 of wordfreq's Swedish words), built once per
lexicon on first use. A word is corrected only when it is not a word itself (`known`)
and exactly one clearly likelier candidate lies at the smallest edit distance found,
one or two edits away (one for words of four letters or fewer).

>>> from bot.ingest.ocr_lexicon import Lexicon
>>> speller = Speller(Lexicon({"tillsammans": 5.5, "tilsammans": 2.1, "med": 7.0, "nämnden": 3.5, "service": 4.6}))
>>> speller.known("tilsammans"), speller.correct("tilsammans"), speller.correct("servicendimnden")
(False, 'tillsammans', 'servicenämnden')
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import lru_cache

from bot.ingest.ocr_lexicon import Lexicon, Substitutions, analyses

CANDIDATE_ZIPF = 3.0  # a correction is a common word: one in a million running words or more
CLEAR_MARGIN = 0.5  # ...and 10**0.5 = 3x likelier than any other candidate as close
RARE_ZIPF = 2.5  # listed words rarer than this may be misspellings wordfreq has seen...
MISSPELLING_GAP = 3.0  # ...when one edit from a word 10**3 = 1000x likelier (tilsammans)
MISSPELLING_LEN = 6  # ...and at least this long
MIN_PART = 4  # compound parts of a known word: four letters or more, or a common tail (mål)

# Inflectional endings: a listed word with one of them is a word too (passive -s, definite -n...).
_ENDINGS = ("s", "n", "t", "a", "e", "r", "en", "et", "na", "ar", "er", "or", "de", "te", "ade")
Lookup = Callable[[str, int], list[tuple[str, int]]]


class Speller:
    """Edit-distance corrections over one lexicon (the index is built on first use)."""

    def __init__(self, lexicon: Lexicon, symbols: Substitutions | None = None) -> None:
        """Wrap `lexicon`; `symbols` (OCR symbol -> letters) are read before the lookup (é -> ä)."""
        self.lexicon = lexicon
        self.symbols = symbols or {}

    def known(self, word: str) -> bool:
        """Whether lowercase `word` is a word: listed and no misspelling, inflected from such, or a compound."""
        stems = [word[: -len(e)] for e in _ENDINGS if word.endswith(e) and len(word) - len(e) > MIN_PART]
        if self._listed(word) or any(map(self._listed, stems)):
            return True  # bjudas, kallelsen, deltagarnas: wordfreq lacks some forms of its words
        compounds = [a.parts for a in analyses(self.lexicon, word, {}) if len(a.parts) > 1]
        return any(all(self._part(p, last=i == len(parts) - 1) for i, p in enumerate(parts)) for parts in compounds)

    def correct(self, word: str) -> str | None:
        """The one clearly likelier word one or two edits from lowercase `word`, if any."""
        if self.known(word) or len(word) < 3:
            return None
        return self._closest(word) or self._compound(word)

    def _listed(self, word: str) -> bool:
        own = self.lexicon.word_frequency(word)
        if own >= RARE_ZIPF or (own and len(word) < MISSPELLING_LEN):  # skav is no misspelt ska
            return True
        if not own:
            return False
        likelier = self._candidates(word, 1)
        return not any(self.lexicon.frequency(c) >= own + MISSPELLING_GAP for c, _ in likelier)

    def _part(self, part: str, last: bool) -> bool:
        if len(part) >= MIN_PART:
            return self._listed(part) or self.lexicon.is_part(part, head=not last)
        return last and 4.0 <= self.lexicon.frequency(part) < 6  # mål, kön; not och, att, näe

    def _closest(self, word: str) -> str | None:
        # A correction keeps the first letter and the last three: OCR garbles letters inside
        # a word, while a name one letter from a word differs at its start (finsam, pinsam)
        # and a word the lexicon lacks differs from its neighbours in its ending (projektets).
        nearby = self._candidates(word, 1 if len(word) <= 4 else 2)
        found = [(c, d) for c, d in nearby if c[0] == word[0] and c[-3:] == word[-3:]]
        nearest = min((d for _, d in found), default=0)
        ranked = sorted({c for c, d in found if d == nearest}, key=self.lexicon.frequency, reverse=True)
        if not ranked:
            return None
        if len(ranked) > 1 and self.lexicon.frequency(ranked[1]) + CLEAR_MARGIN > self.lexicon.frequency(ranked[0]):
            return None
        return ranked[0]

    def _compound(self, word: str) -> str | None:
        """A known head with a corrected tail, or a corrected head with a known tail: only one way."""
        options = set()
        for i in range(MIN_PART, len(word) - MIN_PART + 1):
            head, tail = word[:i], word[i:]
            if not (head.isalpha() and tail.isalpha()):  # alv&kust is no alva|kust
                continue
            # The part kept must be a word of five letters or more: service|ndimnden.
            if len(head) > MIN_PART and self.lexicon.is_part(head, head=True) and not self.known(tail):
                if fixed := self._closest(tail):
                    options.add(head + fixed)
            if len(tail) > MIN_PART and self.known(tail) and not self._listed(head):
                if fixed := self._closest(head):
                    options.add(fixed + tail)
        return options.pop() if len(options) == 1 else None

    def _candidates(self, word: str, distance: int) -> list[tuple[str, int]]:
        """Common words within `distance` edits of `word` or of its symbol readings (é as ä...)."""
        lookup = _index(self.lexicon)
        found: dict[str, int] = {}
        for variant in self._readings(word):
            for term, d in lookup(variant, distance):
                if term != word:
                    found[term] = min(d, found.get(term, d))
        return list(found.items())

    def _readings(self, word: str) -> list[str]:
        readings = [word]
        for symbol, targets in self.symbols.items():
            if (len(symbol) == 1 and not symbol.isalpha()) or symbol == "é":
                readings += [r.replace(symbol, t) for r in readings if symbol in r for t, _ in targets]
        return readings[:16]


@lru_cache(maxsize=4)  # one per lexicon: the shared one, and the bench's leave-one-out ones
def _index(lexicon: Lexicon) -> Lookup:
    """A SymSpell index of the lexicon's common words; its lookup gives (term, distance) pairs."""
    # Imported by name: symspellpy ships no type information; these two calls are all we use.
    symspellpy = importlib.import_module("symspellpy")
    index = symspellpy.SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
    for word, zipf in lexicon.common(CANDIDATE_ZIPF).items():
        index.create_dictionary_entry(word, max(1, int(10**zipf)))
    every = symspellpy.Verbosity.ALL

    def lookup(word: str, distance: int) -> list[tuple[str, int]]:
        return [(str(s.term), int(s.distance)) for s in index.lookup(word, every, max_edit_distance=distance)]

    return lookup
