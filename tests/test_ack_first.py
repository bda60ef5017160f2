"""Slack's events are acknowledged before Bolt runs, as Bolt itself would (`process_before_response=False`).

The acknowledgement must not wait for a core that answering holds, nor for Bolt's middleware;
the event or click still reaches its listener. Commands still get Bolt's own response.
"""

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.evaluation.slack_standin import SlackStandIn
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.store.db import make_engine
from tests.test_slack_http import SECRET, Bot, FakeAnswerer, make_settings, mention

pytestmark = pytest.mark.timeout(60)
SLOW = 1.5  # seconds Bolt's middleware takes in these tests


@pytest.fixture()
def slow_bolt(slack: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    """A bot whose Bolt middleware takes `SLOW` seconds for every request."""
    settings = make_settings(slack, tmp_path)
    answerer = FakeAnswerer()
    app = build_app(settings, answerer)
    app.middleware(slowly)
    server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    yield Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", answerer, make_engine(settings.database_url))
    server.shutdown()


def slowly(next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's name
    """A Bolt middleware that is slow, as Bolt is when answering holds the cores."""
    time.sleep(SLOW)
    return next()


def timed(send: Callable[[], int]) -> tuple[int, float]:
    """Return what `send` returned and how long it took."""
    started = time.monotonic()
    status = send()
    return status, time.monotonic() - started


def test_an_event_is_acknowledged_before_bolt_runs_and_still_answered(slow_bolt: Bot, slack: SlackStandIn) -> None:
    status, took = timed(lambda: slow_bolt.event(mention()))

    assert status == 200 and took < SLOW / 2
    slack.wait_for("chat.stopStream", timeout=10)  # the listener ran all the same
    assert slow_bolt.answerer.asked


def test_a_click_is_acknowledged_before_bolt_runs_and_still_handled(slow_bolt: Bot, slack: SlackStandIn) -> None:
    status, took = timed(lambda: slow_bolt.click("feedback_up", "unknown-answer"))

    assert status == 200 and took < SLOW / 2
    slack.wait_for("response_url", timeout=10)  # the vote's listener ran and told the voter


def test_a_command_still_gets_bolts_own_response(slow_bolt: Bot) -> None:
    started = time.monotonic()
    status, body = slow_bolt.command("hjälp")
    took = time.monotonic() - started

    assert status == 200 and took >= SLOW  # its ack() carries the help text, so Bolt answers it
    assert json.loads(body)["text"]


def test_an_event_no_listener_takes_is_a_200_not_bolts_404(slack: SlackStandIn, tmp_path: Path) -> None:
    settings = make_settings(slack, tmp_path)
    server = SlackHTTPServer(build_app(settings, FakeAnswerer()), "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    try:
        bot = Bot(
            slack, f"http://127.0.0.1:{server.port}/slack/events", FakeAnswerer(), make_engine(settings.database_url)
        )
        event = {
            "type": "reaction_added",
            "user": "U1",
            "reaction": "tada",
            "ts": "1.000001",
            "item": {"type": "message", "channel": "C1", "ts": "1.000001"},
        }
        assert bot.event(event) == 200  # Slack would send a 404'd event again, and again
    finally:
        server.shutdown()


def test_an_app_that_answers_before_acknowledging_is_left_to_bolt(slack: SlackStandIn, tmp_path: Path) -> None:
    seen: list[str] = []
    app = App(
        client=WebClient(token="xoxb-test", base_url=slack.url), signing_secret=SECRET, process_before_response=True
    )

    @app.event("app_mention")
    def on_mention(event: dict[str, Any]) -> None:
        seen.append(event["text"])

    server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    try:
        bot = Bot(
            slack,
            f"http://127.0.0.1:{server.port}/slack/events",
            FakeAnswerer(),
            make_engine(f"sqlite:///{tmp_path / 'unused.db'}"),
        )
        assert bot.event(mention(text="<@UBOT> hej")) == 200
        assert seen == ["<@UBOT> hej"]  # ran before the response came
    finally:
        server.shutdown()
