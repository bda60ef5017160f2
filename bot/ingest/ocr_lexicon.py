"""A Swedish word-frequency lexicon and the candidate search used by `bot.ingest.ocr`.

The lexicon is wordfreq's Swedish list (Zipf frequencies), loaded lazily and
cached per process. `analyses` walks a word left to right, trying the OCR
substitutions at each position and pruning every branch whose prefix no
lexicon word starts with, so even long compounds are searched quickly.

Compound parts are scored by how many lexicon compounds use them in that role:
``krav`` starts 33 (``kravlista``...), ``kräv`` 2, so ``Kravstalla`` reads as
``Kravställa``; a head ending in -het/-ing/... needs its linking -s, so
``hallbarhetsmal`` reads as ``hållbarhets|mål``, not ``hållbarhet|smal``.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from math import log10

MIN_PART_ZIPF = 2.0  # compound parts rarer than this are mostly tokenizer noise
SHORT_PART_ZIPF = 3.5  # three-letter parts must be common words (mål, kön), not "ign"
MIN_PART_LEN = 3
_S_LINKED = ("het", "ing", "tion", "itet", "skap")

Substitutions = Mapping[str, tuple[tuple[str, float], ...]]


@lru_cache(maxsize=1)
def _wordfreq_sv() -> dict[str, float]:
    """Load wordfreq's Swedish list once: alphabetic words only, as Zipf values."""
    from wordfreq import get_frequency_list  # deferred: importing bot.ingest.ocr stays cheap

    # wordfreq buckets words by centibel: bucket i holds words of frequency 10**(-i/100).
    buckets = get_frequency_list("sv", wordlist="best")
    return {w: round(9 - i / 100, 2) for i, ws in enumerate(buckets) for w in ws if w.isalpha()}


class _Sorted:
    """Sorted strings answering "which start with this prefix"."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.keys = sorted(keys)

    def has_prefix(self, prefix: str) -> bool:
        i = bisect_left(self.keys, prefix)
        return i < len(self.keys) and self.keys[i].startswith(prefix)

    def starting_with(self, prefix: str) -> list[str]:
        lo, hi = bisect_left(self.keys, prefix), bisect_left(self.keys, prefix + "\U0010ffff")
        return self.keys[lo:hi]


class Lexicon:
    """Lowercase words mapped to their Zipf frequency, with fast prefix lookups."""

    def __init__(self, freqs: Mapping[str, float]) -> None:
        """Wrap a word -> Zipf mapping (keys must be lowercase)."""
        self._freqs = dict(freqs)
        self._words = _Sorted(self._freqs)
        self._part_scores: dict[tuple[str, bool], float] = {}

    @cached_property
    def _reversed(self) -> _Sorted:
        return _Sorted(w[::-1] for w in self._freqs)

    @classmethod
    def from_wordfreq(cls, exclude: Iterable[str] = ()) -> Lexicon:
        """Build the lexicon from wordfreq's Swedish list minus `exclude` (default: shared)."""
        excluded = {w.lower() for w in exclude}
        if not excluded:
            return _default_lexicon()
        return cls({w: z for w, z in _wordfreq_sv().items() if w not in excluded})

    def __contains__(self, word: object) -> bool:
        """Whether `word` (any case) is a lexicon word."""
        return isinstance(word, str) and word.lower() in self._freqs

    def __len__(self) -> int:
        """Number of words."""
        return len(self._freqs)

    def common(self, min_zipf: float) -> dict[str, float]:
        """The words at least `min_zipf` frequent, with their Zipf values."""
        return {w: z for w, z in self._freqs.items() if z >= min_zipf}

    def frequency(self, word: str) -> float:
        """The Zipf frequency of `word`, 0.0 when unknown."""
        return self._freqs.get(word.lower(), 0.0)

    def word_frequency(self, word: str) -> float:
        """Like `frequency`, with a missing definite plural or present participle one Zipf below its base.

        ``rekryteringarna`` is not listed, ``rekryteringar`` is; nor is ``konkretiserande``,
        but ``konkretisera`` is.
        """
        if word in self._freqs:
            return self._freqs[word]
        if word.endswith(("arna", "erna", "orna")):
            return max(self._freqs.get(word[:-2], 0.0) - 1, 0.0)
        if word.endswith("ande"):
            return max(self._freqs.get(word[:-3], 0.0) - 1, 0.0)
        return 0.0

    def has_prefix(self, prefix: str) -> bool:
        """Whether some lexicon word starts with `prefix`."""
        return self._words.has_prefix(prefix)

    def is_part(self, word: str, head: bool = False) -> bool:
        """Whether `word` can be one part of a compound (heads: see `head_stem`)."""
        if len(word) < MIN_PART_LEN or (head and word.endswith(_S_LINKED)):
            return False
        stem = self.head_stem(word) if head else word
        floor = SHORT_PART_ZIPF if len(word) == MIN_PART_LEN else MIN_PART_ZIPF
        return self._freqs.get(stem, 0.0) >= floor

    def head_stem(self, head: str) -> str:
        """The word a compound head stands for; a common word stands for itself.

        ``kartläggnings`` (linking -s) is ``kartläggning``, ``fråge`` is ``fråga``.
        """
        if self._freqs.get(head, 0.0) >= MIN_PART_ZIPF or len(head) < 2:
            return head
        return head[:-1] if head.endswith("s") else head[:-1] + "a" if head[-1] in "eo" else head

    def part_score(self, part: str, head: bool) -> float:
        """How productive `part` is as a compound head (or tail).

        The log of how many lexicon compounds it starts (ends); the part's own
        frequency only breaks ties.
        """
        if (part, head) not in self._part_scores:
            if head:
                rests = [w[len(part) :] for w in self._words.starting_with(part)]
            else:
                rests = [w[::-1][: -len(part)] for w in self._reversed.starting_with(part[::-1])]
            used = sum(self._is_part_rest(r, head=not head) for r in rests)
            stem = self.head_stem(part) if head else part
            self._part_scores[part, head] = log10(1 + used) + 0.1 * self._freqs.get(stem, 0.0)
        return self._part_scores[part, head]

    def _is_part_rest(self, rest: str, head: bool) -> bool:
        if len(rest) < MIN_PART_LEN:
            return False
        return rest in self._freqs or (head and rest.endswith("s") and rest[:-1] in self._freqs)


@lru_cache(maxsize=1)
def _default_lexicon() -> Lexicon:
    return Lexicon(_wordfreq_sv())


@dataclass(frozen=True)
class Analysis:
    """One reading of an observed word: its lexicon parts and substitution cost."""

    parts: tuple[str, ...]
    cost: float

    @property
    def text(self) -> str:
        """The repaired word, lowercase."""
        return "".join(self.parts)


def analyses(
    lexicon: Lexicon, word: str, table: Substitutions, max_subs: int = 4, max_parts: int = 3
) -> list[Analysis]:
    """Every reading of lowercase `word` as one lexicon word or a compound of parts.

    Args:
        table: observed substring -> ((replacement, cost), ...). Observed
            letters are also kept as they are, at no cost.
    """
    keys = sorted(table, key=len, reverse=True)
    found: list[Analysis] = []

    def walk(i: int, cur: str, parts: tuple[str, ...], cost: float, subs: int) -> None:
        if word[i:] == "na" and cur.endswith(("ar", "er", "or")):  # a definite plural
            if lexicon.is_part(cur) if parts else cur in lexicon:
                found.append(Analysis((*parts, cur + "na"), round(cost, 3)))
        if word[i:] == "nde" and cur.endswith("a") and not parts and cur in lexicon:  # konkretiserande
            found.append(Analysis((cur + "nde",), round(cost, 3)))
        if i == len(word):
            if lexicon.is_part(cur) if parts else lexicon.word_frequency(cur):
                found.append(Analysis((*parts, cur), round(cost, 3)))
            return
        options = [(word[i], word[i], 0.0)] if word[i].isalpha() else []
        options += [(k, t, c) for k in keys if word.startswith(k, i) for t, c in table[k]]
        for key, target, c in options:
            is_sub = target != key
            if (not is_sub or subs < max_subs) and lexicon.has_prefix(cur + target):
                walk(i + len(key), cur + target, parts, cost + c, subs + is_sub)
        if cur and len(parts) + 1 < max_parts:
            if lexicon.is_part(cur, head=True):
                walk(i, "", (*parts, cur), cost, subs)
            linked = cur + "s"  # a linking -s that no listed word happens to start with
            if word.startswith("s", i) and not lexicon.has_prefix(linked):
                if lexicon.is_part(linked, head=True):
                    walk(i + 1, "", (*parts, linked), cost, subs)

    walk(0, "", (), 0.0, 0)
    return found


def best(lexicon: Lexicon, found: list[Analysis]) -> Analysis:
    """Fewest compound parts first, then the likeliest reading net of substitution cost."""
    return min(found, key=lambda a: (len(a.parts), -score(lexicon, a)))


def score(lexicon: Lexicon, analysis: Analysis) -> float:
    """A single word's Zipf, or a compound's summed part productivity, minus the cost."""
    *heads, tail = analysis.parts
    if not heads:
        return lexicon.word_frequency(tail) - analysis.cost
    parts = [lexicon.part_score(h, head=True) for h in heads]
    return sum(parts) + lexicon.part_score(tail, head=False) - analysis.cost
