"""Render HP-punkt and APT posts from the templates in `bot.prompts` and the knowledge base."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import logging
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FunctionLoader, StrictUndefined

from bot.answer.types import Source
from bot.errors import ConfigError, IndexMissing, KnowledgeFileError
from bot.ingest import respekttrappan, yamlfile
from bot.ingest.cutting import shorten
from bot.ingest.dates import swedish_date
from bot.ingest.respekttrappan import Step
from bot.schedules.rotation import ChannelState
from bot.slack.mrkdwn import blockquote, escape, to_mrkdwn

logger = logging.getLogger(__name__)

QUOTE_CHARS = 400
PROMPTS_PACKAGE = "bot.prompts"  # prompts/ shipped as package data (pyproject's package-dir)


class Retriever(Protocol):
    """What the HP-punkt needs to quote the knowledge base."""

    def search(self, query: str, k: int) -> list[Source]:
        """Return the best passages for `query`, best first."""
        ...


@dataclass(frozen=True)
class Quote:
    """A passage quoted in a post, with its source."""

    text: str
    title: str
    section: str
    url: str | None


def questions_for(bank: list[str], state: ChannelState, count: int = 2) -> list[str]:
    """Return the next `count` questions of the bank for the channel's current round.

    >>> questions_for(["a", "b", "c"], ChannelState("C", hp_count=3))
    ['c', 'a']
    """
    start = state.round() * count
    return [bank[(start + i) % len(bank)] for i in range(min(count, len(bank)))]


class Composer:
    """Turns a channel's state into the text of its next post."""

    def __init__(
        self, knowledge_dir: Path, retriever: Retriever | None, prompts_dir: Path | None = None
    ) -> None:
        self.knowledge_dir = knowledge_dir
        self.retriever = retriever
        self.prompts: Traversable = prompts_dir if prompts_dir is not None else prompt_files()
        self.env = Environment(
            loader=FunctionLoader(lambda name: _read_template(self.prompts, name)),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,  # Slack mrkdwn, not HTML: `escape` is applied to the values
        )
        self.env.filters["blockquote"] = blockquote

    def render(self, kind: str, state: ChannelState, day: dt.date, start_step: int = 1) -> str:
        """Return the post of `kind` ("hp" or "apt") for `day` in the channel's state."""
        principle = self._principle(state.principle())
        values: dict[str, Any] = {
            "date": swedish_date(day),
            "principle": principle,
            "questions": questions_for(principle["questions"], state),
        }
        if kind == "hp":
            values["quote"] = self._quote(principle["query"])
        else:
            values["step"] = _escaped(self.step(state.step(start_step)).model_dump())
            values["steps"] = respekttrappan.STEPS
        text = self.env.get_template(f"{kind}.md.j2").render(values)
        return re.sub(r"\n{3,}", "\n\n", text).strip()

    def step(self, number: int) -> Step:
        """Return Respekttrappan step `number` (1–7) from the knowledge base."""
        return respekttrappan.load(self.knowledge_dir / "respekttrappan.yaml").steps[number - 1]

    def _principle(self, name: str) -> dict[str, Any]:
        """Return principle `name` of hp_principles.yaml, its texts escaped."""
        path = self.prompts.joinpath("hp_principles.yaml")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KnowledgeFileError(str(path), f"kan inte läsas ({exc.strerror})") from None
        data, _ = yamlfile.load(text, str(path))
        try:
            entry = data[name]
            principle = {key: entry[key] for key in ("title", "emoji", "meaning", "query", "questions")}
        except (KeyError, TypeError) as exc:
            raise KnowledgeFileError(
                str(path), f"principen {name!r} saknas eller är fel: {exc}"
            ) from None
        return {key: _escaped(value) for key, value in principle.items()}

    def _quote(self, query: str) -> Quote | None:
        """Return the best passage for `query`, or None when there is no index or no hit."""
        if self.retriever is None:
            return None
        try:
            hits = self.retriever.search(query, k=3)
        except IndexMissing:
            logger.warning("HP-punkt utan citat: indexet saknas (kör `bot index`)")
            return None
        except Exception:  # a broken index must not stop the post itself
            logger.exception("HP-punkt utan citat: sökningen misslyckades")
            return None
        for hit in hits:
            if hit.text.strip():
                # Knowledge text is hard-wrapped and indented; a quote reads better without it.
                text = re.sub(r"[ \t]+", " ", hit.text.strip())
                return Quote(
                    to_mrkdwn(shorten(text, QUOTE_CHARS)),
                    escape(hit.title),
                    escape(hit.section),
                    hit.url,
                )
        return None


def _escaped(value: Any) -> Any:
    """Escape every string in a nested dict/list (URLs stay usable: they hold no &<>)."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    return value


def prompt_files() -> Traversable:
    """Return the folder of post templates shipped in the package as `bot.prompts`."""
    try:
        return importlib.resources.files(PROMPTS_PACKAGE)
    except ModuleNotFoundError:
        raise ConfigError(
            f"{PROMPTS_PACKAGE}: mallarna saknas i installationen; installera om paketet (pip install -e .)"
        ) from None


def _read_template(folder: Traversable, name: str) -> str | None:
    """Return the template `name` from `folder`, or None (Jinja2's TemplateNotFound)."""
    entry = folder.joinpath(name)
    return entry.read_text(encoding="utf-8") if entry.is_file() else None
