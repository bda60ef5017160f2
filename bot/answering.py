"""The extractive answerer: quotes the sentences of the best passages that answer the question.

It needs no LLM: it ranks the sentences (and whole lists) of the top passages by
similarity to the question and quotes the best few, each cited `[n]` → `sources[n-1]`.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.answers import Answer, Source, Turn
from bot.retrieval import HybridRetriever
from bot.text import detect_language, words

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"”'(]?[A-ZÅÄÖ0-9])")
_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
_FOLLOW_UP = re.compile(r"^(och|men|samt|också|även|and|but|what about|how about)\b", re.I)
MAX_QUOTES = 4
SOURCE_MARGIN = 0.05
LEXICAL_WEIGHT = 0.1
MARGIN = 0.05  # runners-up within this score of the best unit are quoted too
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


@dataclass(frozen=True)
class Unit:
    """A quotable sentence or list item, from source number `ref` (1-based)."""

    ref: int
    order: int
    text: str
    lead: str = ""  # for a list item: the line that introduces its list
    block: int = 0  # paragraph/list number within the passage

    @property
    def is_item(self) -> bool:
        """True for a list item."""
        return bool(_ITEM.match(self.text))


def split_units(text: str) -> list[tuple[int, str, str]]:
    """Split a passage into (block, lead, unit): sentences, and list items with their lead-in.

    >>> split_units("Första meningen. Andra meningen.\\n\\nMålen är:\\n- a\\n- b")
    [(0, '', 'Första meningen.'), (0, '', 'Andra meningen.'), (1, 'Målen är:', '- a'), (1, 'Målen är:', '- b')]
    """
    units: list[tuple[int, str, str]] = []
    for n, block in enumerate(re.split(r"\n\s*\n", text.strip())):
        lines = [ln for ln in block.strip().splitlines() if ln.strip()]
        items = [ln for ln in lines if _ITEM.match(ln)]
        if items:
            first = lines.index(items[0])
            lead = " ".join(ln.strip() for ln in lines[:first])
            units += [(n, lead, ln.strip()) for ln in lines[first:]]
        else:
            prose = " ".join(ln.strip() for ln in lines)
            units += [(n, "", s.strip()) for s in _SENTENCE_END.split(prose) if s.strip()]
    return units


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
        query = retrieval_query(question, history)
        hits = self.retriever.hits(query, self.top_k)
        best = max((h.relevance for h in hits), default=0.0)
        meta: dict[str, object] = {"relevance": round(best, 4), "query": query}
        if best < self.retriever.floor:
            return Answer(question, texts["refusal"], True, language, notice=notice, meta=meta)
        # The floor decides *whether* the documents answer; once they do, passages a
        # little below it may still hold the detail, so they are quoted and cited too.
        sources = tuple(h.source for h in hits if h.relevance >= self.retriever.floor - SOURCE_MARGIN)
        quotes = self._select(query, sources)
        body = "\n\n".join(_quotes(quotes))
        return Answer(question, f"{texts['intro']}\n\n{body}", False, language, sources, notice, meta)

    def _select(self, query: str, sources: Sequence[Source]) -> list[Unit]:
        """Quote the best-matching unit with what follows it, plus close runners-up."""
        units = self._units(sources[:3])
        if not units:
            return []
        q_vec = np.asarray(self.retriever.index.embeddings.embed_query(query))
        contexts = [f"{sources[u.ref - 1].section}: {u.lead} {u.text}" for u in units]
        scores = [
            # dense similarity, rare query words found, and a nudge to the top source
            float(vec @ q_vec)
            + LEXICAL_WEIGHT * self.retriever.term_coverage(query, ctx)
            + (0.01 if unit.ref == 1 else 0.0)
            for unit, ctx, vec in zip(units, contexts, self._vectors(contexts), strict=True)
        ]
        ranked = sorted(range(len(units)), key=lambda i: -scores[i])
        chosen = [units[ranked[0]]]
        # The sentence after the best one usually carries its detail ("..., till exempel ...").
        follower = ranked[0] + 1
        if follower < len(units) and units[follower].ref == chosen[0].ref:
            chosen.append(units[follower])
        for i in ranked[1:]:
            if len(chosen) >= MAX_QUOTES or scores[i] < scores[ranked[0]] - MARGIN:
                break
            if units[i] not in chosen and _length(chosen) + len(units[i].text) <= MAX_QUOTE_CHARS:
                chosen.append(units[i])
        # A list answers as a whole ("Vilka mål ...?"): quote the rest of each chosen list.
        for unit in [u for u in chosen if u.is_item]:
            for other in units:
                same = (other.ref, other.block) == (unit.ref, unit.block)
                if same and other not in chosen and _length(chosen) + len(other.text) <= MAX_QUOTE_CHARS:
                    chosen.append(other)
        return sorted(chosen, key=lambda u: (u.ref, u.order))

    @staticmethod
    def _units(sources: Sequence[Source]) -> list[Unit]:
        """Quotable units of `sources`; duplicates and heading-like fragments dropped."""
        seen: set[str] = set()
        units = []
        for ref, source in enumerate(sources, start=1):
            for order, (block, lead, text) in enumerate(split_units(source.text)):
                fragment = len(text.split()) < 4 and not _ITEM.match(text)
                if text in seen or fragment:
                    continue
                seen.add(text)
                units.append(Unit(ref, order, text, lead, block))
        return units

    def _vectors(self, texts: list[str]) -> list[np.ndarray]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._unit_vectors]
        if missing:
            if len(self._unit_vectors) > 20_000:  # bound the cache of a long-running bot
                self._unit_vectors.clear()
            vectors = self.retriever.index.embeddings.embed_documents(missing)
            self._unit_vectors.update(zip(missing, map(np.asarray, vectors), strict=True))
        return [self._unit_vectors[t] for t in texts]


def _length(units: Sequence[Unit]) -> int:
    return sum(len(u.text) for u in units)


def _quotes(units: Sequence[Unit]) -> list[str]:
    """Render chosen units as Markdown quotes; items of one list share their lead-in."""
    out: list[str] = []
    previous: Unit | None = None
    for unit in units:
        same_list = (
            previous is not None
            and unit.is_item
            and (unit.ref, unit.block) == (previous.ref, previous.block)
        )
        if same_list:
            out[-1] = out[-1].removesuffix(f" [{unit.ref}]") + f"\n> {unit.text} [{unit.ref}]"
        else:
            lead = f"> {unit.lead}\n" if unit.lead else ""
            out.append(f"{lead}> {unit.text} [{unit.ref}]")
        previous = unit
    return out
