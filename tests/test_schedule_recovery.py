"""A post interrupted mid-flight is never posted twice: Slack's history is checked, SIGTERM waits.

The engine tests run the real engine against the Slack stand-in (which keeps posted
messages and their metadata for conversations.history) on SQLite and PostgreSQL; the
SIGTERM test runs a real `bot serve --http` process.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from bot.evaluation.slack_standin import SlackStandIn
from bot.schedules.config import Schedule
from bot.schedules.engine import ScheduleEngine
from bot.slack.poster import EVENT_TYPE, SlackPoster
from bot.store.db import open_database
from tests.schedule_processes import GRACE_HOURS, due_now_entry, post_rows, serve_env, start_serve
from tests.test_schedules_fixtures import FakeRetriever, build_engine, client_for, settings_for

pytestmark = pytest.mark.timeout(90)


class Killed(BaseException):
    """The process died right after Slack accepted the post (what `kill -9` does to a replica)."""


class DiesAfterPosting:
    """A poster that posts for real, then dies before the engine can mark the post."""

    def __init__(self, real: SlackPoster) -> None:
        self.real = real

    def post(self, channel: str, text: str, occurrence: Mapping[str, str] | None = None) -> str:
        """Post, then die."""
        self.real.post(channel, text, occurrence)
        raise Killed

    def find(self, channel: str, occurrence: Mapping[str, str], since: dt.datetime) -> str | None:
        """Look in the channel."""
        return self.real.find(channel, occurrence, since)


def _engine(tmp_path: Path, url: str, slack: SlackStandIn, channel: str = "C1") -> ScheduleEngine:
    """An engine (a replica) posting `due_now_entry()` through the stand-in."""
    settings = settings_for(tmp_path, url, slack.url, catchup_grace_hours=GRACE_HOURS)
    entry = Schedule.model_validate(due_now_entry(channel=channel))
    return build_engine(settings, client_for(slack.url), [entry], FakeRetriever())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def test_a_stale_claim_already_in_the_channel_is_marked_posted(
    tmp_path: Path, database_url: str, slack: SlackStandIn
) -> None:
    """Replica A dies after Slack took its post; replica B, after the lease, finds it and posts nothing."""
    dying = _engine(tmp_path, database_url, slack)
    assert isinstance(dying.poster, SlackPoster)
    dying.poster = DiesAfterPosting(dying.poster)
    with pytest.raises(Killed):
        dying.post_due(_now())
    (posted,) = slack.calls_to("chat.postMessage")
    assert posted.args["metadata"] == {
        "event_type": EVENT_TYPE,
        "event_payload": {"schedule": "hp", "nominal": due_now_entry()["start_date"]},
    }
    assert [r["status"] for r in post_rows(dying.store.engine)] == ["claimed"]

    survivor = _engine(tmp_path, database_url, slack)
    assert [o.status for o in survivor.post_due(_now() + dt.timedelta(minutes=1))] == ["taken"]
    (outcome,) = survivor.post_due(_now() + survivor.lease + dt.timedelta(seconds=1))
    assert (outcome.status, outcome.recovered) == ("posted", True)
    assert len(slack.calls_to("chat.postMessage")) == 1  # not posted again
    (history,) = slack.calls_to("conversations.history")
    assert history.args["channel"] == "C1" and history.args["include_all_metadata"] in ("1", "true", True)
    (row,) = post_rows(survivor.store.engine)
    assert (row["status"], row["message_ts"]) == ("posted", slack.messages["C1"][0]["ts"])
    assert survivor.store.channel_state("C1").hp_count == 1  # the rotation moved on, as after a post


def test_a_stale_claim_that_never_reached_slack_is_posted_once(
    tmp_path: Path, database_url: str, slack: SlackStandIn
) -> None:
    """The claimer died before Slack got the post: the history has nothing, so it is posted."""
    engine = _engine(tmp_path, database_url, slack)
    (occ,) = engine.due(_now())
    assert engine.store.claim(occ, _now(), engine.lease) is not None  # and then the process died
    (outcome,) = engine.post_due(_now() + engine.lease + dt.timedelta(seconds=1))
    assert (outcome.status, outcome.recovered) == ("posted", False)
    assert len(slack.calls_to("chat.postMessage")) == 1 and len(slack.calls_to("conversations.history")) == 1


def test_an_unreadable_history_means_retry_later_not_post(tmp_path: Path, slack: SlackStandIn) -> None:
    """History refused: the claim is released as failed, nothing is posted; readable again, it is settled."""
    url = f"sqlite:///{tmp_path / 'hp.db'}"
    dying = _engine(tmp_path, url, slack)
    assert isinstance(dying.poster, SlackPoster)
    dying.poster = DiesAfterPosting(dying.poster)
    with pytest.raises(Killed):
        dying.post_due(_now())
    later = _now() + dying.lease + dt.timedelta(seconds=1)
    slack.fail_next("conversations.history", status=500)
    (outcome,) = _engine(tmp_path, url, slack).post_due(later)
    assert outcome.status == "failed" and "internal_error" in (outcome.error or "")
    assert len(slack.calls_to("chat.postMessage")) == 1
    (outcome,) = _engine(tmp_path, url, slack).post_due(later + dt.timedelta(seconds=30))
    assert (outcome.status, outcome.recovered) == ("posted", True)
    assert len(slack.calls_to("chat.postMessage")) == 1


@pytest.mark.slow
def test_sigterm_lets_the_in_flight_post_finish_and_be_marked(tmp_path: Path, slack: SlackStandIn) -> None:
    """SIGTERM while Slack holds chat.postMessage for 12 s: `bot serve` exits after marking it posted.

    12 s is longer than the 10 s `bot serve` used to wait for its scheduler, and shorter
    than Slack's own 15 s timeout, which the wait now covers.
    """
    url = f"sqlite:///{tmp_path / 'hp.db'}"
    env = serve_env(tmp_path, url, slack.url, SCHEDULER_INTERVAL_SECONDS="0.5", SCHEDULER_LEASE_SECONDS="5")
    slack.hold("chat.postMessage", 12)
    proc = start_serve(env, tmp_path / "serve.log")
    try:
        slack.wait_for("chat.postMessage", timeout=45)
        terminated = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=40)
        waited = time.monotonic() - terminated
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert code == 0, log
    assert waited > 10, f"exited {waited:.1f} s after SIGTERM, before Slack answered"
    (row,) = post_rows(open_database(url))
    assert (row["status"], row["message_ts"]) == ("posted", slack.messages["CHP"][0]["ts"]), log

    # A second run (what `bot post-due` or the next replica does) finds it settled.
    assert _engine(tmp_path, url, slack, channel="CHP").post_due(_now()) == []
    assert len(slack.calls_to("chat.postMessage")) == 1
