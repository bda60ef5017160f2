"""The traces a scheduled post leaves: "Genomförd ✅" (who, when) and one-line notes in its thread.

Marking an APT post held also moves the channel's Respekttrappan step on, in the same
transaction: an APT that did not take place shows its step again. The step moves only
while the channel still stands on the held post's step, so a second press, or a late
press on an older agenda, never moves it twice (and an admin's `/hp steg N` stands).
Undoing a mark ("Ångra", for a press by mistake) moves the step back the same way: only
while the channel stands on the step after it, and only when no other held APT of the
channel took up that step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, exists, select, update
from sqlalchemy.engine import Connection

from bot.answer.privacy import mask
from bot.ingest.respekttrappan import STEPS
from bot.store.leases import insert_ignore
from bot.store.schedule_tables import CHANNELS, NOTES, POSTS

NOTE_CHARS = 500  # a note is meant as one line; a long reply is kept, cut


@dataclass(frozen=True)
class PostKey:
    """A scheduled post: its schedule, nominal date and channel."""

    schedule: str
    nominal: dt.date
    channel: str


@dataclass(frozen=True)
class Held:
    """Who marked a post held and when; `now` is True for the press that marked it."""

    by: str
    at: dt.datetime
    now: bool


def meeting_schedule(claim: str) -> str:
    """Return the schedule a post was claimed under: an APT's reminder ("<name>+påminnelse") is its APT's.

    "+" cannot stand in a schedule's name, so what comes before it is the name.

    >>> meeting_schedule("apt-kansliet+påminnelse"), meeting_schedule("projekt-alfa")
    ('apt-kansliet', 'projekt-alfa')
    """
    return claim.split("+", 1)[0]


def following_step(step: int) -> int:
    """Return the Respekttrappan step after `step`; after step 7 comes step 1.

    >>> following_step(3), following_step(7)
    (4, 1)
    """
    return step % STEPS + 1


def one_line(text: str) -> str:
    """Return a thread reply as a masked note on one line, cut to NOTE_CHARS.

    >>> one_line("Vi pratade om\\nrampen.  Ring 070-123 45 67")
    'Vi pratade om rampen. Ring [telefonnummer]'
    """
    flat = " ".join(mask(text).text.split())
    return flat if len(flat) <= NOTE_CHARS else flat[: NOTE_CHARS - 1].rstrip() + "…"


class PostTraces:
    """Held marks and notes of scheduled posts, in the bot's database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def post_at(self, channel: str, message_ts: str) -> PostKey | None:
        """Return the scheduled post that is the message `message_ts` in `channel`, or None."""
        query = select(POSTS.c.schedule, POSTS.c.nominal).where(
            POSTS.c.channel == channel, POSTS.c.message_ts == message_ts, POSTS.c.status == "posted"
        )
        with self.engine.connect() as conn:
            row = conn.execute(query.limit(1)).first()
        return None if row is None else PostKey(row.schedule, row.nominal, channel)

    def mark_held(self, post: PostKey, user: str, now: dt.datetime) -> Held | None:
        """Mark `post` held by `user` unless it already is; None when it is no posted post.

        Returns the first mark either way: pressing again changes nothing.
        """
        key = _key(post)
        with self.engine.begin() as conn:
            row = conn.execute(select(POSTS).where(key, POSTS.c.status == "posted")).mappings().first()
            if row is None:
                return None
            marked = (
                conn.execute(
                    update(POSTS).where(key, POSTS.c.held_at.is_(None)).values(held_by=user, held_at=now)
                ).rowcount
                == 1
            )
            if marked and row["kind"] == "apt" and row["step"] is not None:
                self._step_on(conn, post.channel, int(row["step"]))
            held = conn.execute(select(POSTS.c.held_by, POSTS.c.held_at).where(key)).one()
        return Held(str(held.held_by), held.held_at, marked)

    def unmark_held(self, post: PostKey) -> bool:
        """Undo the held mark of `post`; False when it was not marked (or is no posted post)."""
        key = _key(post)
        with self.engine.begin() as conn:
            row = conn.execute(select(POSTS).where(key, POSTS.c.status == "posted")).mappings().first()
            if row is None:
                return False
            cleared = update(POSTS).where(key, POSTS.c.held_at.is_not(None)).values(held_by=None, held_at=None)
            undone = conn.execute(cleared).rowcount == 1
            if undone and row["kind"] == "apt" and row["step"] is not None:
                self._step_back(conn, post.channel, int(row["step"]))
        return undone

    def add_note(self, post: PostKey, message_ts: str, text: str, now: dt.datetime) -> bool:
        """Store a reply in the post's thread as a masked one-line note; False if already stored."""
        row = {
            "schedule": meeting_schedule(post.schedule),
            "nominal": post.nominal,
            "channel": post.channel,
            "message_ts": message_ts,
            "text": one_line(text),
            "noted_at": now,
        }
        with self.engine.begin() as conn:
            return insert_ignore(conn, NOTES, row)

    def _step_on(self, conn: Connection, channel: str, step: int) -> None:
        """Move the channel to the step after `step`, if it still stands on `step`."""
        conn.execute(
            update(CHANNELS)
            .where(CHANNELS.c.channel == channel, CHANNELS.c.next_step == step)
            .values(next_step=following_step(step))
        )

    def _step_back(self, conn: Connection, channel: str, step: int) -> None:
        """Move the channel back to `step` if it stands on the step after it and no held APT took `step` up."""
        other = select(POSTS.c.schedule).where(
            POSTS.c.channel == channel, POSTS.c.kind == "apt", POSTS.c.step == step, POSTS.c.held_at.is_not(None)
        )
        conn.execute(
            update(CHANNELS)
            .where(CHANNELS.c.channel == channel, CHANNELS.c.next_step == following_step(step), ~exists(other))
            .values(next_step=step)
        )


def _key(post: PostKey) -> Any:
    return and_(POSTS.c.schedule == post.schedule, POSTS.c.nominal == post.nominal, POSTS.c.channel == post.channel)


@dataclass(frozen=True)
class PostFact:
    """One posted occurrence as the report counts it."""

    channel: str
    schedule: str
    kind: str
    nominal: dt.date
    principle: str | None
    step: int | None
    held_at: dt.datetime | None


@dataclass(frozen=True)
class NoteFact:
    """One note left in a scheduled post's thread (masked when stored)."""

    channel: str
    schedule: str
    nominal: dt.date
    text: str


def posts_between(engine: Engine, first: dt.date, last: dt.date, channel: str | None = None) -> list[PostFact]:
    """Return the posted occurrences with a nominal date in [first, last], oldest first."""
    query = select(POSTS).where(POSTS.c.status == "posted", POSTS.c.nominal.between(first, last))
    if channel:
        query = query.where(POSTS.c.channel == channel)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(POSTS.c.nominal, POSTS.c.schedule)).mappings().all()
    return [
        PostFact(r["channel"], r["schedule"], r["kind"], r["nominal"], r["principle"], r["step"], r["held_at"])
        for r in rows
    ]


def notes_between(engine: Engine, first: dt.date, last: dt.date, channel: str | None = None) -> list[NoteFact]:
    """Return the notes on occurrences with a nominal date in [first, last], oldest first."""
    query = select(NOTES).where(NOTES.c.nominal.between(first, last))
    if channel:
        query = query.where(NOTES.c.channel == channel)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(NOTES.c.nominal, NOTES.c.id)).mappings().all()
    return [NoteFact(r["channel"], r["schedule"], r["nominal"], r["text"]) for r in rows]
