"""One scheduler among replicas: the SQL lease, and two real `bot serve --http` processes.

The unit tests drive `Lease` and `Scheduler` with a hand-moved clock; the process test
starts two replicas on one database, finds the leader through the lease row, kills it
with SIGKILL and watches the other take over and post the due HP-punkt exactly once.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from bot.evaluation.slack_standin import SlackStandIn
from bot.metrics import Metrics
from bot.schedules.scheduler import Scheduler
from bot.store.db import open_database
from bot.store.leases import LEASES, Lease
from bot.wiring import Services
from tests.schedule_processes import GRACE_HOURS, due_now_entry, post_rows, serve_env, start_serve, wait_until
from tests.test_schedules_fixtures import settings_for, write_schedules

pytestmark = pytest.mark.timeout(120)
T0 = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)


class Clock:
    """A wall clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> dt.datetime:
        return self.now


def test_one_holder_until_the_lease_runs_out(database_url: str) -> None:
    """A holds and renews; B is refused until A's lease has run out, then B holds and A is refused."""
    engine, clock = open_database(database_url), Clock()
    a, b = (Lease(engine, "scheduler", 30, holder=h, clock=clock) for h in ("a", "b"))
    assert a.acquire() and not b.acquire()
    clock.now += dt.timedelta(seconds=25)
    assert a.acquire() and not b.acquire()  # renewed at 25 s: good until 55 s
    clock.now += dt.timedelta(seconds=29)
    assert not b.acquire()
    clock.now += dt.timedelta(seconds=2)
    assert b.acquire() and not a.acquire()
    b.release()
    assert a.acquire()


def test_racing_replicas_get_one_holder(database_url: str) -> None:
    """Eight replicas try at the same moment: exactly one wins."""
    engine, clock = open_database(database_url), Clock()
    leases = [Lease(engine, "scheduler", 30, holder=f"r{i}", clock=clock) for i in range(8)]
    barrier, won = threading.Barrier(len(leases)), []

    def race(lease: Lease) -> None:
        barrier.wait()
        if lease.acquire():
            won.append(lease.holder)

    threads = [threading.Thread(target=race, args=(lease,)) for lease in leases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(won) == 1


def test_only_the_leader_runs_post_due_and_the_chores(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Two running schedulers on one database: only the holder posts and runs chores; a chore's error is logged."""
    with SlackStandIn() as slack:
        settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url,
                                catchup_grace_hours=GRACE_HOURS)
        write_schedules(settings.schedules_file, [due_now_entry()])
        runs: dict[str, threading.Semaphore] = {"a": threading.Semaphore(0), "b": threading.Semaphore(0)}

        def failing_chore(now: dt.datetime) -> None:
            raise RuntimeError("prune failed")

        def build(name: str) -> tuple[Scheduler, Metrics]:
            services, metrics = Services(settings), Metrics()
            lease = Lease(services.database, "scheduler", 30, holder=name)
            chores = [failing_chore, lambda now: runs[name].release()]
            return Scheduler(services.posting_engine, 0.05, lease=lease, metrics=metrics, chores=chores), metrics

        (a, a_metrics), (b, b_metrics) = build("a"), build("b")
        a.start()
        assert runs["a"].acquire(timeout=10)
        b.start()
        try:
            for _ in range(5):  # five more runs of the leader: b, trying every 0.05 s, had its chances
                assert runs["a"].acquire(timeout=10)
            assert not runs["b"].acquire(blocking=False)
            leader = [m.registry.get_sample_value("hp_scheduler_leader") for m in (a_metrics, b_metrics)]
            assert leader == [1, 0]
            assert len(slack.calls_to("chat.postMessage")) == 1
            assert a_metrics.registry.get_sample_value("hp_posts_total", {"kind": "hp", "status": "posted"}) == 1
            assert "sysslan 'failing_chore' misslyckades" in caplog.text
            a.stop()  # a leader that stops gives the lease up: b takes over at once, not after 30 s
            assert runs["b"].acquire(timeout=10)
            assert b_metrics.registry.get_sample_value("hp_scheduler_leader") == 1
        finally:
            a.stop()
            b.stop()


def test_a_run_longer_than_the_lease_keeps_the_lease(tmp_path: Path) -> None:
    """Slack holds the post for 3 s, three times the 1 s lease: the leader renews meanwhile, no one takes over."""
    with SlackStandIn() as slack:
        settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url,
                                catchup_grace_hours=GRACE_HOURS)
        write_schedules(settings.schedules_file, [due_now_entry()])
        services = Services(settings)
        scheduler = Scheduler(services.posting_engine, 60, lease=Lease(services.database, "scheduler", 1))
        other = Lease(services.database, "scheduler", 1, holder="other")
        slack.hold("chat.postMessage", 3)
        scheduler.start()
        try:
            slack.wait_for("chat.postMessage", timeout=20)
            tries = 0
            while [r["status"] for r in post_rows(services.database)] != ["posted"]:
                assert not other.acquire(), "the lease was handed over in the middle of a post"
                tries += 1
                time.sleep(0.1)
            assert tries >= 10  # the post was held for about 3 s
        finally:
            scheduler.stop()
        assert other.acquire()  # released at stop


@pytest.mark.slow
def test_kill_9_the_leader_and_the_other_replica_takes_over(tmp_path: Path, database_url: str) -> None:
    """Two `bot serve --http` replicas: one leads; SIGKILL it and the other posts the HP-punkt once."""
    with SlackStandIn() as slack:
        # Slack refuses the post (at once, no retries) until the leader is dead, so it is still due then.
        slack.set_response("chat.postMessage", {"ok": False, "error": "channel_not_found"})
        env = serve_env(tmp_path, database_url, slack.url,
                        SCHEDULER_INTERVAL_SECONDS="2", SCHEDULER_LEASE_SECONDS="3")
        procs = {name: start_serve(env, tmp_path / f"{name}.log") for name in ("a", "b")}
        try:
            database = wait_until(lambda: _open(database_url), 30, "the database")
            wait_until(lambda: all(STARTED in _log(tmp_path, n) for n in procs), 60, "both schedulers run")
            first = wait_until(lambda: _holder(database), 30, "a replica holds the lease")
            # Two renewals later the lease is still with the same replica, and only it says it leads.
            renewed = wait_until(lambda: _holder(database, renewed_after=first), 30, "a renewal")
            again = wait_until(lambda: _holder(database, renewed_after=renewed), 30, "another renewal")
            (leader,) = [n for n in procs if LEADS in _log(tmp_path, n)]
            assert first[0] == renewed[0] == again[0] == procs[leader].pid
            follower = procs["b" if leader == "a" else "a"]

            # Kill it right after a refused attempt (no claim in flight; its next run is 2 s away).
            refused = len(slack.calls_to("chat.postMessage"))
            wait_until(lambda: len(slack.calls_to("chat.postMessage")) > refused
                       and [r["status"] for r in post_rows(database)] == ["failed"], 30, "a refused post")
            procs[leader].kill()
            procs[leader].wait()
            killed = time.monotonic()
            slack.reset()  # Slack takes posts again
            wait_until(lambda: (_holder(database) or (0,))[0] == follower.pid, 60, "the other takes over")
            took_over = time.monotonic() - killed
            wait_until(lambda: [r["status"] for r in post_rows(database)] == ["posted"], 30, "the post")
            assert took_over < 60 and follower.poll() is None
            assert LEADS in _log(tmp_path, "b" if leader == "a" else "a")
        finally:
            for proc in procs.values():
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        (call,) = slack.calls_to("chat.postMessage")
        assert call.args["channel"] == "CHP" and "HP-punkt" in call.args["text"]


STARTED = "schemaläggaren startad"
LEADS = "den här repliken postar"


def _open(url: str) -> Engine | None:
    try:
        return open_database(url)
    except Exception:  # a replica is creating the tables right now
        return None


def _holder(database: Engine, renewed_after: tuple[int, dt.datetime] | None = None) -> tuple[int, dt.datetime] | None:
    """Return (pid, expires_at) of the lease holder (holder ids are host:pid:random), or None."""
    with database.connect() as conn:
        row = conn.execute(select(LEASES.c.holder, LEASES.c.expires_at).where(LEASES.c.name == "scheduler")).first()
    if row is None or (renewed_after is not None and row.expires_at <= renewed_after[1]):
        return None
    return int(row.holder.split(":")[1]), row.expires_at


def _log(tmp_path: Path, name: str) -> str:
    path = tmp_path / f"{name}.log"
    return path.read_text(errors="replace") if path.exists() else ""
