"""Hybrid retrieval: dense (Chroma) and BM25 evidence on one pool, fused; a floor for "not covered"."""

import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace

from bot.errors import IndexMissing
from bot.search.fusion import Evidence, Fusion
from bot.search.index import KnowledgeIndex
from bot.search.lexical import LexicalIndex, top
from bot.search.text import detect_language, terms
from bot.search.types import Source

# Calibrated on eval/questions.jsonl (see README, "Relevance floor"): a best passage
# below this relevance means the documents do not answer the question.
DEFAULT_FLOOR = 0.855
CANDIDATES = 30  # each side's best chunks that enter the pool
DENSE_SCORED = 200  # chunks the vector query scores, so pooled BM25 candidates have a cosine
# Min-max over the pool, weighted 0.7 towards dense: chosen by grouped 5-fold
# cross-validation over SweFAQ dev and our tune questions (`bot bench fusion`, README).
DEFAULT_FUSION = Fusion("minmax", 0.7)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with its evidence: dense cosine, BM25 score and term coverage."""

    source: Source
    dense: float
    lexical: float
    coverage: float
    relevance: float


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
    def of(cls, sources: list[Source], bm25: Callable[[list[str]], LexicalIndex] = LexicalIndex) -> "Corpus":
        """Index `sources` for BM25 by title, section and text (`bm25` builds the index)."""
        lexical = bm25([f"{s.title} {s.section} {s.text}" for s in sources])
        return cls(sources, lexical, {s.chunk_id: i for i, s in enumerate(sources)})


class HybridRetriever:
    """Search the knowledge index; the BM25 side is rebuilt when the index changes."""

    def __init__(
        self,
        index: KnowledgeIndex,
        floor: float | None = None,
        fusion: Fusion = DEFAULT_FUSION,
        bm25: Callable[[list[str]], LexicalIndex] = LexicalIndex,
    ) -> None:
        """Search `index`; `fusion` mixes the two sides, `bm25` builds the lexical index."""
        self.index = index
        self.floor = DEFAULT_FLOOR if floor is None else floor
        self.fusion = fusion
        self._bm25 = bm25
        self._lock = threading.Lock()
        self._state: tuple[str, str] | None = None
        self._corpus = Corpus.of([])

    @property
    def corpus(self) -> Corpus:
        """Return the chunks as of the last refresh (every query refreshes them first)."""
        return self._corpus

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
                self._corpus, self._state = Corpus.of(sources, self._bm25), state
            return self._corpus

    def dense(self, query: str, k: int) -> list[tuple[Source, float]]:
        """Rank by the vector index alone: return the top `k` chunks with their cosine."""
        return self._dense(self.refresh(), query, k)

    def lexical(self, query: str, k: int) -> list[tuple[Source, float]]:
        """Rank by BM25 alone: return the top `k` chunks with a positive BM25 score."""
        corpus = self.refresh()
        return [(corpus.sources[pos], score) for pos, score in corpus.lexical.search(query, k)]

    def evidence(
        self, query: str, vector: Sequence[float] | None = None, pool: Collection[int] | None = None
    ) -> Evidence:
        """Dense and BM25 scores of the pool: each side's best CANDIDATES, or the given positions.

        A pooled chunk beyond the vector query's DENSE_SCORED gets the lowest cosine seen
        (an upper bound of its own). `vector` is the query's embedding, when already known.
        """
        return self._evidence(self.refresh(), query, vector, pool)

    def _evidence(
        self, corpus: Corpus, query: str, vector: Sequence[float] | None, pool: Collection[int] | None
    ) -> Evidence:
        vector = self.index.embeddings.embed_query(query) if vector is None else vector
        scored = self.index.dense(vector, min(DENSE_SCORED, len(corpus.sources)))
        cosines = {corpus.positions[cid]: cos for cid, cos in scored if cid in corpus.positions}
        bm25 = corpus.lexical.scores(query)
        if pool is None:
            best_dense = sorted(cosines, key=lambda p: -cosines[p])[:CANDIDATES]
            pool = [*best_dense, *(p for p, _ in top(bm25, CANDIDATES) if p not in best_dense)]
        floor = min(cosines.values(), default=0.0)
        dense = {p: cosines.get(p, floor) for p in pool}
        return Evidence(dense, {p: float(bm25[p]) for p in pool}, len(set(terms(query))))

    def hits(self, query: str, k: int = 5) -> list[Hit]:
        """Return the top `k` hits by fused score, each with its relevance (no floor applied)."""
        corpus = self.refresh()
        evidence = self._evidence(corpus, query, None, None)
        fused = self.fusion.fuse(evidence)
        ranked = sorted(fused, key=lambda p: -fused[p])[:k]
        language = detect_language(query)
        out = []
        for pos in ranked:
            coverage = corpus.lexical.coverage(query, pos)
            d = evidence.dense[pos]
            rel = relevance(d, coverage, language)
            out.append(Hit(replace(corpus.sources[pos], score=rel), d, evidence.lexical[pos], coverage, rel))
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
