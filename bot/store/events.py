"""Answer each Slack event once, across retries and replicas.

Slack re-sends an event (`X-Slack-Retry-Num`) when the first delivery was not acknowledged
in 3 seconds, and may deliver one `event_id` to two replicas. The first to insert the id
into a primary-keyed table claims it; everyone else gets an IntegrityError and skips it.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import Column, DateTime, Engine, String, Table, delete, insert
from sqlalchemy.exc import IntegrityError

from bot.store.db import METADATA

events_table = Table(
    "slack_processed_events",
    METADATA,
    Column("event_id", String(64), primary_key=True),
    Column("seen_at", DateTime(timezone=True), nullable=False, index=True),
)

KEEP = timedelta(days=2)  # Slack retries within minutes; keep a margin, then forget
_PRUNE_EVERY = 500


class EventDeduper:
    """Claims event ids; `claim` returns True only for the first delivery of an id."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._claims = 0

    def claim(self, event_id: str | None, now: datetime | None = None) -> bool:
        """Return True if this process may handle `event_id` (ids of None always may)."""
        if not event_id:
            return True
        now = now or datetime.now(UTC)
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(events_table).values(event_id=event_id, seen_at=now))
        except IntegrityError:
            return False
        self._claims += 1
        if self._claims % _PRUNE_EVERY == 1:
            self.prune(now)
        return True

    def prune(self, now: datetime) -> int:
        """Forget ids older than `KEEP`; return how many were removed."""
        with self._engine.begin() as conn:
            result = conn.execute(delete(events_table).where(events_table.c.seen_at < now - KEEP))
        return result.rowcount or 0
