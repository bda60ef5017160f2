"""The answerer interface shared by the CLI, Slack and scheduled posts.

`Answerer` is a protocol: the extractive answerer (no LLM) is one implementation;
an LLM-backed, claim-verified answerer will be another. Both follow the shared policy
of `bot.answer.policy` (empty and long questions, follow-ups, refusals, user texts).
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from bot.search.types import Source

__all__ = ["Answer", "Answerer", "Source", "StreamingAnswerer", "Turn", "cited_numbers"]


@dataclass(frozen=True)
class Turn:
    """One earlier question and answer in a conversation (e.g. a Slack thread)."""

    question: str
    answer: str


@dataclass(frozen=True)
class Answer:
    """What an answerer returns.

    `text` holds `[n]` markers referring to `sources[n-1]`. `refused` is True when the
    documents do not answer the question (or the question was empty). `notice` is an
    extra line for the user, e.g. that a very long question was shortened.
    """

    question: str
    text: str
    refused: bool
    language: str  # "sv" or "en"
    sources: tuple[Source, ...] = ()
    notice: str | None = None
    meta: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def coverage(self) -> str:
        """Return how far the documents answer: "full", "partial" (topic, not the ask) or "none"."""
        return str(self.meta.get("coverage") or ("none" if self.refused else "full"))

    def to_json(self) -> dict[str, object]:
        """Return the `bot ask --json` shape."""
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "coverage": self.coverage,
            "language": self.language,
            "notice": self.notice,
            "sources": [
                {
                    "id": s.id,
                    "title": s.title,
                    "section": s.section,
                    "score": round(s.score, 4),
                    "text": s.text,
                    "url": s.url,
                    "kind": s.kind,
                    "organisation": s.organisation or None,
                }
                for s in self.sources
            ],
        }


class Answerer(Protocol):
    """Anything that answers a question from the knowledge base."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer `question`; `history` holds earlier turns of the same conversation."""
        ...


@runtime_checkable
class StreamingAnswerer(Protocol):
    """An answerer whose text arrives piece by piece (the LLM answerer)."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Answer `question` whole."""
        ...

    def ask_streaming(self, question: str, history: Sequence[Turn] = (),
                      on_text: Callable[[str], None] | None = None) -> Answer:
        """Answer `question`, passing unverified text to `on_text` as it arrives.

        The returned answer is what the user must finally see; it may differ from the
        streamed text (which a caller must therefore replace).
        """
        ...


def cited_numbers(text: str) -> set[int]:
    """The source numbers an answer text cites.

    >>> sorted(cited_numbers("A [1]. B [3] [1]"))
    [1, 3]
    """
    return {int(n) for n in re.findall(r"\[(\d+)\]", text)}
