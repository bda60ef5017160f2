"""`build_scheduler` and `build_schedule_commands`, as `bot serve` uses them."""

import datetime as dt
from pathlib import Path

import pytest
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.evaluation.slack_standin import SlackStandIn
from bot.schedules.recurrence import is_workday
from bot.schedules.service import build_schedule_commands, build_scheduler
from tests.test_schedules_fixtures import STHLM, client_for, settings_for, write_schedules


def test_scheduler_thread_posts_what_is_due_and_stops(tmp_path: Path) -> None:
    """start() runs post_due at once in a daemon thread; stop() ends it; nothing twice."""
    local = dt.datetime.now(STHLM)
    if (
        local.hour == 0
        and local.minute < 10
        or (local.weekday() < 5 and not is_workday(local.date()))
    ):
        pytest.skip("needs a workday after 00:10 Swedish time")
    due = (local - dt.timedelta(minutes=5)).strftime("%H:%M")
    with SlackStandIn() as slack:
        settings = settings_for(
            tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url, scheduler_interval_seconds=0.2
        )
        write_schedules(
            settings.schedules_file,
            [
                {
                    "name": "apt",
                    "kind": "apt",
                    "channel": "C1",
                    "weekday": local.isoweekday(),
                    "time": due,
                    "start_date": local.date().isoformat(),
                },
            ],
        )
        client = client_for(slack.url)
        scheduler = build_scheduler(settings, client)
        assert any(isinstance(h, RateLimitErrorRetryHandler) for h in client.retry_handlers)
        scheduler.start()
        try:
            (call,) = slack.wait_for("chat.postMessage", 1, timeout=10)
            assert call.args["channel"] == "C1" and "Steg 1 av 7" in call.args["text"]
            assert scheduler._thread is not None and scheduler._thread.daemon
        finally:
            scheduler.stop()
        assert scheduler._thread is None
        assert len(slack.calls_to("chat.postMessage")) == 1
        assert slack.violations == []


def test_scheduler_without_schedules_file_idles(tmp_path: Path) -> None:
    """No schedules.yaml: `bot serve` still starts; the scheduler does nothing."""
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}")
    scheduler = build_scheduler(settings, client_for(settings.slack_api_url))
    scheduler.start()
    assert scheduler._thread is None
    scheduler.stop()
    assert build_schedule_commands(settings).handle("paus", "UADMIN", "C1") is not None


def test_a_failing_run_does_not_kill_the_loop(tmp_path: Path) -> None:
    """run_once logs and returns when the engine raises."""
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}")
    scheduler = build_scheduler(settings, client_for(settings.slack_api_url))

    def broken(now: dt.datetime, dry_run: bool = False) -> list:
        raise RuntimeError("database down")

    scheduler.engine.post_due = broken  # type: ignore[method-assign]
    scheduler.run_once()  # does not raise
