"""`ScheduleEngine.post_due(now)`: claim each due occurrence, post it, mark it, in order.

Per channel the occurrences go out oldest first, and a channel stops for this run at the
first occurrence that is not settled (it failed, or another process is posting it), so
the principle rotation and the Respekttrappan steps never run out of order.

A process may die (or time out) after Slack accepted a post but before it marked the
post sent. Every post therefore carries its occurrence id as Slack message metadata, and
a claim that was taken before (it failed, or its claimer died and the lease ran out) is
first looked for in the channel's history: found, it is marked posted with that
message's ts; not found, it is posted. When the history cannot be read the claim is
released as failed and retried by a later run (until the grace period makes it missed):
a late or missed post is listed by `bot schedules`; a duplicate cannot be taken back.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import groupby
from typing import Literal, Protocol

from bot.schedules.claims import TERMINAL, PostRow, ScheduleStore
from bot.schedules.config import Schedule
from bot.schedules.content import Composer
from bot.schedules.recurrence import REMINDER_SUFFIX, Occurrence
from bot.schedules.rotation import advance
from bot.schedules.weekly import channel_posts

RunStatus = Literal["posted", "failed", "missed", "paused", "taken", "due"]
Rows = dict[tuple[str, dt.date], PostRow]  # the stored occurrences by (schedule, nominal date)
logger = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=5)  # a claim older than this belongs to a dead process
LOOKBACK = dt.timedelta(days=62)  # how far back a run looks for unsettled occurrences
# No attempt posts before the occurrence is due; the margin covers replicas' clocks disagreeing.
HISTORY_MARGIN = dt.timedelta(minutes=5)


class Poster(Protocol):
    """Sends one message tagged with its occurrence; finds such a message again."""

    def post(self, channel: str, text: str, occurrence: Mapping[str, str] | None = None) -> str:
        """Post `text` to `channel`; return its Slack timestamp."""
        ...

    def find(self, channel: str, occurrence: Mapping[str, str], since: dt.datetime) -> str | None:
        """Return the ts of the message tagged with `occurrence` posted since `since`, or None."""
        ...


@dataclass(frozen=True)
class Outcome:
    """What a run did with one occurrence.

    status: posted | failed | missed | paused | taken (another process has it) |
    due (dry run: would be posted).
    recovered: posted by an earlier attempt (found in the channel), not by this run.
    """

    occurrence: Occurrence
    status: RunStatus
    text: str | None = None
    error: str | None = None
    recovered: bool = False


class ScheduleEngine:
    """Posts the due occurrences of `schedules` exactly once."""

    def __init__(
        self,
        schedules: Iterable[Schedule],
        store: ScheduleStore,
        composer: Composer,
        poster: Poster | None,
        grace: dt.timedelta,
        lease: dt.timedelta = LEASE,
    ) -> None:
        self.schedules = {s.name: s for s in schedules}
        self.store, self.composer, self.poster = store, composer, poster
        self.grace, self.lease = grace, lease

    def claim_names(self) -> list[str]:
        """Return the names the posts are claimed under (an APT reminder has its own)."""
        return [*self.schedules, *(name + REMINDER_SUFFIX for name in self.schedules)]

    def due(self, now: dt.datetime, record: bool = True) -> list[Occurrence]:
        """Return the occurrences up to `now` a run has to settle, by channel, oldest first.

        A schedule's window starts one grace period before it was first seen: a new
        schedule catches up on recent posts but does not report older ones as missed. A
        meeting that gives way to another HP-punkt of its channel that week is not due
        (`bot.schedules.weekly`): like a holiday, it is neither posted nor stored.
        """
        found: list[Occurrence] = []
        schedules = list(self.schedules.values())
        skipped = self.skipped_by_hand((now - LOOKBACK).date())
        for schedule in schedules:
            seen = self.store.first_seen(schedule.name, now, record=record)
            start = max(seen - self.grace, now - LOOKBACK)
            found += channel_posts(schedules, schedule, start, now, skipped)
        return sorted(found, key=lambda o: (o.channel, o.due_at, o.schedule))

    def skipped_by_hand(self, since: dt.date) -> frozenset[tuple[str, dt.date]]:
        """Return (schedule, nominal date) of the meetings from `since` an admin skipped (`/hp hoppa`).

        Such a meeting holds no HP-punkt: the week's other meeting in its channel keeps it
        (`bot.schedules.weekly`). A week's margin before `since` takes in the whole ISO week.
        """
        rows = self.store.rows(list(self.schedules), since - dt.timedelta(days=7))
        return frozenset(key for key, row in rows.items() if row.status == "skipped")

    def post_due(self, now: dt.datetime, dry_run: bool = False) -> list[Outcome]:
        """Post every occurrence due at `now` (aware); record those too old as missed."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if self.poster is None and not dry_run:
            raise ValueError("a posting run needs a poster (a Slack client)")
        due = self.due(now, record=not dry_run)
        if not due:
            return []
        rows = self.store.rows(self.claim_names(), min(o.nominal for o in due))
        outcomes: list[Outcome] = []
        for channel, group in groupby(due, key=lambda o: o.channel):
            pending = [o for o in group if _open(rows.get((o.schedule, o.nominal)))]
            run = self._dry_run if dry_run else self._run_channel
            outcomes += run(channel, pending, rows, now)
        return outcomes

    def _run_channel(self, channel: str, pending: list[Occurrence], rows: Rows, now: dt.datetime) -> list[Outcome]:
        """Settle one channel's occurrences in order; stop at the first unsettled one."""
        outcomes: list[Outcome] = []
        paused = self.store.channel_state(channel).paused
        for occ in pending:
            if paused or self._too_old(occ, now):
                status: Literal["paused", "missed"] = "paused" if paused else "missed"
                outcome = Outcome(occ, status) if self.store.record(occ, status, now, self.lease) else None
            else:
                outcome = self._post(occ, now)
            if outcome is None:  # another process holds it
                if self.store.status(occ) in TERMINAL:
                    continue
                outcome = Outcome(occ, "taken")
            outcomes.append(outcome)
            if outcome.status in {"failed", "taken"}:
                break
        return outcomes

    def _post(self, occ: Occurrence, now: dt.datetime) -> Outcome | None:
        """Claim, render, post and mark one occurrence; None when another process has it."""
        claim = self.store.claim(occ, now, self.lease)
        if claim is None:
            return None
        schedule = self.schedules[occ.source]
        state = self.store.channel_state(occ.channel)  # read after the claim: fresh
        assert self.poster is not None  # post_due checked it: only dry runs go without
        key, text = occurrence_id(occ), None
        try:
            # An earlier attempt may have reached Slack: look before posting again.
            found = self.poster.find(occ.channel, key, occ.due_at - HISTORY_MARGIN) if claim.retry else None
            if found is None:
                text = self.composer.compose(occ, state, schedule.first_step)
            ts = found or self.poster.post(occ.channel, text or "", key)
        except Exception as exc:  # any failure (history unreadable too): release the claim for a retry
            error = f"{type(exc).__name__}: {exc}"
            logger.warning("Kunde inte posta %s %s: %s", occ.schedule, occ.nominal, error)
            self.store.mark_failed(occ, claim.token, error)
            return Outcome(occ, "failed", error=error)
        self.store.mark_posted(occ, claim.token, now, ts, state, schedule.first_step)  # advances the state
        if found:
            logger.warning(
                "%s %s fanns redan i %s (ts %s): inte postad igen", occ.schedule, occ.nominal, occ.channel, ts
            )
        else:
            logger.info("Postade %s %s i %s", occ.schedule, occ.nominal, occ.channel)
        return Outcome(occ, "posted", text=text, recovered=found is not None)

    def _dry_run(self, channel: str, pending: list[Occurrence], rows: Rows, now: dt.datetime) -> list[Outcome]:
        """Say what a run would do, writing nothing."""
        state = self.store.channel_state(channel)
        outcomes: list[Outcome] = []
        for occ in pending:
            row = rows.get((occ.schedule, occ.nominal))
            if state.paused or self._too_old(occ, now):
                outcomes.append(Outcome(occ, "paused" if state.paused else "missed"))
            elif row is not None and row.status == "claimed" and not self._stale(row, now):
                outcomes.append(Outcome(occ, "taken"))
                break
            else:
                schedule = self.schedules[occ.source]
                text = self.composer.compose(occ, state, schedule.first_step)
                outcomes.append(Outcome(occ, "due", text=text))
                state = advance(state, occ.kind, schedule.first_step)
        return outcomes

    def _too_old(self, occ: Occurrence, now: dt.datetime) -> bool:
        return occ.due_at < now - self.grace

    def _stale(self, row: PostRow, now: dt.datetime) -> bool:
        return row.claimed_at is None or row.claimed_at < now - self.lease


def occurrence_id(occ: Occurrence) -> dict[str, str]:
    """Return the id a post carries as Slack metadata: schedule and nominal date."""
    return {"schedule": occ.schedule, "nominal": occ.nominal.isoformat()}


def _open(row: PostRow | None) -> bool:
    """Return True when an occurrence still needs work (not stored, failed or claimed)."""
    return row is None or row.status not in TERMINAL
