"""The log: LOG_FORMAT=json gives one JSON object a line, and no question reaches it.

Logging is set up as every command sets it up (the CLI callback, from LOG_LEVEL and
LOG_FORMAT); questions go through the real Bolt app, its signature check and the
responder, with the Slack stand-in as the Web API. The log is what lands on stderr.
"""

import json
import logging
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_bolt.request import BoltRequest
from typer.testing import CliRunner

from bot.answer.types import Answer, Source, Turn
from bot.cli import app as cli_app
from bot.evaluation.slack_standin import SlackStandIn, signed_headers
from bot.settings import Settings
from bot.slack.app import build_app

SECRET = "test-signing-secret"
QUESTION = "Hur länge får man låna zebracykeln?"  # its words must never reach the log
SECRET_WORD = "zebracykel"
CHATTY = ("slack_sdk", "slack_bolt", "openai")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Give back the root logger as pytest had it, whatever a command set up."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in CHATTY}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def configure(tmp_path: Path, level: str, log_format: str) -> None:
    """Set up logging the way `bot` does, from LOG_LEVEL and LOG_FORMAT."""
    env = {"LOG_LEVEL": level, "LOG_FORMAT": log_format, "DATABASE_URL": f"sqlite:///{tmp_path}/cli.db"}
    result = CliRunner().invoke(cli_app, ["feedback"], env=env)
    assert result.exit_code == 0, result.output


def test_json_gives_one_object_a_line_with_the_exception(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tmp_path, "INFO", "json")
    log = logging.getLogger("bot.test")

    log.info("två\nrader i ett meddelande, %s", "åäö")
    try:
        raise ValueError("trasig fil")
    except ValueError:
        log.exception("kunde inte läsa")
    log.debug("under LOG_LEVEL")

    lines = capsys.readouterr().err.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["message"] for r in records] == ["två\nrader i ett meddelande, åäö", "kunde inte läsa"]
    first, second = records
    assert set(first) == {"time", "level", "logger", "message"}
    assert (first["level"], first["logger"], second["level"]) == ("INFO", "bot.test", "ERROR")
    assert datetime.fromisoformat(first["time"]).tzinfo is not None
    assert second["exception"].startswith("Traceback") and "ValueError: trasig fil" in second["exception"]


class FakeAnswerer:
    """Answers every question with one source, or raises `error`."""

    def __init__(self, error: Exception | None = None) -> None:
        self.error = error
        self.asked: list[str] = []

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Return a canned answer, or raise."""
        self.asked.append(question)
        if self.error is not None:
            raise self.error
        source = Source("cykelpolicy", "Cykelpolicy", "Lånecyklar", 0.9, "…")
        return Answer(question, "Upp till tre månader [1].", False, "sv", (source,))


def mention(ts: str) -> str:
    """Return a signed-to-be app_mention callback asking QUESTION."""
    return json.dumps({
        "token": "legacy", "team_id": "T1", "api_app_id": "A1", "type": "event_callback",
        "event_id": f"Ev{ts.replace('.', '')}", "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        "event": {"type": "app_mention", "user": "U1", "text": f"<@UBOT> {QUESTION}", "ts": ts,
                  "channel": "C1", "team": "T1", "event_ts": ts},
    }, ensure_ascii=False)


def slack_app(slack: SlackStandIn, tmp_path: Path, answerer: FakeAnswerer) -> App:
    values: dict[str, Any] = {"slack_bot_token": "xoxb-test", "slack_signing_secret": SECRET,
                              "slack_api_url": slack.url, "database_url": f"sqlite:///{tmp_path}/hp.db"}
    return build_app(Settings(_env_file=None, **values), answerer)  # type: ignore[arg-type]


@pytest.mark.parametrize(("level", "log_format"), [("INFO", "json"), ("DEBUG", "json"), ("DEBUG", "text")])
def test_no_question_text_reaches_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, level: str, log_format: str
) -> None:
    configure(tmp_path, level, log_format)
    with SlackStandIn() as slack:
        app = slack_app(slack, tmp_path, FakeAnswerer())
        answered = mention("100.000001")
        assert app.dispatch(BoltRequest(body=answered, headers=signed_headers(SECRET, answered))).status == 200
        slack.wait_for("reactions.remove")  # answered, its 👀 gone: the last call of an answer
        forged = mention("100.000002")
        assert app.dispatch(BoltRequest(body=forged, headers=signed_headers("wrong", forged))).status == 401

    log = capsys.readouterr().err
    assert "Invalid request signature detected (body withheld)" in log  # the rejection is still told
    assert SECRET_WORD not in log and "låna" not in log
    assert SECRET_WORD not in caplog.text  # withheld for every handler, not only ours


def test_a_question_that_fails_is_logged_without_its_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    configure(tmp_path, "INFO", "json")
    with SlackStandIn() as slack:
        app = slack_app(slack, tmp_path, FakeAnswerer(error=RuntimeError("modellen svarar inte")))
        body = mention("100.000003")
        app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
        slack.wait_for("reactions.remove")  # the error text told, its 👀 gone

    records = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert any("RuntimeError: modellen svarar inte" in r.get("exception", "") for r in records)
    assert SECRET_WORD not in json.dumps(records, ensure_ascii=False)
