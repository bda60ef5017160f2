"""Pure occurrence computation: which posts a schedule makes in a time window, and why not.

An occurrence is identified by its *nominal* date (the meeting day the rule names). The
holiday policy may move the meeting to a later workday of the same ISO week, but the key
stays the nominal date, so changing a schedule's time or policy never posts the same
meeting twice. An APT agenda is due `agenda_days` before its meeting; its optional
reminder on the meeting day is a post of its own, claimed under `<name>+påminnelse`.

A meeting that is not held as the rule names it (a holiday, a pause) is an `Exception`:
`bot schedules` and `/hp schema` list each with its reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from holidays.constants import DE_FACTO, PUBLIC
from holidays.countries.sweden import Sweden

from bot.ingest.dates import MONTHS
from bot.schedules.config import Schedule

_WEEK = dt.timedelta(days=7)
_DAY = dt.timedelta(days=1)
# A post may be due up to this long before or after its nominal date (an agenda 4 weeks ahead).
_MAX_SHIFT = dt.timedelta(days=35)
REMINDER_SUFFIX = "+påminnelse"  # "+" is not allowed in a schedule name: no clash


@dataclass(frozen=True)
class Occurrence:
    """One post of one schedule: its nominal date and the moment it is due (aware).

    schedule: the claim's name, i.e. the schedule's name (`source`), plus REMINDER_SUFFIX
    for an APT reminder (kind "reminder"). meeting: when the meeting itself is; note: why
    the meeting is not on its nominal date (e.g. "flyttad från 6 april (annandag påsk)").
    """

    schedule: str
    kind: str
    channel: str
    nominal: dt.date
    due_at: dt.datetime
    meeting: dt.datetime | None = None
    note: str = ""

    @property
    def source(self) -> str:
        """Return the name of the schedule in schedules.yaml."""
        return self.schedule.removesuffix(REMINDER_SUFFIX)

    @property
    def meeting_at(self) -> dt.datetime:
        """Return when the meeting is (for an HP-punkt: when it is posted)."""
        return self.meeting or self.due_at


@dataclass(frozen=True)
class Deviation:
    """A meeting the rule names that is not posted, or not on its day, and why (Swedish)."""

    schedule: str
    kind: str
    channel: str
    nominal: dt.date
    reason: str  # e.g. "hoppas över: nyårsafton", "flyttad från 1 januari (nyårsdagen)"
    moved_to: dt.date | None = None


@lru_cache(maxsize=64)
def _holidays(year: int) -> dict[dt.date, str]:
    """Return Swedish public holidays of `year` plus the eves workplaces close on, by name.

    The `DE_FACTO` category (holidays >= 0.88) adds julafton, nyårsafton and
    midsommarafton: not statutory, but the annual leave law (SFS 1977:480, 7 §) treats
    them as Sundays, so no meeting happens on them either.
    """
    found = Sweden(years=year, categories=(PUBLIC, DE_FACTO), include_sundays=False, language="sv")
    return {day: name.split(";")[0].strip().lower() for day, name in found.items()}


def holiday_name(day: dt.date) -> str:
    """Return the Swedish name of the holiday on `day` (lower case), or "".

    >>> holiday_name(dt.date(2026, 12, 31)), holiday_name(dt.date(2027, 1, 1))
    ('nyårsafton', 'nyårsdagen')
    """
    return _holidays(day.year).get(day, "")


def is_workday(day: dt.date) -> bool:
    """Return True for Monday–Friday that is neither a Swedish holiday nor a holiday eve.

    >>> is_workday(dt.date(2026, 12, 25)), is_workday(dt.date(2026, 12, 28))
    (False, True)
    """
    return day.weekday() < 5 and day not in _holidays(day.year)


def short_date(day: dt.date) -> str:
    """Return e.g. "1 januari".

    >>> short_date(dt.date(2027, 1, 1))
    '1 januari'
    """
    return f"{day.day} {MONTHS[day.month - 1]}"


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


def meeting_date(schedule: Schedule, nominal: dt.date) -> tuple[dt.date | None, str]:
    """Apply pauses and the holiday policy: the meeting's day (None: skipped) and why.

    next_workday / previous_workday move the meeting to the nearest workday after / before
    it, but never out of the nominal date's ISO week: one weekly post per week, always.
    """
    pause = schedule.pause_on(nominal)
    if pause is not None:
        return None, f"hoppas över: {pause.reason}"
    if schedule.weekday >= 5 or is_workday(nominal):
        return nominal, ""  # a schedule that names a weekend day chose it on purpose
    name = holiday_name(nominal)
    if schedule.holiday_policy == "skip":
        return None, f"hoppas över: {name}"
    step = _DAY if schedule.holiday_policy == "next_workday" else -_DAY
    day = nominal + step
    while not is_workday(day):
        day += step
    if day.isocalendar()[:2] != nominal.isocalendar()[:2]:
        which = "nästa" if step == _DAY else "förra"
        return None, f"hoppas över: {name} ({which} vardag, {short_date(day)}, är i {which} vecka)"
    pause = schedule.pause_on(day)
    if pause is not None:
        return None, f"hoppas över: {name}, och {short_date(day)} är {pause.reason}"
    return day, f"flyttad från {short_date(nominal)} ({name})"


def agenda_date(schedule: Schedule, nominal: dt.date, meeting: dt.date) -> dt.date:
    """Return the day the post of a meeting goes out: `agenda_days` before, on a workday.

    Counted from the nominal date (or the meeting, when it moved earlier), so agendas keep
    the meetings' order. A day off moves the agenda earlier (it should arrive in time); a
    pause moves it to after the pause.
    """
    if schedule.agenda_days == 0:
        return meeting
    day = min(nominal, meeting) - dt.timedelta(days=schedule.agenda_days)
    while schedule.weekday < 5 and not is_workday(day):
        day -= _DAY
    pause = schedule.pause_on(day)
    while pause is not None or (schedule.weekday < 5 and not is_workday(day)):
        day = (pause.end if pause is not None else day) + _DAY
        pause = schedule.pause_on(day)
    return min(day, meeting)


def _nominal_dates(schedule: Schedule, since: dt.date, until: dt.date) -> list[dt.date]:
    """Return the dates the rule names in [since, until]."""
    first = _first_date(schedule)
    day, found = max(first, since), []
    while day <= until:
        if _matches(schedule, day, first):
            found.append(day)
        day += _DAY
    return found


def held_meetings(schedule: Schedule, since: dt.date, until: dt.date) -> list[tuple[dt.date, dt.datetime]]:
    """Return the meetings with a nominal date in [since, until] that are held: (nominal, when)."""
    found = []
    for nominal in _nominal_dates(schedule, since, until):
        day, _ = meeting_date(schedule, nominal)
        if day is not None:
            found.append((nominal, dt.datetime.combine(day, schedule.time, schedule.tz)))
    return found


def _window(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """Return the nominal dates whose posts may be due in [start, end]."""
    tz = schedule.tz
    return start.astimezone(tz).date() - _MAX_SHIFT, end.astimezone(tz).date() + _MAX_SHIFT


def occurrences(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
    """Return the main posts (HP-punkt, APT agenda) due in [start, end] (aware), oldest first.

    The post time is wall-clock time in the schedule's zone, so a 09:00 post stays at
    09:00 across the DST changes (zoneinfo picks the offset of each date).
    """
    # Compared in UTC: Python compares two datetimes of the same zone by wall-clock time, so
    # a window given in Stockholm time would misplace 02:45 in the hour that repeats in autumn.
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    tz = schedule.tz
    found: list[Occurrence] = []
    for nominal in _nominal_dates(schedule, *_window(schedule, start, end)):
        day, note = meeting_date(schedule, nominal)
        if day is None:
            continue
        meeting = dt.datetime.combine(day, schedule.time, tz)
        due = dt.datetime.combine(agenda_date(schedule, nominal, day), schedule.time, tz)
        if start <= due <= end:
            found.append(Occurrence(schedule.name, schedule.kind, schedule.channel, nominal, due, meeting, note))
    return found


def reminders(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
    """Return the APT reminders due in [start, end]: on the meeting day, at `reminder`."""
    if schedule.reminder is None:
        return []
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    tz, found = schedule.tz, []
    for nominal in _nominal_dates(schedule, *_window(schedule, start, end)):
        day, note = meeting_date(schedule, nominal)
        if day is None:
            continue
        due = dt.datetime.combine(day, schedule.reminder, tz)
        if start <= due <= end:
            meeting = dt.datetime.combine(day, schedule.time, tz)
            name = schedule.name + REMINDER_SUFFIX
            found.append(Occurrence(name, "reminder", schedule.channel, nominal, due, meeting, note))
    return found


def posts(schedule: Schedule, start: dt.datetime, end: dt.datetime) -> list[Occurrence]:
    """Return every post of `schedule` due in [start, end] (reminders too), oldest first."""
    found = occurrences(schedule, start, end) + reminders(schedule, start, end)
    return sorted(found, key=lambda o: (o.due_at, o.schedule))


def deviations(schedule: Schedule, since: dt.date, until: dt.date) -> list[Deviation]:
    """Return the meetings with a nominal date in [since, until] that are skipped or moved."""
    found = []
    for nominal in _nominal_dates(schedule, since, until):
        day, note = meeting_date(schedule, nominal)
        if note:
            found.append(Deviation(schedule.name, schedule.kind, schedule.channel, nominal, note, day))
    return found


def next_occurrences(schedule: Schedule, after: dt.datetime, count: int, horizon_days: int = 400) -> list[Occurrence]:
    """Return up to `count` posts (reminders too) due after `after` within `horizon_days`."""
    found = posts(schedule, after, after + dt.timedelta(days=horizon_days))
    return [o for o in found if o.due_at > after.astimezone(dt.UTC)][:count]
