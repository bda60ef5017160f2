"""Create the bot's tables in the background when `bot serve` starts with the database down.

Until the tables exist, `pending(engine)` is True: `init_db` (which `build_app` calls) leaves
the engine alone and readiness reports the database not ready. Calls on the engine meanwhile
fail with SQLAlchemy's errors, which the Slack shell handles as "the database is away".
"""

import logging
import threading
import weakref
from collections.abc import Callable

from sqlalchemy import Engine

from bot.errors import DatabaseUnavailable

log = logging.getLogger(__name__)
# Engines whose tables a TableMaker is still creating. Weak, so a dropped engine is forgotten.
_PENDING: "weakref.WeakKeyDictionary[Engine, TableMaker]" = weakref.WeakKeyDictionary()


def pending(engine: Engine) -> bool:
    """Return True while a TableMaker is still creating the tables of `engine`."""
    return engine in _PENDING


class TableMaker:
    """Retries `create(engine)` with exponential backoff until it succeeds, in a daemon thread."""

    def __init__(self, engine: Engine, create: Callable[[Engine], None], *,
                 first_delay: float = 0.5, max_delay: float = 10.0) -> None:
        self._engine, self._create = engine, create
        self._first, self._max = first_delay, max_delay
        self._done = threading.Event()
        self._stop = threading.Event()

    def start(self) -> None:
        """Mark the engine pending and start trying."""
        _PENDING[self._engine] = self
        threading.Thread(target=self._run, name="create-tables", daemon=True).start()

    def stop(self) -> None:
        """Stop trying (the engine stays pending if the tables were not made)."""
        self._stop.set()

    def wait(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the tables; return True once they exist."""
        return self._done.wait(timeout)

    def _run(self) -> None:
        delay = self._first
        while not self._stop.wait(delay):
            try:
                self._create(self._engine)
            except DatabaseUnavailable as error:
                delay = min(delay * 2, self._max)
                log.warning("%s (retrying in %.0f s)", error, delay)
                continue
            except Exception:  # a bug, or a database refusing the DDL: keep trying, loudly
                delay = self._max
                log.exception("could not create the tables; retrying in %.0f s", delay)
                continue
            _PENDING.pop(self._engine, None)
            self._done.set()
            log.warning("the database answers again: tables ready")
            return
