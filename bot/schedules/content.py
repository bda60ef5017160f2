"""Render HP-punkt and APT posts from the templates in `bot.prompts` and the knowledge base."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import logging
import re
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Protocol

from jinja2 import Environment, FunctionLoader, StrictUndefined

from bot.answer.types import Source
from bot.errors import ConfigError, IndexMissing, KnowledgeFileError
from bot.ingest import respekttrappan, yamlfile
from bot.ingest.dates import swedish_date
from bot.ingest.respekttrappan import Step
from bot.schedules import quotes
from bot.schedules.quotes import Quote
from bot.schedules.recurrence import Occurrence
from bot.schedules.rotation import ChannelState
from bot.slack.mrkdwn import blockquote, escape, to_mrkdwn

logger = logging.getLogger(__name__)

QUOTE_POOL = 30  # passages retrieved per principle: the pool its quotes rotate through
STANDING_ITEM = "Jämställdhet"  # the APT's standing item: its HP-punkt merges into it
PROMPTS_PACKAGE = "bot.prompts"  # prompts/ shipped as package data (pyproject's package-dir)


class Retriever(Protocol):
    """What the HP-punkt needs to quote the knowledge base."""

    def search(self, query: str, k: int) -> list[Source]:
        """Return the best passages for `query`, best first."""
        ...


def questions_for(bank: list[str], state: ChannelState, count: int = 2) -> list[str]:
    """Return the next `count` questions of the bank for the channel's current round.

    The principle's n-th time round takes questions 2n and 2n + 1: a question returns
    only after the whole bank has been asked (prompts/hp_principles.yaml holds 24 each).

    >>> questions_for(["a", "b", "c"], ChannelState("C", hp_count=3))
    ['c', 'a']
    """
    start = state.round() * count
    return [bank[(start + i) % len(bank)] for i in range(min(count, len(bank)))]


def meeting_time(moment: dt.datetime) -> str:
    """Return a meeting's day and time the Swedish way.

    >>> meeting_time(dt.datetime(2026, 12, 8, 9, 0))
    'tisdag 8 december kl. 09.00'
    """
    return f"{swedish_date(moment.date()).rsplit(' ', 1)[0]} kl. {moment:%H.%M}"


class Composer:
    """Turns a channel's state into the text of its next post."""

    def __init__(self, knowledge_dir: Path, retriever: Retriever | None, prompts_dir: Path | None = None) -> None:
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

    def compose(self, occ: Occurrence, state: ChannelState, start_step: int = 1) -> str:
        """Return the text of the post `occ` in the channel's state (what is posted)."""
        if occ.kind == "reminder":
            return self.reminder(occ, state, start_step)
        return self.render(occ.kind, state, occ.meeting_at.date(), start_step, occ)

    def render(
        self,
        kind: str,
        state: ChannelState,
        day: dt.date,
        start_step: int = 1,
        occ: Occurrence | None = None,
    ) -> str:
        """Return the post of `kind` ("hp" or "apt") for the meeting on `day`."""
        principle = self._principle(state.principle())
        values: dict[str, Any] = {
            "date": swedish_date(day),
            "meeting": meeting_time(occ.meeting_at) if occ else swedish_date(day),
            "note": escape(occ.note) if occ else "",
            "principle": principle,
            "questions": questions_for(principle["questions"], state),
        }
        if kind == "hp":
            values["quote"] = self._quote(principle, state)
        else:
            values["step"] = _escaped(self.step(state.step(start_step)).model_dump())
            values["continued"] = state.continues(start_step)  # the last APT was not marked held
            values["steps"] = respekttrappan.STEPS
            values["standing"] = principle["title"] == STANDING_ITEM
        return self._template(f"{kind}.md.j2", values)

    def reminder(self, occ: Occurrence, state: ChannelState, start_step: int = 1) -> str:
        """Return the short reminder on the day of an APT (its step is the agenda's)."""
        values = {
            "meeting": meeting_time(occ.meeting_at),
            "time": f"{occ.meeting_at:%H.%M}",
            "note": escape(occ.note),
            "step": _escaped(self.step(state.step(start_step)).model_dump()),
            "steps": respekttrappan.STEPS,
        }
        return self._template("reminder.md.j2", values)

    def _template(self, name: str, values: dict[str, Any]) -> str:
        text = self.env.get_template(name).render(values)
        return re.sub(r"\n{3,}", "\n\n", text).strip()

    def step(self, number: int) -> Step:
        """Return Respekttrappan step `number` (1–7) from the knowledge base."""
        return respekttrappan.load(self.knowledge_dir / "respekttrappan.yaml").steps[number - 1]

    def _principle(self, name: str) -> dict[str, Any]:
        """Return principle `name` of hp_principles.yaml (texts escaped, `terms` as written)."""
        path = self.prompts.joinpath("hp_principles.yaml")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise KnowledgeFileError(str(path), f"kan inte läsas ({exc.strerror})") from None
        data, _ = yamlfile.load(text, str(path))
        try:
            entry = data[name]
            principle = {key: entry[key] for key in ("title", "emoji", "meaning", "query", "questions")}
            terms = [str(term) for term in entry.get("terms") or [name]]
        except (KeyError, TypeError, AttributeError) as exc:
            raise KnowledgeFileError(str(path), f"principen {name!r} saknas eller är fel: {exc}") from None
        return {**{key: _escaped(value) for key, value in principle.items()}, "terms": terms}

    def _quote(self, principle: dict[str, Any], state: ChannelState) -> Quote | None:
        """Return this round's passage for the principle, or None (no index, no hit)."""
        if self.retriever is None:
            return None
        queries = principle["query"] if isinstance(principle["query"], list) else [principle["query"]]
        try:
            hits = [hit for query in queries for hit in self.retriever.search(query, k=QUOTE_POOL)]
        except IndexMissing:
            logger.warning("HP-punkt utan citat: indexet saknas (kör `bot index`)")
            return None
        except Exception:  # a broken index must not stop the post itself
            logger.exception("HP-punkt utan citat: sökningen misslyckades")
            return None
        # Knowledge text is hard-wrapped and indented; a quote reads better without it.
        found = quotes.pick(quotes.candidates(hits, principle["terms"]), state.round())
        if found is None:
            return None
        return quotes.Quote(to_mrkdwn(found.text), escape(found.title), escape(found.section), found.url)


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
