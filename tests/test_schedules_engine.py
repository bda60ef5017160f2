"""post_due(now) against the Slack stand-in and SQLite: once, in order, never lost."""

import datetime as dt
import threading
import time
from pathlib import Path

import pytest

from bot.evaluation.slack_standin import SlackStandIn
from bot.schedules.config import Schedule
from bot.schedules.engine import ScheduleEngine
from bot.schedules.recurrence import occurrences
from bot.store.traces import PostKey, PostTraces
from tests.test_schedules_fixtures import FakeRetriever, at, build_engine, client_for, schedule, settings_for

FRIDAY = "2026-12-18"


@pytest.fixture()
def slack():
    """A running Slack stand-in."""
    with SlackStandIn() as standin:
        yield standin
        assert standin.violations == []


@pytest.fixture()
def make(tmp_path: Path, slack: SlackStandIn):
    """Return a factory of engines over one SQLite file (a new object = a restart)."""

    def _make(*schedules: Schedule, grace_hours: float = 6) -> ScheduleEngine:
        settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url, catchup_grace_hours=grace_hours)
        return build_engine(settings, client_for(slack.url), list(schedules), FakeRetriever())

    return _make


def _texts(slack: SlackStandIn, channel: str | None = None) -> list[str]:
    calls = slack.calls_to("chat.postMessage")
    return [c.args["text"] for c in calls if channel in (None, c.args["channel"])]


def test_posts_a_due_occurrence_exactly_once(make, slack: SlackStandIn) -> None:
    """Not before 09:00; at 09:00 once; a second run (or a restart) posts nothing."""
    assert make(schedule()).post_due(at(f"{FRIDAY} 08:59")) == []
    outcomes = make(schedule()).post_due(at(f"{FRIDAY} 09:00"))
    assert [o.status for o in outcomes] == ["posted"]
    assert make(schedule()).post_due(at(f"{FRIDAY} 09:05")) == []
    (call,) = slack.calls_to("chat.postMessage")
    assert call.args["channel"] == "C1"
    assert call.args["text"].startswith(":scales: *HP-punkt: Jämställdhet*")


def test_step_sequence_1_to_7_to_1_per_channel_survives_restarts(make, slack) -> None:
    """Each APT held advances its channel's step ("Genomförd ✅" pressed); a new engine continues."""
    c1 = schedule(name="apt-1", kind="apt", agenda_days_before=0, channel="C1", weekday="måndag", start_step=1)
    c2 = schedule(name="apt-2", kind="apt", agenda_days_before=0, channel="C2", weekday="måndag", start_step=5)
    mondays = [o.due_at for o in occurrences(c1, at("2026-02-01 00:00"), at("2026-04-01 00:00"))]
    assert len(mondays) == 9
    for monday in mondays:
        engine = make(c1, c2)  # restart before every meeting
        outcomes = engine.post_due(monday + dt.timedelta(minutes=1))
        assert [o.status for o in outcomes] == ["posted"] * 2
        for o in outcomes:  # the meeting took place: someone pressed "Genomförd ✅"
            held = PostTraces(engine.store.engine).mark_held(
                PostKey(o.occurrence.schedule, o.occurrence.nominal, o.occurrence.channel), "U1", monday
            )
            assert held is not None and held.now

    def steps(channel: str) -> list[int]:
        return [int(t.split("Steg ")[1].split(" av 7")[0]) for t in _texts(slack, channel)]

    assert steps("C1") == [1, 2, 3, 4, 5, 6, 7, 1, 2]
    assert steps("C2") == [5, 6, 7, 1, 2, 3, 4, 5, 6]
    assert make(c1, c2).store.channel_state("C1").next_step == 3


def test_down_for_3_hours_catches_up(make, slack) -> None:
    """Last run Thursday; back Friday 12:00, 3 h after the 09:00 post: it goes out."""
    make(schedule()).post_due(at("2026-12-17 12:00"))
    outcomes = make(schedule()).post_due(at(f"{FRIDAY} 12:00"))
    assert [(o.status, o.occurrence.due_at) for o in outcomes] == [("posted", at(f"{FRIDAY} 09:00"))]
    assert len(_texts(slack)) == 1


def test_down_for_3_days_records_misses(make, slack) -> None:
    """Back Monday: Friday's post is older than the grace period, so it is recorded missed."""
    engine = make(schedule(), schedule(name="beta", channel="C2", weekday="lördag"))
    engine.post_due(at("2026-12-17 12:00"))
    outcomes = make(schedule(), schedule(name="beta", channel="C2", weekday="lördag")).post_due(at("2026-12-20 12:00"))
    assert sorted((o.occurrence.schedule, o.status) for o in outcomes) == [
        ("alfa", "missed"),
        ("beta", "missed"),
    ]
    assert _texts(slack) == []
    assert {(r.schedule, r.status) for r in engine.store.problems()} == {
        ("alfa", "missed"),
        ("beta", "missed"),
    }
    # The rotation did not move: the next post is still the first principle.
    make(schedule()).post_due(at("2027-01-08 09:00"))
    assert _texts(slack)[0].startswith(":scales: *HP-punkt: Jämställdhet*")


def test_a_new_schedule_does_not_report_old_posts_as_missed(make, slack) -> None:
    """A schedule first seen today catches up within grace but reports nothing older."""
    outcomes = make(schedule(start_date=dt.date(2026, 1, 1))).post_due(at(f"{FRIDAY} 10:00"))
    assert [o.status for o in outcomes] == ["posted"]


def test_429_delays_but_does_not_lose_the_post(make, slack) -> None:
    """One 429 with Retry-After: 1 → the client waits and the post goes out in the same run."""
    slack.fail_next("chat.postMessage", status=429, retry_after=1, times=1)
    started = time.monotonic()
    outcomes = make(schedule()).post_due(at(f"{FRIDAY} 09:00"))
    assert [o.status for o in outcomes] == ["posted"]
    assert time.monotonic() - started >= 1
    assert len(slack.rejected) == 1 and len(_texts(slack)) == 1


def test_persistent_429_is_retried_on_the_next_run(make, slack) -> None:
    """Still rate limited after the client's retries: marked failed, posted by the next run."""
    apt = schedule(kind="apt", agenda_days_before=0, start_step=4)
    slack.fail_next("chat.postMessage", status=429, retry_after=1, times=3)
    failed = make(apt).post_due(at(f"{FRIDAY} 09:00"))
    assert [o.status for o in failed] == ["failed"] and "ratelimited" in failed[0].error
    assert _texts(slack) == []
    outcomes = make(apt).post_due(at(f"{FRIDAY} 09:01"))
    assert [o.status for o in outcomes] == ["posted"]
    assert "Steg 4 av 7" in _texts(slack)[0]  # the step did not advance on the failure
    assert make(apt).store.channel_state("C1").next_step == 4  # and stays until the APT is marked held


def _agenda_at_ten() -> Schedule:
    """An APT of C1 whose agenda is due on FRIDAY at 10:00, for the APT of Monday 28 December.

    Not a weekly APT on FRIDAY itself: that would take the HP-punkt of every week of C1.
    """
    return schedule(name="apt", kind="apt", weekday="måndag", week_of_month="last", agenda_days_before=10, time="10:00")


def test_a_failed_post_blocks_later_ones_in_its_channel(make, slack) -> None:
    """Order within a channel: the 10:00 APT waits until the failed 09:00 HP-punkt is out."""
    hp, apt = schedule(), _agenda_at_ten()
    slack.fail_next("chat.postMessage", status=500, times=1)
    outcomes = make(hp, apt).post_due(at(f"{FRIDAY} 10:30"))
    assert [(o.occurrence.schedule, o.status) for o in outcomes] == [("alfa", "failed")]
    outcomes = make(hp, apt).post_due(at(f"{FRIDAY} 10:31"))
    assert [(o.occurrence.schedule, o.status) for o in outcomes] == [
        ("alfa", "posted"),
        ("apt", "posted"),
    ]
    hp_text, apt_text = _texts(slack)
    assert "HP-punkt: Jämställdhet" in hp_text and "HP-punkt: Tillgänglighet" in apt_text


def test_a_failed_post_older_than_grace_becomes_missed(make, slack) -> None:
    """Retries stop when the grace period is over: the failure is then listed as missed."""
    slack.fail_next("chat.postMessage", status=500, times=1)
    engine = make(schedule())
    assert [o.status for o in engine.post_due(at(f"{FRIDAY} 09:00"))] == ["failed"]
    assert [o.status for o in engine.post_due(at(f"{FRIDAY} 15:30"))] == ["missed"]
    (row,) = engine.store.problems()
    assert row.status == "missed" and "internal_error" in (row.error or "")


def test_stale_claim_of_a_dead_process_is_taken_over(make, slack) -> None:
    """A claim younger than the lease is respected; an older one is taken over."""
    engine = make(schedule())
    (occ,) = occurrences(engine.schedules["alfa"], at(f"{FRIDAY} 00:00"), at(f"{FRIDAY} 23:00"))
    assert engine.store.claim(occ, at(f"{FRIDAY} 09:00"), engine.lease) is not None
    assert [o.status for o in engine.post_due(at(f"{FRIDAY} 09:02"))] == ["taken"]
    assert _texts(slack) == []
    assert [o.status for o in engine.post_due(at(f"{FRIDAY} 09:06"))] == ["posted"]


def test_dry_run_claims_nothing(make, slack) -> None:
    """--dry-run shows the exact text, writes nothing and posts nothing."""
    engine = make(schedule(), _agenda_at_ten())
    dry = engine.post_due(at(f"{FRIDAY} 10:30"), dry_run=True)
    assert [o.status for o in dry] == ["due", "due"]
    assert engine.store.rows(["alfa", "apt"], dt.date(2026, 1, 1)) == {}
    assert _texts(slack) == []
    real = engine.post_due(at(f"{FRIDAY} 10:30"))
    assert [o.text for o in real] == [o.text for o in dry] == _texts(slack)


def test_paused_channel_posts_nothing_until_resumed(make, slack) -> None:
    """Paused occurrences are recorded as paused; after resuming the next one goes out."""
    engine = make(schedule())
    engine.store.set_paused("C1", True)
    assert [o.status for o in engine.post_due(at(f"{FRIDAY} 09:00"))] == ["paused"]
    engine.store.set_paused("C1", False)
    assert engine.post_due(at(f"{FRIDAY} 09:10")) == []
    assert [o.status for o in engine.post_due(at("2027-01-08 09:00"))] == ["posted"]
    assert len(_texts(slack)) == 1


def test_racing_engines_on_sqlite_post_each_occurrence_once(make, slack) -> None:
    """Eight engines in threads on one SQLite file: every occurrence exactly once."""
    schedules = [schedule(name=f"s{i}", channel=f"C{i}", kind="apt", agenda_days_before=0) for i in range(4)]
    engines = [make(*schedules, grace_hours=24 * 15) for _ in range(8)]
    barrier = threading.Barrier(len(engines))

    def run(engine: ScheduleEngine) -> None:
        barrier.wait()
        engine.post_due(at(f"{FRIDAY} 09:30"))

    threads = [threading.Thread(target=run, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls = slack.calls_to("chat.postMessage")
    # First seen Friday 09:30 with 15 days of grace: 4, 11 and 18 December, per channel.
    assert len(calls) == 12
    for i in range(4):  # in date order, each once (no APT marked held: the step stays)
        texts = _texts(slack, f"C{i}")
        assert [t.split("Steg ")[1][:1] for t in texts] == ["1", "1", "1"]
        assert [t.split("APT ")[1].split("*")[0].split()[1] for t in texts] == ["4", "11", "18"]


def test_the_apt_week_has_one_hp_punkt_and_the_skipped_one_does_not_move_the_rotation(make, slack) -> None:
    """A weekly HP-punkt gives way to its channel's APT that week: not posted, not stored, no principle used.

    The agenda of the APT on Thursday 28 January goes out on the 21st, but its HP-punkt is for the
    week of the 28th: Friday 29 January is skipped, and the 5 February post takes the next principle.
    """
    from bot.schedules.planner import ahead, describe_deviation, preview, upcoming

    alfa = schedule(name="alfa", channel="C1", weekday="fredag")
    apt = schedule(name="apt", kind="apt", channel="C1", weekday="torsdag", week_of_month="last", time="10:00")
    start = at("2027-01-04 00:00")
    probe = make(alfa, apt)
    assert "alfa 2027-01-29" not in [
        f"{p.occurrence.schedule} {p.occurrence.nominal}" for p in upcoming(probe, start, 8)
    ]
    assert [describe_deviation(d) for d in ahead(probe, start, 40, "C1") if d.schedule == "alfa"] == [
        "HP-punkt fredag 29 januari 2027: hoppas över: HP-punkten tas upp på APT torsdag 28 januari"
    ]
    _, previewed = preview(probe, "alfa", dt.date(2027, 2, 5), start)
    moments = sorted({o.due_at for s in (alfa, apt) for o in occurrences(s, start, at("2027-02-06 00:00"))})
    outcomes = [o for moment in moments for o in make(alfa, apt).post_due(moment)]
    posted = [(o.occurrence.schedule, o.occurrence.nominal.isoformat()) for o in outcomes]
    assert posted == [
        ("alfa", "2027-01-08"), ("alfa", "2027-01-15"), ("apt", "2027-01-28"), ("alfa", "2027-01-22"),
        ("alfa", "2027-02-05"),
    ]  # fmt: skip
    assert {o.status for o in outcomes} == {"posted"}
    texts = _texts(slack, "C1")
    principles = [next(line for line in text.splitlines() if "*HP-punkt:" in line) for text in texts]
    assert len(principles) == 5, principles
    for expected, line in zip(["Jämställdhet", "Tillgänglighet", "Icke-diskriminering", "Jämställdhet",
                               "Tillgänglighet"], principles, strict=True):  # fmt: skip
        assert expected in line, (expected, line)
    assert texts[-1] == previewed  # the preview skipped 29 January too
    assert make(alfa, apt).store.status(occurrences(alfa, at("2027-01-29 00:00"), at("2027-01-30 00:00"))[0]) is None


def test_an_apt_skipped_by_hand_leaves_the_weeks_hp_punkt_to_the_weekly_meeting(make, slack) -> None:
    """`/hp hoppa` on the APT of Thursday 28 January: the channel still gets that week's HP-punkt,
    on Friday 29 January, and every view says so (it is no longer listed as given way)."""
    from bot.schedules.planner import ahead, skip_next, upcoming

    alfa = schedule(name="alfa", channel="C1", weekday="fredag")
    apt = schedule(name="apt", kind="apt", channel="C1", weekday="torsdag", week_of_month="last", time="10:00")
    now = at("2027-01-20 12:00")
    engine = make(alfa, apt)
    skipped = skip_next(engine, "C1", now)  # the agenda of the 28th goes out on the 21st: it is next
    assert skipped is not None and (skipped.schedule, skipped.nominal) == ("apt", dt.date(2027, 1, 28))
    assert "alfa 2027-01-29" in [f"{p.occurrence.schedule} {p.occurrence.nominal}" for p in upcoming(engine, now, 8)]
    given_way = [d.nominal for d in ahead(engine, now, 40, "C1") if d.schedule == "alfa"]
    assert given_way == [dt.date(2027, 2, 26)]  # February's APT is held: it keeps its week's HP-punkt
    moments = sorted({o.due_at for s in (alfa, apt) for o in occurrences(s, now, at("2027-02-06 00:00"))})
    outcomes = [o for moment in moments for o in make(alfa, apt).post_due(moment)]
    posted = [(o.occurrence.schedule, o.occurrence.nominal.isoformat()) for o in outcomes if o.status == "posted"]
    assert posted == [("alfa", "2027-01-22"), ("alfa", "2027-01-29"), ("alfa", "2027-02-05")]
    assert len(_texts(slack, "C1")) == 3
