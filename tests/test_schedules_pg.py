"""On a real PostgreSQL server: claims, state across restarts, two racing processes."""

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.evaluation.slack_standin import SlackStandIn
from bot.store.schedule_tables import POSTS
from bot.store.traces import PostKey, PostTraces
from tests.pg import temp_schema
from tests.test_schedules_fixtures import (
    FakeRetriever,
    at,
    build_engine,
    client_for,
    schedule,
    settings_for,
    write_knowledge,
    write_schedules,
)

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture()
def pg_url():
    """A database URL with a fresh schema of its own."""
    with temp_schema() as url:
        yield url


@pytest.fixture()
def slack():
    """A running Slack stand-in."""
    with SlackStandIn() as standin:
        yield standin
        assert standin.violations == []


def test_step_sequence_survives_restarts_on_postgres(tmp_path: Path, pg_url: str, slack) -> None:
    """1→7→1 (each APT marked held) with a new engine (a restart) before every APT, state in PostgreSQL."""
    apt = schedule(kind="apt", agenda_days_before=0, weekday="måndag")
    settings = settings_for(tmp_path, pg_url, slack.url)
    mondays = [
        "2026-02-02",
        "2026-02-09",
        "2026-02-16",
        "2026-02-23",
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
        "2026-03-23",
        "2026-03-30",
    ]
    for monday in mondays:
        engine = build_engine(settings, client_for(slack.url), [apt], FakeRetriever())
        (outcome,) = engine.post_due(at(f"{monday} 09:00"))
        assert outcome.status == "posted"
        assert engine.post_due(at(f"{monday} 09:01")) == []
        occ = outcome.occurrence  # the APT was held: "Genomförd ✅" moves the step on
        assert PostTraces(engine.store.engine).mark_held(PostKey(occ.schedule, occ.nominal, occ.channel), "U1",
                                                         at(f"{monday} 10:00"))
    texts = [c.args["text"] for c in slack.calls_to("chat.postMessage")]
    assert [int(t.split("Steg ")[1][0]) for t in texts] == [1, 2, 3, 4, 5, 6, 7, 1, 2]


def test_missed_and_failed_on_postgres(tmp_path: Path, pg_url: str, slack) -> None:
    """Misses and a failure followed by a retry, with PostgreSQL timestamps."""
    engine = build_engine(
        settings_for(tmp_path, pg_url, slack.url),
        client_for(slack.url),
        [schedule()],
        FakeRetriever(),
    )
    engine.post_due(at("2026-12-10 12:00"))
    assert [o.status for o in engine.post_due(at("2026-12-14 12:00"))] == ["missed"]
    slack.fail_next("chat.postMessage", status=500, times=1)
    assert [o.status for o in engine.post_due(at("2026-12-18 09:00"))] == ["failed"]
    assert [o.status for o in engine.post_due(at("2026-12-18 09:01"))] == ["posted"]
    assert [r.status for r in engine.store.problems()] == ["missed"]


def _run_bot(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_post_due_processes_post_each_occurrence_once(
    tmp_path: Path, pg_url: str, slack
) -> None:
    """Two `bot post-due` processes race on one PostgreSQL database, three rounds in a row."""
    channels = [f"C{i}" for i in range(6)]
    entries = [
        {
            "name": f"apt-{c}",
            "kind": "apt",
            "agenda_days_before": 0,
            "channel": c,
            "weekday": "fredag",
            "time": "09:00",
            "start_date": "2026-11-01",
            "start_step": 1,
        }
        for c in channels
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DATABASE_URL": pg_url,
        "SLACK_API_URL": slack.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SCHEDULES_FILE": str(write_schedules(tmp_path / "schedules.yaml", entries)),
        "KNOWLEDGE_DIR": str(write_knowledge(tmp_path / "knowledge")),
        "CATCHUP_GRACE_HOURS": str(24 * 15),  # the first round catches up three Fridays
        "LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
    }
    for now in ["2026-11-20T09:30", "2026-11-27T09:30", "2026-12-04T09:30"]:
        procs = [_run_bot(env, "post-due", "--now", now) for _ in range(2)]
        results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
        for code, out, err in results:
            assert code == 0, out + err
            assert "Traceback" not in err
    calls = slack.calls_to("chat.postMessage")
    per_channel = Counter(c.args["channel"] for c in calls)
    assert per_channel == {c: 5 for c in channels}  # 6, 13, 20, 27 Nov and 4 Dec
    for channel in channels:
        steps = [c.args["text"].split("Steg ")[1][0] for c in calls if c.args["channel"] == channel]
        assert steps == ["1"] * 5  # no APT was marked "Genomförd ✅": the step stays (tests/test_held.py)
    engine = build_engine(settings_for(tmp_path, pg_url, slack.url), None, [], FakeRetriever())
    with engine.store.engine.connect() as conn:
        rows = conn.execute(select(POSTS.c.status, func.count()).group_by(POSTS.c.status)).all()
    assert dict(rows) == {"posted": 30}
