"""Answer each Slack event once, across retries and replicas, and still when the database is away.

Slack re-sends an event (`X-Slack-Retry-Num`) when the first delivery was not acknowledged
in 3 seconds, and may deliver one `event_id` to two replicas. The first to insert the id
into a primary-keyed table claims it; everyone else gets an IntegrityError and skips it.

When the database cannot be written, the claim falls back to this process's memory of the
ids it claimed lately (`RecentKeys`): a retry reaching this replica is still skipped, one
reaching another replica may be answered a second time. Twice is better than never.

A claim made that way leaves no row, so for `AFTER_OUTAGE` after its own last fallback a
replica that writes its row still asks the cross-replica fallback too: a question another
replica claimed by 👀 just before the database came back is not taken a second time while
that replica is still at work on it (its 👀 goes when it has answered; a retry after that
may be answered twice).
"""

import logging
import math
import threading
import time
from collections.abc import Callable, Hashable
from datetime import UTC, datetime, timedelta

from cachetools import TTLCache
from sqlalchemy import Column, DateTime, Engine, String, Table, delete, insert
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.metrics import Metrics
from bot.store.db import METADATA

logger = logging.getLogger(__name__)

events_table = Table(
    "slack_processed_events",
    METADATA,
    Column("event_id", String(64), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False, index=True),
)

KEEP = timedelta(days=2)  # Slack retries within minutes; keep a margin, then forget
_PRUNE_EVERY = 500
MEMORY_SIZE = 10_000  # ids (or threads) a process remembers; the oldest go first
MEMORY_SECONDS = 60 * 60  # Slack's last retry comes about 5 minutes after the first delivery
AFTER_OUTAGE = 5 * 60.0  # seconds the fallback is still asked once the database is back (Slack's retries)


class RecentKeys:
    """A bounded, time-limited, thread-safe set (cachetools' TTLCache behind a lock).

    >>> seen = RecentKeys(size=2, seconds=60)
    >>> seen.add("a"), seen.add("a"), "a" in seen, "b" in seen
    (True, False, True, False)
    """

    def __init__(self, size: int = MEMORY_SIZE, seconds: float = MEMORY_SECONDS) -> None:
        self._cache: TTLCache[Hashable, bool] = TTLCache(maxsize=size, ttl=seconds)
        self._lock = threading.Lock()  # TTLCache is not thread-safe; listeners run in a pool

    def add(self, key: Hashable) -> bool:
        """Remember `key`; return False when it was remembered already."""
        with self._lock:
            if key in self._cache:
                return False
            self._cache[key] = True
            return True

    def __contains__(self, key: Hashable) -> bool:
        """Return True while `key` is remembered."""
        with self._lock:
            return key in self._cache


class EventDeduper:
    """Claims event ids; `claim` returns True only for the first delivery of an id."""

    def __init__(self, engine: Engine, metrics: Metrics | None = None,
                 memory: RecentKeys | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        self._metrics = metrics or Metrics()
        self._memory = memory or RecentKeys()
        self._claims = 0
        self._clock = clock
        self._away_at = -math.inf  # when a claim last fell back (`clock` time)

    def claim(self, event_id: str | None, now: datetime | None = None,
              fallback: Callable[[], bool] | None = None) -> bool:
        """Return True if this process may handle `event_id` (ids of None always may).

        Args:
            fallback: a second, cross-replica claim tried when the database is away and this
                process has not seen the id (the Slack shell claims with a reaction).
        """
        if not event_id:
            return True
        if event_id in self._memory:
            return False  # this process claimed it already
        now = now or datetime.now(UTC)
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(events_table).values(event_id=event_id, seen_at=now))
        except IntegrityError:
            return False
        except SQLAlchemyError as error:  # the database is away: never drop the question
            logger.warning("event claim not stored (%s); using this process's memory", type(error).__name__)
            self._metrics.fallbacks.labels(kind="dedupe_memory").inc()
            self._away_at = self._clock()
            return self._memory.add(event_id) and (fallback is None or fallback())
        self._memory.add(event_id)
        self._claims += 1
        if self._claims % _PRUNE_EVERY == 1:
            self._prune_quietly(now)
        if fallback is not None and self._clock() - self._away_at < AFTER_OUTAGE:
            return fallback()  # another replica may hold it by the fallback, with no row
        return True

    def prune(self, now: datetime) -> int:
        """Forget ids older than `KEEP`; return how many were removed."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(events_table).where(events_table.c.seen_at < now - KEEP))
        return result.rowcount or 0

    def _prune_quietly(self, now: datetime) -> None:
        try:  # housekeeping: the claim is made, a failed prune waits for the next one
            self.prune(now)
        except SQLAlchemyError as error:
            logger.warning("pruning processed events failed (%s)", type(error).__name__)
