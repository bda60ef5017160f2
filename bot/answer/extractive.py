"""The extractive answerer: quotes the sentences of the best passages that answer the question.

It needs no LLM: it ranks the sentences (and whole lists) of the top passages by
similarity to the question and quotes the best few, each cited `[n]` → `sources[n-1]`.
"""

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from bot.answer import policy
from bot.answer.quoting import Unit, length, local_coverage, quotable_units, render_quotes
from bot.answer.types import Answer, Source, Turn
from bot.ingest.dates import MONTHS
from bot.search.retriever import Hit, HybridRetriever

Vector = npt.NDArray[np.float64]
_ASKS_WHEN = re.compile(r"^\s*(när|vilket år|vilken dag|hur länge|sedan när|when)\b", re.I)
_TIME = re.compile(
    rf"\b(1[89]\d\d|20\d\d|{'|'.join(MONTHS)}|våren|sommaren|hösten|vintern|varje (vecka|månad|år))\b",
    re.I,
)
_ASKS_WHICH = re.compile(r"^\s*(vilka|vad (finns|ingår|ska|står)|which|what are)\b", re.I)
MAX_QUOTES = 4
PRIOR = 1.0
QUOTED_SOURCES = 5  # units are drawn from this many top passages
SOURCE_MARGIN = 0.05
LEXICAL_WEIGHT = 0.1
DIVERSITY = 0.1  # MMR weight against repeating what is already quoted
LIST_BONUS = 0.06  # "Vilka ...?" prefers list items (the whole list is quoted)
TIME_BONUS = 0.03  # "När ...?" prefers sentences that name a date, year or season
FOLLOWER_MARGIN = 0.18  # the sentence after the best one is quoted when this close
MARGIN = 0.09  # runners-up within this score of the best unit are quoted too
MAX_QUOTE_CHARS = 1200


class ExtractiveAnswerer:
    """Answer by quoting the knowledge base; refuse when retrieval finds nothing relevant."""

    def __init__(self, retriever: HybridRetriever, top_k: int = 5, max_chars: int = 2000) -> None:
        self.retriever = retriever
        self.top_k = top_k
        self.max_chars = max_chars
        self._unit_vectors: dict[str, Vector] = {}

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer `question`, using `history` to understand follow-ups."""
        prepared = policy.prepare(question, history, self.max_chars)
        if prepared.empty:
            return policy.empty_answer(prepared)
        query, hits = self._retrieve(prepared)
        best = max((h.relevance for h in hits), default=0.0)
        meta: dict[str, object] = {"relevance": round(best, 4), "query": query}
        if best < self.retriever.floor:
            return policy.refusal(prepared, meta)
        # The floor decides *whether* the documents answer; once they do, passages a
        # little below it may still hold the detail, so they are quoted and cited too.
        kept = [h for h in hits if h.relevance >= self.retriever.floor - SOURCE_MARGIN]
        kept.sort(key=lambda h: -h.relevance)  # re-rank the fused candidates by relevance
        sources = tuple(h.source for h in kept)
        body = "\n\n".join(render_quotes(self._select(query, sources)))
        return policy.answered(prepared, f"{prepared.texts['intro']}\n\n{body}", sources, meta)

    def _retrieve(self, prepared: policy.Prepared) -> tuple[str, list[Hit]]:
        """Retrieve for the question alone, or with the previous turn when it is a follow-up."""
        alone = self.retriever.hits(prepared.text, self.top_k)
        answerable = max((h.relevance for h in alone), default=0.0) >= self.retriever.floor
        query = policy.choose_query(prepared, answerable)
        return query, alone if query == prepared.text else self.retriever.hits(query, self.top_k)

    def _select(self, query: str, sources: Sequence[Source]) -> list[Unit]:
        """Pick the units that best answer `query`, diverse rather than repetitive (MMR)."""
        units = quotable_units(sources[:QUOTED_SOURCES])
        if not units:
            return []
        q_vec: Vector = np.asarray(self.retriever.index.embeddings.embed_query(query))
        contexts = [f"{sources[u.ref - 1].section}: {u.lead} {u.text}" for u in units]
        vectors = self._vectors(contexts)
        scores = score_units(query, units, sources, contexts, [float(vec @ q_vec) for vec in vectors])
        chosen = pick(units, scores, vectors)
        return complete_lists([units[i] for i in chosen], units)

    def _vectors(self, texts: list[str]) -> list[Vector]:
        """Embed unit contexts, each once per process."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._unit_vectors]
        if missing:
            if len(self._unit_vectors) > 20_000:  # bound the cache of a long-running bot
                self._unit_vectors.clear()
            vectors = self.retriever.index.embeddings.embed_documents(missing)
            self._unit_vectors.update(zip(missing, map(np.asarray, vectors), strict=True))
        return [self._unit_vectors[t] for t in texts]


def score_units(
    query: str, units: Sequence[Unit], sources: Sequence[Source], contexts: list[str], similarity: list[float]
) -> list[float]:
    """Score units: similarity to the query, its terms, the passage's rank, the kind of question."""
    wants_time = bool(_ASKS_WHEN.search(query))
    wants_list = bool(_ASKS_WHICH.search(query))
    lexical = local_coverage(query, contexts)
    return [
        sim
        + LEXICAL_WEIGHT * lex
        + PRIOR * (sources[unit.ref - 1].score - sources[0].score)
        + (TIME_BONUS if wants_time and _TIME.search(unit.text) else 0.0)
        + (LIST_BONUS if wants_list and unit.is_item else 0.0)
        for unit, lex, sim in zip(units, lexical, similarity, strict=True)
    ]


def pick(units: Sequence[Unit], scores: list[float], vectors: list[Vector]) -> list[int]:
    """Choose the best unit, the sentence after it when close, then runners-up by MMR."""
    best = max(range(len(units)), key=lambda i: scores[i])
    chosen = [best]
    # The sentence after the best one often carries its detail ("..., till exempel ...").
    follower = best + 1
    if follower < len(units) and units[follower].ref == units[best].ref:
        if scores[follower] >= scores[best] - FOLLOWER_MARGIN:
            chosen.append(follower)
    while len(chosen) < MAX_QUOTES:
        rest = runners_up(units, scores, chosen, scores[best])
        if not rest:
            break
        # Maximal marginal relevance: close to the question, unlike what is already quoted.
        chosen.append(
            max(rest, key=lambda i: scores[i] - DIVERSITY * max(float(vectors[i] @ vectors[j]) for j in chosen))
        )
    return chosen


def runners_up(units: Sequence[Unit], scores: list[float], chosen: list[int], top: float) -> list[int]:
    """Units scoring within MARGIN of `top` that still fit, and whose list is not chosen yet."""
    used = length([units[j] for j in chosen])
    # items of a list already chosen come anyway (the list is quoted whole)
    lists = {(units[j].ref, units[j].block) for j in chosen if units[j].is_item}
    return [
        i
        for i, unit in enumerate(units)
        if i not in chosen
        and scores[i] >= top - MARGIN
        and used + len(unit.text) <= MAX_QUOTE_CHARS
        and not (unit.is_item and (unit.ref, unit.block) in lists)
    ]


def complete_lists(picked: list[Unit], units: Sequence[Unit]) -> list[Unit]:
    """Add the rest of each chosen list (a list answers "Vilka mål ...?" as a whole), in order.

    >>> a, b = Unit(1, 0, "- a", block=1), Unit(1, 1, "- b", block=1)
    >>> [u.text for u in complete_lists([b], [Unit(1, 2, "Annat."), a, b])]
    ['- a', '- b']
    """
    picked = list(picked)
    for unit in [u for u in picked if u.is_item]:
        for other in units:
            same = (other.ref, other.block) == (unit.ref, unit.block)
            if same and other not in picked and length(picked) + len(other.text) <= MAX_QUOTE_CHARS:
                picked.append(other)
    return sorted(picked, key=lambda u: (u.ref, u.order))
