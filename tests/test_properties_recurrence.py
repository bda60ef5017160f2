"""Properties of the recurrence rules: order, windows, workdays, DST and window splits."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import example, given
from hypothesis import strategies as st

from bot.schedules.config import Schedule
from bot.schedules.recurrence import Occurrence, deviations, held_meetings, is_workday, occurrences
from bot.schedules.weekly import channel_deviations, channel_posts
from tests.test_schedules_fixtures import schedule

UTC = dt.UTC
STHLM = ZoneInfo("Europe/Stockholm")


@st.composite
def schedules(draw: st.DrawFn, policy: str | None = None, weekdays: tuple[int, int] = (0, 6)) -> Schedule:
    """Any valid rule: weekly, every n weeks, n-th or last weekday of the month."""
    values: dict[str, Any] = {
        "weekday": draw(st.integers(*weekdays)) + 1,
        "time": f"{draw(st.integers(0, 23)):02d}:{draw(st.sampled_from([0, 15, 30, 59])):02d}",
        "start_date": draw(st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31))),
        "holiday_policy": policy or draw(st.sampled_from(["skip", "next_workday", "previous_workday"])),
        "timezone": draw(st.sampled_from(["Europe/Stockholm"] * 4 + ["Europe/Helsinki", "UTC"])),
    }
    rule = draw(st.sampled_from(["weekly", "every", "nth"]))
    if rule == "every":
        values["every_weeks"] = draw(st.integers(2, 6))
    elif rule == "nth":
        values["week_of_month"] = draw(st.sampled_from([1, 2, 3, 4, "last"]))
    if draw(st.booleans()):
        begin = draw(st.dates(dt.date(2025, 1, 1), dt.date(2029, 12, 31)))
        length = dt.timedelta(days=draw(st.integers(0, 60)))
        values["pauses"] = [{"from": begin, "to": begin + length, "reason": "Uppehåll"}]
    return schedule(**values)


MOMENTS = st.datetimes(dt.datetime(2025, 1, 1), dt.datetime(2029, 12, 31), timezones=st.just(UTC))
SPANS = st.timedeltas(dt.timedelta(0), dt.timedelta(days=400))


def _utc(found: list[Occurrence]) -> list[dt.datetime]:
    return [o.due_at.astimezone(UTC) for o in found]


@given(schedules(), MOMENTS, SPANS)
def test_occurrences_are_in_the_window_and_strictly_increasing(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    found = occurrences(rule, start, start + span)
    due = _utc(found)
    assert all(start <= d <= start + span for d in due)
    assert all(a < b for a, b in zip(due, due[1:], strict=False))
    assert all(a.nominal < b.nominal for a, b in zip(found, found[1:], strict=False))


@given(schedules(weekdays=(0, 4)), MOMENTS, SPANS)
@example(schedule(holiday_policy="next_workday"), dt.datetime(2026, 12, 20, tzinfo=UTC), dt.timedelta(days=30))
def test_a_workday_rule_never_posts_on_a_weekend_or_holiday(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    for occ in occurrences(rule, start, start + span):
        posted = occ.due_at.astimezone(rule.tz).date()
        assert is_workday(posted), occ
        if rule.holiday_policy == "skip":
            assert posted == occ.nominal
        else:  # moved to the nearest workday in the policy's direction, in the same ISO week
            days = (posted - occ.nominal).days
            assert days >= 0 if rule.holiday_policy == "next_workday" else days <= 0
            between = range(0, days) if days >= 0 else range(days + 1, 1)
            assert not any(is_workday(occ.nominal + dt.timedelta(d)) for d in between)
            assert posted.isocalendar()[:2] == occ.nominal.isocalendar()[:2]


@given(schedules(), MOMENTS, SPANS)
def test_the_post_keeps_its_wall_clock_time_across_dst(rule: Schedule, start: dt.datetime, span: dt.timedelta) -> None:
    for occ in occurrences(rule, start, start + span):
        local = occ.due_at.astimezone(UTC).astimezone(rule.tz)
        assert local.utcoffset() == rule.tz.utcoffset(local)
        # Only a time that does not exist that day (02:30 when clocks go forward) moves, by one hour.
        wall = dt.datetime.combine(local.date(), rule.time)
        shift = dt.datetime.combine(local.date(), local.time()) - wall
        assert shift == dt.timedelta(0) or (shift == dt.timedelta(hours=1) and local.dst()), occ


@given(schedules(), MOMENTS, SPANS, SPANS)
@example(
    schedule(time="09:00"), dt.datetime(2026, 3, 1, tzinfo=UTC), dt.timedelta(days=4, hours=8), dt.timedelta(days=40)
)
def test_any_split_of_the_window_gives_the_same_occurrences(
    rule: Schedule, start: dt.datetime, first: dt.timedelta, second: dt.timedelta
) -> None:
    middle, end = start + first, start + first + second
    whole = occurrences(rule, start, end)
    before, after = occurrences(rule, start, middle), occurrences(rule, middle, end)
    # Both windows are closed: a post due exactly at `middle` is in both halves.
    assert before + [o for o in after if o.due_at != middle] == whole


@given(schedules(), MOMENTS, SPANS)
@example(schedule(weekday="söndag", time="02:45"), dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC), dt.timedelta(hours=2))
def test_the_zone_the_window_is_given_in_does_not_matter(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    in_utc = occurrences(rule, start, start + span)
    assert occurrences(rule, start.astimezone(STHLM), (start + span).astimezone(STHLM)) == in_utc


def _two_in_one_week(rule: Schedule, start: dt.datetime, span: dt.timedelta) -> None:
    weeks = [o.due_at.astimezone(rule.tz).isocalendar()[:2] for o in occurrences(rule, start, start + span)]
    assert len(weeks) == len(set(weeks)), weeks


@given(schedules(policy="skip"), MOMENTS, SPANS)
def test_a_weekly_rule_that_skips_holidays_posts_at_most_once_an_iso_week(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    _two_in_one_week(rule, start, span)


@given(schedules(policy="next_workday"), MOMENTS, SPANS)
@example(schedule(holiday_policy="next_workday"), dt.datetime(2026, 12, 20, tzinfo=UTC), dt.timedelta(days=30))
def test_a_weekly_rule_that_moves_holidays_posts_at_most_once_an_iso_week(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    _two_in_one_week(rule, start, span)


@given(schedules(policy="previous_workday"), MOMENTS, SPANS)
@example(schedule(holiday_policy="previous_workday"), dt.datetime(2026, 12, 20, tzinfo=UTC), dt.timedelta(days=30))
def test_a_weekly_rule_that_moves_holidays_earlier_posts_at_most_once_an_iso_week(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    _two_in_one_week(rule, start, span)


@given(schedules(), MOMENTS, SPANS)
def test_nothing_is_due_in_a_pause_and_every_meeting_is_posted_or_has_a_reason(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    found = occurrences(rule, start - dt.timedelta(days=40), start + span + dt.timedelta(days=40))
    for occ in found:
        assert rule.pause_on(occ.due_at.astimezone(rule.tz).date()) is None, occ
        assert rule.pause_on(occ.meeting_at.date()) is None, occ
    first, last = start.date(), (start + span).date()
    posted = {o.nominal for o in found if first <= o.nominal <= last}
    listed = {d.nominal: d for d in deviations(rule, first, last)}
    named = {d for d in _every_day(first, last) if _is_meeting(rule, d)}
    assert named == posted | {d for d, item in listed.items() if item.moved_to is None}
    assert all(item.reason for item in listed.values())


@given(schedules().map(lambda s: s.model_copy(update={"kind": "apt", "agenda_days_before": 7})), MOMENTS, SPANS)
def test_an_agenda_is_due_a_week_or_a_little_more_before_its_meeting_never_after(
    rule: Schedule, start: dt.datetime, span: dt.timedelta
) -> None:
    for occ in occurrences(rule, start, start + span):
        assert occ.due_at <= occ.meeting_at
        if not rule.pauses:
            assert occ.meeting_at - occ.due_at >= dt.timedelta(days=7) - dt.timedelta(hours=1)  # DST


def _every_day(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _is_meeting(rule: Schedule, day: dt.date) -> bool:
    """The rule, written again independently: does it name `day`?"""
    first = rule.start_date + dt.timedelta(days=(rule.weekday - rule.start_date.weekday()) % 7)
    if day.weekday() != rule.weekday or day < first:
        return False
    if rule.week_of_month == -1:
        return (day + dt.timedelta(days=7)).month != day.month
    if rule.week_of_month is not None:
        return (day.day - 1) // 7 + 1 == rule.week_of_month
    return (day - first).days % (7 * rule.every_weeks) == 0


@st.composite
def one_channel(draw: st.DrawFn) -> list[Schedule]:
    """One to three HP schedules and up to two APT schedules (agenda 0–14 days ahead) in channel C1."""
    found = []
    for n in range(draw(st.integers(1, 3))):
        found.append(draw(schedules()).model_copy(update={"name": f"hp-{n}"}))
    for n in range(draw(st.integers(0, 2))):
        apt = {"name": f"apt-{n}", "kind": "apt", "agenda_days_before": draw(st.sampled_from([0, 3, 7, 14]))}
        found.append(draw(schedules()).model_copy(update=apt))
    return found


@given(one_channel(), MOMENTS, SPANS)
@example(
    [schedule(name="alfa"), schedule(name="apt", kind="apt", weekday="torsdag", week_of_month="last")],
    dt.datetime(2027, 1, 1, tzinfo=UTC),
    dt.timedelta(days=90),
)
@example(
    [schedule(name="a", weekday="onsdag"), schedule(name="b", weekday="tisdag", time="15:00")],
    dt.datetime(2027, 1, 1, tzinfo=UTC),
    dt.timedelta(days=30),
)
def test_a_channel_never_has_two_hp_punkter_in_a_week_and_every_meeting_is_posted_or_listed(
    rules: list[Schedule], start: dt.datetime, span: dt.timedelta
) -> None:
    """HP-punkter (an APT agenda's by its meeting's week) at most one per ISO week; none unaccounted for."""
    pad = dt.timedelta(days=40)
    found = [
        (rule, occ)
        for rule in rules
        for occ in channel_posts(rules, rule, start - pad, start + span + pad)
        if occ.kind != "reminder"
    ]
    weeks = [occ.meeting_at.date().isocalendar()[:2] for _, occ in found]
    assert len(weeks) == len(set(weeks)), sorted(weeks)
    first, last = start.date(), (start + span).date()
    for rule in rules:
        posted = {o.nominal for r, o in found if r is rule and first <= o.nominal <= last}
        listed = channel_deviations(rules, rule, first, last)
        skipped = {d.nominal for d in listed if d.moved_to is None}
        named = {d for d in _every_day(first, last) if _is_meeting(rule, d)}
        assert not posted & skipped
        assert named == posted | skipped, rule.name
        assert all(d.reason.startswith(("hoppas över: ", "flyttad från ")) for d in listed)
        if rule.kind == "apt":  # an APT gives way only to another APT, never to a weekly HP-punkt
            assert not [d for d in listed if "kanalen har redan en HP-punkt" in d.reason]
            held = {n for n, _ in held_meetings(rule, first, last)}
            assert held - posted <= {d.nominal for d in listed if "kanalen har redan en APT" in d.reason}
