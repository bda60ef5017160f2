"""The background loop of `bot serve`: one replica, the lease holder, runs `engine.post_due(clock())`.

Every replica runs the loop, but only the one that holds the SQL lease (`bot.store.leases`)
posts: it renews the lease a few times per lease period (during a run too) and runs
`post_due` (then the chores, e.g. pruning old rows) every `interval` seconds. The others try to take the lease
at the same pace and take over once it has run out, so a dead leader is replaced within
about `lease.seconds` plus a third of it. The claims stay the guarantee against doubles;
the lease only keeps the other replicas from doing the same work.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Protocol

from bot.metrics import Metrics
from bot.schedules.engine import Outcome, ScheduleEngine

logger = logging.getLogger(__name__)
Chore = Callable[[dt.datetime], object]
STOP_MARGIN = 5.0  # seconds granted on top of one Slack call's timeout for marking the post


def utc_now() -> dt.datetime:
    """Return the current time (aware, UTC): the loop's default clock."""
    return dt.datetime.now(dt.UTC)


class Lease(Protocol):
    """A lease among replicas (bot.store.leases.Lease)."""

    seconds: float

    def acquire(self) -> bool:
        """Take or renew the lease; True while this replica holds it."""
        ...

    def release(self) -> None:
        """Give the lease up."""
        ...


class Scheduler:
    """Runs `engine.post_due(clock())` every `interval` seconds in a daemon thread, while leader.

    Args:
        lease: shared among replicas; without one this process always leads.
        chores: run by the leader after each post_due with the same `now`; errors are logged.
        stop_timeout: how long `stop()` waits for an in-flight post (a Slack call plus a margin).
    """

    def __init__(
        self,
        engine: ScheduleEngine,
        interval: float,
        clock: Callable[[], dt.datetime] | None = None,
        *,
        lease: Lease | None = None,
        metrics: Metrics | None = None,
        chores: Sequence[Chore] = (),
        stop_timeout: float = 15.0 + STOP_MARGIN,
    ) -> None:
        self.engine, self.interval = engine, interval
        self.clock = clock or utc_now
        self.lease, self.metrics, self.chores = lease, metrics, tuple(chores)
        self.stop_timeout = stop_timeout
        self.leading = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the loop (the first run is immediate); without schedules or chores it does nothing."""
        if self._thread is not None or not (self.engine.schedules or self.chores):
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="hp-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the loop to stop, wait for an in-flight run (`stop_timeout`), give the lease up."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(self.stop_timeout if timeout is None else timeout)
            if thread.is_alive():
                logger.warning("Schemalagda inlägg: en körning pågick fortfarande vid stopp")
                return  # it may still post: keep the lease so no one else runs meanwhile
        if self.leading and self.lease is not None:
            try:
                self.lease.release()
            except Exception:
                logger.exception("Schemalagda inlägg: kunde inte lämna ifrån sig schemaläggarens lås")
        self._lead(False)

    def run_once(self) -> list[Outcome]:
        """Run one tick (post_due, then the chores); log, never raise, so the loop survives."""
        outcomes: list[Outcome] = []
        try:
            now = self.clock()
            outcomes = self.engine.post_due(now) if self.engine.schedules else []
        except Exception:
            logger.exception("Schemalagda inlägg: körningen misslyckades")
            return outcomes
        self._count(outcomes)
        for chore in self.chores:
            try:
                chore(now)
            except Exception:
                logger.exception("Schemalagda inlägg: sysslan %r misslyckades", getattr(chore, "__name__", chore))
        return outcomes

    def _loop(self) -> None:
        # Renew well inside the lease; without a lease, wake once per interval.
        tick = min(self.interval, self.lease.seconds / 3) if self.lease else self.interval
        last_run = -float("inf")
        logger.info("Schemalagda inlägg: schemaläggaren startad (%s)", "en replik i taget" if self.lease else "ensam")
        while not self._stop.is_set():
            if self._holds_lease() and time.monotonic() - last_run >= self.interval:
                last_run = time.monotonic()
                self._run_renewing(tick)
            self._stop.wait(tick)

    def _run_renewing(self, tick: float) -> None:
        """Run once, renewing the lease meanwhile: a slow Slack must not hand the lease over mid-run."""
        done = threading.Event()

        def renew() -> None:
            while not done.wait(tick):
                self._holds_lease()

        keeper = threading.Thread(target=renew, name="hp-scheduler-lease", daemon=True)
        if self.lease is not None:
            keeper.start()
        try:
            self.run_once()
        finally:
            done.set()
            if keeper.is_alive():
                keeper.join()

    def _holds_lease(self) -> bool:
        """Take or renew the lease; a database error counts as not holding it."""
        if self.lease is None:
            leading = True
        else:
            try:
                leading = self.lease.acquire()
            except Exception:
                logger.exception("Schemalagda inlägg: kunde inte läsa schemaläggarens lås")
                leading = False
        if leading != self.leading:
            logger.info("Schemalagda inlägg: %s", "den här repliken postar" if leading else "en annan replik postar")
        self._lead(leading)
        return leading

    def _lead(self, leading: bool) -> None:
        self.leading = leading
        if self.metrics is not None:
            self.metrics.scheduler_leader.set(1 if leading else 0)

    def _count(self, outcomes: list[Outcome]) -> None:
        if self.metrics is None:
            return
        for outcome in outcomes:
            if outcome.status != "taken":
                status = "recovered" if outcome.recovered else outcome.status
                self.metrics.posts.labels(outcome.occurrence.kind, status).inc()
