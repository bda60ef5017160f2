""" "Genomförd ✅" and thread notes in the database, and Respekttrappan steps that move only after a held APT."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.evaluation.slack_standin import SlackStandIn
from bot.schedules.engine import ScheduleEngine
from bot.schedules.recurrence import Occurrence, occurrences
from bot.slack.poster import HELD, post_blocks
from bot.store.db import open_database
from bot.store.schedule_tables import NOTES, POSTS
from bot.store.traces import PostKey, PostTraces
from tests.test_schedules_fixtures import FakeRetriever, at, build_engine, client_for, schedule, settings_for

APT = schedule(name="apt", kind="apt", channel="C1", weekday="måndag", start_step=3, week_of_month=1)
HP = schedule(name="hp", kind="hp", channel="C2")


@pytest.fixture()
def make(tmp_path: Path, slack: SlackStandIn, database_url: str):
    """Return a factory of engines over one database (SQLite or PostgreSQL) posting to the stand-in."""

    def _make() -> ScheduleEngine:
        settings = settings_for(tmp_path, database_url, slack.url)
        return build_engine(settings, client_for(slack.url), [APT, HP], FakeRetriever())

    return _make


def due_until(until: str) -> list[Occurrence]:
    """Return every occurrence of APT and HP due from 1 January 2026 until `until`, in order."""
    return sorted(
        (o for s in (APT, HP) for o in occurrences(s, at("2026-01-01 00:00"), at(until))), key=lambda o: o.due_at
    )


def post(engine: ScheduleEngine, occ: Occurrence) -> None:
    """Run the engine when `occ` is due; it must be posted."""
    assert [o.status for o in engine.post_due(occ.due_at) if o.occurrence == occ] == ["posted"]


def step_of(text: str) -> int:
    """Return the Respekttrappan step an agenda's text takes up."""
    return int(text.split("Steg ")[1].split(" av 7")[0])


def agendas(slack: SlackStandIn) -> list[str]:
    """Return the texts of the APT agendas posted, oldest first."""
    return [c.args["text"] for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "C1"]


def key(occ: Occurrence) -> PostKey:
    """Return the stored post of `occ`."""
    return PostKey(occ.schedule, occ.nominal, occ.channel)


def test_a_held_apt_moves_the_next_agenda_on_and_an_unheld_one_repeats_its_step(make, slack: SlackStandIn) -> None:
    traces = PostTraces(make().store.engine)
    shown: list[int] = []
    for occ in due_until("2026-07-10 00:00"):
        post(make(), occ)  # a new engine each time: as after a restart
        if occ.kind != "apt":
            continue
        shown.append(step_of(agendas(slack)[-1]))
        if len(shown) in {1, 3}:  # the first and third APTs were held
            assert traces.mark_held(key(occ), "U1", occ.due_at + dt.timedelta(hours=1)) is not None
    assert shown[:5] == [3, 4, 4, 5, 5]  # 1st held → 2nd on step 4; 2nd not → 3rd step 4 again; 3rd held → 5
    assert "Vi fortsätter med steg 4" in agendas(slack)[2]  # the repeated step says so
    assert "Vi fortsätter" not in agendas(slack)[1]


def test_pressing_again_changes_nothing_and_moves_the_step_once(make, slack: SlackStandIn) -> None:
    engine = make()
    traces = PostTraces(engine.store.engine)
    jan = next(o for o in due_until("2026-03-10 00:00") if o.kind == "apt")
    for occ in due_until("2026-03-10 00:00"):
        if occ.due_at <= jan.due_at:
            post(engine, occ)
    first = traces.mark_held(key(jan), "U1", at("2026-03-05 10:00"))
    again = traces.mark_held(key(jan), "U1", at("2026-03-05 10:01"))
    other = traces.mark_held(key(jan), "U2", at("2026-03-06 08:00"))
    assert first is not None and first.now and first.by == "U1"
    assert again is not None and other is not None and not again.now and not other.now
    assert (again.by, again.at) == (other.by, other.at) == ("U1", at("2026-03-05 10:00"))
    assert engine.store.channel_state("C1").next_step == 4  # 3 held: on to 4, once


def test_a_late_press_on_an_older_agenda_and_an_admins_step_never_move_the_step_twice(make) -> None:
    engine = make()
    traces = PostTraces(engine.store.engine)
    jan, feb = [o for o in due_until("2026-04-10 00:00") if o.kind == "apt"][:2]
    post(engine, jan)
    post(engine, feb)  # January was not marked: February takes up step 3 again
    assert engine.store.channel_state("C1").next_step == 3
    assert traces.mark_held(key(jan), "U1", feb.due_at)  # pressed late, on January's agenda
    assert engine.store.channel_state("C1").next_step == 4
    assert traces.mark_held(key(feb), "U1", feb.due_at)  # February's was step 3 too
    assert engine.store.channel_state("C1").next_step == 4
    engine.store.set_next_step("C1", 6)  # an admin's /hp steg 6 stands
    assert engine.store.channel_state("C1").next_step == 6


def test_undoing_a_mark_moves_the_step_back_once_unless_another_apt_took_it_up(make) -> None:
    engine = make()
    traces = PostTraces(engine.store.engine)
    jan, feb = [o for o in due_until("2026-04-10 00:00") if o.kind == "apt"][:2]
    post(engine, jan)
    assert traces.mark_held(key(jan), "U1", at("2026-01-05 10:00"))
    assert engine.store.channel_state("C1").next_step == 4
    assert traces.unmark_held(key(jan)) and not traces.unmark_held(key(jan))  # a second "Ångra" changes nothing
    assert engine.store.channel_state("C1").next_step == 3  # January's APT did not take place after all
    with engine.store.engine.connect() as conn:
        assert conn.execute(select(POSTS.c.held_by, POSTS.c.held_at).where(POSTS.c.schedule == "apt")).all() == [
            (None, None)
        ]

    post(engine, feb)  # February takes up step 3 again; both agendas are then marked held
    assert traces.mark_held(key(jan), "U1", feb.due_at) and traces.mark_held(key(feb), "U1", feb.due_at)
    assert traces.unmark_held(key(feb))  # January's APT still took step 3 up: the step stays on 4
    assert engine.store.channel_state("C1").next_step == 4
    engine.store.set_next_step("C1", 6)  # an admin's /hp steg 6 stands
    assert traces.unmark_held(key(jan)) and engine.store.channel_state("C1").next_step == 6


def test_only_a_posted_post_can_be_marked(make) -> None:
    traces = PostTraces(make().store.engine)
    assert traces.mark_held(PostKey("apt", dt.date(2026, 1, 5), "C1"), "U1", at("2026-01-05 10:00")) is None
    assert not traces.unmark_held(PostKey("apt", dt.date(2026, 1, 5), "C1"))
    assert traces.post_at("C1", "1.000001") is None


def test_a_note_is_stored_masked_once_and_found_by_its_thread(make, slack: SlackStandIn) -> None:
    engine = make()
    traces = PostTraces(engine.store.engine)
    hp = next(o for o in due_until("2026-01-10 00:00") if o.kind == "hp")
    post(engine, hp)
    found = traces.post_at("C2", _message_ts(engine, hp))
    assert found == key(hp)
    text = "Vi pratade om\nrampen. Ring Anna på 070-123 45 67"
    assert traces.add_note(found, "2.000001", text, at("2026-01-09 10:00"))
    assert not traces.add_note(found, "2.000001", text, at("2026-01-09 10:05"))  # the event again
    with engine.store.engine.connect() as conn:
        (stored,) = conn.execute(select(NOTES.c.text, NOTES.c.schedule)).all()
    assert stored == ("Vi pratade om rampen. Ring Anna på [telefonnummer]", "hp")


def _message_ts(engine: ScheduleEngine, occ: Occurrence) -> str:
    """Return the Slack ts the engine stored for a posted occurrence."""
    with engine.store.engine.connect() as conn:
        ts = conn.execute(
            select(POSTS.c.message_ts).where(POSTS.c.schedule == occ.schedule, POSTS.c.nominal == occ.nominal)
        ).scalar_one()
    return str(ts)


def test_open_database_creates_the_trace_columns_and_notes(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'fresh.db'}")
    with engine.connect() as conn:
        assert conn.execute(select(NOTES)).all() == []


def test_an_apt_reminders_button_marks_its_apt() -> None:
    blocks = post_blocks("Påminnelse", {"schedule": "apt+påminnelse", "nominal": "2026-03-02"})
    (button,) = blocks[-1]["elements"]
    assert button["action_id"] == HELD and button["value"] == "apt|2026-03-02"
