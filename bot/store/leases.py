"""Named leases in SQL: one holder at a time among replicas (the scheduler's leader).

A lease is one row `leases(name, holder, expires_at)`. Taking or renewing it is one
conditional write, so two replicas never both win: an INSERT that the primary key lets
only one process make, else an UPDATE that succeeds only for the current holder or once
the lease ran out. Both work the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Engine, String, Table, or_, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from bot.store.db import METADATA
from bot.store.schedule_tables import UTCDateTime

LEASES = Table(
    "leases",
    METADATA,
    Column("name", String(100), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any]) -> bool:
    """INSERT unless the key exists; return True when this call inserted the row.

    RETURNING tells reliably whether a row went in (rowcount of an INSERT is not
    reliable across drivers once SQLAlchemy adds RETURNING for the primary key itself).
    """
    key = list(table.primary_key.columns)[0]
    if conn.dialect.name in {"postgresql", "sqlite"}:
        module = __import__(f"sqlalchemy.dialects.{conn.dialect.name}", fromlist=["insert"])
        stmt = module.insert(table).values(**values).on_conflict_do_nothing().returning(key)
        return conn.execute(stmt).first() is not None
    try:
        with conn.begin_nested():
            conn.execute(table.insert().values(**values))
        return True
    except IntegrityError:
        return False


def utc_now() -> dt.datetime:
    """Return the current time (aware, UTC)."""
    return dt.datetime.now(dt.UTC)


def holder_id() -> str:
    """Return a name for this process that no other process (here or on another host) has."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lease:
    """One named lease, held for `seconds` after each successful `acquire()`.

    Args:
        clock: the wall clock (real time even when a test fixes the scheduler's clock);
            replicas are assumed to agree on it to well within `seconds`.
    """

    def __init__(
        self,
        engine: Engine,
        name: str,
        seconds: float,
        holder: str | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self.engine, self.name, self.seconds = engine, name, seconds
        self.holder = holder or holder_id()
        self.clock = clock

    def acquire(self) -> bool:
        """Take the lease, or renew it if this holder has it; True when this holder now holds it."""
        now = self.clock()
        expires = now + dt.timedelta(seconds=self.seconds)
        with self.engine.begin() as conn:
            row = {"name": self.name, "holder": self.holder, "expires_at": expires}
            if insert_ignore(conn, LEASES, row):
                return True
            taken = conn.execute(
                update(LEASES)
                .where(
                    LEASES.c.name == self.name,
                    or_(LEASES.c.holder == self.holder, LEASES.c.expires_at < now),
                )
                .values(holder=self.holder, expires_at=expires)
            )
            return taken.rowcount == 1

    def release(self) -> None:
        """Give the lease up now (if this holder has it), so another replica need not wait it out."""
        with self.engine.begin() as conn:
            conn.execute(
                update(LEASES)
                .where(LEASES.c.name == self.name, LEASES.c.holder == self.holder)
                .values(expires_at=self.clock() - dt.timedelta(seconds=1))
            )
