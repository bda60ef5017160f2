"""Render HP-punkt and APT posts from the templates in prompts/ and the knowledge base."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from bot.answer.types import Source
from bot.errors import IndexMissing, KnowledgeFileError
from bot.schedules.knowledge import Step, load_steps
from bot.schedules.rotation import STEPS, ChannelState

logger = logging.getLogger(__name__)

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
QUOTE_CHARS = 400
_MONTHS = (
    "januari februari mars april maj juni juli augusti september oktober november december"
).split()
_DAYS = "måndag tisdag onsdag torsdag fredag lördag söndag".split()


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


def swedish_date(day: dt.date) -> str:
    """Format a date the Swedish way.

    >>> swedish_date(dt.date(2026, 12, 25))
    'fredag 25 december 2026'
    """
    return f"{_DAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def escape(text: str) -> str:
    """Escape the three characters Slack mrkdwn reserves.

    >>> escape("A & B <c>")
    'A &amp; B &lt;c&gt;'
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blockquote(text: str) -> str:
    """Prefix every line with "> " so Slack shows the text as a quote."""
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def markdown_to_mrkdwn(text: str) -> str:
    """Turn the Markdown of knowledge files into Slack mrkdwn (bold, bullets, headings).

    >>> markdown_to_mrkdwn("- **Ett:** två")
    '• *Ett:* två'
    """
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    text = re.sub(r"^#+\s*(.+)$", r"*\1*", text, flags=re.MULTILINE)
    return re.sub(r"^[-*]\s+", "• ", text, flags=re.MULTILINE)


def shorten(text: str, limit: int = QUOTE_CHARS) -> str:
    """Cut `text` at a sentence (or else a word) boundary before `limit` characters.

    >>> shorten("Ett två. Tre fyra fem.", 12)
    'Ett två.'
    >>> shorten("Ett två tre fyra fem", 12)
    'Ett två tre …'
    """
    text = re.sub(r"[ \t]+", " ", text.strip())
    if len(text) <= limit:
        return text
    head = text[:limit]
    end = max(head.rfind(". "), head.rfind(".\n"), head.rfind("! "), head.rfind("? "))
    if end > limit // 3:
        return head[: end + 1]
    return head.rsplit(" ", 1)[0] + " …"


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
        self, knowledge_dir: Path, retriever: Retriever | None, prompts_dir: Path = PROMPTS_DIR
    ) -> None:
        self.knowledge_dir = knowledge_dir
        self.retriever = retriever
        self.prompts_dir = prompts_dir
        self.env = Environment(
            loader=FileSystemLoader(prompts_dir),
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
            steps = load_steps(self.knowledge_dir / "respekttrappan.yaml")
            values["step"] = _escaped(dataclasses.asdict(steps[state.step(start_step) - 1]))
            values["steps"] = STEPS
        text = self.env.get_template(f"{kind}.md.j2").render(values)
        return re.sub(r"\n{3,}", "\n\n", text).strip()

    def step(self, number: int) -> Step:
        """Return Respekttrappan step `number` (1–7) from the knowledge base."""
        return load_steps(self.knowledge_dir / "respekttrappan.yaml")[number - 1]

    def _principle(self, name: str) -> dict[str, Any]:
        path = self.prompts_dir / "hp_principles.yaml"
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            entry = data[name]
            return _escaped(
                {key: entry[key] for key in ("title", "emoji", "meaning", "query", "questions")}
            )
        except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
            raise KnowledgeFileError(
                str(path), f"principen {name!r} saknas eller är fel: {exc}"
            ) from None

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
                return Quote(
                    markdown_to_mrkdwn(escape(shorten(hit.text))),
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
