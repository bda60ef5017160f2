"""Tables of scheduled posts, registered on the bot's shared `METADATA`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from bot.store.db import METADATA


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Store naive UTC, return aware UTC: SQLite keeps no offsets, comparisons stay exact."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Convert an aware datetime to naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        """Mark the stored naive UTC value as UTC."""
        return None if value is None else value.replace(tzinfo=dt.UTC)


POSTS = Table(
    "schedule_posts",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("schedule", String(200), nullable=False),
    Column("nominal", Date, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("channel", String(100), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("status", String(20), nullable=False),  # claimed|posted|failed|missed|skipped|paused
    Column("token", String(40)),
    Column("claimed_at", UTCDateTime),
    Column("attempts", Integer, nullable=False, default=0),
    Column("posted_at", UTCDateTime),
    Column("message_ts", String(40)),
    Column("error", Text),
    UniqueConstraint("schedule", "nominal", name="uq_schedule_posts_occurrence"),
)

CHANNELS = Table(
    "schedule_channels",
    METADATA,
    Column("channel", String(100), primary_key=True),
    Column("hp_count", Integer, nullable=False, default=0),
    Column("next_step", Integer),
    Column("paused", Boolean, nullable=False, default=False),
)

SEEN = Table(
    "schedule_seen",
    METADATA,
    Column("schedule", String(200), primary_key=True),
    Column("first_seen", UTCDateTime, nullable=False),
)
