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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import Engine

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.retrying import RetryingAnswerer
from bot.answer.types import Answerer
from bot.errors import HPError, SlackUnavailable
from bot.metrics import Metrics
from bot.schedules.config import Schedule, load_schedules
from bot.search.embeddings import make_embeddings
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from bot.search.types import Source
from bot.settings import Settings
from bot.store.db import open_database, reachable

if TYPE_CHECKING:  # Slack and the scheduler load only for the commands that use them
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.schedules.content import Retriever
    from bot.schedules.engine import ScheduleEngine
    from bot.schedules.scheduler import Scheduler
    from bot.schedules.slash import ScheduleCommands
    from bot.slack.outbox_worker import OutboxWorker
    from bot.slack.serve import OnReady
    from bot.store.outbox import Outbox

logger = logging.getLogger(__name__)
READY_SECONDS = 2.0  # readiness is checked at most this often (a load balancer polls /readyz)


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
        # True in `bot serve`: start with a database or Chroma that is down, and retry in the
        # background; False in the other commands: say so in one line and stop.
        self.tolerant = False
        self._ready_lock = threading.Lock()
        self._ready: tuple[float, dict[str, bool]] | None = None  # (when checked, result)
        if answerer is not None:
            self.__dict__["answerer"] = answerer  # a test's or benchmark's own answerer

    @cached_property
    def database(self) -> Engine:
        """Return the SQL engine with every table created (when `tolerant`: being created)."""
        return open_database(self.settings.database_url, wait=not self.tolerant)

    def readiness(self) -> dict[str, bool]:
        """Return whether the database and the index answer, checked at most every READY_SECONDS.

        Concurrent callers (a load balancer polling /readyz) share one check.
        """
        with self._ready_lock:
            if self._ready is None or time.monotonic() - self._ready[0] >= READY_SECONDS:
                self._ready = (time.monotonic(), {"database": self._database_ready(), "index": self._index_ready()})
            return dict(self._ready[1])

    def check_slack(self) -> None:
        """Raise SlackUnavailable unless Slack answers `auth.test` for the bot token."""
        from slack_sdk.errors import SlackApiError

        with quiet():
            try:
                self.slack_client.auth_test()
            except (SlackApiError, OSError) as error:
                url = self.settings.slack_api_url
                raise SlackUnavailable(f"Slack ({url}) svarar inte eller nekar token: {error}") from error

    def _database_ready(self) -> bool:
        try:
            return reachable(self.database)
        except HPError:  # a SQLite folder that cannot be made
            return False

    def _index_ready(self) -> bool:
        try:
            return self.index.reachable()
        except HPError:  # the Chroma client could not even be made: the server is down
            return False

    @cached_property
    def metrics(self) -> Metrics:
        """Return the process's metrics (one registry, served at /metrics)."""
        return Metrics()

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

        return build_client(self.settings, self.metrics)

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
        from bot.schedules.scheduler import STOP_MARGIN, Scheduler
        from bot.store.leases import Lease

        engine, settings = self.posting_engine, self.settings
        poster_timeout = float(self.slack_client.timeout)  # stop() waits for one in-flight post
        return Scheduler(
            engine, settings.scheduler_interval_seconds, clock=clock, metrics=self.metrics,
            lease=Lease(self.database, "scheduler", settings.scheduler_lease_seconds),
            stop_timeout=poster_timeout + STOP_MARGIN,
            chores=[hourly(self._prune_answers)],
        )

    def _prune_answers(self, now: dt.datetime) -> int:
        """Blank stored question and answer texts older than ANSWER_RETENTION_DAYS (votes stay)."""
        from bot.store.answers import AnswerLog

        log = AnswerLog(self.database, self.settings.feedback_salt.get_secret_value())
        return log.prune(now, self.settings.answer_retention_days)

    @cached_property
    def outbox(self) -> Outbox:
        """Return the outbox of replies Slack refused for now (a table in the database)."""
        from bot.store.outbox import Outbox

        return Outbox(self.database, self.settings.outbox_minutes)

    @cached_property
    def outbox_worker(self) -> OutboxWorker:
        """Return the loop of `bot serve` that delivers the outbox (not started)."""
        from bot.slack.outbox_worker import OutboxWorker
        from bot.store.answers import AnswerLog

        log = AnswerLog(self.database, self.settings.feedback_salt.get_secret_value())
        return OutboxWorker(self.outbox, self.slack_client, self.metrics, on_posted=log.posted)

    @cached_property
    def slack_app(self) -> App:
        """Return the Bolt app, sharing this process's answerer, database and client."""
        from bot.schedules.overview import ScheduleOverview
        from bot.slack.app import build_app

        return build_app(
            self.settings,
            self.answerer,
            engine=self.database,
            client=self.slack_client,
            schedule_commands=self.schedule_commands,
            outbox=self.outbox,
            metrics=self.metrics,
            overview=ScheduleOverview(self.posting_engine),  # the App Home reads what /hp schema reads
            knowledge=lambda: self.index,  # built when the App Home first needs it
            report=self.report_files,  # the App Home's report buttons (admins)
        )

    def report_files(self, year: int) -> list[tuple[str, bytes]]:
        """Return `year`'s HP report as files (the Markdown and the PNG chart)."""
        from bot.schedules.report import gather
        from bot.schedules.report_render import report_files

        return report_files(gather(self.database, year, self.schedules))


class _Deferred:
    """The shared retriever, built only when a post first needs a quote (previews often don't)."""

    def __init__(self, services: Services) -> None:
        self._services = services

    def search(self, query: str, k: int) -> list[Source]:
        """Search the shared retriever."""
        return self._services.retriever.search(query, k)


def hourly(chore: Callable[[dt.datetime], object]) -> Callable[[dt.datetime], object]:
    """Return `chore` run at most once an hour (the scheduler's leader calls it every tick).

    >>> runs = []
    >>> prune = hourly(runs.append)
    >>> t = dt.datetime(2026, 11, 30, 12, tzinfo=dt.UTC)
    >>> for minutes in (0, 30, 61, 90, 125):
    ...     _ = prune(t + dt.timedelta(minutes=minutes))
    >>> [r.strftime("%H:%M") for r in runs]
    ['12:00', '13:01', '14:05']
    """
    last: list[dt.datetime] = []

    def run(now: dt.datetime) -> object:
        if last and now - last[0] < dt.timedelta(hours=1):
            return None
        last[:] = [now]
        return chore(now)

    return run


@contextmanager
def quiet() -> Iterator[None]:
    """Log nothing below CRITICAL during a start-up step whose failure is reported as one line.

    slack_sdk logs an error for every failed attempt before its retry handler tries again
    (with Slack down: three lines before the one that says so), and Bolt warns at every
    start that the token in the environment is unused (the client carries it). Bolt copies
    the root's level into its loggers, so only logging's global switch reaches them all.
    """
    previous = logging.root.manager.disable
    logging.disable(logging.ERROR)
    try:
        yield
    finally:
        logging.disable(previous)


class Loop(Protocol):
    """A background loop `bot serve` starts and stops (the scheduler)."""

    def start(self) -> None:
        """Start in the background."""

    def stop(self, timeout: float | None = None) -> None:
        """Stop and wait for the current run (None: as long as the loop itself needs)."""


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
    services.tolerant = True  # a database or Chroma that is down is waited for, not fatal
    services.database  # noqa: B018 - opened now, so a database that is down is logged at start
    try:
        services.answerer  # noqa: B018 - build it now, so a broken setup is logged at start
    except HPError as error:
        logger.error("the answerer is unavailable, retrying in the background: %s", error)
        services.__dict__["answerer"] = RetryingAnswerer(
            lambda: build_answerer(services.settings, services.retriever), error
        )
    with quiet():  # before the loops start: only a TableMaker's retry may go unlogged meanwhile
        app = services.slack_app
    loop = scheduler if scheduler is not None else services.scheduler()
    loop.start()
    outbox = services.outbox_worker
    outbox.start()
    try:
        token, secret = services.settings.slack_app_token, services.settings.slack_signing_secret
        serve(
            app, services.slack_client, http=http, host=host, port=port,
            app_token=token.get_secret_value() if token else "", stop=stop, on_ready=on_ready,
            signing_secret=secret.get_secret_value() if secret else "", metrics=services.metrics,
            ready=services.readiness, threads=services.settings.http_threads,
            read_timeout=services.settings.http_read_timeout_seconds,
        )
    finally:  # the HTTP server is closed by now; an in-flight post may finish and be marked
        loop.stop()
        outbox.stop()
