"""Hybrid retrieval: dense (Chroma) and BM25 candidates, fused; a floor for "not covered"."""

import threading
from dataclasses import dataclass, field, replace

from bot.errors import IndexMissing
from bot.search.index import KnowledgeIndex
from bot.search.lexical import LexicalIndex
from bot.search.text import detect_language
from bot.search.types import Source

# Calibrated on eval/questions.jsonl (see README, "Relevance floor"): a best passage
# below this relevance means the documents do not answer the question.
DEFAULT_FLOOR = 0.855
CANDIDATES = 30
# Min-max score fusion weighted 0.7 towards dense: chosen by 2-fold cross-validation on
# SweFAQ dev (each half picks 0.7; held-out MRR@10 0.735 / 0.737), see README.
DENSE_WEIGHT = 0.7


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its evidence: dense cosine, BM25 share and term coverage."""

    source: Source
    dense: float
    lexical: float
    coverage: float
    relevance: float


def fuse(dense: dict[int, float], lexical: dict[int, float], weight: float = DENSE_WEIGHT) -> dict[int, float]:
    """Mix two score maps (position → score), each min-max normalised over its candidates.

    A position missing from one side scores 0 there.

    Reciprocal-rank fusion was measured too and ranked below dense alone on SweFAQ
    (MRR@10 0.693 vs 0.710), because it throws away how far apart the scores are.

    >>> fuse({1: 0.9, 2: 0.8}, {2: 5.0, 3: 1.0}, weight=0.5)
    {1: 0.5, 2: 0.5, 3: 0.0}
    """
    d, lx = _minmax(dense), _minmax(lexical)
    return {p: weight * d.get(p, 0.0) + (1.0 - weight) * lx.get(p, 0.0) for p in d | lx}


def _minmax(scores: dict[int, float]) -> dict[int, float]:
    """Scale scores to 0..1 over their range (all 1 when they are equal)."""
    lo, hi = min(scores.values(), default=0.0), max(scores.values(), default=0.0)
    return {p: (s - lo) / (hi - lo) if hi > lo else 1.0 for p, s in scores.items()}


def relevance(dense: float, coverage: float, language: str = "sv") -> float:
    """Score a hit for the floor: dense cosine, raised by the (IDF-weighted) terms found.

    An English question matches Swedish passages with a lower cosine and shares few
    terms with them; the offset puts it on the Swedish scale (calibrated, see README).

    >>> round(relevance(0.8, 1.0), 3)
    0.85
    """
    return dense + 0.05 * coverage + (0.03 if language == "en" else 0.0)


@dataclass(frozen=True)
class Corpus:
    """The chunks of one index version, with their BM25 index (replaced whole on a change)."""

    sources: list[Source]
    lexical: LexicalIndex
    positions: dict[str, int] = field(default_factory=dict)  # chunk id → position

    @classmethod
    def of(cls, sources: list[Source]) -> "Corpus":
        """Index `sources` for BM25 by title, section and text."""
        lexical = LexicalIndex([f"{s.title} {s.section} {s.text}" for s in sources])
        return cls(sources, lexical, {s.chunk_id: i for i, s in enumerate(sources)})


class HybridRetriever:
    """Search the knowledge index; the BM25 side is rebuilt when the index changes."""

    def __init__(self, index: KnowledgeIndex, floor: float | None = None, weight: float = DENSE_WEIGHT) -> None:
        self.index = index
        self.floor = DEFAULT_FLOOR if floor is None else floor
        self.weight = weight
        self._lock = threading.Lock()
        self._state: tuple[str, str] | None = None
        self._corpus = Corpus.of([])

    def refresh(self) -> Corpus:
        """Return the current chunks, reloading them and BM25 when the index changed.

        One Chroma call per query; the chunks are kept until the collection's id or version
        stamp changes (a re-index, here or in another replica). IndexMissing when it is empty.
        """
        state = self.index.state()
        with self._lock:
            if state != self._state:
                sources = self.index.chunks()
                if not sources:
                    raise IndexMissing()
                self._corpus, self._state = Corpus.of(sources), state
            return self._corpus

    def dense(self, query: str, k: int) -> list[tuple[Source, float]]:
        """Rank by the vector index alone: return the top `k` chunks with their cosine."""
        return self._dense(self.refresh(), query, k)

    def lexical(self, query: str, k: int) -> list[tuple[Source, float]]:
        """Rank by BM25 alone: return the top `k` chunks with a positive BM25 score."""
        corpus = self.refresh()
        return [(corpus.sources[pos], score) for pos, score in corpus.lexical.search(query, k)]

    def hits(self, query: str, k: int = 5) -> list[Hit]:
        """Return the top `k` hits by fused rank, each with its relevance (no floor applied)."""
        corpus = self.refresh()
        dense = {corpus.positions[s.chunk_id]: cos for s, cos in self._dense(corpus, query, CANDIDATES)}
        lexical = dict(corpus.lexical.search(query, CANDIDATES))
        fused = fuse(dense, lexical, self.weight)
        ranked = sorted(fused, key=lambda p: -fused[p])[:k]
        language = detect_language(query)
        floor_dense = min(dense.values(), default=0.0)
        out = []
        for pos in ranked:
            coverage = corpus.lexical.coverage(query, pos)
            d = dense.get(pos, floor_dense)
            rel = relevance(d, coverage, language)
            out.append(Hit(replace(corpus.sources[pos], score=rel), d, lexical.get(pos, 0.0), coverage, rel))
        return out

    def search(self, query: str, k: int = 5) -> list[Source]:
        """Return the sources above the relevance floor, in rank order."""
        hits = self.hits(query, k)
        if not hits or max(h.relevance for h in hits) < self.floor:
            return []
        return [h.source for h in hits if h.relevance >= self.floor]

    def _dense(self, corpus: Corpus, query: str, k: int) -> list[tuple[Source, float]]:
        """Rank `corpus` by cosine to the query; chunks the corpus lacks are skipped."""
        vector = self.index.embeddings.embed_query(query)
        ranked = self.index.dense(vector, k)
        return [(corpus.sources[corpus.positions[cid]], cos) for cid, cos in ranked if cid in corpus.positions]
