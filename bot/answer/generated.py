"""The generated answerer: the organisation's own LLM writes the answer, the passages decide.

It shares everything but the wording with the extractive answerer: the policy (empty,
long and follow-up questions, masking, texts), the retrieval (`ExtractiveAnswerer.retrieve`)
and the judgement of whether the documents cover the question. The quoted answer is made
first; it is the gate and the fallback:

- the documents do not cover the question (coverage "none" or "partial"): the quoted
  refusal is the answer and the LLM is not asked, so an LLM cannot turn an honest "the
  documents do not say" into a fluent guess;
- covered: the LLM answers from the numbered passages; its answer is shown only when
  `bot.answer.verify` finds every claim cited and supported. Otherwise (rejected, the LLM
  says "not covered" while the quotes answer, or it is down, slow, rate-limited or
  refuses the request) the quoted answer is shown with a one-line notice, and the reason
  is logged.
"""

import importlib.resources
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bot.answer import policy
from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.types import Answer, Source, Turn
from bot.answer.verify import Similarity, verify

logger = logging.getLogger(__name__)

REFUSAL_MARK = "EJ_I_DOKUMENTEN"  # the prompt's "the passages do not answer" (prompts/answer_system.md)
PROMPTS_PACKAGE = "bot.prompts"
LANGUAGE_NAMES = {"sv": "svenska", "en": "engelska (English)"}
OnText = Callable[[str], None]
Vector = np.ndarray[Any, np.dtype[np.floating[Any]]]

NOTICES = {
    "sv": {
        "unavailable": "Språkmodellen kunde inte svara just nu, så du får citat direkt ur dokumenten.",
        "unverified": "Det formulerade svaret gick inte att kontrollera mot dokumenten, "
        "så du får citat direkt ur dokumenten i stället.",
    },
    "en": {
        "unavailable": "The language model could not answer just now, so here are quotes "
        "straight from the documents.",
        "unverified": "The written answer could not be checked against the documents, so here "
        "are quotes straight from them instead.",
    },
}


@dataclass(frozen=True)
class Prompts:
    """The system prompt and the user message template (prompts/answer_*.md)."""

    system: str
    user: str

    @classmethod
    def load(cls) -> "Prompts":
        """Read the prompt files shipped in the package `bot.prompts`."""
        folder = importlib.resources.files(PROMPTS_PACKAGE)
        return cls(
            (folder / "answer_system.md").read_text(encoding="utf-8"),
            (folder / "answer_user.md").read_text(encoding="utf-8"),
        )

    def messages(self, question: str, language: str, sources: Sequence[Source],
                 earlier: str | None = None) -> list[BaseMessage]:
        """Return the chat messages: the rules, then the numbered passages and the question.

        Only `str.replace` fills the templates, so braces in a passage are plain text.
        """
        passages = "\n\n".join(f"[{n}] {passage_text(s)}" for n, s in enumerate(sources, 1))
        context = f"Tidigare fråga i samtalet: {earlier}\n" if earlier else ""
        user = (self.user.replace("{passages}", passages).replace("{context}", context)
                .replace("{question}", question))
        return [SystemMessage(self.system.replace("{language}", LANGUAGE_NAMES[language])),
                HumanMessage(user)]


class GeneratedAnswerer:
    """Answer in the asker's language with the LLM, verified; quote when it cannot be trusted."""

    def __init__(self, quoting: ExtractiveAnswerer, model: BaseChatModel, *, timeout: float,
                 prompts: Prompts | None = None, similarity: Similarity | None = None,
                 passages: int = 5) -> None:
        self.quoting = quoting
        self.model = model
        self.timeout = timeout
        self.prompts = prompts or Prompts.load()
        self.similarity = similarity
        self.passages = passages

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer `question` (see `ask_streaming`)."""
        return self.ask_streaming(question, history)

    def ask_streaming(self, question: str, history: Sequence[Turn] = (),
                      on_text: OnText | None = None) -> Answer:
        """Answer `question`; `on_text` receives the LLM's text as it arrives (unverified).

        The returned answer is what the user must finally see: the verified generated
        answer, or the quoted one in its place.
        """
        quoted, reading = self.quoting.answer(question, history)
        if reading is None or quoted.refused:
            return _mode(quoted, "extractive")
        prepared, sources = reading.prepared, reading.passages(self.passages)  # what the quotes read
        last = prepared.history[-1].question if prepared.history else None
        earlier = last if last and reading.query.startswith(last) else None  # a follow-up: retrieved with it
        messages = self.prompts.messages(prepared.text, prepared.language, sources, earlier)
        started = time.monotonic()
        try:
            text = self._generate(messages, on_text)
        except Exception as error:  # down, slow, rate-limited, refused: the quotes instead
            logger.warning("LLM unavailable (%s: %s); showing the quoted answer",
                           type(error).__name__, str(error)[:300])
            return _fall_back(quoted, "unavailable", {"fallback": "unavailable"})
        meta: dict[str, object] = {"llm_seconds": round(time.monotonic() - started, 2)}
        if REFUSAL_MARK in text:  # the LLM says not covered; the quotes say covered: quote
            logger.warning("LLM found the passages did not answer the question; the quotes do")  # no question text
            return _mode(quoted, "extractive", {**meta, "fallback": "llm_not_covered"})
        verdict = verify(text, [passage_text(s) for s in sources], prepared.language, self.similarity)
        meta |= {"llm_claims": verdict.claims, "llm_cited": verdict.cited, "llm_supported": verdict.supported}
        if not verdict.ok:
            logger.warning("generated answer rejected (%s)", verdict.reason)
            logger.debug("rejected sentence: %s", verdict.detail)  # the LLM's text: never at INFO
            return _fall_back(quoted, "unverified", {**meta, "fallback": str(verdict.reason)})
        return policy.answered(prepared, text.strip(), sources,
                               {**quoted.meta, **meta, "mode": "generated", "coverage": "full"})

    def _generate(self, messages: list[BaseMessage], on_text: OnText | None) -> str:
        """Stream the LLM's answer; raise TimeoutError when it is not complete within the timeout.

        The stream is read in a thread so that the deadline holds even while a read
        blocks (a server that hangs or trickles); that thread ends with its own HTTP
        timeout.
        """
        pieces: queue.Queue[tuple[str, object]] = queue.Queue()

        def pump() -> None:
            try:
                for chunk in self.model.stream(messages):
                    pieces.put(("text", chunk.text))
                pieces.put(("end", None))
            except Exception as error:  # handed to the asking thread
                pieces.put(("error", error))

        threading.Thread(target=pump, name="llm-stream", daemon=True).start()
        deadline = time.monotonic() + self.timeout
        text = ""
        shown = 0
        while True:
            try:
                kind, value = pieces.get(timeout=max(deadline - time.monotonic(), 0.001))
            except queue.Empty:
                raise TimeoutError(f"no complete answer within {self.timeout:g} s") from None
            if kind == "error":
                raise value if isinstance(value, Exception) else RuntimeError(str(value))
            if kind == "end":
                return text
            text += str(value)
            if on_text is not None and _may_show(text):
                on_text(text[shown:])
                shown = len(text)


def embedding_similarity(embeddings: Embeddings) -> Similarity:
    """Return the cosine similarity of a sentence (as a query) and a passage, by `embeddings`."""

    @lru_cache(maxsize=2048)  # verify compares each claim with every sentence of its passages
    def passage_vector(text: str) -> Vector:
        return np.asarray(embeddings.embed_documents([text])[0])

    def similarity(sentence: str, passage: str) -> float:
        a = np.asarray(embeddings.embed_query(sentence))
        b = passage_vector(passage)
        return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b) or 1.0))

    return similarity


def _may_show(text: str) -> bool:
    """Return False while the text may still become the refusal mark (never shown to users).

    >>> _may_show("EJ_I"), _may_show("Enligt planen"), _may_show("EJ_I_DOKUMENTEN")
    (False, True, False)
    """
    head = text.lstrip()
    return not (REFUSAL_MARK.startswith(head[: len(REFUSAL_MARK)]) or REFUSAL_MARK in text)


def passage_text(source: Source) -> str:
    """Return a passage as the LLM sees it and the check reads it: its heading line, then its text."""
    heading = f"{source.title} – {source.section}" if source.section else source.title
    return f"{heading}\n{source.text.strip()}"


def _mode(answer: Answer, mode: str, meta: dict[str, object] | None = None) -> Answer:
    """Return `answer` marked with how it was made."""
    return replace(answer, meta={**answer.meta, **(meta or {}), "mode": mode})


def _fall_back(quoted: Answer, why: str, meta: dict[str, object]) -> Answer:
    """Return the quoted answer with the one-line notice saying why it is shown."""
    notice = "\n".join(n for n in (quoted.notice, NOTICES[quoted.language][why]) if n)
    return replace(_mode(quoted, "extractive", meta), notice=notice)
