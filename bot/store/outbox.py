"""Replies Slack refused for now (5xx, 429, network), kept in SQL until they are delivered.

A row holds the rendered message (channel, thread, Slack arguments as JSON), the answer it
carries, the 👀 reaction to take away once it is out, and its schedule: attempts, the next
attempt and the deadline after which the user is told instead. Any replica's delivery
worker may send a row, so a worker first *claims* it with a conditional UPDATE that only
one of them can win (a lease: a worker that dies mid-send frees the row when it ends).
Delivered rows are deleted (their text is not kept); rows given up on stay, marked failed.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from bot.store.db import METADATA

outbox_table = Table(
    "slack_outbox",
    METADATA,
    Column("id", String(32), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("channel", String(32), nullable=False),
    Column("thread_ts", String(32)),
    Column("update_ts", String(32)),  # set: chat.update of this message instead of a new post
    Column("payload", Text, nullable=False),  # JSON: the Slack arguments (text, blocks)
    Column("answer_id", String(32)),
    Column("reaction_ts", String(32)),  # the question whose 👀 goes away once delivered
    Column("reaction", String(64)),
    Column("language", String(8), nullable=False),
    Column("status", String(16), nullable=False, index=True),  # pending | failed
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=False),
    Column("lease_until", DateTime(timezone=True)),
    Column("leased_by", String(64)),
)

PENDING, FAILED = "pending", "failed"
FIRST_DELAY = timedelta(seconds=2)
MAX_DELAY = timedelta(seconds=60)
LEASE = timedelta(minutes=2)  # longer than one send with slack_sdk's own retries
KEEP_FAILED = timedelta(days=7)


@dataclass(frozen=True)
class Reply:
    """A reply to deliver: where, what, and what to tidy up after."""

    channel: str
    thread_ts: str | None
    payload: dict[str, Any]  # chat.postMessage / chat.update arguments besides channel and ts
    language: str = "sv"
    answer_id: str | None = None
    reaction_ts: str | None = None
    reaction: str | None = None
    update_ts: str | None = None


@dataclass(frozen=True)
class Claimed:
    """A row this worker holds until it reports the outcome."""

    id: str
    reply: Reply
    attempts: int  # including this one
    deadline: datetime


def backoff(attempts: int) -> timedelta:
    """Return the wait after `attempts` failed tries: 2 s doubling, at most 60 s.

    >>> [int(backoff(n).total_seconds()) for n in (1, 2, 3, 5, 6, 9)]
    [2, 4, 8, 32, 60, 60]
    """
    delay: timedelta = FIRST_DELAY * 2 ** max(attempts - 1, 0)
    return min(delay, MAX_DELAY)


def _aware(value: datetime) -> datetime:
    """Return `value` as aware UTC (SQLite hands back naive datetimes)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Outbox:
    """The durable queue of refused replies; `minutes` is how long one is retried."""

    def __init__(self, engine: Engine, minutes: float) -> None:
        self._engine = engine
        self.keep = timedelta(minutes=minutes)

    def add(self, reply: Reply, now: datetime | None = None) -> str:
        """Queue `reply` (first try after `FIRST_DELAY`); return its row id."""
        now = now or datetime.now(UTC)
        row_id = uuid.uuid4().hex
        row = {
            "id": row_id, "created_at": now, "channel": reply.channel, "thread_ts": reply.thread_ts,
            "update_ts": reply.update_ts, "payload": json.dumps(reply.payload, ensure_ascii=False),
            "answer_id": reply.answer_id, "reaction_ts": reply.reaction_ts, "reaction": reply.reaction,
            "language": reply.language, "status": PENDING, "attempts": 0,
            "next_attempt_at": now + FIRST_DELAY, "deadline": now + self.keep,
        }
        with self._engine.begin() as conn:
            conn.execute(insert(outbox_table).values(**row))
        return row_id

    def claim_due(self, worker: str, now: datetime, limit: int = 20) -> list[Claimed]:
        """Claim up to `limit` due rows for `worker`; a row another worker holds is skipped."""
        t = outbox_table
        free = or_(t.c.lease_until.is_(None), t.c.lease_until < now)
        due = (t.c.status == PENDING) & (t.c.next_attempt_at <= now) & free
        with self._engine.connect() as conn:
            ids = conn.execute(select(t.c.id).where(due).order_by(t.c.next_attempt_at).limit(limit)).scalars().all()
        claimed: list[Claimed] = []
        for row_id in ids:
            with self._engine.begin() as conn:  # only one worker's UPDATE matches the row
                won = conn.execute(update(t).where(t.c.id == row_id, due).values(
                    lease_until=now + LEASE, leased_by=worker, attempts=t.c.attempts + 1)).rowcount
                row = conn.execute(select(t).where(t.c.id == row_id)).mappings().first() if won else None
            if row is not None:
                claimed.append(_claimed(row))
        return claimed

    def delivered(self, row_id: str) -> None:
        """Forget a delivered row (its text is not kept)."""
        with self._engine.begin() as conn:
            conn.execute(delete(outbox_table).where(outbox_table.c.id == row_id))

    def retry_later(self, row_id: str, attempts: int, now: datetime) -> None:
        """Free a row that failed again; it is due after the backoff."""
        with self._engine.begin() as conn:
            conn.execute(update(outbox_table).where(outbox_table.c.id == row_id).values(
                next_attempt_at=now + backoff(attempts), lease_until=None, leased_by=None))

    def failed(self, row_id: str) -> None:
        """Mark a row given up on (past its deadline, or refused for good)."""
        with self._engine.begin() as conn:
            conn.execute(update(outbox_table).where(outbox_table.c.id == row_id).values(
                status=FAILED, lease_until=None, leased_by=None))

    def depth(self) -> int:
        """Return how many replies are waiting."""
        query = select(func.count()).select_from(outbox_table).where(outbox_table.c.status == PENDING)
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def prune(self, now: datetime) -> int:
        """Remove rows given up on more than `KEEP_FAILED` ago; return how many."""
        t = outbox_table
        with self._engine.begin() as conn:
            result = conn.execute(delete(t).where(t.c.status == FAILED, t.c.deadline < now - KEEP_FAILED))
        return result.rowcount or 0


def _claimed(row: Any) -> Claimed:  # a RowMapping of outbox_table
    reply = Reply(
        channel=row["channel"], thread_ts=row["thread_ts"], payload=json.loads(row["payload"]),
        language=row["language"], answer_id=row["answer_id"], reaction_ts=row["reaction_ts"],
        reaction=row["reaction"], update_ts=row["update_ts"],
    )
    return Claimed(row["id"], reply, int(row["attempts"]), _aware(row["deadline"]))
