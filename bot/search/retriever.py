"""Hybrid retrieval: dense (Chroma) and BM25 candidates, fused; a floor for "not covered"."""

import threading
from dataclasses import dataclass, replace

from langchain_chroma import Chroma

from bot.search.index import KnowledgeIndex, get_all
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
    """Convex mix of two score maps (position → score), each min-max normalised over its
    candidates; a position missing from one side scores 0 there.

    Reciprocal-rank fusion was measured too and ranked below dense alone on SweFAQ
    (MRR@10 0.693 vs 0.710), because it throws away how far apart the scores are.

    >>> fuse({1: 0.9, 2: 0.8}, {2: 5.0, 3: 1.0}, weight=0.5)
    {1: 0.5, 2: 0.5, 3: 0.0}
    """
    d, lx = _minmax(dense), _minmax(lexical)
    return {p: weight * d.get(p, 0.0) + (1.0 - weight) * lx.get(p, 0.0) for p in d | lx}


def _minmax(scores: dict[int, float]) -> dict[int, float]:
    lo, hi = min(scores.values(), default=0.0), max(scores.values(), default=0.0)
    return {p: (s - lo) / (hi - lo) if hi > lo else 1.0 for p, s in scores.items()}


def relevance(dense: float, coverage: float, language: str = "sv") -> float:
    """One number for the floor: dense cosine, raised by the (IDF-weighted) terms found.

    An English question matches Swedish passages with a lower cosine and shares few
    terms with them; the offset puts it on the Swedish scale (calibrated, see README).

    >>> round(relevance(0.8, 1.0), 3)
    0.85
    """
    return dense + 0.05 * coverage + (0.03 if language == "en" else 0.0)


class HybridRetriever:
    """Search the knowledge index; the BM25 side is rebuilt when the index changes."""

    def __init__(self, index: KnowledgeIndex, floor: float | None = None, weight: float = DENSE_WEIGHT) -> None:
        self.index = index
        self.floor = DEFAULT_FLOOR if floor is None else floor
        self.weight = weight
        self._lock = threading.Lock()
        self._state: tuple[str, str] | None = None
        self._store: Chroma | None = None
        self._sources: list[Source] = []
        self._pos: dict[str, int] = {}
        self._lexical = LexicalIndex([])

    def _refresh(self) -> Chroma:
        """Return the vector store, reloading it and the BM25 side when the index changed.

        One `get_collection` per query; the store and chunk texts are kept until the
        collection's id or version stamp changes (a re-index, here or in another replica).
        """
        state = self.index.state()
        with self._lock:
            if state == self._state and self._store is not None:
                return self._store
            store = self.index.store()
            got = get_all(store._collection, ["documents", "metadatas"])
            self._sources = [
                Source(
                    id=str(m["doc_id"]), title=str(m["title"]), section=str(m.get("section", "")),
                    score=0.0, text=str(doc), url=str(m.get("url") or "") or None, chunk_id=cid,
                )
                for cid, doc, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
            ]
            self._pos = {s.chunk_id: i for i, s in enumerate(self._sources)}
            self._lexical = LexicalIndex([f"{s.title} {s.section} {s.text}" for s in self._sources])
            self._state, self._store = state, store
            return store

    def hits(self, query: str, k: int = 5) -> list[Hit]:
        """Top `k` hits by fused rank, each with its relevance (no floor applied)."""
        store = self._refresh()
        vector = self.index.embeddings.embed_query(query)
        # Despite its name this returns cosine *distances* (lower is closer).
        dense_docs = store.similarity_search_by_vector_with_relevance_scores(vector, k=CANDIDATES)
        dense = {self._pos[d.id]: 1.0 - float(dist) for d, dist in dense_docs if d.id in self._pos}
        lexical = dict(self._lexical.search(query, CANDIDATES))
        fused = fuse(dense, lexical, self.weight)
        ranked = sorted(fused, key=lambda p: -fused[p])[:k]
        language = detect_language(query)
        floor_dense = min(dense.values(), default=0.0)
        out = []
        for pos in ranked:
            source = self._sources[pos]
            coverage = self._lexical.coverage(query, pos)
            d = dense.get(pos, floor_dense)
            rel = relevance(d, coverage, language)
            out.append(Hit(replace(source, score=rel), d, lexical.get(pos, 0.0), coverage, rel))
        return out

    def search(self, query: str, k: int = 5) -> list[Source]:
        """Sources above the relevance floor, in rank order."""
        hits = self.hits(query, k)
        if not hits or max(h.relevance for h in hits) < self.floor:
            return []
        return [h.source for h in hits if h.relevance >= self.floor]

