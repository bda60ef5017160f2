"""Read-only views of the schedules: upcoming posts, previews, and the next one to skip."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.ingest.dates import swedish_date
from bot.schedules.claims import TERMINAL, StoredStatus
from bot.schedules.content import meeting_time
from bot.schedules.engine import ScheduleEngine
from bot.schedules.recurrence import Deviation, Occurrence, occurrences, reminders, short_date
from bot.schedules.rotation import ChannelState, advance
from bot.schedules.weekly import channel_deviations, channel_posts, keep, next_posts

KIND_LABELS = {"hp": "HP-punkt", "apt": "APT-dagordning", "reminder": "APT-påminnelse"}


@dataclass(frozen=True)
class Planned:
    """An upcoming occurrence and its stored status (e.g. 'skipped'), if any."""

    occurrence: Occurrence
    status: StoredStatus | None


def upcoming(engine: ScheduleEngine, now: dt.datetime, count: int, channel: str | None = None) -> list[Planned]:
    """Return the next `count` occurrences after `now` (of one channel, or all), soonest first."""
    schedules = list(engine.schedules.values())
    skipped = engine.skipped_by_hand(now.date())
    found = [
        occ
        for schedule in schedules
        if channel is None or schedule.channel == channel
        for occ in next_posts(schedules, schedule, now, count, skipped=skipped)
    ]
    found = sorted(found, key=lambda o: (o.due_at, o.schedule))[:count]
    if not found:
        return []
    rows = engine.store.rows(engine.claim_names(), min(o.nominal for o in found))
    return [Planned(o, getattr(rows.get((o.schedule, o.nominal)), "status", None)) for o in found]


def describe(occ: Occurrence) -> str:
    """Describe an occurrence in Swedish, e.g. 'HP-punkt fredag 25 december 2026 kl. 09:00'.

    An agenda names its meeting too ("… (för APT tisdag 8 december kl. 09.00)"); a moved
    meeting says from where ("flyttad från 5 april (annandag påsk)").
    """
    local = occ.due_at
    text = f"{KIND_LABELS[occ.kind]} {swedish_date(local.date())} kl. {local:%H:%M}"
    if occ.kind == "apt" and occ.meeting_at != occ.due_at:
        text += f" (för APT {meeting_time(occ.meeting_at)})"
    return f"{text}, {occ.note}" if occ.note else text


def what_for(occ: Occurrence) -> str:
    """Return the meeting a post is for, e.g. 'APT måndag 4 januari kl. 09.00', and any move."""
    meeting = "" if occ.kind == "hp" else f"APT {meeting_time(occ.meeting_at)}"
    return ", ".join(part for part in (meeting, occ.note) if part)


def describe_deviation(found: Deviation) -> str:
    """Describe a skipped or moved meeting, e.g. 'APT torsdag 31 december 2026: hoppas över: nyårsafton'."""
    what = "HP-punkt" if found.kind == "hp" else "APT"
    return f"{what} {swedish_date(found.nominal)}: {found.reason}"


def ahead(engine: ScheduleEngine, now: dt.datetime, days: int, channel: str | None = None) -> list[Deviation]:
    """Return the meetings of the next `days` days (of one channel, or all) that are skipped or moved.

    Skipped includes a meeting whose HP-punkt another meeting of its channel that week takes up.
    """
    start = now.date()
    schedules = list(engine.schedules.values())
    skipped = engine.skipped_by_hand(start)
    found = [
        item
        for schedule in schedules
        if channel is None or schedule.channel == channel
        for item in channel_deviations(schedules, schedule, start, start + dt.timedelta(days=days), skipped)
    ]
    return sorted(found, key=lambda d: (d.nominal, d.schedule))


def pauses_ahead(engine: ScheduleEngine, now: dt.datetime, channel: str | None = None) -> list[str]:
    """Describe the pauses in schedules.yaml that have not ended, e.g. '21 juni–8 augusti 2027: Sommaruppehåll'."""
    found: dict[tuple[dt.date, dt.date, str], list[str]] = {}
    for schedule in engine.schedules.values():
        if channel is None or schedule.channel == channel:
            for pause in schedule.pauses:
                if pause.end >= now.date():
                    found.setdefault((pause.start, pause.end, pause.reason), []).append(schedule.name)
    return [
        f"{short_date(start)} {start.year}–{short_date(end)} {end.year}: {reason}"
        + ("" if channel else f" ({', '.join(names)})")
        for (start, end, reason), names in sorted(found.items())
    ]


def skip_next(engine: ScheduleEngine, channel: str, now: dt.datetime) -> Occurrence | None:
    """Mark the channel's next unsettled meeting as skipped (its reminder too) and return it."""
    planned = upcoming(engine, now, 20, channel)
    for item in planned:
        occ = item.occurrence
        if occ.kind != "reminder" and item.status not in TERMINAL:
            if engine.store.record(occ, "skipped", now, engine.lease):
                for other in planned:
                    if (
                        other.occurrence.kind == "reminder"
                        and other.occurrence.source == occ.source
                        and (other.occurrence.nominal == occ.nominal)
                    ):
                        engine.store.record(other.occurrence, "skipped", now, engine.lease)
                return occ
    return None


def preview(
    engine: ScheduleEngine, name: str, day: dt.date | None, now: dt.datetime, reminder: bool = False
) -> tuple[Occurrence, str]:
    """Return the next post of schedule `name` (of the meeting on or after `day`) and its exact text.

    `reminder`: the APT's reminder on the day instead of its agenda. The channel's stored
    state is moved on by every post due before it, so the preview of a later date shows
    the principle and step that will really be posted then.
    """
    schedule = engine.schedules[name]
    start = now if day is None else dt.datetime.combine(day, dt.time(0), schedule.tz)
    end = start + dt.timedelta(days=400)
    found = keep(
        list(engine.schedules.values()),
        reminders(schedule, now, end) if reminder else occurrences(schedule, now, end),
        engine.skipped_by_hand(now.date()),
    )
    # A date names a meeting: the agenda of the APT on (or after) it, posted a week before.
    target = next((o for o in found if (o.meeting_at if day else o.due_at) >= start), None)
    if target is None:
        what = "ingen påminnelse" if reminder else "inget inlägg"
        raise LookupError(f"schemat {name!r} har {what} efter {start:%Y-%m-%d}")
    state = _state_before(engine, target, now)
    text = engine.composer.compose(target, state, schedule.first_step)
    return target, text


def _state_before(engine: ScheduleEngine, target: Occurrence, now: dt.datetime) -> ChannelState:
    """Return the channel state as it will be when `target` is posted."""
    state = engine.store.channel_state(target.channel)
    start = now - engine.grace
    schedules = list(engine.schedules.values())
    skipped = engine.skipped_by_hand(start.date())
    before = [
        occ
        for schedule in schedules
        if schedule.channel == target.channel
        for occ in channel_posts(schedules, schedule, start, target.due_at, skipped)
        if (occ.due_at, occ.schedule) < (target.due_at, target.schedule)
    ]
    if not before:
        return state
    rows = engine.store.rows(engine.claim_names(), min(o.nominal for o in before))
    for occ in sorted(before, key=lambda o: o.due_at):
        row = rows.get((occ.schedule, occ.nominal))
        if row is None or row.status not in TERMINAL:
            state = advance(state, occ.kind, engine.schedules[occ.source].first_step)
    return state
