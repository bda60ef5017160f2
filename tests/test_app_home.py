"""The App Home tab over real HTTP: signed events and clicks in, views.publish out to the stand-in."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.answer.types import Answer
from bot.errors import IndexMissing
from bot.evaluation.slack_standin import SlackStandIn, view_problems
from bot.schedules.config import load_schedules
from bot.schedules.engine import ScheduleEngine
from bot.schedules.overview import ScheduleOverview
from bot.schedules.slash import ScheduleCommands
from bot.search.index import KnownDocument
from bot.slack.app import build_app
from bot.slack.home import ChannelPlan, HomeContent, home_view
from bot.slack.server import SlackHTTPServer
from bot.store.answers import AnswerLog
from bot.store.db import make_engine, open_database
from bot.wiring import build_schedule_engine
from tests.core_fixtures import fake_index, write_small_folder
from tests.test_schedules_fixtures import at, settings_for, write_schedules
from tests.test_slack_http import SECRET, Bot, FakeAnswerer

pytestmark = pytest.mark.timeout(60)
NOW = at("2026-11-30 08:00")  # a Monday: next APT Tue 1 Dec, next HP-punkt Fri 4 Dec
INDEXED = dt.datetime(2026, 11, 20, 13, 5, tzinfo=dt.UTC)
SCHEDULES = [
    {"name": "alfa-hp", "kind": "hp", "channel": "C1", "weekday": "fredag", "time": "09:00",
     "start_date": "2026-11-01"},
    {"name": "alfa-apt", "kind": "apt", "channel": "C1", "weekday": "tisdag", "time": "09:00",
     "week_of_month": 2, "start_date": "2026-11-01", "start_step": 3},  # weekly, it would take every HP-punkt
    {"name": "beta-hp", "kind": "hp", "channel": "C2", "weekday": "onsdag", "time": "10:00",
     "start_date": "2026-11-01"},
]
PNR_QUESTION = "Mitt personnummer är 19900101-0017, gäller lagen mig?"


class FakeCatalog:
    """The index as the App Home reads it; `missing` makes it say it was never built."""

    def __init__(self, missing: bool = False) -> None:
        self.missing = missing

    def documents(self) -> list[KnownDocument]:
        """Return two documents (or raise IndexMissing)."""
        if self.missing:
            raise IndexMissing()
        return [KnownDocument("apt", "APT – arbetsplatsträff"),
                KnownDocument("respekttrappan", "Respekttrappan", "https://respekttrappan.se")]

    def indexed_at(self) -> dt.datetime | None:
        """Return a fixed time."""
        return INDEXED


@dataclass
class Home:
    """A running bot with schedules: its HTTP client, the stand-in and the schedule engine."""

    bot: Bot
    slack: SlackStandIn
    engine: ScheduleEngine
    log: AnswerLog

    def opened(self, user: str, tab: str = "home") -> None:
        """Send `app_home_opened` for `user`."""
        self.bot.event({"type": "app_home_opened", "user": user, "channel": "D1", "tab": tab,
                        "ts": f"{time.time():.6f}"})

    def click(self, user: str, action_id: str, value: str, select: bool = False) -> int:
        """Press a Home tab button (or choose a select option) as `user`."""
        action: dict[str, Any] = {"action_id": action_id, "block_id": "home-admin-C1", "action_ts": "1.2"}
        if select:
            action |= {"type": "static_select", "selected_option": {"value": value,
                                                                     "text": {"type": "plain_text", "text": "x"}}}
        else:
            action |= {"type": "button", "value": value}
        payload = {"type": "block_actions", "user": {"id": user}, "team": {"id": "T1"}, "api_app_id": "A1",
                   "container": {"type": "view", "view_id": "V1"}, "trigger_id": "1.2.x",
                   "view": {"id": "V1", "type": "home"}, "actions": [action]}
        return self.bot.post(urllib.parse.urlencode({"payload": json.dumps(payload)}),
                             "application/x-www-form-urlencoded")[0]

    def published(self, count: int = 1) -> dict[str, Any]:
        """Wait for the `count`th views.publish and return its view."""
        view: dict[str, Any] = self.slack.wait_for("views.publish", count)[count - 1].args["view"]
        return view


def start(slack: SlackStandIn, tmp_path: Path, catalog: FakeCatalog | None = None) -> tuple[Home, SlackHTTPServer]:
    """Build the app with schedules, the fake index and an admin; serve it on a free port."""
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url, slack_signing_secret=SECRET)
    write_schedules(settings.schedules_file, SCHEDULES)
    schedules = build_schedule_engine(settings, open_database(settings.database_url), None, None,
                                      load_schedules(settings.schedules_file))
    engine = make_engine(settings.database_url)
    found = catalog or FakeCatalog()
    app = build_app(settings, FakeAnswerer(), engine=engine,
                    schedule_commands=ScheduleCommands(schedules, {"UADMIN"}, clock=lambda: NOW),
                    overview=ScheduleOverview(schedules, clock=lambda: NOW), knowledge=lambda: found)
    server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    bot = Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", FakeAnswerer(), engine)
    return Home(bot, slack, schedules, AnswerLog(engine, settings.feedback_salt.get_secret_value())), server


@pytest.fixture()
def slack() -> Iterator[SlackStandIn]:
    """The stand-in, answering users.conversations with C1 (scheduled) and C7 (not)."""
    with SlackStandIn() as standin:
        standin.set_response("users.conversations", {
            "ok": True, "channels": [{"id": "C1"}, {"id": "C7"}], "response_metadata": {"next_cursor": ""}})
        yield standin
        assert standin.violations == []


@pytest.fixture()
def home(slack: SlackStandIn, tmp_path: Path) -> Iterator[Home]:
    """A running bot with the three schedules."""
    running, server = start(slack, tmp_path)
    yield running
    server.shutdown()


def texts(view: dict[str, Any]) -> str:
    """Return every text of `view`, joined."""
    return json.dumps(view, ensure_ascii=False)


def action_ids(view: dict[str, Any]) -> list[str]:
    """Return the action ids of every interactive element of `view`."""
    return [el["action_id"] for b in view["blocks"] for el in b.get("elements", []) if "action_id" in el]


def test_home_shows_the_next_posts_and_step_of_the_users_channels(home: Home, slack: SlackStandIn) -> None:
    home.opened("U1")
    view = home.published()
    shown = texts(view)
    assert view["type"] == "home"
    assert "<#C1>" in shown and "<#C2>" not in shown  # U1 is in C1 (and C7, which has no schedule)
    assert "HP-punkt fredag 4 december 2026 kl. 09:00" in shown
    assert ("APT-dagordning tisdag 1 december 2026 kl. 09:00 (för APT tisdag 8 december kl. 09.00)"
            " – Respekttrappan steg 3 av 7: Quizza!") in shown  # the agenda goes out a week ahead
    assert "<https://respekttrappan.se|Respekttrappan>" in shown and "APT – arbetsplatsträff" in shown
    assert "fredag 20 november 2026 kl. 14:05" in shown  # when the index changed, Swedish local time
    assert "Hur tar vi upp jämställdhet på APT?" in shown  # an example for an indexed document
    assert action_ids(view) == [] and "Återkoppling" not in shown  # no admin parts for U1
    (asked,) = slack.calls_to("users.conversations")
    assert asked.args["user"] == "U1"


def test_an_admin_pauses_a_channel_and_sets_its_step_from_the_home(home: Home) -> None:
    answer_id = home.log.record(Answer(PNR_QUESTION, "Ja [1].", False, "sv", ()), channel="C1",
                                thread_ts=None, user_id="U1")
    home.log.vote(answer_id, "U1", up=False)
    assert home.log.explain(answer_id, "U1", "not_answered", None)
    home.opened("UADMIN")
    view = home.published()
    shown = texts(view)
    assert "<#C1>" in shown and "<#C2>" in shown  # an admin sees every scheduled channel
    assert action_ids(view).count("home_pause") == 2 and "home_step" in action_ids(view)
    assert "👎 1" in shown and "[personnummer]" in shown and "19900101" not in shown
    assert "Svarade inte på frågan" in shown  # the latest 👎 with the reason its voter gave

    assert home.click("UADMIN", "home_pause", "C1") == 200
    paused = home.published(2)
    assert home.engine.store.channel_state("C1").paused
    assert not home.engine.store.channel_state("C2").paused
    assert "Schemalagda inlägg i kanalen är pausade" in texts(paused) and "home_resume" in action_ids(paused)

    assert home.click("UADMIN", "home_step", "C1|5", select=True) == 200
    home.published(3)
    assert home.engine.store.channel_state("C1").next_step == 5


def test_a_forged_click_by_a_non_admin_changes_nothing(home: Home) -> None:
    assert home.click("U1", "home_pause", "C1") == 200
    view = home.published()
    assert "Bara förbundets administratörer" in texts(view) and action_ids(view) == []
    assert home.click("U1", "home_skip", "C1") == 200
    home.published(2)
    state = home.engine.store.channel_state("C1")
    assert not state.paused and state.next_step is None
    assert home.engine.store.rows(list(home.engine.schedules), NOW.date()) == {}  # nothing skipped


def test_unreadable_parts_become_notes_and_the_tab_is_still_published(slack: SlackStandIn, tmp_path: Path) -> None:
    slack.set_response("users.conversations", {"ok": False, "error": "missing_scope"})
    running, server = start(slack, tmp_path, FakeCatalog(missing=True))
    try:
        running.opened("U1")
        shown = texts(running.published())
    finally:
        server.shutdown()
    assert "Jag kunde inte se vilka kanaler du är med i" in shown
    assert "Kunskapsbasen är inte indexerad än" in shown


def test_a_home_with_many_channels_stays_within_block_kit_limits() -> None:
    plans = tuple(ChannelPlan(f"C{i:03d}", "HP-punkt fredag", "APT tisdag", 2, "Lär!") for i in range(60))
    docs = tuple(KnownDocument(f"d{i}", "Ett dokument med en lång titel " * 3, "https://x.se") for i in range(80))
    view = home_view(HomeContent(admin=True, channels=plans, step_names=("Tänk!",) * 7, documents=docs,
                                 examples=("Vad är Respekttrappan?",)))
    assert view_problems(view) == []
    assert "… och 30 kanaler till" in texts(view) and "dokument till" in texts(view)


def test_the_index_lists_its_documents_and_when_it_changed(tmp_path: Path) -> None:
    kb = fake_index(tmp_path / "chroma")
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    kb.sync(write_small_folder(tmp_path / "knowledge"))
    assert {d.doc_id for d in kb.documents()} == {"cykelpolicy", "friskvard", "parkering", "kaffe"}
    assert all(d.title for d in kb.documents())
    indexed = kb.indexed_at()
    assert indexed is not None and before <= indexed <= dt.datetime.now(dt.UTC)
