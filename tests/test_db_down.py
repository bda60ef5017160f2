"""The database away: questions are still answered, once, and buttons say so in Swedish.

Real Bolt app over real HTTP with real signatures, against the Slack stand-in. The
database is a SQLite file whose folder is removed after the bot started (and the pool's
connections closed, as when PostgreSQL restarts): every query then really raises
OperationalError ("unable to open database file").
"""

import json
import logging
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk import WebClient
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from bot.answer.types import Answer, Turn
from bot.evaluation.slack_standin import SlackStandIn
from bot.metrics import Metrics
from bot.slack.app import build_app
from bot.slack.outbox_worker import OutboxWorker
from bot.slack.server import SlackHTTPServer
from bot.store.answers import AnswerLog
from bot.store.db import init_db, make_engine
from bot.store.events import EventDeduper, events_table
from bot.store.outbox import Outbox, Reply
from tests.test_slack_http import SECRET, Bot, FakeAnswerer, make_settings, mention

pytestmark = pytest.mark.timeout(60)
QUESTION = "Vad säger Zyxwvu-policyn om Respekttrappan?"


def start(slack: SlackStandIn, tmp_path: Path, metrics: Metrics,
          answerer: FakeAnswerer | None = None) -> tuple[Bot, SlackHTTPServer]:
    """Serve a bot whose database lives in tmp_path/db (see `break_database`)."""
    settings = make_settings(slack, tmp_path, database_url=f"sqlite:///{tmp_path}/db/hp.db")
    engine = make_engine(settings.database_url)
    answerer = answerer or FakeAnswerer()
    app = build_app(settings, answerer, engine=engine, metrics=metrics)
    server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    return Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", answerer, engine), server


class HeldAnswerer(FakeAnswerer):
    """Answers once `release` is set: until then its question stays claimed by its 👀."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Wait for `release` (10 s at most), then answer as FakeAnswerer."""
        self.release.wait(10)
        return super().ask(question, history)


def reactions_on(slack: SlackStandIn, ts: str) -> list[Any]:
    """Return the reactions.add calls on the message `ts`, whatever Slack answered."""
    return [c for c in slack.calls_to("reactions.add") if c.args.get("timestamp") == ts]


def wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


def break_database(engine: Engine, tmp_path: Path) -> None:
    """Take the database away: its folder goes, pooled connections close."""
    shutil.rmtree(tmp_path / "db")
    engine.dispose()
    with pytest.raises(OperationalError), engine.connect():
        pass


def fallbacks(metrics: Metrics, kind: str) -> float:
    """Return the count of fallbacks{kind}."""
    return metrics.registry.get_sample_value("hp_fallbacks_total", {"kind": kind}) or 0.0


def answer_id_of(blocks: list[dict[str, Any]]) -> str:
    """Return the answer id the 👍 button carries."""
    return next(el["value"] for b in blocks if b["type"] == "actions" for el in b["elements"]
                if el["action_id"] == "feedback_up")


def test_question_is_answered_once_while_the_database_is_away(slack: SlackStandIn, tmp_path: Path) -> None:
    metrics = Metrics()
    bot, server = start(slack, tmp_path, metrics)
    try:
        break_database(bot.engine, tmp_path)
        assert bot.event(mention(), event_id="EvDOWN") == 200
        stop = slack.wait_for("chat.stopStream")[0]
        assert "feedback_up" in json.dumps(stop.args["blocks"])
        slack.wait_for("reactions.remove")  # the 👀 goes away as usual
        assert fallbacks(metrics, "dedupe_memory") == 1 and fallbacks(metrics, "record_lost") == 1

        retry = {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert bot.event(mention(), event_id="EvDOWN", headers=retry) == 200
        bot.event(mention(channel="C9", ts="900.000001"))  # sentinel: handled after the retry
        slack.wait_for("chat.stopStream", 2)
        assert [c.args["channel"] for c in slack.calls_to("chat.startStream")] == ["C1", "C9"]

        # The answer's buttons find no record: the vote gets a clear Swedish text.
        assert bot.click("feedback_up", answer_id_of(stop.args["blocks"])) == 200
        reply = slack.wait_for("response_url")[0].args
        assert reply["response_type"] == "ephemeral" and "Försök igen om en stund" in reply["text"]
    finally:
        server.shutdown()


def test_vote_on_an_unknown_answer_gets_a_swedish_text(slack: SlackStandIn, tmp_path: Path) -> None:
    bot, server = start(slack, tmp_path, Metrics())
    try:
        assert bot.click("feedback_down", "0123456789abcdef0123456789abcdef") == 200
        reply = slack.wait_for("response_url")[0].args
        assert reply["response_type"] == "ephemeral"
        assert reply["text"].startswith("Jag hittar inte det svaret längre")
    finally:
        server.shutdown()


def test_thread_follow_ups_while_the_database_is_away(slack: SlackStandIn, tmp_path: Path) -> None:
    metrics = Metrics()
    bot, server = start(slack, tmp_path, metrics)
    try:
        break_database(bot.engine, tmp_path)
        bot.event(mention())
        slack.wait_for("reactions.remove")  # the answer is out and remembered (👀 goes last)
        follow_up = {"type": "message", "channel_type": "channel", "channel": "C1", "user": "U1",
                     "text": "och hur ofta då?", "ts": "100.000009", "thread_ts": "100.000001"}
        bot.event(follow_up)  # this process remembers answering in the thread
        slack.wait_for("reactions.remove", 2)

        # A thread this process does not remember: the thread itself says whether we answered.
        slack.set_response("conversations.replies", {"ok": True, "has_more": False, "messages": [
            {"type": "message", "user": "U1", "text": "<@UBOT> Vad är HP?", "ts": "500.000001"},
            {"type": "message", "user": "UBOT", "bot_id": "BBOT", "text": "HP är …", "ts": "500.000002"},
        ]})
        bot.event({**follow_up, "ts": "500.000003", "thread_ts": "500.000001"})
        slack.wait_for("chat.stopStream", 3)
        assert [c.args["thread_ts"] for c in slack.calls_to("chat.startStream")] == [
            "100.000001", "100.000001", "500.000001"]
        assert fallbacks(metrics, "thread_lookup") == 1  # only the unremembered thread asked the database
    finally:
        server.shutdown()


def test_no_question_text_in_the_log(slack: SlackStandIn, tmp_path: Path,
                                     caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.INFO)
    bot, server = start(slack, tmp_path, Metrics(), FakeAnswerer(error=RuntimeError("boom")))
    try:
        bot.event(mention(f"<@UBOT> {QUESTION}"))
        assert "Något gick fel" in slack.wait_for("chat.postMessage")[0].args["text"]
        break_database(bot.engine, tmp_path)
        bot.answerer.error = None
        bot.event(mention(f"<@UBOT> {QUESTION}", ts="100.000002"))
        slack.wait_for("chat.stopStream")
        slack.wait_for("reactions.remove", 2)
    finally:
        server.shutdown()
    ours = [r for r in caplog.records if r.name.startswith("bot") or r.levelno >= logging.INFO]
    assert any(r.levelno >= logging.WARNING for r in ours)  # the failures were logged
    assert not [r.getMessage() for r in ours if "Zyxwvu" in r.getMessage() or "Zyxwvu" in (r.exc_text or "")]


def test_answer_log_still_works_when_the_database_returns(tmp_path: Path) -> None:
    """The fallbacks are per call: nothing stays broken once the database is back."""
    engine = make_engine(f"sqlite:///{tmp_path}/db/hp.db")
    init_db(engine)
    metrics = Metrics()
    deduper = EventDeduper(engine, metrics)
    shutil.move(tmp_path / "db", tmp_path / "away")
    engine.dispose()
    assert deduper.claim("Ev1") and not deduper.claim("Ev1")  # remembered in the process
    shutil.move(tmp_path / "away", tmp_path / "db")
    assert deduper.claim("Ev2") and not deduper.claim("Ev2")
    with engine.connect() as conn:
        assert conn.execute(select(events_table.c.event_id)).scalars().all() == ["Ev2"]
    assert fallbacks(metrics, "dedupe_memory") == 1
    assert AnswerLog(engine, "salt").get("nope") is None


def test_outbox_pass_survives_the_database_away(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/db/hp.db")
    init_db(engine)
    outbox = Outbox(engine, 15)
    outbox.add(Reply("C1", None, {"text": "svar"}))
    worker = OutboxWorker(outbox, WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/"), Metrics())
    shutil.move(tmp_path / "db", tmp_path / "away")
    engine.dispose()
    assert worker.run_once(datetime.now(UTC) + timedelta(seconds=5)) == 0  # logged, not raised
    shutil.move(tmp_path / "away", tmp_path / "db")
    assert outbox.depth() == 1  # the reply still waits


def test_two_replicas_answer_a_redelivered_question_once_while_the_database_is_away(
        slack: SlackStandIn, tmp_path: Path) -> None:
    """Slack delivers one event to both replicas; with no shared database, 👀 decides (already_reacted)."""
    first_dir, second_dir = tmp_path / "r1", tmp_path / "r2"
    first_dir.mkdir(), second_dir.mkdir()
    metrics = Metrics()
    first, first_server = start(slack, first_dir, metrics)
    second, second_server = start(slack, second_dir, Metrics())
    try:
        break_database(first.engine, first_dir)
        break_database(second.engine, second_dir)
        for ts in ("500.000001", "500.000002", "500.000003"):
            event = mention(ts=ts)
            assert first.event(event, event_id=f"Ev{ts}") == 200
            assert second.event(event, event_id=f"Ev{ts}") == 200  # the same event, redelivered
        first.event(mention(channel="C9", ts="900.000001"))  # sentinels: each replica's queue drained
        second.event(mention(channel="C9", ts="900.000002"))
        slack.wait_for("chat.stopStream", 5)
        threads = sorted(c.args["thread_ts"] for c in slack.calls_to("chat.startStream"))
        assert threads == ["500.000001", "500.000002", "500.000003", "900.000001", "900.000002"]
        assert fallbacks(metrics, "dedupe_memory") >= 1
    finally:
        first_server.shutdown()
        second_server.shutdown()


def test_a_question_claimed_by_reaction_is_not_taken_again_when_the_database_returns(
        slack: SlackStandIn, tmp_path: Path) -> None:
    """Replica A claims by 👀 while its database is away; the same event reaches B just after B's came back.

    A's claim left no row, so B's insert succeeds: B must still see A's 👀 and leave it. A is
    still answering then (its answer waits until B has tried its claim): once A is done its 👀
    goes, and a retry reaching B after that may be answered twice (twice, never zero times).
    """
    first_dir, second_dir = tmp_path / "r1", tmp_path / "r2"
    first_dir.mkdir(), second_dir.mkdir()
    working = HeldAnswerer()
    first, first_server = start(slack, first_dir, Metrics(), working)
    second, second_server = start(slack, second_dir, Metrics())
    try:
        break_database(first.engine, first_dir)
        shutil.move(second_dir / "db", second_dir / "away")  # B's outage, and B saw it
        second.engine.dispose()
        assert second.event(mention(channel="C8", ts="800.000001")) == 200
        slack.wait_for("chat.stopStream")
        shutil.move(second_dir / "away", second_dir / "db")  # back: B's claims write rows again

        event = mention(ts="600.000001")
        assert first.event(event, event_id="Ev600") == 200  # A: no database, claims it by 👀
        slack.wait_for("reactions.add", 2)
        assert second.event(event, event_id="Ev600") == 200  # B: its row is written, and yet
        wait_until(lambda: len(reactions_on(slack, "600.000001")) == 3)  # A's claim and sign, then B's claim
        working.release.set()
        first.event(mention(channel="C9", ts="900.000001"))  # sentinels: each replica's queue drained
        second.event(mention(channel="C9", ts="900.000002"))
        slack.wait_for("chat.stopStream", 4)
        threads = sorted(c.args["thread_ts"] for c in slack.calls_to("chat.startStream"))
        assert threads == ["600.000001", "800.000001", "900.000001", "900.000002"]
    finally:
        first_server.shutdown()
        second_server.shutdown()
