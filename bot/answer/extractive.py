"""The extractive answerer: quotes the sentences of the best passages that answer the question.

It needs no LLM: it ranks the sentences (and whole lists) of the top passages by
similarity to the question and quotes the best few, each cited `[n]` → `sources[n-1]`.
"""

import re
from collections.abc import Sequence

import numpy as np

from bot.answer.quoting import Unit, length, local_coverage, quotable_units, render_quotes
from bot.answer.types import Answer, Source, Turn
from bot.search.retriever import Hit, HybridRetriever
from bot.search.text import detect_language, words

_ASKS_WHEN = re.compile(r"^\s*(när|vilket år|vilken dag|hur länge|sedan när|when)\b", re.I)
_TIME = re.compile(
    r"\b(1[89]\d\d|20\d\d|januari|februari|mars|april|maj|juni|juli|augusti|september|oktober"
    r"|november|december|våren|sommaren|hösten|vintern|varje (vecka|månad|år))\b",
    re.I,
)
_ASKS_WHICH = re.compile(r"^\s*(vilka|vad (finns|ingår|ska|står)|which|what are)\b", re.I)
_FOLLOW_UP = re.compile(r"^(och|men|samt|också|även|and|but|what about|how about)\b", re.I)
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

TEXTS = {
    "sv": {
        "intro": "Så här står det i förbundets dokument:",
        "empty": "Skriv en fråga, till exempel: *Vad är en HP-punkt?* eller "
        "*Vilket steg i Respekttrappan tar vi på nästa APT?*",
        "refusal": "Det hittar jag inget om i förbundets dokument, så jag vill inte gissa. "
        "Fråga gärna din förbundschef eller den som samordnar arbetet med de horisontella "
        "principerna i ditt projekt. Gäller det diskriminering kan du också vända dig till "
        "Diskrimineringsombudsmannen (DO).",
        "long": "Frågan var mycket lång ({n} tecken), så jag använde bara de första {max} tecknen.",
    },
    "en": {
        "intro": "Here is what the association's documents say (quoted in Swedish):",
        "empty": "Please type a question, for example: *What is an HP point?*",
        "refusal": "I can't find anything about that in the association's documents, so I won't "
        "guess. Please ask your manager (förbundschef) or the person who coordinates the "
        "horizontal principles in your project. For discrimination matters you can also "
        "contact the Equality Ombudsman (DO).",
        "long": "Your question was very long ({n} characters), so I only used the first {max}.",
    },
}


def retrieval_query(question: str, history: Sequence[Turn]) -> str:
    """Add the previous question to a short follow-up ("och hur ofta då?")."""
    if history and (len(words(question)) <= 6 or _FOLLOW_UP.match(question.strip())):
        return f"{history[-1].question} {question}"
    return question


class ExtractiveAnswerer:
    """Answer by quoting the knowledge base; refuse when retrieval finds nothing relevant."""

    def __init__(self, retriever: HybridRetriever, top_k: int = 5, max_chars: int = 2000) -> None:
        self.retriever = retriever
        self.top_k = top_k
        self.max_chars = max_chars
        self._unit_vectors: dict[str, np.ndarray] = {}

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer `question`, using `history` to understand follow-ups."""
        question = question.strip()
        language = detect_language(question) if question else "sv"
        texts = TEXTS[language]
        if not question:
            return Answer(question, texts["empty"], refused=True, language=language)
        notice = None
        if len(question) > self.max_chars:
            notice = texts["long"].format(n=len(question), max=self.max_chars)
            question = question[: self.max_chars].rsplit(" ", 1)[0]
        query, hits = self._retrieve(question, history)
        best = max((h.relevance for h in hits), default=0.0)
        meta: dict[str, object] = {"relevance": round(best, 4), "query": query}
        if best < self.retriever.floor:
            return Answer(question, texts["refusal"], True, language, notice=notice, meta=meta)
        # The floor decides *whether* the documents answer; once they do, passages a
        # little below it may still hold the detail, so they are quoted and cited too.
        kept = [h for h in hits if h.relevance >= self.retriever.floor - SOURCE_MARGIN]
        kept.sort(key=lambda h: -h.relevance)  # re-rank the fused candidates by relevance
        sources = tuple(h.source for h in kept)
        quotes = self._select(query, sources)
        body = "\n\n".join(render_quotes(quotes))
        return Answer(question, f"{texts['intro']}\n\n{body}", False, language, sources, notice, meta)

    def _retrieve(self, question: str, history: Sequence[Turn]) -> tuple[str, list[Hit]]:
        """Retrieve for the question alone, or with the previous turn when it is a follow-up.

        "och hur ofta då?" needs the earlier question; "Vad är Lex Heller?" asked later in
        the same thread does not, so a question that is answerable alone stays alone.
        """
        alone = self.retriever.hits(question, self.top_k)
        if not history:
            return question, alone
        combined = retrieval_query(question, history)
        answerable = max((h.relevance for h in alone), default=0.0) >= self.retriever.floor
        if combined == question or (answerable and not _FOLLOW_UP.match(question)):
            return question, alone
        return combined, self.retriever.hits(combined, self.top_k)

    def _select(self, query: str, sources: Sequence[Source]) -> list[Unit]:
        """Pick the units that best answer `query`, diverse rather than repetitive (MMR)."""
        units = quotable_units(sources[:QUOTED_SOURCES])
        if not units:
            return []
        q_vec = np.asarray(self.retriever.index.embeddings.embed_query(query))
        contexts = [f"{sources[u.ref - 1].section}: {u.lead} {u.text}" for u in units]
        vectors = self._vectors(contexts)
        wants_time = bool(_ASKS_WHEN.search(query))
        wants_list = bool(_ASKS_WHICH.search(query))
        lexical = local_coverage(query, contexts)
        scores = [
            float(vec @ q_vec)
            + LEXICAL_WEIGHT * lex
            + PRIOR * (sources[unit.ref - 1].score - sources[0].score)
            + (TIME_BONUS if wants_time and _TIME.search(unit.text) else 0.0)
            + (LIST_BONUS if wants_list and unit.is_item else 0.0)
            for unit, lex, vec in zip(units, lexical, vectors, strict=True)
        ]
        best = max(range(len(units)), key=lambda i: scores[i])
        chosen = [best]
        # The sentence after the best one often carries its detail ("..., till exempel ...").
        follower = best + 1
        if follower < len(units) and units[follower].ref == units[best].ref:
            if scores[follower] >= scores[best] - FOLLOWER_MARGIN:
                chosen.append(follower)
        while len(chosen) < MAX_QUOTES:
            used = length([units[j] for j in chosen])
            # items of a list already chosen come anyway (the list is quoted whole)
            lists = {(units[j].ref, units[j].block) for j in chosen if units[j].is_item}
            rest = [
                i
                for i, unit in enumerate(units)
                if i not in chosen
                and scores[i] >= scores[best] - MARGIN
                and used + len(unit.text) <= MAX_QUOTE_CHARS
                and not (unit.is_item and (unit.ref, unit.block) in lists)
            ]
            if not rest:
                break
            # Maximal marginal relevance: close to the question, unlike what is already quoted.
            chosen.append(
                max(rest, key=lambda i: scores[i] - DIVERSITY * max(float(vectors[i] @ vectors[j]) for j in chosen))
            )
        picked = [units[i] for i in chosen]
        # A list answers as a whole ("Vilka mål ...?"): quote the rest of each chosen list.
        for unit in [u for u in picked if u.is_item]:
            for other in units:
                same = (other.ref, other.block) == (unit.ref, unit.block)
                if same and other not in picked and length(picked) + len(other.text) <= MAX_QUOTE_CHARS:
                    picked.append(other)
        return sorted(picked, key=lambda u: (u.ref, u.order))

    def _vectors(self, texts: list[str]) -> list[np.ndarray]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._unit_vectors]
        if missing:
            if len(self._unit_vectors) > 20_000:  # bound the cache of a long-running bot
                self._unit_vectors.clear()
            vectors = self.retriever.index.embeddings.embed_documents(missing)
            self._unit_vectors.update(zip(missing, map(np.asarray, vectors), strict=True))
        return [self._unit_vectors[t] for t in texts]
