"""The scheduler loop and the `/hp` schedule commands, as `bot serve` wires them."""

import datetime as dt
import threading
from pathlib import Path

import pytest
from slack_sdk.http_retry import RateLimitErrorRetryHandler

from bot.evaluation.slack_standin import SlackStandIn
from bot.wiring import Services
from tests.test_schedules_fixtures import at, settings_for, write_schedules

# A Monday that is a working day; the loop's clock is fixed to it, whatever today is.
MONDAY_0905 = at("2026-11-30 09:05")


def test_scheduler_thread_posts_what_is_due_and_stops(tmp_path: Path) -> None:
    """start() runs post_due at once in a daemon thread; stop() ends it; nothing twice."""
    with SlackStandIn() as slack:
        settings = settings_for(
            tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url, scheduler_interval_seconds=0.05
        )
        write_schedules(
            settings.schedules_file,
            [{"name": "apt", "kind": "apt", "channel": "C1", "weekday": 1, "time": "09:00",
              "start_date": "2026-11-01"}],
        )
        services = Services(settings)
        ticks = threading.Semaphore(0)

        def clock() -> dt.datetime:
            ticks.release()
            return MONDAY_0905

        scheduler = services.scheduler(clock)
        assert any(isinstance(h, RateLimitErrorRetryHandler) for h in services.slack_client.retry_handlers)
        scheduler.start()
        try:
            (call,) = slack.wait_for("chat.postMessage", 1, timeout=10)
            assert call.args["channel"] == "C1" and "Steg 1 av 7" in call.args["text"]
            for _ in range(3):  # three more runs at the same moment: the sentinel for "no more"
                assert ticks.acquire(timeout=10)
        finally:
            scheduler.stop()
        assert len(slack.calls_to("chat.postMessage")) == 1
        assert slack.violations == []


def test_scheduler_without_schedules_file_posts_nothing(tmp_path: Path) -> None:
    """No schedules.yaml: `bot serve` still starts; the loop only does its chores (retention)."""
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}")
    services = Services(settings)
    called: list[int] = []

    def clock() -> dt.datetime:
        called.append(1)
        return MONDAY_0905

    scheduler = services.scheduler(clock)
    assert scheduler.run_once() == []  # nothing to post, and no Slack was needed to find that out
    assert called == [1]  # the clock was read for the chores
    assert services.schedule_commands.handle("paus", "UADMIN", "C1") is not None


def test_a_failing_run_is_logged_and_the_next_run_posts(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A run that raises is logged; the loop goes on and the next run posts what is due."""
    with SlackStandIn() as slack:
        settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url)
        write_schedules(settings.schedules_file, [
            {"name": "apt", "kind": "apt", "channel": "C1", "weekday": 1, "time": "09:00",
             "start_date": "2026-11-01"},
        ])
        runs = iter([RuntimeError("database down"), MONDAY_0905])

        def clock() -> dt.datetime:
            now = next(runs)
            if isinstance(now, Exception):
                raise now
            return now

        scheduler = Services(settings).scheduler(clock)
        scheduler.run_once()
        assert "Schemalagda inlägg: körningen misslyckades" in caplog.text
        assert slack.calls_to("chat.postMessage") == []
        scheduler.run_once()
        assert len(slack.calls_to("chat.postMessage")) == 1


def test_serve_shares_one_engine_between_commands_and_the_loop(tmp_path: Path) -> None:
    """`/hp paus` and the loop act on the same engine, so a pause stops the next post."""
    services = Services(settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}"))
    assert services.scheduler().engine is services.schedule_commands.engine
    assert services.posting_engine.store.engine is services.database
