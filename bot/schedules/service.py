"""Wiring: Settings → engine, background scheduler and `/hp` commands.

`bot serve` calls `build_scheduler(settings, client).start()` and
`build_schedule_commands(settings).handle(text, user_id, channel_id)`; the CLI calls
`build_engine(settings, client)`.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from sqlalchemy import Engine

from bot.answer.types import Source
from bot.errors import IndexMissing
from bot.schedules.claims import ScheduleStore
from bot.schedules.config import Schedule, load_schedules
from bot.schedules.content import Composer
from bot.schedules.engine import ScheduleEngine
from bot.schedules.slash import ScheduleCommands
from bot.settings import Settings
from bot.store.db import init_db, make_engine

logger = logging.getLogger(__name__)


class SlackPoster:
    """Posts with a `WebClient` that waits out rate limits (Retry-After) before failing."""

    def __init__(self, client: WebClient) -> None:
        if not any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers):
            client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=2))
        self.client = client

    def post(self, channel: str, text: str) -> str:
        """Post `text` to `channel` and return the message timestamp."""
        response = self.client.chat_postMessage(
            channel=channel, text=text, mrkdwn=True, unfurl_links=False, unfurl_media=False
        )
        return str(response["ts"])


class LazyRetriever:
    """Builds the real retriever on first use; a missing index just means no quote."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._retriever: Any = None

    def search(self, query: str, k: int) -> list[Source]:
        """Search the knowledge index, building the retriever the first time."""
        if self._retriever is None:
            try:
                from bot.wiring import build_retriever  # heavy: embedding model, Chroma
            except ImportError as exc:
                raise IndexMissing(f"Ingen sökning tillgänglig: {exc}") from None
            self._retriever = build_retriever(self.settings)
        return list(self._retriever.search(query, k))


def open_database(url: str) -> Engine:
    """Create the engine and the tables; a second process creating them at once is fine."""
    engine = make_engine(url)
    try:
        init_db(engine)
    except Exception:  # two processes racing on CREATE TABLE: the loser retries once
        init_db(engine)
    return engine


def build_engine(
    settings: Settings,
    client: WebClient | None,
    schedules: list[Schedule] | None = None,
    retriever: Any = None,
) -> ScheduleEngine:
    """Build the engine from settings (client None: dry runs and previews only)."""
    if schedules is None:
        schedules = load_schedules(settings.schedules_file)
    return ScheduleEngine(
        schedules,
        ScheduleStore(open_database(settings.database_url)),
        Composer(settings.knowledge_dir, retriever or LazyRetriever(settings)),
        SlackPoster(client) if client is not None else None,
        grace=dt.timedelta(hours=settings.catchup_grace_hours),
    )


class Scheduler:
    """Runs `engine.post_due(now)` every `interval` seconds in a daemon thread."""

    def __init__(self, engine: ScheduleEngine, interval: float) -> None:
        self.engine, self.interval = engine, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the loop (the first run is immediate)."""
        if self._thread is not None or not self.engine.schedules:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="hp-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the loop to stop and wait for the current run to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_once(self) -> None:
        """Run one tick; log, never raise, so the loop survives a bad run."""
        try:
            self.engine.post_due(dt.datetime.now(dt.UTC))
        except Exception:
            logger.exception("Schemalagda inlägg: körningen misslyckades")

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)


def build_scheduler(settings: Settings, client: WebClient) -> Scheduler:
    """Build the background scheduler of `bot serve` (no schedules file: it idles)."""
    schedules = load_schedules(settings.schedules_file, missing_ok=True)
    if not schedules:
        logger.info("Inga schemalagda inlägg (%s saknas eller är tom)", settings.schedules_file)
    engine = build_engine(settings, client, schedules)
    return Scheduler(engine, settings.scheduler_interval_seconds)


def build_schedule_commands(settings: Settings) -> ScheduleCommands:
    """Build the `/hp schema | paus | fortsätt | hoppa | steg N` handler."""
    schedules = load_schedules(settings.schedules_file, missing_ok=True)
    engine = build_engine(settings, None, schedules)
    return ScheduleCommands(engine, set(settings.admin_user_ids))
