"""The extractive answerer: quotes the sentence that answers, or says plainly that none does.

It needs no LLM. Retrieval finds the passages; their sentences and lists are scored as
answers (bot/answer/selection.py) and the best is quoted first. Whether the documents
answer is decided from what would be quoted (bot/answer/coverage.py), not from how
relevant the best passage is: the question's specific terms and the kind of answer it
asks for must be in the quotes. Three outcomes, `Answer.meta["coverage"]`:

- full: the quotes, first the one that answers;
- partial: the topic is covered but not the ask ("Dokumenten säger inte vem …"), then at
  most two related quotes; counted as a refusal;
- none: nothing relevant; the refusal text.
"""

from collections.abc import Sequence

import numpy as np

from bot.answer import policy
from bot.answer.coverage import (
    ASKING,
    Ask,
    Term,
    ask_kind,
    compound_parts,
    has_evidence,
    specific_terms,
    uncovered,
    zipf,
)
from bot.answer.quoting import Unit, quotable_units, render_quotes
from bot.answer.selection import Vector, context, pick, placed, score_units
from bot.answer.types import Answer, Source, Turn
from bot.search.retriever import Hit, HybridRetriever
from bot.search.text import terms

QUOTED_SOURCES = 5  # units are drawn from this many top passages
SOURCE_MARGIN = 0.05  # passages this far below the floor may still hold the detail
NONE_MARGIN = 0.02  # below floor - NONE_MARGIN nothing is relevant: the plain refusal (tuned on the tune half)
MIN_COVERAGE = 0.6  # share of the specific terms the quotes must hold for a full answer (tuned)
COMMON_SHARE = 0.2  # a term in this share of all chunks picks nothing out (e.g. "förbund")


class ExtractiveAnswerer:
    """Answer by quoting the knowledge base; say what it does not say."""

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
        meta: dict[str, object] = {"relevance": round(best, 4), "query": query, "coverage": "none"}
        if best < self.retriever.floor - NONE_MARGIN:
            return policy.refusal(prepared, meta)
        kept = [h for h in hits if h.relevance >= self.retriever.floor - SOURCE_MARGIN - NONE_MARGIN]
        kept.sort(key=lambda h: -h.relevance)  # re-rank the fused candidates by relevance
        sources = tuple(h.source for h in kept)
        specific = specific_terms(prepared.text, self._common_terms(), compound_parts, zipf)
        if prepared.language == "en":  # English words are not in Swedish quotes: only numbers count
            specific = [t for t in specific if t.required]
        ask = ask_kind(prepared.text)
        quotes = self._select(query, sources, specific, ask)
        if not quotes:
            return policy.refusal(prepared, meta)
        quoted = " ".join(placed(u, sources[u.ref - 1]) for q in quotes for u in q)
        missing = uncovered(specific, quoted)
        evidence = has_evidence(ask, " ".join(u.text for q in quotes for u in q), specific)
        share = 1.0 - len(missing) / len(specific) if specific else 1.0
        meta |= {"term_coverage": round(share, 3), "evidence": evidence, "ask": ask,
                 "missing": [t.word for t in missing], "required_missing": any(t.required for t in missing),
                 "terms": [(t.word, round(zipf(t.word.lower()), 2), t not in missing) for t in specific],
                 "first_quote": render(quotes[0])}
        if not set(terms(query)) - ASKING or (specific and len(missing) == len(specific)):
            return policy.refusal(prepared, meta)  # nothing to look for, or none of it quoted: off topic
        if share >= MIN_COVERAGE and evidence and not meta["required_missing"]:
            body = "\n\n".join(render(q) for q in quotes)
            if prepared.language == "en":
                body += "\n\n_(Quoted in Swedish from the documents.)_"
            return policy.answered(prepared, body, sources, meta | {"coverage": "full"})
        words = [_phrase(prepared.text, t) for t in missing]
        return policy.partial(prepared, ask, words, [render(q) for q in quotes], sources, meta)

    def _retrieve(self, prepared: policy.Prepared) -> tuple[str, list[Hit]]:
        """Retrieve for the question alone, or with the previous turn when it is a follow-up."""
        alone = self.retriever.hits(prepared.text, self.top_k)
        answerable = max((h.relevance for h in alone), default=0.0) >= self.retriever.floor
        query = policy.choose_query(prepared, answerable)
        return query, alone if query == prepared.text else self.retriever.hits(query, self.top_k)

    def _select(self, query: str, sources: Sequence[Source], specific: list[Term], ask: Ask) -> list[list[Unit]]:
        """Return the quotes that best answer `query`, first the one that answers."""
        units = quotable_units(sources[:QUOTED_SOURCES])
        if not units:
            return []
        q_vec: Vector = np.asarray(self.retriever.index.embeddings.embed_query(query))
        vectors = self._vectors([context(u, sources[u.ref - 1]) for u in units])
        similarity = [float(vec @ q_vec) for vec in vectors]
        scores = score_units(query, units, sources, similarity, specific, ask_kind(query) if ask == "other" else ask)
        return pick(units, sources, scores, vectors, specific)

    def _common_terms(self) -> frozenset[str]:
        """Return the terms in at least COMMON_SHARE of the chunks (the search just refreshed them)."""
        return self.retriever.corpus.lexical.frequent_terms(COMMON_SHARE)

    def _vectors(self, texts: list[str]) -> list[Vector]:
        """Embed unit contexts, each once per process."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._unit_vectors]
        if missing:
            if len(self._unit_vectors) > 20_000:  # bound the cache of a long-running bot
                self._unit_vectors.clear()
            vectors = self.retriever.index.embeddings.embed_documents(missing)
            self._unit_vectors.update(zip(missing, map(np.asarray, vectors), strict=True))
        return [self._unit_vectors[t] for t in texts]


def render(quote: Sequence[Unit]) -> str:
    """Render one quote as Markdown: sentences run together, a list under its lead-in.

    >>> render([Unit(1, 0, "Första."), Unit(1, 1, "Andra.")])
    '> Första. Andra. [1]'
    """
    if quote[0].is_item:
        return "\n".join(render_quotes(quote))
    return f"> {' '.join(u.text for u in quote)} [{quote[0].ref}]"


def _phrase(question: str, term: Term) -> str:
    """Return how the question names a missing term; a number keeps the word before it.

    >>> _phrase("Vad gör man i steg 9?", Term("9", "9"))
    'steg 9'
    """
    if not term.word.isdigit():
        return term.word
    words = question.replace("?", " ").split()
    at = words.index(term.word) if term.word in words else 0
    return " ".join(words[max(at - 1, 0) : at + 1]) if at and terms(words[at - 1]) else term.word
