"""BM25 over chunks with `bm25s`: diacritic-folded, Swedish-stemmed terms (see bot.search.text.terms).

Two levers are options, off by default: compound splitting (bot.search.compounds) and
RM3-style pseudo-relevance feedback. Neither raised the hybrid on held-out folds
(README, "Fusion chosen by cross-validation"); `bot bench fusion` keeps measuring them.
"""

import logging
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import bm25s
import numpy as np

from bot.search.text import terms


@dataclass(frozen=True)
class Feedback:
    """RM3-style feedback: expand the query with the top terms of its top BM25 texts.

    Args:
        docs: how many top texts to read.
        terms: how many new terms to add, weighted by their share in those texts.
        weight: the expansion's share of the final score (scaled to the original's best).
    """

    docs: int = 10
    terms: int = 10
    weight: float = 0.3


class LexicalIndex:
    """An in-memory BM25 index over a fixed list of texts."""

    def __init__(self, texts: list[str], compounds: bool = False, feedback: Feedback | None = None) -> None:
        self.size = len(texts)
        self.feedback = feedback
        self._bm25 = bm25s.BM25()
        self._tokens: Callable[[str], list[str]] = terms
        if compounds:
            from bot.search.compounds import compound_terms  # loads the wordfreq lexicon

            self._tokens = compound_terms
        # Coverage (a part of the answerer's relevance) keeps comparing whole terms.
        self.doc_terms = [frozenset(terms(t)) for t in texts]
        self._df = Counter(t for doc in self.doc_terms for t in doc)
        self._frequent: dict[float, frozenset[str]] = {}
        indexed = [self._tokens(t) for t in texts]
        self._counts = [Counter(doc) for doc in indexed] if feedback else []
        if texts:
            # bm25s logs a progress bar per call; keep the CLI quiet.
            logging.getLogger("bm25s").setLevel(logging.WARNING)
            self._bm25.index(indexed, show_progress=False)

    def frequent_terms(self, share: float) -> frozenset[str]:
        """Return the terms found in at least `share` of the texts (and in two at least).

        Such terms pick no passage out ("förbund" in a knowledge base about förbund). Kept
        per share: the answerer asks on every question, the index changes only on a re-index.

        >>> sorted(LexicalIndex(["förbundet har mål", "förbundet har en plan", "lönen"]).frequent_terms(0.5))
        ['forbundet']
        """
        if share not in self._frequent:
            limit = max(2.0, share * self.size)
            self._frequent[share] = frozenset(t for t, n in self._df.items() if n >= limit)
        return self._frequent[share]

    def idf(self, term: str) -> float:
        """Inverse document frequency; a term the corpus never uses weighs the most."""
        return math.log(1 + self.size / (self._df.get(term, 0) + 0.5))

    def coverage(self, query: str, position: int) -> float:
        """IDF-weighted share of the query's terms that the text at `position` contains.

        Rare words that the knowledge base never uses ("lunch", "parkera") weigh the
        most, so an off-topic question scores low even if it shares a common word.
        """
        return self._coverage(set(terms(query)), self.doc_terms[position])

    def _coverage(self, wanted: set[str], found: frozenset[str]) -> float:
        total = sum(self.idf(t) for t in wanted)
        if not total:
            return 0.0
        return sum(self.idf(t) for t in wanted & found) / total

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every text for `query` (zeros when nothing matches)."""
        tokens = self._tokens(query)
        scores = self._scores(tokens)
        if self.feedback and scores.any():
            scores = self._expanded(scores, set(tokens), self.feedback)
        return scores

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top `k` (position, score) pairs with a positive score, best first."""
        return top(self.scores(query), k)

    def _scores(self, tokens: list[str]) -> np.ndarray:
        known = [t for t in tokens if t in self._bm25.vocab_dict] if self.size else []
        if not known:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)

    def _expanded(self, scores: np.ndarray, asked: set[str], feedback: Feedback) -> np.ndarray:
        """Mix in the scores of the feedback terms (RM3: term share in a text × the text's score)."""
        weights: dict[str, float] = {}
        best = [p for p, _ in top(scores, feedback.docs)]
        total = float(sum(scores[p] for p in best))
        for p in best:
            length = sum(self._counts[p].values())
            for term, n in self._counts[p].items():
                weights[term] = weights.get(term, 0.0) + n / length * float(scores[p]) / total
        ranked = sorted(weights.items(), key=lambda tw: -tw[1])
        chosen = [(t, w) for t, w in ranked if t not in asked][: feedback.terms]
        if not chosen:
            return scores
        mass = sum(w for _, w in chosen)
        extra = np.sum([(w / mass) * self._scores([t]) for t, w in chosen], axis=0)
        extra *= float(scores.max()) / max(float(extra.max()), 1e-9)
        return np.asarray((1 - feedback.weight) * scores + feedback.weight * extra, dtype=np.float32)


def top(scores: np.ndarray, k: int) -> list[tuple[int, float]]:
    """The `k` best (position, score) pairs with a positive score, best first.

    >>> top(np.array([0.5, 0.0, 2.0, 1.0]), 2)
    [(2, 2.0), (3, 1.0)]
    """
    k = min(k, len(scores))
    if k <= 0 or not scores.any():
        return []
    best = np.argpartition(-scores, k - 1)[:k]
    ranked = sorted(best.tolist(), key=lambda i: -scores[i])
    return [(i, float(scores[i])) for i in ranked if scores[i] > 0]
