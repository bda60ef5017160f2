"""Pure occurrence computation: which posts a schedule makes in a time window.

An occurrence is identified by its *nominal* date (the meeting day the rule names). The
holiday policy may move the post to a later workday, but the key stays the nominal date,
so changing a schedule's time or policy never posts the same meeting twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from holidays.constants import DE_FACTO, PUBLIC
from holidays.countries.sweden import Sweden

from bot.schedules.config import Schedule

_WEEK = dt.timedelta(days=7)
# A moved post may land up to about a week after its nominal date (Christmas to Epiphany).
_MAX_SHIFT = dt.timedelta(days=14)


@dataclass(frozen=True)
class Occurrence:
    """One post of one schedule: its nominal date and the moment it is due (aware)."""

    schedule: str
    kind: str
    channel: str
    nominal: dt.date
    due_at: dt.datetime


@lru_cache(maxsize=64)
def _non_workdays(year: int) -> frozenset[dt.date]:
    """Return Swedish public holidays of `year` plus the eves workplaces close on.

    The `DE_FACTO` category (holidays >= 0.88) adds julafton, nyårsafton and
    midsommarafton: not statutory, but the annual leave law (SFS 1977:480, 7 §) treats
    them as Sundays, so no meeting happens on them either.
    """
    return frozenset(Sweden(years=year, categories=(PUBLIC, DE_FACTO), include_sundays=False))


def is_workday(day: dt.date) -> bool:
    """Return True for Monday–Friday that is neither a Swedish holiday nor a holiday eve.

    >>> is_workday(dt.date(2026, 12, 25)), is_workday(dt.date(2026, 12, 28))
    (False, True)
    """
    return day.weekday() < 5 and day not in _non_workdays(day.year)


def _matches(schedule: Schedule, day: dt.date, first: dt.date) -> bool:
    """Return True when the rule names `day` (on or after the first occurrence `first`)."""
    if day.weekday() != schedule.weekday or day < first:
        return False
    if schedule.week_of_month == -1:
        return (day + _WEEK).month != day.month
    if schedule.week_of_month is not None:
        return (day.day - 1) // 7 + 1 == schedule.week_of_month
    return (day - first).days % (7 * schedule.every_weeks) == 0


def _first_date(schedule: Schedule) -> dt.date:
    """Return the first date on or after start_date that falls on the schedule's weekday."""
    offset = (schedule.weekday - schedule.start_date.weekday()) % 7
    return schedule.start_date + dt.timedelta(days=offset)


def post_date(schedule: Schedule, nominal: dt.date) -> dt.date | None:
    """Apply the holiday policy: the day the post goes out, or None when it is skipped."""
    if schedule.weekday >= 5 or is_workday(nominal):
        return nominal  # a schedule that names a weekend day chose it on purpose
    if schedule.holiday_policy == "skip":
        return None
    day = nominal + dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def occurrences(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
    """Return the occurrences due in [start, end] (aware datetimes), oldest first.

    The post time is wall-clock time in the schedule's zone, so a 09:00 post stays at
    09:00 across the DST changes (zoneinfo picks the offset of each date).
    """
    # Compared in UTC: Python compares two datetimes of the same zone by wall-clock time, so
    # a window given in Stockholm time would misplace 02:45 in the hour that repeats in autumn.
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    tz = schedule.tz
    first = _first_date(schedule)
    day = max(first, start.astimezone(tz).date() - _MAX_SHIFT)
    last = end.astimezone(tz).date()
    found: list[Occurrence] = []
    while day <= last:
        if _matches(schedule, day, first):
            posted = post_date(schedule, day)
            due = dt.datetime.combine(posted, schedule.time, tz) if posted else None
            if due is not None and start <= due <= end:
                found.append(Occurrence(schedule.name, schedule.kind, schedule.channel, day, due))
        day += dt.timedelta(days=1)
    return found


def next_occurrences(
    schedule: Schedule, after: dt.datetime, count: int, horizon_days: int = 400
) -> list[Occurrence]:
    """Return up to `count` occurrences due after `after` within `horizon_days`."""
    found = occurrences(schedule, after, after + dt.timedelta(days=horizon_days))
    return [o for o in found if o.due_at > after.astimezone(dt.UTC)][:count]
