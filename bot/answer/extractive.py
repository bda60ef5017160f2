"""The extractive answerer: quotes the sentence that answers, or says plainly that none does.

It needs no LLM. The question is first read as meant (bot/answer/spelling.py: letters
typed without å/ä/ö, one-letter slips, corrected towards the documents' own words).
Retrieval finds the passages; their sentences and lists are scored as answers
(bot/answer/selection.py). Whether the documents answer is decided from what would be
quoted (bot/answer/coverage.py), not from how relevant the best passage is, and quote by
quote: one quote must hold the question's specific terms (the noun asked about among
them: "vem är [projektledare]", "hur många [timmar]") and the kind of answer asked for
(a number that counts that noun, a date, a name, a list); that quote goes first. Three
outcomes, `Answer.meta["coverage"]`:

- full: the quotes, first the one that answers;
- partial: the topic is covered but not the ask ("Dokumenten säger inte vem …"), then at
  most two related quotes; counted as a refusal;
- none: nothing relevant; the refusal text.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from bot.answer import policy
from bot.answer.coverage import (
    ASKING,
    MIN_COVERAGE,
    Ask,
    Term,
    answers,
    ask_kind,
    asking_sentence,
    compound_parts,
    english_terms,
    own_names,
    specific_terms,
    uncovered,
    zipf,
)
from bot.answer.english import in_swedish
from bot.answer.evidence import defines, wanted
from bot.answer.matching import same_word
from bot.answer.quoting import Unit, quotable_units, render_quotes
from bot.answer.selection import (
    Vector,
    context,
    extended,
    narrowed,
    pick,
    placed,
    score_units,
    singled,
    spans,
)
from bot.answer.spelling import Vocabulary
from bot.answer.types import Answer, Source, Turn
from bot.ingest.ocr import restore_diacritics
from bot.search.retriever import Corpus, Hit, HybridRetriever
from bot.search.text import terms

QUOTED_SOURCES = 5  # units are drawn from this many top passages
SOURCE_MARGIN = 0.05  # passages this far below the floor may still hold the detail
NONE_MARGIN = 0.02  # below floor - NONE_MARGIN nothing is relevant: the plain refusal (tuned on the tune half)
COMMON_SHARE = 0.2  # a term in this share of all chunks picks nothing out (e.g. "förbund")
GAP_WORDS = 3  # missing words named in "Dokumenten säger inget om …": more read as a word list, not an answer


@dataclass(frozen=True)
class Reading:
    """What the answerer read for a question: the question as typed (masked), the query, the hits."""

    prepared: policy.Prepared
    query: str
    hits: list[Hit]

    def passages(self, k: int) -> list[Source]:
        """Return the `k` most relevant passages."""
        return [h.source for h in sorted(self.hits, key=lambda h: -h.relevance)[:k]]


class ExtractiveAnswerer:
    """Answer by quoting the knowledge base; say what it does not say."""

    def __init__(self, retriever: HybridRetriever, top_k: int = 5, max_chars: int = 2000) -> None:
        self.retriever = retriever
        self.top_k = top_k
        self.max_chars = max_chars
        self._unit_vectors: dict[str, Vector] = {}
        self._vocabulary: tuple[Corpus, Vocabulary] | None = None

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer `question`, using `history` to understand follow-ups."""
        return self.answer(question, history)[0]

    def answer(self, question: str, history: Sequence[Turn] = ()) -> tuple[Answer, Reading | None]:
        """Answer `question`; also return what was read for it (None for an empty question).

        The LLM answerer builds on the same reading, so both see the same passages.
        """
        prepared = policy.prepare(question, history, self.max_chars)
        if prepared.empty:
            return policy.empty_answer(prepared), None
        asked = self.read(prepared)  # the question as meant; answers still show it as typed
        query, hits = self.retrieve(asked)
        return self._quote(prepared, asked, query, hits), Reading(prepared, query, hits)

    def _quote(self, prepared: policy.Prepared, asked: policy.Prepared, query: str, hits: list[Hit]) -> Answer:
        """Quote the units of `hits` that answer, or say plainly what the documents do not say."""
        best = max((h.relevance for h in hits), default=0.0)
        meta: dict[str, object] = {"relevance": round(best, 4), "query": query, "coverage": "none"}
        if best < self.retriever.floor - NONE_MARGIN:
            return policy.refusal(prepared, meta)
        kept = [h for h in hits if h.relevance >= self.retriever.floor - SOURCE_MARGIN - NONE_MARGIN]
        kept.sort(key=lambda h: -h.relevance)  # re-rank the fused candidates by relevance
        sources = tuple(h.source for h in kept)
        question = asking_sentence(asked.text)  # the context told before a question is not asked about
        ask = ask_kind(question)
        specific = specific_terms(question, self._common_terms(), compound_parts, zipf)
        if not specific:  # "… Vilka räknas upp?": the context names what, the asking sentence which kind
            question = asked.text
            specific = specific_terms(question, self._common_terms(), compound_parts, zipf)
            ask = ask if ask != "other" else ask_kind(question)
        if prepared.language == "en":  # English words are not in Swedish quotes: numbers, facts, names
            specific = english_terms(specific, question)
        own = own_names(question, specific)  # "Samordningsförbundet Stockholms stad" asked about says no "who"
        quotes = self._select(query, sources, specific, ask, own)
        if not quotes:
            return policy.refusal(prepared, meta)
        verdicts = [self._answers(q, sources, specific, ask, own) for q in quotes]
        if any(verdicts):  # the quote that answers goes first
            quotes.insert(0, quotes.pop(verdicts.index(True)))
        quoted = " ".join(placed(u, sources[u.ref - 1]) for q in quotes for u in q)
        missing = uncovered(specific, quoted)
        share = 1.0 - len(missing) / len(specific) if specific else 1.0
        meta |= {"term_coverage": round(share, 3), "evidence": any(verdicts), "ask": ask,
                 "missing": [t.word for t in missing], "required_missing": any(t.required for t in missing),
                 "terms": [(t.word, round(zipf(t.word.lower()), 2), t not in missing) for t in specific],
                 "first_quote": render(quotes[0])}
        if not set(terms(query)) - ASKING or (specific and len(missing) == len(specific)):
            return policy.refusal(prepared, meta)  # nothing to look for, or none of it quoted: off topic
        if any(verdicts) and share >= MIN_COVERAGE:
            body = "\n\n".join(render(q) for q in quotes)
            if prepared.language == "en":
                body += "\n\n_(Quoted in Swedish from the documents.)_"
            return policy.answered(prepared, body, sources, meta | {"coverage": "full"})
        words = _gap_words(question, missing, quoted)
        related = [render(narrowed(q, specific)) for q in quotes]
        return policy.partial(prepared, ask, words, related, sources, meta)

    def read(self, prepared: policy.Prepared) -> policy.Prepared:
        """Return the question as meant: personal data's sentences left out, typing slips corrected."""
        corpus = self.retriever.corpus if self.retriever.corpus.sources else self.retriever.refresh()
        if self._vocabulary is None or self._vocabulary[0] is not corpus:
            self._vocabulary = (corpus, Vocabulary(f"{s.title} {s.section} {s.text}" for s in corpus.sources))
        restore = restore_diacritics if prepared.language == "sv" else None  # "for" is no slip for "för" in English
        return replace(prepared, text=self._vocabulary[1].correct(policy.asked_part(prepared.text), zipf, restore))

    def retrieve(self, prepared: policy.Prepared) -> tuple[str, list[Hit]]:
        """Retrieve for the question alone, or with the previous turn when it is a follow-up.

        Returns the query used and its hits. The LLM answerer calls this too, so both
        answerers read the same passages.
        """
        alone = self.retriever.hits(prepared.text, self.top_k)
        best = max((h.relevance for h in alone), default=0.0)
        if prepared.language == "en" and best >= self.retriever.floor - NONE_MARGIN:
            # Searched with its words in Swedish too, once it is relevant as asked (bot/answer/english.py)
            prepared = replace(prepared, text=in_swedish(prepared.text, zipf))
            alone = self.retriever.hits(prepared.text, self.top_k)
        query = policy.choose_query(prepared, best >= self.retriever.floor)
        return query, alone if query == prepared.text else self.retriever.hits(query, self.top_k)

    def _select(
        self, query: str, sources: Sequence[Source], specific: list[Term], ask: Ask, own: Sequence[Term] = ()
    ) -> list[list[Unit]]:
        """Return the quotes that best answer `query`, first the one that answers."""
        units = quotable_units(sources[:QUOTED_SOURCES])
        if not units:
            return []
        q_vec: Vector = np.asarray(self.retriever.index.embeddings.embed_query(query))
        vectors = self._vectors([context(u, sources[u.ref - 1]) for u in units])
        similarity = [float(vec @ q_vec) for vec in vectors]
        kind = ask_kind(query) if ask == "other" else ask
        idf = self.retriever.corpus.lexical.idf
        scores = score_units(query, units, sources, similarity, specific, kind, idf)
        quoted_as = spans(units)
        if kind not in ("list", "how"):  # the one item the question is about answers, not its whole list
            chosen = singled(units, specific)
            quoted_as = [
                [u] if id(u) in chosen and self._answers([u], sources, specific, ask, own) else q
                for u, q in zip(units, quoted_as, strict=True)
            ]
        defining = [defines(u.text, query) for u in units] if "define" in wanted(query, ask) else []
        if any(defining):  # "vad är/räknas som X?": the list item that defines X is quoted alone, not its list
            quoted_as = [[u] if u.is_item and d else q for u, d, q in zip(units, defining, quoted_as, strict=True)]
        answering = [self._answers(q, sources, specific, ask, own) for q in quoted_as]
        for i, quote in enumerate(quoted_as):  # "… den 8 november." answers with the sentence after it
            longer = None if answering[i] else extended(units, quote)
            if longer is not None and self._answers(longer, sources, specific, ask, own):
                quoted_as[i], answering[i] = longer, True
        if any(defining):  # ...and only a unit that defines X answers it first
            answering = [a and d for a, d in zip(answering, defining, strict=True)]
        return pick(units, sources, scores, vectors, specific, answering, quoted_as)

    @staticmethod
    def _answers(
        quote: Sequence[Unit], sources: Sequence[Source], specific: list[Term], ask: Ask, own: Sequence[Term] = ()
    ) -> bool:
        """Whether this one quote answers (see `coverage.answers`).

        A list answers "vilka …?" as a whole; a date, a number or a name must stand in the
        same item as the terms it belongs to. Sentences that follow each other answer
        together ("… den 8 november. Demokratidagen anordnas för samtliga medarbetare …").
        """
        if len(quote) > 1 and quote[0].is_item and ask not in ("list", "how", "other"):
            # the lead-in is read with each item: "ESF ställde fyra krav på …:" counts them all
            return any(
                answers(specific, placed(u, sources[u.ref - 1]), f"{u.lead}\n{u.text}", ask, own) for u in quote
            )
        placed_text = " ".join(placed(u, sources[u.ref - 1]) for u in quote)
        return answers(specific, placed_text, "\n".join(u.text for u in quote), ask, own)

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


def _gap_words(question: str, missing: Sequence[Term], quoted: str) -> list[str]:
    """Return the missing words to name in "Dokumenten säger inget om …", as the question names them.

    Never a word the related quotes show inflected: the stemmer parts "arbetsmarknaden"
    (arbetsmarknad) from "arbetsmarknad" (arbetsmarkn), the reader does not. A word that
    stands for a fact is named all the same ("tjänar" for pay: Term("tjänar", "lon")).

    >>> missing = [Term("arbetsmarknaden", "arbetsmarknad"), Term("lönerna", "lon", required=True)]
    >>> _gap_words("Vad gäller för arbetsmarknaden och lönerna?", missing, "> … en arbetsmarknad som är fri …")
    ['lönerna']
    >>> _gap_words("Vem bokar lokalen till APT:erna?", [Term("lokalen", "lokal"), Term("erna", "ern")], "")
    ['lokalen']
    >>> _gap_words("Vad står det på punkt 8?", [Term("punkt", "punkt"), Term("8", "8", required=True)], "")
    ['punkt 8']
    >>> _gap_words("När är nästa HP-fika?", [Term("nästa", "nast", required=True), Term("HP-fika", "fika")], "")
    ['nästa HP-fika']
    """
    shown = re.findall(r"\w+", quoted)
    # ...but a word that asks for a fact stays named: "tjänar" asks for pay, "kan tjäna som exempel" gives none
    unseen = [t for t in missing if t.stem not in terms(t.word) or not any(same_word(t.word, w) for w in shown)]
    # ...nor the ending of an abbreviation ("erna" of "APT:erna"): the reader sees no such word
    unseen = [t for t in unseen if not re.search(rf"\w:{re.escape(t.word)}\b", question)]
    phrases = [_phrase(question, t) for t in _named_in_gap(unseen)]
    # one phrase per thing: not "”punkt” och ”punkt 8”" or "”OB” och ”OB-ersättning”"
    def within(p: str) -> bool:
        return any(q != p and re.search(rf"(?:^|[\s-]){re.escape(p)}(?:$|[\s-])", q) for q in phrases)

    return [p for p in phrases if not within(p)]


def _named_in_gap(missing: Sequence[Term]) -> list[Term]:
    """Return the missing terms to name, in the question's order: the required ones, then the
    rarest in Swedish ("enhetschef" before "funderar"), GAP_WORDS at most.

    >>> words = ["enhetschef", "kansliet", "funderar", "ekonomin", "ämnen", "annanstans"]
    >>> [t.word for t in _named_in_gap([Term(w, w) for w in words])]
    ['enhetschef', 'kansliet', 'ekonomin']
    """
    chosen = sorted(missing, key=lambda t: (not t.required, zipf(t.word.lower())))[:GAP_WORDS]
    return [t for t in missing if t in chosen]


# Time words named with the noun they go with ("nästa styrelsemöte", "förra månaden").
_BEFORE_NOUN = frozenset("förra nästa kommande next last".split())


def _phrase(question: str, term: Term) -> str:
    """Return how the question names a missing term; a number keeps the word before it.

    >>> _phrase("Vad gör man i steg 9?", Term("9", "9")), _phrase("Hur gick det förra månaden?", Term("förra", "forr"))
    ('steg 9', 'förra månaden')
    >>> _phrase("Vilken e-postadress har DO?", Term("postadress", "postadress"))
    'e-postadress'
    """
    words = question.replace("?", " ").split()
    at = words.index(term.word) if term.word in words else 0
    if term.word.lower() in _BEFORE_NOUN and at + 1 < len(words):  # "förra månaden", not "förra"
        return f"{term.word} {words[at + 1]}"
    if not term.word.isdigit():  # as typed: "e-postadress", whose term is "postadress"
        return next((w for w in re.findall(r"\w+(?:-\w+)+", question) if w.endswith(f"-{term.word}")), term.word)
    return " ".join(words[max(at - 1, 0) : at + 1]) if at and terms(words[at - 1]) else term.word
