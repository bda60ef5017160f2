"""`/hp schema | paus | fortsätt | hoppa | steg N`: who may do what, and what it changes."""

from pathlib import Path

import pytest

from bot.evaluation.slack_standin import SlackStandIn
from bot.schedules.slash import REFUSAL, ScheduleCommands
from bot.wiring import Services
from tests.test_schedules_fixtures import (
    FakeRetriever,
    at,
    build_engine,
    client_for,
    schedule,
    settings_for,
    write_schedules,
)

NOW = at("2026-12-14 12:00")


@pytest.fixture()
def settings(tmp_path: Path):
    """Settings with an HP schedule in C1 and an APT schedule in C2."""
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}")
    write_schedules(
        settings.schedules_file,
        [
            {
                "name": "alfa",
                "kind": "hp",
                "channel": "C1",
                "weekday": "fredag",
                "time": "09:00",
                "start_date": "2026-01-01",
                "holiday_policy": "next_workday",
            },
            {
                "name": "apt",
                "kind": "apt",
                "channel": "C2",
                "weekday": "måndag",
                "time": "08:30",
                "week_of_month": 1,
                "start_date": "2026-01-01",
            },
        ],
    )
    return settings


@pytest.fixture()
def commands(settings) -> ScheduleCommands:
    """The commands as `bot serve` builds them, with a fixed clock."""
    commands = Services(settings).schedule_commands
    commands.clock = lambda: NOW
    return commands


@pytest.mark.parametrize("text", ["", "vad är jämställdhet?", "schema för APT?", "steg 3 i trappan"])
def test_other_text_is_not_a_schedule_command(commands: ScheduleCommands, text: str) -> None:
    """Anything else is left to the question answerer."""
    assert commands.handle(text, "U1", "C1") is None


def test_schema_is_for_everyone(commands: ScheduleCommands) -> None:
    """Lists the channel's upcoming posts; 25 December and 1 January are listed as skipped, with why."""
    reply = commands.handle("schema", "USOMEONE", "C1")
    assert reply is not None
    lines = reply.splitlines()
    assert lines[0] == "*Kommande inlägg i kanalen*"
    assert lines[1] == "• HP-punkt fredag 18 december 2026 kl. 09:00"
    assert lines[2] == "• HP-punkt fredag 8 januari 2027 kl. 09:00"
    skipped = "• HP-punkt fredag 25 december 2026: hoppas över: juldagen (nästa vardag, 28 december, är i nästa vecka)"
    assert skipped in lines
    assert "*Flyttas eller hoppas över*" in lines
    assert commands.handle("schema", "U1", "C9") == "Den här kanalen har inga schemalagda inlägg."


@pytest.mark.parametrize("text", ["paus", "fortsätt", "fortsatt", "hoppa", "steg 3"])
def test_changes_are_refused_politely_for_non_admins(commands: ScheduleCommands, text: str) -> None:
    """Only ADMIN_USER_IDS may change the schedule."""
    assert commands.handle(text, "USOMEONE", "C1") == REFUSAL
    assert commands.engine.store.channel_state("C1").paused is False


def test_pause_and_resume(commands: ScheduleCommands) -> None:
    """`paus` stops the channel's posts; `fortsätt` (or fortsatt) starts them again."""
    assert "pausade" in (commands.handle("paus", "UADMIN", "C1") or "")
    assert commands.engine.store.channel_state("C1").paused is True
    assert "_Pausad" in (commands.handle("schema", "U1", "C1") or "")
    assert "igång igen" in (commands.handle("Fortsatt", "UADMIN", "C1") or "")
    assert commands.engine.store.channel_state("C1").paused is False


def test_skip_next_post(commands: ScheduleCommands, settings, tmp_path: Path) -> None:
    """`hoppa` skips the next post; the one after it is then the next one out."""
    reply = commands.handle("hoppa", "UADMIN", "C1")
    assert reply == ":fast_forward: Hoppar över HP-punkt fredag 18 december 2026 kl. 09:00."
    assert "(hoppas över)" in (commands.handle("schema", "U1", "C1") or "")
    reply = commands.handle("hoppa", "UADMIN", "C1")
    assert reply is not None and "fredag 8 januari" in reply
    with SlackStandIn() as slack:
        settings = settings.model_copy(update={"slack_api_url": slack.url})
        engine = build_engine(settings, client_for(slack.url), retriever=FakeRetriever())
        assert engine.post_due(at("2026-12-18 09:00")) == []
        outcomes = engine.post_due(at("2026-12-28 08:30"))  # the agenda of the APT of 4 January
        assert [(o.occurrence.schedule, o.status) for o in outcomes] == [("apt", "posted")]
        assert engine.post_due(at("2027-01-08 09:00")) == []
        outcomes = engine.post_due(at("2027-01-15 09:00"))
        assert [(o.occurrence.schedule, o.status) for o in outcomes] == [("alfa", "posted")]
        texts = {c.args["channel"]: c.args["text"] for c in slack.calls_to("chat.postMessage")}
        assert "Jämställdhet" in texts["C1"] and "Steg 1 av 7" in texts["C2"]


def test_set_step(commands: ScheduleCommands) -> None:
    """`steg N` sets the next APT step (1–7) of a channel with an APT schedule."""
    reply = commands.handle("steg 6", "UADMIN", "C2")
    assert reply == ":white_check_mark: Nästa APT tar upp Respekttrappan steg 6 av 7: Kartlägg!"
    assert commands.engine.store.channel_state("C2").next_step == 6
    assert "mellan 1 och 7" in (commands.handle("steg 8", "UADMIN", "C2") or "")
    assert "mellan 1 och 7" in (commands.handle("steg", "UADMIN", "C2") or "")
    assert "inget APT-schema" in (commands.handle("steg 2", "UADMIN", "C1") or "")


def test_commands_without_a_schedules_file(tmp_path: Path) -> None:
    """`bot serve` without schedules.yaml still answers, politely."""
    commands = Services(settings_for(tmp_path, f"sqlite:///{tmp_path / 'x.db'}")).schedule_commands
    assert commands.handle("schema", "U1", "C1") == "Den här kanalen har inga schemalagda inlägg."
    assert commands.handle("hej", "U1", "C1") is None


def test_engine_state_is_shared_with_the_poster(commands: ScheduleCommands, settings) -> None:
    """A step set in Slack is the one the next APT post shows."""
    commands.handle("steg 6", "UADMIN", "C2")
    with SlackStandIn() as slack:
        engine = build_engine(
            settings,
            client_for(slack.url),
            [
                schedule(
                    name="apt",
                    kind="apt",
                    channel="C2",
                    weekday="måndag",
                    time="08:30",
                    week_of_month=1,
                )
            ],
            FakeRetriever(),
        )
        engine.post_due(at("2027-01-25 08:30"))  # the agenda of the APT of 1 February
        (call,) = slack.calls_to("chat.postMessage")
        assert "Steg 6 av 7: Kartlägg!" in call.args["text"]
