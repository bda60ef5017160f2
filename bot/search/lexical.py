"""BM25 over chunks with `bm25s`: diacritic-folded, Swedish-stemmed terms (see bot.search.text.terms)."""

import logging
import math
from collections import Counter

import bm25s
import numpy as np

from bot.search.text import terms


class LexicalIndex:
    """An in-memory BM25 index over a fixed list of texts."""

    def __init__(self, texts: list[str]) -> None:
        self.size = len(texts)
        self._bm25 = bm25s.BM25()
        self.doc_terms = [frozenset(terms(t)) for t in texts]
        self._df = Counter(t for doc in self.doc_terms for t in doc)
        if texts:
            # bm25s logs a progress bar per call; keep the CLI quiet.
            logging.getLogger("bm25s").setLevel(logging.WARNING)
            self._bm25.index([terms(t) for t in texts], show_progress=False)

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
        tokens = [t for t in terms(query) if t in self._bm25.vocab_dict] if self.size else []
        if not tokens:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(tokens), dtype=np.float32)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top `k` (position, score) pairs with a positive score, best first."""
        scores = self.scores(query)
        if not scores.any():
            return []
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(top.tolist(), key=lambda i: -scores[i])
        return [(i, float(scores[i])) for i in ranked if scores[i] > 0]
