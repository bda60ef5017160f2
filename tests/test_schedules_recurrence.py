"""Weekly and monthly rules across the DST changes and Swedish holidays (pure)."""

import datetime as dt

import holidays
import pytest
from holidays.constants import DE_FACTO

from bot.schedules.recurrence import deviations, is_workday, next_occurrences, occurrences
from tests.test_schedules_fixtures import STHLM, at, schedule

UTC = dt.UTC


def _utc(occs: list) -> list[str]:
    return [o.due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for o in occs]


def _local(occs: list) -> list[str]:
    return [o.due_at.strftime("%Y-%m-%d %H:%M %Z") for o in occs]


def test_weekly_keeps_local_time_across_spring_dst() -> None:
    """Monday 09:00 is 08:00 UTC before 2026-03-29 and 07:00 UTC after."""
    rule = schedule(weekday="måndag")
    found = occurrences(rule, at("2026-03-16 00:00"), at("2026-04-01 00:00"))
    assert _local(found) == [
        "2026-03-16 09:00 CET",
        "2026-03-23 09:00 CET",
        "2026-03-30 09:00 CEST",
    ]
    assert _utc(found) == ["2026-03-16 08:00", "2026-03-23 08:00", "2026-03-30 07:00"]


def test_weekly_keeps_local_time_across_autumn_dst() -> None:
    """Monday 09:00 is 07:00 UTC before 2026-10-25 and 08:00 UTC after."""
    rule = schedule(weekday="måndag")
    found = occurrences(rule, at("2026-10-19 00:00"), at("2026-10-27 00:00"))
    assert _utc(found) == ["2026-10-19 07:00", "2026-10-26 08:00"]


@pytest.mark.parametrize(
    ("day", "expected_utc"),
    [("2026-03-29", "2026-03-29 07:00"), ("2026-10-25", "2026-10-25 08:00")],
)
def test_post_on_the_day_of_the_change(day: str, expected_utc: str) -> None:
    """A Sunday 09:00 post on the DST day itself is at 09:00 local time."""
    rule = schedule(weekday="söndag")
    found = occurrences(rule, at(f"{day} 00:00"), at(f"{day} 23:59"))
    assert _utc(found) == [expected_utc]


def test_friday_christmas_is_skipped() -> None:
    """Friday 2026-12-25 (juldagen) is skipped with holiday_policy: skip."""
    rule = schedule(holiday_policy="skip")
    found = occurrences(rule, at("2026-12-14 00:00"), at("2027-01-09 00:00"))
    # Christmas Day and New Year's Day 2027 are both Fridays and both skipped.
    assert _local(found) == ["2026-12-18 09:00 CET", "2027-01-08 09:00 CET"]


def test_friday_christmas_is_not_moved_into_the_next_week() -> None:
    """next_workday never leaves the ISO week: Friday 25 December and 1 January are skipped, with reasons."""
    rule = schedule(holiday_policy="next_workday")
    found = occurrences(rule, at("2026-12-21 00:00"), at("2027-01-09 00:00"))
    assert _local(found) == ["2027-01-08 09:00 CET"]
    assert [(d.nominal, d.reason) for d in deviations(rule, dt.date(2026, 12, 21), dt.date(2027, 1, 9))] == [
        (dt.date(2026, 12, 25), "hoppas över: juldagen (nästa vardag, 28 december, är i nästa vecka)"),
        (dt.date(2027, 1, 1), "hoppas över: nyårsdagen (nästa vardag, 4 januari, är i nästa vecka)"),
    ]


def test_friday_christmas_moves_to_the_workday_before() -> None:
    """previous_workday: 25 December → Wednesday 23 December (24th is julafton); the key stays 12-25."""
    rule = schedule(holiday_policy="previous_workday")
    found = occurrences(rule, at("2026-12-21 00:00"), at("2027-01-05 00:00"))
    assert _local(found) == ["2026-12-23 09:00 CET", "2026-12-30 09:00 CET"]
    assert [o.nominal for o in found] == [dt.date(2026, 12, 25), dt.date(2027, 1, 1)]
    assert [o.note for o in found] == ["flyttad från 25 december (juldagen)", "flyttad från 1 januari (nyårsdagen)"]


def test_a_moved_post_is_found_from_a_window_after_its_nominal_date() -> None:
    """The window is about when the post is due, not the nominal date (Easter Monday → Tuesday)."""
    rule = schedule(weekday="måndag", holiday_policy="next_workday")
    found = occurrences(rule, at("2026-04-07 00:00"), at("2026-04-07 12:00"))
    assert [(o.nominal, o.due_at) for o in found] == [(dt.date(2026, 4, 6), at("2026-04-07 09:00"))]


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        ("2026-12-24", False),  # julafton
        ("2026-12-31", False),  # nyårsafton
        ("2026-06-19", False),  # midsommarafton
        ("2026-04-03", False),  # långfredag
        ("2026-04-06", False),  # annandag påsk
        ("2026-05-14", False),  # Kristi himmelsfärd
        ("2026-06-05", True),
        ("2026-12-23", True),
        ("2026-12-26", False),  # Saturday
    ],
)
def test_workdays(day: str, workday: bool) -> None:
    """Workdays are Monday–Friday except holidays and julafton, nyårsafton, midsommarafton."""
    assert is_workday(dt.date.fromisoformat(day)) is workday


@pytest.mark.parametrize(("year", "midsommarafton"), [(2026, dt.date(2026, 6, 19)), (2027, dt.date(2027, 6, 25))])
def test_de_facto_eves_are_holidays(year: int, midsommarafton: dt.date) -> None:
    """python-holidays' DE_FACTO category names the three eves, and they are not workdays."""
    eves = {midsommarafton, dt.date(year, 12, 24), dt.date(year, 12, 31)}
    de_facto = holidays.Sweden(years=year, categories=DE_FACTO)
    assert set(de_facto) == eves
    assert all(day.weekday() < 5 and not is_workday(day) for day in eves)


def test_eve_moves_within_its_week_or_is_skipped() -> None:
    """Thursday julafton: next_workday would be Monday (next week), so it is skipped; previous_workday → Wednesday."""
    found = occurrences(
        schedule(weekday="torsdag", holiday_policy="next_workday"), at("2026-12-24 00:00"), at("2026-12-29 00:00")
    )
    assert found == []
    earlier = schedule(weekday="torsdag", holiday_policy="previous_workday")
    found = occurrences(earlier, at("2026-12-21 00:00"), at("2026-12-29 00:00"))
    assert _local(found) == ["2026-12-23 09:00 CET"]


def test_every_second_week_counts_from_the_first_meeting() -> None:
    """every_weeks: 2 starting Tuesday 2026-01-13: 13th, 27th, 10 Feb."""
    rule = schedule(weekday="tisdag", every_weeks=2, start_date=dt.date(2026, 1, 10))
    found = occurrences(rule, at("2026-01-01 00:00"), at("2026-02-15 00:00"))
    assert [o.nominal.isoformat() for o in found] == ["2026-01-13", "2026-01-27", "2026-02-10"]


def test_first_monday_of_month_across_dst_and_easter() -> None:
    """First Monday: 2 March (CET); 6 April is Easter Monday → 7 April (CEST) or skipped."""
    moved = schedule(weekday="måndag", week_of_month=1, holiday_policy="next_workday")
    found = occurrences(moved, at("2026-02-15 00:00"), at("2026-05-10 00:00"))
    assert _local(found) == [
        "2026-03-02 09:00 CET",
        "2026-04-07 09:00 CEST",
        "2026-05-04 09:00 CEST",
    ]
    skipped = schedule(weekday="måndag", week_of_month=1)
    found = occurrences(skipped, at("2026-02-15 00:00"), at("2026-05-10 00:00"))
    assert _local(found) == ["2026-03-02 09:00 CET", "2026-05-04 09:00 CEST"]


def test_last_thursday_of_month_across_both_dst_changes() -> None:
    """Last Thursday: 26 March (CET), 30 April (CEST), ..., 29 October (CET)."""
    rule = schedule(weekday="torsdag", week_of_month="last", time="10:00")
    found = occurrences(rule, at("2026-03-01 00:00"), at("2026-11-01 00:00"))
    assert [o.nominal.isoformat() for o in found] == [
        "2026-03-26",
        "2026-04-30",
        "2026-05-28",
        "2026-06-25",
        "2026-07-30",
        "2026-08-27",
        "2026-09-24",
        "2026-10-29",
    ]
    assert _utc([found[0], found[1], found[-1]]) == [
        "2026-03-26 09:00",
        "2026-04-30 08:00",
        "2026-10-29 09:00",
    ]


def test_third_wednesday_and_start_date() -> None:
    """Nothing before start_date; the n-th weekday is counted from the 1st."""
    rule = schedule(weekday="onsdag", week_of_month=3, start_date=dt.date(2026, 2, 1))
    found = occurrences(rule, at("2026-01-01 00:00"), at("2026-04-01 00:00"))
    assert [o.nominal.isoformat() for o in found] == ["2026-02-18", "2026-03-18"]


def test_other_time_zone() -> None:
    """A schedule in another zone posts at that zone's wall-clock time."""
    rule = schedule(timezone="Europe/Helsinki")
    found = occurrences(rule, at("2026-06-01 00:00"), at("2026-06-06 00:00"))
    assert _utc(found) == ["2026-06-05 06:00"]


def test_next_occurrences() -> None:
    """The next posts after a moment, soonest first."""
    rule = schedule()
    found = next_occurrences(rule, at("2026-12-18 09:00"), 2)
    assert _local(found) == ["2027-01-08 09:00 CET", "2027-01-15 09:00 CET"]


def test_a_window_in_local_time_is_the_same_instants_in_the_hour_that_repeats() -> None:
    """Found by tests/test_properties_recurrence.py: 02:45 CEST is before 02:30 CET (2026-10-25)."""
    rule = schedule(weekday="söndag", time="02:45")
    start = dt.datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=STHLM)  # 01:30 UTC, after 02:45 CEST
    assert occurrences(rule, start, start + dt.timedelta(hours=2)) == []
    assert _utc(occurrences(rule, start - dt.timedelta(hours=2), start)) == ["2026-10-25 00:45"]
