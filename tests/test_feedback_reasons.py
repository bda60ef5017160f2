"""Feedback that teaches: 👎 asks why, the vote shows as registered, the reason is stored and exported.

Real Bolt app over real HTTP with real signatures, against the Slack stand-in (which checks
views.open and the replaced message against Slack's spec and Block Kit's limits).
"""

import json
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from bot.cli import app as cli_app
from bot.evaluation.slack_standin import SlackStandIn
from bot.store.answers import AnswerLog
from bot.store.db import init_db, make_engine
from tests.test_slack_feedback import an_answer
from tests.test_slack_http import Bot, FakeAnswerer, all_text, mention, start_bot

pytestmark = pytest.mark.timeout(60)
PNR = "19900101-0017"
SALT = "hp-assistenten"  # FEEDBACK_SALT's default, as the bot and the CLI use it


@pytest.fixture()
def bot(slack: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    """A running bot with a fake answerer."""
    running, server = start_bot(slack, tmp_path, FakeAnswerer())
    yield running
    server.shutdown()


def answered(bot: Bot, slack: SlackStandIn) -> tuple[str, list[dict[str, Any]]]:
    """Ask in C1; return the answer's id (its buttons' value) and its blocks."""
    bot.event(mention())
    blocks = slack.wait_for("chat.stopStream")[0].args["blocks"]
    answer_id = next(el["value"] for b in blocks if b["type"] == "actions" for el in b["elements"]
                     if el["action_id"] == "feedback_down")
    return answer_id, blocks


def buttons(blocks: list[dict[str, Any]]) -> list[str]:
    """Return the labels of the answer's buttons."""
    return [el["text"]["text"] for b in blocks if b["type"] == "actions" for el in b["elements"]]


def submit(bot: Bot, view: dict[str, Any], reason: str | None, comment: str | None) -> int:
    """Submit the reason dialog `view` (as views.open sent it) as U2; return the HTTP status."""
    values: dict[str, Any] = {
        "reason": {"reason": {"type": "radio_buttons",
                              "selected_option": {"value": reason} if reason else None}},
        "comment": {"comment": {"type": "plain_text_input", "value": comment}},
    }
    payload = {"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U2", "team_id": "T1"},
               "api_app_id": "A1", "trigger_id": "1.3.y",
               "view": {**view, "id": "V1", "team_id": "T1", "state": {"values": values}}}
    return bot.post(urllib.parse.urlencode({"payload": json.dumps(payload)}),
                    "application/x-www-form-urlencoded")[0]


def votes(engine: Engine) -> list[tuple[Any, ...]]:
    """Return every stored vote row, as stored."""
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text("SELECT * FROM slack_votes"))]


def wait_until(condition: Any, timeout: float = 5.0) -> None:
    """Wait until `condition()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def test_a_down_click_stores_the_vote_and_opens_the_reason_dialog(bot: Bot, slack: SlackStandIn) -> None:
    answer_id, _ = answered(bot, slack)
    assert bot.click("feedback_down", answer_id) == 200
    opened = slack.wait_for("views.open")[0].args
    assert opened["trigger_id"] == "1.2.x"  # the click's own
    view = opened["view"]
    assert (view["type"], view["callback_id"], view["private_metadata"]) == ("modal", "feedback_reason", answer_id)
    shown = all_text(view["blocks"])
    for label in ("Fel svar", "Svarade inte på frågan", "Finns inte i dokumenten", "Annat", "Berätta gärna mer"):
        assert label in shown
    # The 👎 counts already: a user who closes the dialog has still voted.
    assert AnswerLog(bot.engine, SALT).summary().down == 1
    # The message now says the 👎 is registered, sources kept (rendered again: the click carried no blocks).
    replaced = slack.wait_for("response_url")[0].args
    assert replaced["replace_original"] in (True, "true")
    assert buttons(replaced["blocks"]) == ["👍 Bra svar", "👎 Registrerat"]
    assert "Respekttrappan" in all_text(replaced["blocks"]) and "Källor" in all_text(replaced["blocks"])


def test_the_reason_and_a_masked_comment_are_stored_and_exported(
    bot: Bot, slack: SlackStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    answer_id, _ = answered(bot, slack)
    bot.click("feedback_down", answer_id)
    view = slack.wait_for("views.open")[0].args["view"]
    comment = f"Jag frågade om mitt ärende, personnummer {PNR}, och fick fel steg."
    assert submit(bot, view, "not_answered", comment) == 200
    wait_until(lambda: any("not_answered" in row for row in votes(bot.engine)))

    (row,) = votes(bot.engine)
    assert PNR not in json.dumps(row, default=str) and "9001010017" not in json.dumps(row, default=str)
    assert "[personnummer]" in json.dumps(row, default=str, ensure_ascii=False)

    monkeypatch.setenv("DATABASE_URL", str(bot.engine.url))
    out = tmp_path / "down.jsonl"
    result = CliRunner().invoke(cli_app, ["feedback", "--export", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["id"] == f"feedback-{answer_id}" and record["reason"] == "not_answered"
    assert record["comment"] == "Jag frågade om mitt ärende, personnummer [personnummer], och fick fel steg."
    summary = CliRunner().invoke(cli_app, ["feedback"])
    assert summary.exit_code == 0, summary.output
    assert "Svarade inte på frågan: 1" in summary.output and PNR not in summary.output


def test_an_up_vote_shows_as_registered_in_the_message(bot: Bot, slack: SlackStandIn) -> None:
    answer_id, blocks = answered(bot, slack)
    payload = {"type": "block_actions", "user": {"id": "U2"}, "team": {"id": "T1"}, "api_app_id": "A1",
               "channel": {"id": "C1"}, "container": {"type": "message", "channel_id": "C1",
                                                      "message_ts": "100.000002"},
               "message": {"type": "message", "ts": "100.000002", "text": "…", "blocks": blocks},
               "response_url": slack.response_url("action"), "trigger_id": "1.2.x",
               "actions": [{"type": "button", "action_id": "feedback_up", "value": answer_id,
                            "block_id": f"answer-{answer_id}", "action_ts": "1.2"}]}
    status, _ = bot.post(urllib.parse.urlencode({"payload": json.dumps(payload)}),
                         "application/x-www-form-urlencoded")
    assert status == 200
    replaced = slack.wait_for("response_url")[0].args
    assert replaced["replace_original"] in (True, "true")
    assert buttons(replaced["blocks"]) == ["👍 Tack för svaret", "👎 Inte bra"]
    # Everything but the buttons is the message as it was.
    assert [b for b in replaced["blocks"] if b["type"] != "actions"] == [
        b for b in blocks if b["type"] != "actions"]
    assert slack.calls_to("views.open") == [] and AnswerLog(bot.engine, SALT).summary().up == 1


def test_a_down_vote_on_a_gone_answer_says_so_without_a_dialog(bot: Bot, slack: SlackStandIn) -> None:
    assert bot.click("feedback_down", "0123456789abcdef0123456789abcdef") == 200
    reply = slack.wait_for("response_url")[0].args
    assert reply["response_type"] == "ephemeral" and reply["text"].startswith("Jag hittar inte det svaret längre")
    assert "dela" not in reply["text"].lower()
    assert slack.calls_to("views.open") == []


def test_a_comment_goes_with_its_answer_at_the_retention_limit(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/hp.db")
    init_db(engine)
    log = AnswerLog(engine, SALT)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    old = log.record(an_answer(), channel="C1", thread_ts=None, user_id="U1", now=now - timedelta(days=40))
    log.vote(old, "U2", up=False, now=now - timedelta(days=40))
    assert log.explain(old, "U2", "wrong", "Steget heter inte så.")
    assert not log.explain(old, "U3", "wrong", "ingen röst")  # no 👎 by U3: nothing stored
    assert log.prune(now, 30) == 1
    assert log.summary().by_reason == {"wrong": 1}  # the reason is counted still
    assert [row[-2:] for row in votes(engine)] == [("wrong", None)]
    engine.dispose()
