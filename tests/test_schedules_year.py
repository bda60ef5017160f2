"""The example schedules from 2026-12-01 to 2027-12-31: weeks, pauses, agendas, reasons (pure)."""

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from bot.schedules.config import Schedule, load_schedules
from bot.schedules.recurrence import deviations, held_meetings, is_workday, occurrences, posts, reminders
from bot.schedules.weekly import channel_deviations, channel_posts
from tests.test_schedules_fixtures import at

EXAMPLE = Path(__file__).resolve().parents[1] / "schedules.example.yaml"
START, END = at("2026-12-01 00:00"), at("2027-12-31 23:59")


@pytest.fixture(scope="module")
def example() -> list[Schedule]:
    """The repository's schedules.example.yaml."""
    return load_schedules(EXAMPLE)


def _week(moment: dt.datetime, schedule: Schedule) -> tuple[int, int]:
    iso = moment.astimezone(schedule.tz).isocalendar()
    return iso.year, iso.week


def test_no_iso_week_has_two_hp_punkter_in_a_channel(example: list[Schedule]) -> None:
    """Holiday moves stay in their week: 1 January 2027 (a Friday) is not posted twice in a week."""
    weeks = Counter(
        (occ.channel, _week(occ.due_at, schedule))
        for schedule in example
        for occ in occurrences(schedule, START, END)
        if occ.kind == "hp"
    )
    assert weeks and max(weeks.values()) == 1, [key for key, n in weeks.items() if n > 1]


def _meeting_weeks(example: list[Schedule]) -> Counter[tuple[str, tuple[int, int]]]:
    """HP-punkter per channel and ISO week of the meeting they are for (an APT agenda's too)."""
    return Counter(
        (occ.channel, _week(occ.meeting_at, schedule))
        for schedule in example
        for occ in channel_posts(example, schedule, START - dt.timedelta(days=35), END)
        if occ.kind in {"hp", "apt"} and START <= occ.meeting_at <= END
    )


def test_no_iso_week_has_two_hp_punkter_per_channel_counting_the_apt_by_its_meeting(
    example: list[Schedule],
) -> None:
    """C0123ABCD has projekt-alfa (Fridays) and apt-projektet (last Thursday): the APT's week has one."""
    weeks = _meeting_weeks(example)
    assert max(weeks.values()) == 1, sorted(key for key, n in weeks.items() if n > 1)
    alfa = Counter(week for channel, week in weeks if channel == "C0123ABCD")
    assert len(alfa) >= 45  # one a week, less the pauses and holidays


def test_every_meeting_is_posted_or_listed_with_its_reason_per_channel(example: list[Schedule]) -> None:
    """Nominal meetings = posted + skipped (with a reason); the APT's week lists the Friday it takes."""
    for schedule in example:
        listed = {d.nominal: d for d in channel_deviations(example, schedule, START.date(), END.date())}
        posted = {
            o.nominal
            for o in channel_posts(example, schedule, START - dt.timedelta(days=35), END + dt.timedelta(days=35))
            if START.date() <= o.nominal <= END.date() and o.kind != "reminder"
        }
        skipped = {day for day, d in listed.items() if d.moved_to is None}
        named = {n for n, _ in held_meetings(schedule, START.date(), END.date())} | {
            d.nominal for d in deviations(schedule, START.date(), END.date())
        }
        assert not posted & skipped
        assert posted | skipped == named, schedule.name
        assert all(d.reason.startswith(("hoppas över: ", "flyttad från ")) for d in listed.values())
    alfa = next(s for s in example if s.name == "projekt-alfa")
    given_way = {
        d.nominal: d.reason for d in channel_deviations(example, alfa, START.date(), END.date()) if "APT" in d.reason
    }
    assert len(given_way) == 9  # the last Thursdays of 2027 that are held (not nyårsafton, summer, Christmas)
    assert given_way[dt.date(2027, 1, 29)] == "hoppas över: HP-punkten tas upp på APT torsdag 28 januari"
    assert dt.date(2027, 1, 1) not in given_way  # the APT of 31 December 2026 is skipped: alfa keeps its week


def test_nothing_is_posted_in_a_pause(example: list[Schedule]) -> None:
    """No HP-punkt, agenda or reminder is due in a pause; every paused meeting names its reason."""
    assert any(schedule.pauses for schedule in example)
    for schedule in example:
        for occ in posts(schedule, START, END):
            day = occ.due_at.astimezone(schedule.tz).date()
            assert schedule.pause_on(day) is None, occ
            assert schedule.pause_on(occ.meeting_at.date()) is None, occ
    summer = [d for d in deviations(example[0], START.date(), END.date()) if "Sommaruppehåll" in d.reason]
    assert [d.nominal for d in summer][:2] == [dt.date(2027, 6, 25), dt.date(2027, 7, 2)]
    assert all(d.reason == "hoppas över: Sommaruppehåll" for d in summer)


def test_no_apt_post_in_july_so_the_steps_do_not_start_over_then(example: list[Schedule]) -> None:
    """The summer pause keeps every APT post (and so every step) out of July."""
    apt = [occ for s in example if s.kind == "apt" for occ in posts(s, START, END)]
    assert apt and not [occ for occ in apt if occ.due_at.month == 7 or occ.meeting_at.month == 7]


def test_the_agenda_goes_out_seven_days_before_the_meeting_at_its_time(example: list[Schedule]) -> None:
    """Every APT agenda is due a week before its meeting, at the meeting's time of day.

    When that day is a day off it goes out on the workday before: annandag påsk 2027
    (29 March) is a week before the APT of 5 April, so its agenda comes on 25 March.
    """
    agendas = [occ for s in example if s.kind == "apt" for occ in occurrences(s, START, END)]
    assert len(agendas) >= 18
    for occ in agendas:
        early = (occ.meeting_at - occ.due_at) - dt.timedelta(days=7)
        assert early.seconds == 0 and 0 <= early.days <= 4, occ
        assert is_workday(occ.due_at.date())
        assert not any(is_workday(occ.due_at.date() + dt.timedelta(days=d)) for d in range(1, early.days + 1))
    late = [occ for occ in agendas if occ.meeting_at - occ.due_at != dt.timedelta(days=7)]
    assert [(o.meeting_at, o.due_at) for o in late] == [(at("2027-04-05 09:00"), at("2027-03-25 09:00"))]
    first = next(occ for occ in agendas if occ.schedule == "apt-kansliet")
    assert (first.due_at, first.meeting_at) == (at("2026-12-28 09:00"), at("2027-01-04 09:00"))


def test_each_held_apt_has_one_reminder_on_its_day(example: list[Schedule]) -> None:
    """reminder: true is an hour before the meeting; reminder: "09:30" at 09:30; one per meeting."""
    for schedule in (s for s in example if s.kind == "apt"):
        lead = {"apt-kansliet": dt.timedelta(hours=1), "apt-projektet": dt.timedelta(minutes=30)}[schedule.name]
        window = (START - dt.timedelta(days=35), END + dt.timedelta(days=35))
        meetings = [occ.meeting_at for occ in occurrences(schedule, *window)]
        found = reminders(schedule, START, END)
        assert [occ.meeting_at for occ in found] == [m for m in meetings if START <= m - lead <= END]
        assert all(occ.meeting_at - occ.due_at == lead for occ in found)
        assert len({occ.nominal for occ in found}) == len(found) >= 9


def test_every_meeting_not_held_on_its_day_is_listed_with_a_reason(example: list[Schedule]) -> None:
    """Nominal dates = posted on the day + moved + skipped; moved posts carry the same reason."""
    for schedule in example:
        found = deviations(schedule, START.date(), END.date())
        moved = {d.nominal: d for d in found if d.moved_to is not None}
        skipped = {d.nominal for d in found if d.moved_to is None}
        posted = occurrences(schedule, START, END + dt.timedelta(days=35))
        posted = [o for o in posted if START.date() <= o.nominal <= END.date()]
        assert not skipped & {o.nominal for o in posted}
        for occ in posted:
            if occ.nominal in moved:
                assert occ.note == moved[occ.nominal].reason
                assert occ.meeting_at.date() == moved[occ.nominal].moved_to
            else:
                assert occ.meeting_at.date() == occ.nominal and occ.note == ""
        assert all(d.reason.startswith(("hoppas över: ", "flyttad från ")) for d in found)


@pytest.mark.parametrize(
    ("name", "nominal", "reason"),
    [
        ("apt-projektet", "2026-12-31", "hoppas över: nyårsafton"),
        ("projekt-alfa", "2027-01-01", "flyttad från 1 januari (nyårsdagen)"),
        ("projekt-alfa", "2026-12-25", "flyttad från 25 december (juldagen)"),
        ("apt-projektet", "2027-07-29", "hoppas över: Sommaruppehåll"),
        ("styrgrupp-beta", "2027-12-28", "hoppas över: Jul- och nyårsuppehåll"),
    ],
)
def test_named_reasons(example: list[Schedule], name: str, nominal: str, reason: str) -> None:
    """The reasons `bot schedules` shows, in Swedish."""
    schedule = next(s for s in example if s.name == name)
    day = dt.date.fromisoformat(nominal)
    assert [d.reason for d in deviations(schedule, day, day)] == [reason]


@pytest.mark.slow  # a year of runs through the engine, SQLite and the Slack stand-in (~20 s)
def test_a_year_of_the_example_through_the_engine(example: list[Schedule], tmp_path: Path) -> None:
    """Every post of the example year goes out once: one HP-punkt a week per channel, none in a pause."""
    from bot.evaluation.slack_standin import SlackStandIn
    from bot.schedules.engine import occurrence_id
    from tests.test_schedules_fixtures import FakeRetriever, build_engine, client_for, settings_for

    moments = sorted({occ.due_at for s in example for occ in channel_posts(example, s, START, END)})
    with SlackStandIn() as slack:
        settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url)
        engine = build_engine(settings, client_for(slack.url), example, FakeRetriever())
        outcomes = [o for moment in moments for o in engine.post_due(moment)]
        assert {o.status for o in outcomes} == {"posted"}
        calls = slack.calls_to("chat.postMessage")
        assert slack.violations == []
    expected = [occurrence_id(o) for s in example for o in channel_posts(example, s, START, END)]
    sent = [c.args["metadata"]["event_payload"] for c in calls]
    assert sorted(map(str, sent)) == sorted(map(str, expected))  # each post exactly once
    by_key = {(o.schedule, o.nominal.isoformat()): o for s in example for o in posts(s, START, END)}
    weeks: Counter[tuple[str, tuple[int, int]]] = Counter()
    for call, key in zip(calls, sent, strict=True):
        occ = by_key[(key["schedule"], key["nominal"])]
        schedule = next(s for s in example if s.name == occ.source)
        assert schedule.pause_on(occ.due_at.date()) is None
        if occ.kind == "hp":
            assert "*HP-punkt:" in call.args["text"].splitlines()[0]
        if occ.kind == "apt":
            assert call.args["text"].startswith(":spiral_calendar_pad: *Dagordning för APT ")
        if occ.kind in {"hp", "apt"}:  # both carry an HP-punkt, counted in the meeting's week
            weeks[(occ.channel, _week(occ.meeting_at, schedule))] += 1
    assert max(weeks.values()) == 1
    skipped = set(by_key) - {(key["schedule"], key["nominal"]) for key in sent}
    assert ("projekt-alfa", "2027-01-29") in skipped  # the APT of 28 January takes its HP-punkt
