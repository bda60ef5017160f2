"""Helpers of the scheduled-post process tests (no tests here): real `bot serve` processes.

The processes use the real clock, so the schedule they post is made due *now*: a weekly
post on the latest Saturday or Sunday at 00:00 UTC (a weekend day is never moved by a
holiday), with a grace period that covers the days since.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from bot.store.schedule_tables import POSTS
from tests.test_schedules_fixtures import write_knowledge, write_schedules

GRACE_HOURS = 24 * 8  # covers the latest weekend day, whatever today is
SECRET = "test-secret"


def due_now_entry(name: str = "hp", channel: str = "CHP") -> dict[str, Any]:
    """Return a schedules.yaml entry with exactly one occurrence, due already (the latest weekend day)."""
    day = dt.datetime.now(dt.UTC).date()
    while day.weekday() < 5:
        day -= dt.timedelta(days=1)
    return {"name": name, "kind": "hp", "channel": channel, "weekday": day.weekday() + 1,
            "time": "00:00", "timezone": "UTC", "start_date": day.isoformat()}


def serve_env(tmp: Path, database_url: str, slack_url: str, **extra: str) -> dict[str, str]:
    """Return the environment of a `bot serve --http` process that posts `due_now_entry()`."""
    if not (tmp / "schedules.yaml").exists():
        write_knowledge(tmp / "knowledge")
        write_schedules(tmp / "schedules.yaml", [due_now_entry()])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_", "SCHEDULER_"))}
    env.update({
        "DATABASE_URL": database_url, "SLACK_API_URL": slack_url, "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET, "KNOWLEDGE_DIR": str(tmp / "knowledge"),
        "SCHEDULES_FILE": str(tmp / "schedules.yaml"), "CHROMA_PATH": str(tmp / "chroma"),
        "CATCHUP_GRACE_HOURS": str(GRACE_HOURS), "LOG_LEVEL": "INFO", "LOG_FORMAT": "text",
        **extra,
    })
    return env


def start_serve(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start `bot serve --http` on a free port; its output goes to `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1", "--port", "0"],
            env=env, cwd=log.parent, stdout=out, stderr=subprocess.STDOUT,
        )


def wait_until(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `condition` every 0.1 s until it is truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


def post_rows(engine: Engine) -> list[dict[str, Any]]:
    """Return the stored occurrences as dicts."""
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(POSTS)).mappings()]
