"""Stopping the server lets the questions it took be answered first, and takes no new ones.

A question Slack was told we took (its 200) must not vanish when the process stops, and a
test's Slack stand-in must not close under an answer still being delivered.
"""

import time
from pathlib import Path

import pytest

from bot.evaluation.slack_standin import SlackStandIn
from bot.slack.app import build_app
from bot.slack.responder import ClosableApp
from bot.slack.server import SlackHTTPServer
from tests.test_slack_http import SECRET, FakeAnswerer, make_settings, mention, start_bot

pytestmark = pytest.mark.timeout(60)


def test_shutdown_returns_once_the_answer_under_way_is_delivered(slack: SlackStandIn, tmp_path: Path) -> None:
    running, server = start_bot(slack, tmp_path, FakeAnswerer(delay=1.0))
    assert running.event(mention()) == 200
    slack.wait_for("reactions.add")  # the answer is under way, about a second from done

    started = time.monotonic()
    server.shutdown()

    assert time.monotonic() - started >= 0.5  # it waited
    answers = slack.calls_to("chat.startStream") + slack.calls_to("chat.postMessage")
    assert answers, "shutdown returned before the answer reached Slack"
    assert slack.calls_to("reactions.remove")  # and the 👀 went away


def test_a_question_after_closing_is_not_started(slack: SlackStandIn, tmp_path: Path) -> None:
    answerer = FakeAnswerer()
    app = build_app(make_settings(slack, tmp_path), answerer)
    server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    server.shutdown()
    assert isinstance(app, ClosableApp) and app.responder is not None and app.responder.closed

    app.responder.answer_ephemeral(lambda **_: None, "Vad är HP?", channel="C1", user_id="U1")

    assert answerer.asked == []
