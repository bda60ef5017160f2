"""Read-only views of the schedules: upcoming posts, previews, and the next one to skip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.ingest.dates import swedish_date
from bot.schedules.claims import TERMINAL, StoredStatus
from bot.schedules.engine import ScheduleEngine
from bot.schedules.recurrence import Occurrence, next_occurrences, occurrences
from bot.schedules.rotation import ChannelState, advance

KIND_LABELS = {"hp": "HP-punkt", "apt": "APT-dagordning"}


@dataclass(frozen=True)
class Planned:
    """An upcoming occurrence and its stored status (e.g. 'skipped'), if any."""

    occurrence: Occurrence
    status: StoredStatus | None


def upcoming(
    engine: ScheduleEngine, now: dt.datetime, count: int, channel: str | None = None
) -> list[Planned]:
    """Return the next `count` occurrences after `now` (of one channel, or all), soonest first."""
    found = [
        occ
        for schedule in engine.schedules.values()
        if channel is None or schedule.channel == channel
        for occ in next_occurrences(schedule, now, count)
    ]
    found = sorted(found, key=lambda o: (o.due_at, o.schedule))[:count]
    if not found:
        return []
    rows = engine.store.rows(list(engine.schedules), min(o.nominal for o in found))
    return [Planned(o, getattr(rows.get((o.schedule, o.nominal)), "status", None)) for o in found]


def describe(occ: Occurrence) -> str:
    """Describe an occurrence in Swedish, e.g. 'HP-punkt fredag 25 december 2026 kl. 09:00'."""
    local = occ.due_at
    return f"{KIND_LABELS[occ.kind]} {swedish_date(local.date())} kl. {local:%H:%M}"


def skip_next(engine: ScheduleEngine, channel: str, now: dt.datetime) -> Occurrence | None:
    """Mark the channel's next unsettled occurrence as skipped and return it."""
    for planned in upcoming(engine, now, 20, channel):
        if planned.status not in TERMINAL:
            if engine.store.record(planned.occurrence, "skipped", now, engine.lease):
                return planned.occurrence
    return None


def preview(
    engine: ScheduleEngine, name: str, day: dt.date | None, now: dt.datetime
) -> tuple[Occurrence, str]:
    """Return the occurrence of schedule `name` on or after `day` and its exact text.

    The channel's stored state is moved on by every post due before it, so the preview
    of a later date shows the principle and step that will really be posted then.
    """
    schedule = engine.schedules[name]
    start = now
    if day is not None:
        start = dt.datetime.combine(day, dt.time(0), schedule.tz)
    target = next(iter(next_occurrences(schedule, start - dt.timedelta(seconds=1), 1)), None)
    if target is None:
        raise LookupError(f"schemat {name!r} har inget inlägg efter {start:%Y-%m-%d}")
    state = _state_before(engine, target, now)
    text = engine.composer.render(target.kind, state, target.due_at.date(), schedule.first_step)
    return target, text


def _state_before(engine: ScheduleEngine, target: Occurrence, now: dt.datetime) -> ChannelState:
    """Return the channel state as it will be when `target` is posted."""
    state = engine.store.channel_state(target.channel)
    start = now - engine.grace
    before = [
        occ
        for schedule in engine.schedules.values()
        if schedule.channel == target.channel
        for occ in occurrences(schedule, start, target.due_at)
        if (occ.due_at, occ.schedule) < (target.due_at, target.schedule)
    ]
    if not before:
        return state
    rows = engine.store.rows(list(engine.schedules), min(o.nominal for o in before))
    for occ in sorted(before, key=lambda o: o.due_at):
        row = rows.get((occ.schedule, occ.nominal))
        if row is None or row.status not in TERMINAL:
            state = advance(state, occ.kind, engine.schedules[occ.schedule].first_step)
    return state
