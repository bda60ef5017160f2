"""Tables of scheduled posts, registered on the bot's shared `METADATA`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
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
    # What the post showed (set when it is marked posted): the report counts by them.
    Column("principle", String(40)),
    Column("step", Integer),  # APT only: the Respekttrappan step of the agenda
    # "Genomförd ✅": who pressed it first, and when (the report's "held").
    Column("held_by", String(40)),
    Column("held_at", UTCDateTime),
    UniqueConstraint("schedule", "nominal", name="uq_schedule_posts_occurrence"),
    # A reply in a thread is matched to its scheduled post by (channel, ts).
    Index("ix_schedule_posts_message", "channel", "message_ts"),
)

CHANNELS = Table(
    "schedule_channels",
    METADATA,
    Column("channel", String(100), primary_key=True),
    Column("hp_count", Integer, nullable=False, default=0),
    Column("next_step", Integer),
    Column("paused", Boolean, nullable=False, default=False),
    Column("last_step", Integer),  # the step the channel's latest APT post showed
)

NOTES = Table(
    "schedule_notes",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("schedule", String(200), nullable=False),
    Column("nominal", Date, nullable=False),
    Column("channel", String(100), nullable=False),
    Column("message_ts", String(40), nullable=False),  # the reply: a redelivered event is stored once
    Column("text", Text, nullable=False),  # masked, one line; no author is stored
    Column("noted_at", UTCDateTime, nullable=False),
    UniqueConstraint("channel", "message_ts", name="uq_schedule_notes_message"),
)

SEEN = Table(
    "schedule_seen",
    METADATA,
    Column("schedule", String(200), primary_key=True),
    Column("first_seen", UTCDateTime, nullable=False),
)
