"""A scripted LangChain chat model for the deterministic tests of the generated answerer.

LangChain's own fakes replay fixed messages; these tests need an answer written from the
passages the answerer actually sent (so a faithful answer can quote passage [1]), so the
script is a function of the prompt.
"""

import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

Script = Callable[[dict[int, str], str], str]  # passages by number, question → answer text

_PASSAGE = re.compile(r"^\[(\d+)\] [^\n]*\n(.*)$", re.S)


def passages_of(prompt: str) -> dict[int, str]:
    """Return the numbered passages of the answerer's user message."""
    found: dict[int, str] = {}
    last = None
    for block in prompt.split("\n\n"):
        match = _PASSAGE.match(block)
        if match:
            last = int(match.group(1))
            found[last] = match.group(2)
        elif last is not None and not block.startswith(("Fråga: ", "Tidigare fråga")):
            found[last] += "\n\n" + block  # a passage of several paragraphs
        else:
            last = None
    return found


def question_of(prompt: str) -> str:
    """Return the question line of the answerer's user message."""
    return prompt.rsplit("Fråga: ", 1)[-1].strip()


class ScriptedChatModel(BaseChatModel):
    """Writes `script(passages, question)`, streamed word by word; or fails, or blocks."""

    script: Any = None  # Script
    error: Any = None  # an exception to raise instead of answering
    block: Any = None  # a threading.Event to wait for before answering
    prompts: list[list[BaseMessage]] = []

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _text(self, messages: list[BaseMessage]) -> str:
        self.prompts.append(list(messages))
        if isinstance(self.block, threading.Event):
            self.block.wait(30)
        if self.error is not None:
            raise self.error
        prompt = str(messages[-1].content)
        return str(self.script(passages_of(prompt), question_of(prompt)))

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=AIMessage(self._text(messages)))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for piece in re.findall(r"\S+\s*|\s+", self._text(messages)):
            yield ChatGenerationChunk(message=AIMessageChunk(content=piece))


def longest_sentence(passage: str) -> str:
    """Return the passage's longest sentence (a faithful claim to cite it for)."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", passage) if s.strip()]
    return max(sentences, key=len).rstrip(".")
