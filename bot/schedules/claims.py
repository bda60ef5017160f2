"""SQL state of scheduled posts: one row per occurrence (the claim) and per channel.

A claim is an INSERT that the unique key (schedule, nominal) lets only one process win;
a 'failed' claim, or a 'claimed' one whose lease ran out (the claimer died), can be
taken over with a conditional UPDATE. Both work the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine, and_, or_, select, update
from sqlalchemy.engine import Connection

from bot.schedules.recurrence import Occurrence
from bot.schedules.rotation import ChannelState, advance
from bot.store.leases import insert_ignore
from bot.store.schedule_tables import CHANNELS, POSTS, SEEN

# What a stored occurrence can be: claimed (being posted), failed (to retry), or settled.
StoredStatus = Literal["claimed", "posted", "failed", "missed", "skipped", "paused"]
TERMINAL: frozenset[StoredStatus] = frozenset({"posted", "missed", "skipped", "paused"})


@dataclass(frozen=True)
class Claim:
    """A won claim: its token, and whether an earlier attempt may already have reached Slack.

    retry: the occurrence was claimed before (its post failed, or its claimer died).
    """

    token: str
    retry: bool


@dataclass(frozen=True)
class PostRow:
    """One stored occurrence."""

    schedule: str
    nominal: dt.date
    channel: str
    kind: str
    due_at: dt.datetime
    status: StoredStatus
    attempts: int
    error: str | None
    claimed_at: dt.datetime | None


def _key(occ: Occurrence) -> Any:
    return and_(POSTS.c.schedule == occ.schedule, POSTS.c.nominal == occ.nominal)


class ScheduleStore:
    """Claims and channel state in the bot's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def first_seen(self, schedule: str, now: dt.datetime, record: bool = True) -> dt.datetime:
        """Return (and unless `record` is False, store) when a schedule was first seen."""
        if not record:
            with self.engine.connect() as conn:
                query = select(SEEN.c.first_seen).where(SEEN.c.schedule == schedule)
                seen = conn.execute(query).scalar_one_or_none()
            return now if seen is None else min(seen, now)
        with self.engine.begin() as conn:
            insert_ignore(conn, SEEN, {"schedule": schedule, "first_seen": now})
            conn.execute(
                update(SEEN)
                .where(SEEN.c.schedule == schedule, SEEN.c.first_seen > now)
                .values(first_seen=now)
            )
            first: dt.datetime = conn.execute(
                select(SEEN.c.first_seen).where(SEEN.c.schedule == schedule)
            ).scalar_one()
            return first

    def rows(self, schedules: list[str], since: dt.date) -> dict[tuple[str, dt.date], PostRow]:
        """Return the stored occurrences of `schedules` with a nominal date from `since`."""
        query = select(POSTS).where(POSTS.c.schedule.in_(schedules), POSTS.c.nominal >= since)
        with self.engine.connect() as conn:
            found = conn.execute(query).mappings().all()
        return {(r["schedule"], r["nominal"]): _row(r) for r in found}

    def status(self, occ: Occurrence) -> StoredStatus | None:
        """Return the stored status of one occurrence, or None."""
        with self.engine.connect() as conn:
            return conn.execute(select(POSTS.c.status).where(_key(occ))).scalar_one_or_none()

    def claim(self, occ: Occurrence, now: dt.datetime, lease: dt.timedelta) -> Claim | None:
        """Claim `occ` for posting; return the claim, or None if someone else has it."""
        token = uuid.uuid4().hex
        values = {"status": "claimed", "token": token, "claimed_at": now}
        with self.engine.begin() as conn:
            if insert_ignore(conn, POSTS, {**_base(occ), **values, "attempts": 1}):
                return Claim(token, retry=False)
            retry = or_(
                POSTS.c.status == "failed",
                and_(POSTS.c.status == "claimed", POSTS.c.claimed_at < now - lease),
            )
            taken = conn.execute(
                update(POSTS)
                .where(_key(occ), retry)
                .values(**values, attempts=POSTS.c.attempts + 1)
            )
            return Claim(token, retry=True) if taken.rowcount == 1 else None

    def record(
        self, occ: Occurrence, status: StoredStatus, now: dt.datetime, lease: dt.timedelta
    ) -> bool:
        """Store a terminal status (missed, skipped, paused) unless the occurrence is taken.

        A failed claim, or a stale one, becomes `status` too: it was not posted in time.
        """
        with self.engine.begin() as conn:
            if insert_ignore(conn, POSTS, {**_base(occ), "status": status, "attempts": 0}):
                return True
            open_ = or_(
                POSTS.c.status == "failed",
                and_(POSTS.c.status == "claimed", POSTS.c.claimed_at < now - lease),
            )
            return (
                conn.execute(update(POSTS).where(_key(occ), open_).values(status=status)).rowcount
                == 1
            )

    def mark_posted(
        self, occ: Occurrence, token: str, now: dt.datetime, ts: str, state: ChannelState,
        start_step: int = 1,
    ) -> bool:
        """Mark `occ` posted with what it showed in `state`, and store the advanced state, at once."""
        shown = {"principle": state.principle() if occ.kind in {"hp", "apt"} else None,
                 "step": state.step(start_step) if occ.kind == "apt" else None}
        with self.engine.begin() as conn:
            done = (
                conn.execute(
                    update(POSTS)
                    .where(_key(occ), POSTS.c.token == token)
                    .values(status="posted", posted_at=now, message_ts=ts, error=None, **shown)
                ).rowcount
                == 1
            )
            if done:
                self._save_state(conn, advance(state, occ.kind, start_step))
            return done

    def mark_failed(self, occ: Occurrence, token: str, error: str) -> None:
        """Release the claim so a later run retries the post."""
        with self.engine.begin() as conn:
            conn.execute(
                update(POSTS)
                .where(_key(occ), POSTS.c.token == token)
                .values(status="failed", error=error[:2000])
            )

    def channel_state(self, channel: str) -> ChannelState:
        """Return the stored state of `channel` (defaults when none is stored)."""
        with self.engine.connect() as conn:
            row = (
                conn.execute(select(CHANNELS).where(CHANNELS.c.channel == channel))
                .mappings()
                .first()
            )
        if row is None:
            return ChannelState(channel)
        return ChannelState(channel, row["hp_count"], row["next_step"], bool(row["paused"]),
                            row["last_step"])

    def set_paused(self, channel: str, paused: bool) -> None:
        """Pause or resume the channel's scheduled posts."""
        self._change(channel, paused=paused)

    def set_next_step(self, channel: str, step: int) -> None:
        """Set the Respekttrappan step of the channel's next APT post."""
        self._change(channel, next_step=step)

    def _change(self, channel: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            insert_ignore(conn, CHANNELS, {"channel": channel, "hp_count": 0, "paused": False})
            conn.execute(update(CHANNELS).where(CHANNELS.c.channel == channel).values(**values))

    def _save_state(self, conn: Connection, state: ChannelState) -> None:
        insert_ignore(conn, CHANNELS, {"channel": state.channel, "hp_count": 0, "paused": False})
        conn.execute(
            update(CHANNELS)
            .where(CHANNELS.c.channel == state.channel)
            .values(hp_count=state.hp_count, next_step=state.next_step, last_step=state.last_step)
        )

    def problems(self, limit: int = 50) -> list[PostRow]:
        """Return missed and failed occurrences, newest first."""
        query = (
            select(POSTS)
            .where(POSTS.c.status.in_(["missed", "failed"]))
            .order_by(POSTS.c.due_at.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query).mappings()]


def _base(occ: Occurrence) -> dict[str, Any]:
    return {
        "schedule": occ.schedule,
        "nominal": occ.nominal,
        "kind": occ.kind,
        "channel": occ.channel,
        "due_at": occ.due_at,
    }


def _row(r: Any) -> PostRow:
    return PostRow(**{field: r[field] for field in PostRow.__dataclass_fields__})
