"""Wiring: build every service a command needs from `Settings`, once.

`Services(settings)` builds lazily and keeps what it built: `bot ask` touches only the
answerer, `bot post-due` the database and the schedule engine, and `bot serve` all of
them. One process therefore holds one database engine, one embedding model, one Chroma
client and one BM25 index (inside the one retriever), and the scheduled posts quote
through the same retriever the answerer uses.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Engine

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.types import Answer, Answerer, Turn
from bot.errors import HPError
from bot.schedules.config import Schedule, load_schedules
from bot.search.embeddings import make_embeddings
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from bot.search.types import Source
from bot.settings import Settings
from bot.store.db import open_database

if TYPE_CHECKING:  # Slack and the scheduler load only for the commands that use them
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.schedules.content import Retriever
    from bot.schedules.engine import ScheduleEngine
    from bot.schedules.scheduler import Scheduler
    from bot.schedules.slash import ScheduleCommands
    from bot.slack.serve import OnReady

logger = logging.getLogger(__name__)


def build_index(settings: Settings) -> KnowledgeIndex:
    """Build the knowledge index as configured (embedded Chroma or a Chroma server)."""
    client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
    embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model)
    return KnowledgeIndex(client, settings.chroma_collection, embeddings, settings.max_file_mb)


def build_retriever(settings: Settings) -> HybridRetriever:
    """Build the hybrid retriever over the configured index."""
    return HybridRetriever(build_index(settings), floor=settings.relevance_floor)


def build_answerer(settings: Settings, retriever: HybridRetriever | None = None) -> Answerer:
    """Build the answerer over `retriever`: extractive, or generated when `LLM_PROVIDER` is set."""
    if retriever is None:
        retriever = build_retriever(settings)
    quoting = ExtractiveAnswerer(retriever, top_k=settings.top_k, max_chars=settings.max_question_chars)
    if settings.llm_provider == "none":
        return quoting
    from bot.answer.generated import GeneratedAnswerer, embedding_similarity
    from bot.answer.llm import LLMConfig, make_chat_model

    key = settings.llm_api_key
    config = LLMConfig(
        settings.llm_provider, str(settings.llm_model), settings.llm_base_url,
        key.get_secret_value() if key else None, settings.llm_timeout_seconds, settings.llm_api_version,
    )
    return GeneratedAnswerer(
        quoting, make_chat_model(config), timeout=settings.llm_timeout_seconds,
        similarity=embedding_similarity(retriever.index.embeddings), passages=settings.top_k,
    )


def build_schedule_engine(
    settings: Settings,
    database: Engine,
    retriever: Retriever | None,
    client: WebClient | None,
    schedules: list[Schedule] | None = None,
) -> ScheduleEngine:
    """Build the scheduled-post engine; without a client it can only preview and dry-run.

    Args:
        schedules: the entries to run (`SCHEDULES_FILE`, which must exist, if None).
    """
    from bot.schedules.claims import ScheduleStore
    from bot.schedules.content import Composer
    from bot.schedules.engine import ScheduleEngine
    from bot.slack.poster import SlackPoster

    if schedules is None:
        schedules = load_schedules(settings.schedules_file)
    return ScheduleEngine(
        schedules,
        ScheduleStore(database),
        Composer(settings.knowledge_dir, retriever),
        SlackPoster(client) if client is not None else None,
        grace=dt.timedelta(hours=settings.catchup_grace_hours),
    )


class Services:
    """The services of one process, each built on first use and then shared."""

    def __init__(self, settings: Settings, *, answerer: Answerer | None = None) -> None:
        self.settings = settings
        if answerer is not None:
            self.__dict__["answerer"] = answerer  # a test's or benchmark's own answerer

    @cached_property
    def database(self) -> Engine:
        """Return the SQL engine with every table created."""
        return open_database(self.settings.database_url)

    @cached_property
    def index(self) -> KnowledgeIndex:
        """Return the knowledge index (the embedding model loads on first use)."""
        return build_index(self.settings)

    @cached_property
    def retriever(self) -> HybridRetriever:
        """Return the one retriever (its BM25 side builds on the first search)."""
        return HybridRetriever(self.index, floor=self.settings.relevance_floor)

    @cached_property
    def answerer(self) -> Answerer:
        """Return the answerer, over the shared retriever."""
        return build_answerer(self.settings, self.retriever)

    @cached_property
    def slack_client(self) -> WebClient:
        """Return the WebClient every Slack call goes through."""
        from bot.slack.app import build_client

        return build_client(self.settings)

    @cached_property
    def schedules(self) -> list[Schedule]:
        """Return the scheduled posts of `SCHEDULES_FILE` (none when it is absent)."""
        return load_schedules(self.settings.schedules_file, missing_ok=True)

    def schedule_engine(self, *, posting: bool, required: bool = False) -> ScheduleEngine:
        """Return a schedule engine; `posting` gives it the Slack client.

        Args:
            required: SCHEDULES_FILE must exist (the CLI commands), else none is fine (`bot serve`).
        """
        schedules = None if required else self.schedules
        client = self.slack_client if posting else None
        return build_schedule_engine(self.settings, self.database, _Deferred(self), client, schedules)

    @cached_property
    def posting_engine(self) -> ScheduleEngine:
        """Return the engine `bot serve` posts with and `/hp schema` reads (one per process)."""
        return self.schedule_engine(posting=True)

    @cached_property
    def schedule_commands(self) -> ScheduleCommands:
        """Return the `/hp schema | paus | fortsätt | hoppa | steg N` handler."""
        from bot.schedules.slash import ScheduleCommands

        return ScheduleCommands(self.posting_engine, set(self.settings.admin_user_ids))

    def scheduler(self, clock: Callable[[], dt.datetime] | None = None) -> Scheduler:
        """Return the background loop of `bot serve` (not started)."""
        from bot.schedules.scheduler import Scheduler

        return Scheduler(self.posting_engine, self.settings.scheduler_interval_seconds, clock=clock)

    @cached_property
    def slack_app(self) -> App:
        """Return the Bolt app, sharing this process's answerer, database and client."""
        from bot.slack.app import build_app

        return build_app(
            self.settings,
            self.answerer,
            engine=self.database,
            client=self.slack_client,
            schedule_commands=self.schedule_commands,
        )


class _Deferred:
    """The shared retriever, built only when a post first needs a quote (previews often don't)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def search(self, query: str, k: int) -> list[Source]:
        """Search the shared retriever."""
        return self._services.retriever.search(query, k)


class UnavailableAnswerer:
    """Stands in when the real answerer cannot be built: every question gets the error."""

    def __init__(self, error: HPError) -> None:
        self._error = error

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Raise the error the answerer could not be built with."""
        raise self._error


class Loop(Protocol):
    """A background loop `bot serve` starts and stops (the scheduler)."""

    def start(self) -> None:
        """Start in the background."""

    def stop(self, timeout: float = 10.0) -> None:
        """Stop and wait for the current run."""


def run_bot(
    services: Services,
    *,
    http: bool,
    host: str = "0.0.0.0",
    port: int = 3000,
    stop: threading.Event | None = None,
    on_ready: OnReady | None = None,
    scheduler: Loop | None = None,
) -> None:
    """Run `bot serve`: the Slack app and the scheduled posts, until `stop` or SIGTERM.

    Args:
        scheduler: the background loop (`services.scheduler()` if None).
    """
    from bot.slack.serve import serve

    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        services.answerer  # noqa: B018 - build it now, so a broken setup is logged at start
    except HPError as error:
        logger.error("the answerer is unavailable: %s", error)
        services.__dict__["answerer"] = UnavailableAnswerer(error)
    loop = scheduler if scheduler is not None else services.scheduler()
    loop.start()
    try:
        token = services.settings.slack_app_token
        serve(
            services.slack_app, services.slack_client, http=http, host=host, port=port,
            app_token=token.get_secret_value() if token else "", stop=stop, on_ready=on_ready,
        )
    finally:
        loop.stop()
