"""The APT agenda a week ahead, its reminder on the day, and pauses: config, texts, posting."""

import datetime as dt
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.evaluation.slack_standin import SlackStandIn
from bot.schedules.config import parse_schedules
from bot.schedules.content import Composer
from bot.schedules.recurrence import REMINDER_SUFFIX, occurrences, reminders
from bot.schedules.rotation import PRINCIPLES, ChannelState
from tests.test_schedules_fixtures import (
    STHLM,
    FakeRetriever,
    at,
    build_engine,
    client_for,
    schedule,
    settings_for,
    write_knowledge,
)

APT = """
pauses:
  - {from: 2027-06-21, to: 2027-08-08, reason: "Sommaruppehåll"}
schedules:
  - name: apt
    kind: apt
    channel: C1
    weekday: tisdag
    time: "09:00"
    start_date: 2026-12-01
    week_of_month: 2
    reminder: REMINDER
    pauses:
      - {from: 2027-03-01, to: 2027-03-31, reason: "Flytt till nya lokaler"}
"""


def _apt(reminder: str = "true", **extra: str) -> str:
    text = APT.replace("REMINDER", reminder)
    return text + "".join(f"    {key}: {value}\n" for key, value in extra.items())


def test_defaults_and_pauses_from_the_file_and_the_schedule() -> None:
    """agenda_days_before defaults to 7; reminder: true is an hour before; shared pauses come first."""
    (apt,) = parse_schedules(_apt())
    assert (apt.agenda_days, apt.reminder) == (7, dt.time(8, 0))
    assert [(p.start, p.end, p.reason) for p in apt.pauses] == [
        (dt.date(2027, 6, 21), dt.date(2027, 8, 8), "Sommaruppehåll"),
        (dt.date(2027, 3, 1), dt.date(2027, 3, 31), "Flytt till nya lokaler"),
    ]
    (apt,) = parse_schedules(_apt('"07:45"', agenda_days_before="3"))
    assert (apt.agenda_days, apt.reminder) == (3, dt.time(7, 45))
    (apt,) = parse_schedules(_apt("false"))
    assert apt.reminder is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (_apt('"10:00"'), "'reminder' ska vara före mötets tid"),
        (_apt(agenda_days_before="30"), "agenda_days_before"),
        (APT.replace("REMINDER", "true").replace("to: 2027-08-08", "to: 2027-06-01"), "uppehåll nr 1 (rad 3)"),
        (_apt().replace("kind: apt", "kind: hp"), "'reminder' gäller bara kind: apt"),
        (_apt().replace("pauses:\n  -", "pauses: 3\nx:\n  -"), "okänd nyckel 'x'"),
    ],
)
def test_mistakes_are_named(text: str, expected: str) -> None:
    """Wrong reminder, agenda days, pause dates or shape: one Swedish line naming what."""
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        parse_schedules(text)


def test_agenda_a_week_before_reminder_on_the_day_nothing_in_a_pause() -> None:
    """Second Tuesday: agenda the Tuesday before at 09:00, reminder at 08:00; March and July paused."""
    (apt,) = parse_schedules(_apt())
    start, end = at("2026-12-01 00:00"), at("2027-12-31 00:00")
    agendas = occurrences(apt, start, end)
    assert (agendas[0].due_at, agendas[0].meeting_at) == (at("2026-12-01 09:00"), at("2026-12-08 09:00"))
    meetings = [o.meeting_at.date() for o in agendas]
    assert not [d for d in meetings if d.month in (3, 7)]
    assert dt.date(2027, 8, 10) in meetings  # the first after the summer: its agenda waits for the pause to end
    august = next(o for o in agendas if o.nominal == dt.date(2027, 8, 10))
    assert august.due_at == at("2027-08-09 09:00")
    found = reminders(apt, start, end)
    assert [o.meeting_at for o in found] == [o.meeting_at for o in agendas]
    assert {o.schedule for o in found} == {"apt" + REMINDER_SUFFIX} and {o.kind for o in found} == {"reminder"}


@pytest.fixture()
def composer(tmp_path: Path) -> Composer:
    """A composer over tmp knowledge with a fake retriever."""
    return Composer(write_knowledge(tmp_path / "knowledge"), FakeRetriever())


def test_agenda_states_its_meeting_and_lists_no_item_twice(composer: Composer) -> None:
    """The agenda names the meeting's day and time; jämställdhet is one item even on its HP turn."""
    (apt,) = parse_schedules(_apt())
    occ = occurrences(apt, at("2026-12-01 00:00"), at("2026-12-02 00:00"))[0]
    for count in range(len(PRINCIPLES)):
        text = composer.compose(occ, ChannelState("C1", hp_count=count))
        assert text.startswith(":spiral_calendar_pad: *Dagordning för APT tisdag 8 december kl. 09.00*")
        items = [line.split(". ", 1)[1] for line in text.splitlines() if line[:1].isdigit() and ". " in line]
        assert len(items) >= 7 and len(items) == len(set(items))
        assert sum("Jämställdhet" in item for item in items) == 1, items
        if count == 0:  # jämställdhet's turn: its questions belong to the standing item
            assert "HP-punkt: Jämställdhet" not in text and "Jämställdhet: dagens HP-frågor" in text
        else:
            assert f"HP-punkt: {PRINCIPLES[count].capitalize()}" in text


def test_reminder_is_short_and_names_the_agendas_step(composer: Composer) -> None:
    """The reminder: today's time and the step (the one the agenda showed), with its link."""
    (apt,) = parse_schedules(_apt())
    (occ,) = reminders(apt, at("2026-12-08 00:00"), at("2026-12-08 23:00"))
    text = composer.compose(occ, ChannelState("C1", next_step=4, last_step=4))
    assert text.splitlines()[0] == ":alarm_clock: *I dag kl. 09.00: APT* – Respekttrappan steg 4 av 7: Upplev!"
    assert "<https://respekttrappan.se/steg-4|Läs steg 4 inför mötet>" in text and len(text) < 300


def test_a_moved_meeting_says_so_in_its_post(composer: Composer) -> None:
    """Friday 1 January moved to Wednesday 30 December: the HP-punkt says from which day, and why."""
    rule = schedule(holiday_policy="previous_workday")
    (occ,) = occurrences(rule, at("2026-12-30 00:00"), at("2026-12-30 23:00"))
    text = composer.compose(occ, ChannelState("C1"))
    assert "arbetsmötet onsdag 30 december 2026" in text
    assert "_Obs! Flyttad från 1 januari (nyårsdagen)._" in text


def test_agenda_and_reminder_are_each_claimed_and_posted_once(tmp_path: Path) -> None:
    """Over a quarter with restarts and repeated runs: each agenda and reminder once, in Slack."""
    (apt,) = parse_schedules(_apt())
    with SlackStandIn() as slack:
        settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url)
        moments = sorted(
            {o.due_at for o in occurrences(apt, at("2026-12-01 00:00"), at("2027-02-28 00:00"))}
            | {o.due_at for o in reminders(apt, at("2026-12-01 00:00"), at("2027-02-28 00:00"))}
        )
        states = []
        for moment in moments:
            for delay in (0, 5):  # a second run (a new engine) five minutes later posts nothing
                engine = build_engine(settings, client_for(slack.url), [apt], FakeRetriever())
                engine.post_due(moment + dt.timedelta(minutes=delay))
            states.append(engine.store.channel_state("C1").hp_count)
        calls = slack.calls_to("chat.postMessage")
        texts = [c.args["text"] for c in calls]
        assert len(texts) == len(moments) == 6
        assert [t.split("*")[1] for t in texts] == [
            "Dagordning för APT tisdag 8 december kl. 09.00",
            "I dag kl. 09.00: APT",
            "Dagordning för APT tisdag 12 januari kl. 09.00",
            "I dag kl. 09.00: APT",
            "Dagordning för APT tisdag 9 februari kl. 09.00",
            "I dag kl. 09.00: APT",
        ]
        assert states == [1, 1, 2, 2, 3, 3]  # a reminder is no HP-punkt: the rotation stays
        assert slack.violations == []
    assert all(m.tzinfo is not None and m.astimezone(STHLM).hour in (8, 9) for m in moments)


@pytest.fixture()
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The stand-in and the environment `bot` reads, with one APT schedule (agenda a week ahead, reminder)."""
    from bot import wiring
    from tests.test_schedules_fixtures import write_schedules

    entry = {
        "name": "apt",
        "kind": "apt",
        "channel": "C2",
        "weekday": "tisdag",
        "time": "09:00",
        "week_of_month": 2,
        "start_date": "2026-12-01",
        "reminder": True,
    }
    with SlackStandIn() as standin:
        monkeypatch.setenv("SLACK_API_URL", standin.url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hp.db'}")
        monkeypatch.setenv("SCHEDULES_FILE", str(write_schedules(tmp_path / "s.yaml", [entry])))
        monkeypatch.setenv("KNOWLEDGE_DIR", str(write_knowledge(tmp_path / "knowledge")))
        monkeypatch.setenv("LOG_LEVEL", "WARNING")
        monkeypatch.setattr(wiring.Services, "retriever", property(lambda self: FakeRetriever()))
        yield standin
        assert standin.violations == []


@pytest.mark.parametrize(("kind", "due"), [("apt", "2026-12-01T09:00"), ("reminder", "2026-12-08T08:00")])
def test_preview_of_a_meeting_date_is_what_goes_out(cli_env: SlackStandIn, kind: str, due: str) -> None:
    """`bot preview apt|reminder --date <meeting>` prints byte for byte what post-due posts a week / an hour before."""
    from typer.testing import CliRunner

    from bot.cli import app

    def bot(*args: str):  # noqa: ANN202 - click's Result
        return CliRunner().invoke(app, list(args), catch_exceptions=False)

    preview = bot("preview", kind, "--schedule", "apt", "--date", "2026-12-08", "--now", "2026-11-30T12:00")
    assert preview.exit_code == 0, preview.stderr
    if kind == "apt":
        assert "APT-dagordning tisdag 1 december 2026 kl. 09:00 (för APT tisdag 8 december kl. 09.00)" in preview.stderr
    assert bot("post-due", "--now", "2026-11-30T12:00").exit_code == 0  # first seen: posts before now are not due
    assert bot("post-due", "--now", due).exit_code == 0
    texts = [c.args["text"] for c in cli_env.calls_to("chat.postMessage")]
    assert preview.stdout == texts[-1] + "\n"
    listing = bot("schedules", "--now", "2026-11-30T12:00")
    assert "APT-påminnelse" in listing.stdout and "APT tisdag 8 december kl. 09.00" in listing.stdout


def test_hp_schema_shows_pauses_and_skipped_meetings_with_reasons(tmp_path: Path) -> None:
    """`/hp schema` in the channel: the next posts, then what is skipped and why, then the pauses."""
    from bot.wiring import Services

    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}")
    settings.schedules_file.write_text(_apt())
    commands = Services(settings).schedule_commands
    commands.clock = lambda: at("2027-02-01 12:00")
    reply = commands.handle("schema", "U1", "C1") or ""
    lines = reply.splitlines()
    assert lines[1] == "• APT-dagordning tisdag 2 februari 2027 kl. 09:00 (för APT tisdag 9 februari kl. 09.00)"
    assert "• APT tisdag 9 mars 2027: hoppas över: Flytt till nya lokaler" in lines
    assert lines[-2:] == [
        "• 1 mars 2027–31 mars 2027: Flytt till nya lokaler",
        "• 21 juni 2027–8 augusti 2027: Sommaruppehåll",
    ]


def test_skipping_the_next_apt_skips_its_reminder_too(tmp_path: Path) -> None:
    """`/hp hoppa`: the next agenda and the reminder of the same meeting are both marked skipped."""
    from bot.wiring import Services

    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}")
    settings.schedules_file.write_text(_apt())
    commands = Services(settings).schedule_commands
    commands.clock = lambda: at("2027-01-02 12:00")
    assert commands.handle("hoppa", "UADMIN", "C1") == (
        ":fast_forward: Hoppar över APT-dagordning tisdag 5 januari 2027 kl. 09:00"
        " (för APT tisdag 12 januari kl. 09.00)."
    )
    rows = commands.engine.store.rows(commands.engine.claim_names(), dt.date(2027, 1, 1))
    assert {(name, row.status) for (name, _), row in rows.items()} == {
        ("apt", "skipped"),
        ("apt" + REMINDER_SUFFIX, "skipped"),
    }
