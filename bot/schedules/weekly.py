"""One HP-punkt per channel and ISO week, across the channel's schedules (pure).

`recurrence` keeps each schedule's meetings in their ISO weeks. A channel may still have
two schedules that carry an HP-punkt: a weekly HP schedule and an APT (its agenda has the
item "HP-punkt: Tillgänglighet"), or two HP schedules. An HP-punkt counts in the ISO week
of the meeting it is for: an APT agenda goes out `agenda_days_before` ahead, but its
HP-punkt is taken up at the APT. When a channel has more than one such meeting in a week,
one of them keeps it: an APT before an HP-punkt, then the earlier meeting, then the
schedule's name. The others are skipped like a holiday: not posted (so the principle
rotation does not move), nothing stored, and listed with the reason. schedules.yaml decides,
and the meetings an admin skipped by hand (`/hp hoppa`, stored as "skipped": `skipped`
below) hold no HP-punkt, so the week's other meeting keeps it. `bot schedules`, `/hp schema`,
the App Home and the engine pass the same `skipped` and so always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

from bot.ingest.dates import WEEKDAYS
from bot.schedules.config import Schedule
from bot.schedules.recurrence import Deviation, Occurrence, deviations, held_meetings, posts, short_date

Skipped = Collection[tuple[str, dt.date]]  # (schedule name, nominal date) of the meetings skipped by hand


def crowded_out(schedules: Sequence[Schedule], schedule: Schedule, nominal: dt.date, skipped: Skipped = ()) -> str:
    """Return why the meeting of `schedule` on `nominal` gives way to another of its channel, or "".

    E.g. "hoppas över: HP-punkten tas upp på APT torsdag 31 december". "" also when the
    meeting is not held for a reason of its own (a holiday, a pause, `skipped` by hand).
    """
    monday = nominal - dt.timedelta(days=nominal.weekday())
    sunday = monday + dt.timedelta(days=6)
    meetings = [
        ((0 if other.kind == "apt" else 1, when.astimezone(dt.UTC), other.name), other, when)
        for other in schedules
        if other.channel == schedule.channel
        for day, when in held_meetings(other, monday, sunday)
        if (other.name, day) not in skipped
    ]
    if not meetings or not any(other.name == schedule.name for _, other, _ in meetings):
        return ""
    _, winner, when = min(meetings, key=lambda found: found[0])
    if winner.name == schedule.name:
        return ""
    if winner.kind == "apt" and schedule.kind == "hp":
        day = when.date()
        return f"hoppas över: HP-punkten tas upp på APT {WEEKDAYS[day.weekday()]} {short_date(day)}"
    what = "en APT" if schedule.kind == "apt" else "en HP-punkt"
    return f"hoppas över: kanalen har redan {what} den här veckan ({winner.name})"


def keep(schedules: Sequence[Schedule], found: list[Occurrence], skipped: Skipped = ()) -> list[Occurrence]:
    """Return the posts of `found` whose meeting keeps its HP-punkt (an APT's reminder goes with it)."""
    by_name = {s.name: s for s in schedules}
    return [occ for occ in found if not crowded_out(schedules, by_name[occ.source], occ.nominal, skipped)]


def channel_posts(
    schedules: Sequence[Schedule], schedule: Schedule, start: dt.datetime, end: dt.datetime, skipped: Skipped = ()
) -> list[Occurrence]:
    """Return `recurrence.posts` of `schedule` without the meetings that give way in their channel."""
    return keep(schedules, posts(schedule, start, end), skipped)


def next_posts(
    schedules: Sequence[Schedule],
    schedule: Schedule,
    after: dt.datetime,
    count: int,
    horizon_days: int = 400,
    skipped: Skipped = (),
) -> list[Occurrence]:
    """Return up to `count` posts of `schedule` (reminders too) due after `after` within `horizon_days`."""
    found = channel_posts(schedules, schedule, after, after + dt.timedelta(days=horizon_days), skipped)
    return [o for o in found if o.due_at > after.astimezone(dt.UTC)][:count]


def channel_deviations(
    schedules: Sequence[Schedule], schedule: Schedule, since: dt.date, until: dt.date, skipped: Skipped = ()
) -> list[Deviation]:
    """Return `recurrence.deviations` plus the meetings that give way in their channel, by nominal date.

    A meeting that was moved (a holiday) and then gives way is listed once, as skipped.
    """
    found = {d.nominal: d for d in deviations(schedule, since, until)}
    for nominal, _ in held_meetings(schedule, since, until):
        reason = crowded_out(schedules, schedule, nominal, skipped)
        if reason:
            found[nominal] = Deviation(schedule.name, schedule.kind, schedule.channel, nominal, reason)
    return [found[nominal] for nominal in sorted(found)]
