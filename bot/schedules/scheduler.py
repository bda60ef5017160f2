"""The background loop of `bot serve`: `engine.post_due(clock())` every `interval` seconds."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from bot.schedules.engine import ScheduleEngine

logger = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    """Return the current time (aware, UTC): the loop's default clock."""
    return dt.datetime.now(dt.UTC)


class Scheduler:
    """Runs `engine.post_due(clock())` every `interval` seconds in a daemon thread."""

    def __init__(
        self,
        engine: ScheduleEngine,
        interval: float,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.engine, self.interval = engine, interval
        self.clock = clock or utc_now
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the loop (the first run is immediate); without schedules it does nothing."""
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
            self.engine.post_due(self.clock())
        except Exception:
            logger.exception("Schemalagda inlägg: körningen misslyckades")

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.interval)
