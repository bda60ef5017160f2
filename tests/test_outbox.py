"""Replies Slack refuses (500, 429) wait in the outbox and arrive later, once; or the user is told.

Real Bolt app over real HTTP with real signatures against the Slack stand-in, with
slack_sdk's own retry handlers (`build_client`); the outbox is a real SQLite table, and a
real PostgreSQL schema for two workers racing over one outbox.
"""

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.evaluation.slack_standin import SlackStandIn
from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack.app import build_app, build_client
from bot.slack.outbox_worker import OutboxWorker
from bot.slack.server import SlackHTTPServer
from bot.store.answers import AnswerLog
from bot.store.db import make_engine, open_database
from bot.store.outbox import Outbox, Reply, outbox_table
from tests.pg import temp_schema
from tests.test_slack_http import SECRET, Bot, FakeAnswerer, make_settings, mention

pytestmark = pytest.mark.timeout(60)
ANSWER = "Respekttrappan har sju steg [1], se även [2]."


class Running:
    """A served bot with its outbox, a worker (not started) and the metrics."""

    def __init__(self, slack: SlackStandIn, tmp_path: Path, **overrides: Any) -> None:
        self.settings: Settings = make_settings(slack, tmp_path, **overrides)
        self.engine = make_engine(self.settings.database_url)
        self.metrics = Metrics()
        self.outbox = Outbox(self.engine, self.settings.outbox_minutes)
        app = build_app(self.settings, FakeAnswerer(ANSWER), engine=self.engine, outbox=self.outbox,
                        metrics=self.metrics)
        self.server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
        self.server.start()
        self.bot = Bot(slack, f"http://127.0.0.1:{self.server.port}/slack/events", FakeAnswerer(), self.engine)
        self.log = AnswerLog(self.engine, "salt")
        self.worker = OutboxWorker(self.outbox, build_client(self.settings), self.metrics, interval=0.1,
                                   on_posted=self.log.posted)

    def wait_queued(self, count: int = 1, timeout: float = 15.0) -> None:
        """Wait until `count` replies wait in the outbox."""
        deadline = time.monotonic() + timeout
        while self.outbox.depth() < count:
            assert time.monotonic() < deadline, "nothing reached the outbox"
            time.sleep(0.05)

    def queued_at(self) -> datetime:
        """Return when the (first) reply was queued."""
        with self.engine.connect() as conn:
            created = conn.execute(select(outbox_table.c.created_at).order_by(outbox_table.c.created_at)).scalar_one()
        return created if created.tzinfo else created.replace(tzinfo=UTC)

    def value(self, name: str) -> float:
        """Return a metric's sample."""
        return self.metrics.registry.get_sample_value(name) or 0.0


@pytest.fixture()
def running(slack: SlackStandIn, tmp_path: Path) -> Iterator[Running]:
    """A bot with the default outbox time (15 minutes)."""
    bot = Running(slack, tmp_path)
    yield bot
    bot.worker.stop()
    bot.server.shutdown()


def refuse_replies(slack: SlackStandIn, status: int) -> None:
    """Refuse every way of putting a message into a conversation."""
    for method in ("chat.startStream", "chat.appendStream", "chat.update", "chat.postMessage"):
        slack.refuse(method, status)


def accept_replies(slack: SlackStandIn) -> None:
    """Take every reply again."""
    for method in ("chat.startStream", "chat.appendStream", "chat.update", "chat.postMessage"):
        slack.accept(method)


def everything_sent(slack: SlackStandIn) -> str:
    """Return every argument of every call, accepted or refused, as one text."""
    return json.dumps([c.args for c in slack.calls + slack.rejected], ensure_ascii=False)


def test_refused_answer_waits_then_arrives_once(running: Running, slack: SlackStandIn) -> None:
    refuse_replies(slack, 500)
    running.bot.event(mention())
    running.wait_queued()
    assert slack.calls_to("reactions.add") and not slack.calls_to("reactions.remove")  # 👀 stays
    assert "Något gick fel" not in everything_sent(slack)  # a delivery failure is no answering failure
    queued_at = running.queued_at()

    refuse_replies(slack, 429)
    assert running.worker.run_once(queued_at + timedelta(seconds=3)) == 0
    assert running.value("hp_outbox_retries_total") == 1 and running.outbox.depth() == 1
    assert running.worker.run_once(queued_at + timedelta(seconds=4)) == 0  # backoff: not due yet
    assert running.value("hp_outbox_retries_total") == 1

    accept_replies(slack)
    assert running.worker.run_once(queued_at + timedelta(seconds=30)) == 1
    assert running.worker.run_once(queued_at + timedelta(minutes=5)) == 0
    posts = slack.calls_to("chat.postMessage")
    assert len(posts) == 1 and posts[0].args["thread_ts"] == "100.000001"
    assert "Respekttrappan har sju steg" in json.dumps(posts[0].args["blocks"], ensure_ascii=False)
    methods = [c.method for c in slack.calls]
    assert methods.index("chat.postMessage") < methods.index("reactions.remove")
    assert running.value("hp_outbox_delivered_total") == 1 and running.value("hp_outbox_depth") == 0
    assert running.log.answer_to("C1", "100.000001") is not None  # its ts is kept: an edit updates it


def test_worker_thread_delivers_when_slack_is_back(running: Running, slack: SlackStandIn) -> None:
    refuse_replies(slack, 429)
    running.worker.start()
    running.bot.event({"type": "message", "channel_type": "im", "channel": "D1", "user": "U1",
                       "text": "Vad är HP?", "ts": "200.000001"})
    running.wait_queued()
    accept_replies(slack)
    post = slack.wait_for("chat.postMessage", timeout=10)[0]
    assert post.args["channel"] == "D1" and post.args["thread_ts"] == "200.000001"  # its own thread
    assert slack.calls_to("reactions.add") == []  # a DM thread shows its status, which the post clears
    deadline = time.monotonic() + 5
    while running.outbox.depth() or running.value("hp_outbox_delivered_total") < 1:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    running.worker.stop()
    assert len(slack.calls_to("chat.postMessage")) == 1  # the row is gone: nothing left to repeat


def test_broken_stream_completed_from_the_outbox(running: Running, slack: SlackStandIn) -> None:
    slack.refuse("chat.stopStream", 500)
    slack.refuse("chat.update", 429)
    slack.refuse("chat.postMessage", 429)
    running.bot.event(mention())
    running.wait_queued()
    assert slack.calls_to("chat.startStream")  # it broke half-way
    assert "chat.update" in [c.method for c in slack.rejected]  # today's fallback first
    accept_replies(slack)
    slack.accept("chat.stopStream")
    assert running.worker.run_once(running.queued_at() + timedelta(seconds=3)) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_past_the_deadline_the_user_is_told(slack: SlackStandIn, tmp_path: Path) -> None:
    bot = Running(slack, tmp_path, outbox_minutes=0.05)  # 3 seconds
    try:
        refuse_replies(slack, 429)
        bot.bot.event(mention())
        bot.wait_queued()
        queued_at = bot.queued_at()
        assert bot.worker.run_once(queued_at + timedelta(seconds=2)) == 0  # refused again
        assert bot.value("hp_outbox_retries_total") == 1
        accept_replies(slack)
        assert bot.worker.run_once(queued_at + timedelta(seconds=10)) == 0  # too late for the answer
        notice = slack.wait_for("chat.postMessage")[0].args
        assert notice["thread_ts"] == "100.000001"
        assert notice["text"].startswith(":warning: Jag kunde inte leverera svaret")
        assert "fråga gärna igen" in notice["text"].lower()
        assert "Respekttrappan har sju steg" not in json.dumps(notice, ensure_ascii=False)
        slack.wait_for("reactions.remove")
        with bot.engine.connect() as conn:
            assert conn.execute(select(outbox_table.c.status)).scalars().all() == ["failed"]
        assert bot.value("hp_outbox_expired_total") == 1 and bot.outbox.depth() == 0
    finally:
        bot.server.shutdown()


def test_two_workers_on_one_postgresql_deliver_each_row_once(slack: SlackStandIn) -> None:
    with temp_schema() as url:
        first, second = open_database(url), open_database(url)
        try:
            outbox = Outbox(first, 15)
            start = datetime.now(UTC)
            for n in range(30):
                outbox.add(Reply("C1", None, {"text": f"svar {n}"}), now=start)
            settings = Settings(_env_file=None, slack_bot_token="xoxb-test", slack_api_url=slack.url)  # type: ignore[call-arg]
            workers = [OutboxWorker(Outbox(engine, 15), build_client(settings), Metrics())
                       for engine in (first, second)]
            barrier = threading.Barrier(2)

            def drain(worker: OutboxWorker) -> None:
                barrier.wait()
                for _ in range(20):
                    worker.run_once(start + timedelta(seconds=5))

            threads = [threading.Thread(target=drain, args=(w,)) for w in workers]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
            texts = sorted(c.args["text"] for c in slack.calls_to("chat.postMessage"))
            assert texts == sorted(f"svar {n}" for n in range(30))  # each once, none lost
            assert outbox.depth() == 0
        finally:
            first.dispose()
            second.dispose()
