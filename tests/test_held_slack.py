"""End to end over real HTTP: a scheduled post's "Genomförd ✅" and its thread note reach `bot report`.

The engine posts to the stand-in; the signed click and the thread reply come in through the
bot's HTTP server; `bot report` then reads the same database.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.evaluation.slack_standin import SlackStandIn
from bot.ingest.dates import swedish_date
from bot.schedules.config import load_schedules
from bot.schedules.engine import ScheduleEngine
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.store.db import make_engine, open_database
from bot.store.schedule_tables import POSTS
from bot.wiring import build_schedule_engine
from tests.test_schedules_fixtures import STHLM, at, client_for, settings_for, write_schedules
from tests.test_slack_http import SECRET, Bot, FakeAnswerer

pytestmark = pytest.mark.timeout(60)
SCHEDULES = [
    {"name": "alfa-hp", "kind": "hp", "channel": "C1", "weekday": "fredag", "time": "09:00", "start_date": "2026-11-01"}
]
FRIDAY = at("2026-11-27 09:00")  # a meeting in the past: "Genomförd" is pressed after it


@dataclass
class Running:
    """The bot over HTTP, the stand-in, the schedule engine and the settings' environment."""

    bot: Bot
    slack: SlackStandIn
    engine: ScheduleEngine
    env: dict[str, str]

    def posted(self, when: dt.datetime = FRIDAY) -> tuple[str, dict[str, Any]]:
        """Post the HP-punkt due at `when`; return its ts and its chat.postMessage arguments."""
        assert [o.status for o in self.engine.post_due(when)] == ["posted"]
        (call,) = self.slack.calls_to("chat.postMessage")
        return str(self.slack.messages["C1"][-1]["ts"]), call.args

    def press(self, user: str, ts: str, args: dict[str, Any]) -> int:
        """Press the post's "Genomförd ✅" as `user` (the message as Slack sends it with the click)."""
        button = next(e for b in args["blocks"] if b["type"] == "actions" for e in b["elements"])
        return self.click(user, ts, args, button)

    def undo(self, user: str, ts: str, args: dict[str, Any]) -> int:
        """Press "Ångra" beside who marked the post held (after Slack's confirm dialog)."""
        return self.click(user, ts, args, next(b["accessory"] for b in args["blocks"] if "accessory" in b))

    def click(self, user: str, ts: str, args: dict[str, Any], button: dict[str, Any]) -> int:
        """Send a signed click on `button` of the message `args` (chat.postMessage or chat.update)."""
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T1"},
            "api_app_id": "A1",
            "channel": {"id": "C1"},
            "container": {"type": "message", "channel_id": "C1", "message_ts": ts},
            "message": {"type": "message", "ts": ts, "text": args["text"], "blocks": args["blocks"]},
            "response_url": self.slack.response_url("held"),
            "trigger_id": "1.2.x",
            "actions": [{**button, "block_id": "hp_post_held", "action_ts": "1.2"}],
        }
        return self.bot.post(
            urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"
        )[0]

    def reply(self, ts: str, text: str, user: str = "U9") -> int:
        """Reply in the post's thread as `user`."""
        return self.bot.event(
            {
                "type": "message",
                "channel": "C1",
                "channel_type": "channel",
                "user": user,
                "text": text,
                "ts": f"{time.time():.6f}",
                "thread_ts": ts,
            }
        )


@pytest.fixture()
def running(slack: SlackStandIn, tmp_path: Path) -> Iterator[Running]:
    """Serve the bot over HTTP with one HP schedule in C1."""
    url = f"sqlite:///{tmp_path / 'hp.db'}"
    settings = settings_for(tmp_path, url, slack.url, slack_signing_secret=SECRET)
    write_schedules(settings.schedules_file, SCHEDULES)
    engine = build_schedule_engine(
        settings, open_database(url), None, client_for(slack.url), load_schedules(settings.schedules_file)
    )
    answerer = FakeAnswerer()
    database = make_engine(url)
    server = SlackHTTPServer(build_app(settings, answerer, engine=database), "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    env = {
        "DATABASE_URL": url,
        "SCHEDULES_FILE": str(settings.schedules_file),
        "KNOWLEDGE_DIR": str(settings.knowledge_dir),
        "LOG_LEVEL": "WARNING",
    }
    try:
        yield Running(
            Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", answerer, database), slack, engine, env
        )
    finally:
        server.shutdown()


def held_rows(running: Running) -> list[tuple[str | None, Any]]:
    """Return (held_by, held_at) of every stored post."""
    with running.bot.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(POSTS.select().with_only_columns(POSTS.c.held_by, POSTS.c.held_at))]


def test_the_post_has_the_button_and_asks_for_a_note(running: Running) -> None:
    _, args = running.posted()
    kinds = [b["type"] for b in args["blocks"]]
    assert kinds[-2:] == ["context", "actions"] and "HP-punkt: Jämställdhet" in args["blocks"][0]["text"]["text"]
    assert "skriv en rad här i tråden" in args["blocks"][-2]["elements"][0]["text"]
    (button,) = args["blocks"][-1]["elements"]
    assert button["text"]["text"] == "Genomförd ✅" and button["value"] == "alfa-hp|2026-11-27"


def test_genomford_is_stored_shown_once_and_reaches_bot_report(running: Running, slack: SlackStandIn) -> None:
    ts, args = running.posted()
    assert running.press("U7", ts, args) == 200
    (update,) = slack.wait_for("chat.update")
    assert update.args["ts"] == ts and update.args["channel"] == "C1"
    last = update.args["blocks"][-1]
    assert last["type"] == "section" and last["accessory"]["text"]["text"] == "Ångra"
    ((by, when),) = held_rows(running)
    assert by == "U7" and when is not None
    pressed = swedish_date(when.astimezone(STHLM).date())  # the day it was pressed, e.g. "måndag 30 november 2026"
    assert last["text"]["text"] == f"Genomförd ✅ av <@U7> {pressed}"
    assert not [b for b in update.args["blocks"] if b["type"] == "actions"]  # the button is gone
    assert update.args["blocks"][:-1] == args["blocks"][:-1]  # the post itself is kept

    assert running.press("U8", ts, args) == 200  # a second press (a stale client) changes nothing
    second = slack.wait_for("chat.update", 2)[1]
    assert second.args["blocks"][-1] == last
    assert held_rows(running) == [(by, when)]

    result = CliRunner().invoke(cli, ["report", "--year", "2026"], env=running.env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "| Jämställdhet | 1 | 1 |" in result.output
    result = CliRunner().invoke(cli, ["report", "--year", "2026", "--format", "csv"], env=running.env)
    assert "hp-punkter,C1,,jämställdhet,1,1," in result.output


def test_angra_undoes_a_press_by_mistake_and_brings_the_button_back(running: Running, slack: SlackStandIn) -> None:
    ts, args = running.posted()
    assert running.press("U7", ts, args) == 200
    (held,) = slack.wait_for("chat.update")
    assert held_rows(running)[0][0] == "U7"

    assert running.undo("U8", ts, held.args) == 200  # anyone in the channel, as for the press
    undone = slack.wait_for("chat.update", 2)[1]
    assert undone.args["blocks"] == args["blocks"]  # the post as it was posted, button and all
    assert held_rows(running) == [(None, None)]
    result = CliRunner().invoke(cli, ["report", "--year", "2026"], env=running.env, catch_exceptions=False)
    assert "| Jämställdhet | 1 | 0 |" in result.output  # posted once, not held

    assert running.press("U9", ts, undone.args) == 200  # and it can be pressed again
    assert slack.wait_for("chat.update", 3)[2].args["blocks"][-1]["text"]["text"].startswith("Genomförd ✅ av <@U9>")
    assert held_rows(running)[0][0] == "U9"


def test_a_click_whose_post_cannot_be_read_is_told_so_and_changes_nothing(
    running: Running, slack: SlackStandIn
) -> None:
    ts, args = running.posted()
    button = next(e for b in args["blocks"] if b["type"] == "actions" for e in b["elements"])
    assert running.click("U7", ts, args, {**button, "value": "nonsens"}) == 200  # e.g. an old post's button
    (reply,) = slack.wait_for("response_url")
    assert reply.args["text"].startswith("Det här inlägget känner jag inte igen längre")
    assert held_rows(running) == [(None, None)] and slack.calls_to("chat.update") == []


def test_genomford_before_the_meetings_week_is_not_stored(running: Running, slack: SlackStandIn) -> None:
    """A meeting in a later week (an APT agenda goes out a week early) cannot be marked held yet."""
    ts, args = running.posted(at("2098-01-03 09:00"))  # a Friday in a week still to come
    assert running.press("U7", ts, args) == 200
    (reply,) = slack.wait_for("response_url")
    assert "Mötet har inte hållits än (det är vecka 1)" in reply.args["text"]
    assert held_rows(running) == [(None, None)]
    assert slack.calls_to("chat.update") == []  # the button stays for after the meeting


def test_a_reply_in_the_posts_thread_is_its_note_not_a_question(running: Running, slack: SlackStandIn) -> None:
    ts, _ = running.posted()
    assert running.reply(ts, "Vad betyder jämställdhet för oss? Vi pratade om rampen, ring 070-123 45 67") == 200
    (reaction,) = slack.wait_for("reactions.add")
    assert reaction.args["name"] == "writing_hand" and reaction.args["channel"] == "C1"
    # The reaction is the note branch's last step, and that branch returns: nothing is answered.
    assert running.bot.answerer.asked == [] and len(slack.calls_to("chat.postMessage")) == 1

    result = CliRunner().invoke(cli, ["report", "--year", "2026"], env=running.env, catch_exceptions=False)
    assert "- 2026-11-27: Vad betyder jämställdhet för oss? Vi pratade om rampen, ring [telefonnummer]" in (
        result.output
    )
    assert "070-123" not in result.output
