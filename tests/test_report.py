"""`bot report` and the App Home's report button: counts, Markdown, CSV, the PNG chart, the upload to a DM."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.answer.types import Answer
from bot.cli import app as cli
from bot.evaluation.slack_standin import SlackStandIn
from bot.schedules.report import build_report, gather
from bot.schedules.report_chart import to_png
from bot.schedules.report_render import to_csv, to_markdown
from bot.search.types import Source
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.store.answers import AnswerLog
from bot.store.db import open_database
from bot.store.traces import NoteFact, PostFact
from tests.test_schedules_fixtures import settings_for
from tests.test_slack_http import SECRET, Bot, FakeAnswerer

pytestmark = pytest.mark.timeout(120)
PNG = b"\x89PNG\r\n\x1a\n"
HELD = dt.datetime(2026, 3, 6, 10, tzinfo=dt.UTC)
POSTS = [
    PostFact("C1", "alfa", "hp", dt.date(2026, 3, 6), "jämställdhet", None, HELD),
    PostFact("C1", "alfa", "hp", dt.date(2026, 3, 13), "tillgänglighet", None, None),
    PostFact("C1", "apt", "apt", dt.date(2026, 3, 26), "icke-diskriminering", 3, HELD),
    PostFact("C1", "apt", "apt", dt.date(2026, 4, 30), "jämställdhet", 4, None),
    PostFact("C1", "apt+påminnelse", "reminder", dt.date(2026, 4, 30), None, None, None),
    PostFact("C2", "beta", "hp", dt.date(2026, 5, 5), "jämställdhet", None, HELD),
]
NOTES = [NoteFact("C1", "alfa", dt.date(2026, 3, 6), "Vi pratade om | kallelsen")]


def test_counts_per_channel_principle_month_and_step() -> None:
    report = build_report(2026, POSTS, NOTES, Counter({"Respekttrappan": 3, "APT": 1}))
    c1, c2 = report.channels
    assert c1.posted == Counter({"jämställdhet": 2, "tillgänglighet": 1, "icke-diskriminering": 1})  # no reminder
    assert c1.held == Counter({"jämställdhet": 1, "icke-diskriminering": 1})
    assert [(a.step, a.held) for a in c1.apts] == [(3, True), (4, False)] and c1.steps_held == [3]
    assert report.held_by_month() == Counter(
        {(3, "jämställdhet"): 1, (3, "icke-diskriminering"): 1, (5, "jämställdhet"): 1}
    )
    assert c2.notes == () and report.topics == (("Respekttrappan", 3), ("APT", 1)) and report.questions == 4


def test_markdown_and_csv_say_it_in_swedish_without_names() -> None:
    report = build_report(2026, POSTS, NOTES, Counter({"Respekttrappan": 3}))
    md = to_markdown(report)
    assert md.startswith("# HP-rapport 2026\n")
    assert "| Jämställdhet | 2 | 1 |" in md and "| **Totalt** | **4** | **2** |" in md
    assert "| 2026-03-26 | 3 | ja |" in md and "| 2026-04-30 | 4 | nej |" in md
    assert "- 2026-03-06: Vi pratade om / kallelsen" in md  # a pipe would break the Markdown
    assert "| Respekttrappan | 3 |" in md and "U1" not in md
    rows = to_csv(report).splitlines()
    assert rows[0] == "avsnitt,kanal,datum,nyckel,postade,genomförda,text"
    assert "hp-punkter,C1,,jämställdhet,2,1," in rows and "respekttrappan,C1,2026-03-26,3,1,1," in rows
    assert "anteckning,C1,2026-03-06,alfa,,,Vi pratade om | kallelsen" in rows


def test_the_chart_is_a_png_and_matplotlib_loads_only_when_drawing() -> None:
    assert to_png(build_report(2026, POSTS, [], Counter())).startswith(PNG)
    code = (
        "import sys, bot.schedules.report_render, bot.cli.report, bot.slack.listeners.home; "
        "print('matplotlib' in sys.modules)"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def test_questions_are_counted_by_topic_once_per_question(database_url: str) -> None:
    engine = open_database(database_url)
    log = AnswerLog(engine, "salt")
    source = Source("respekttrappan", "Respekttrappan", "Steg 1", 0.9, "")
    when = dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC)
    for ts in ("1.1", "1.1", "1.2"):  # 1.1 was edited and answered again: one question
        log.record(
            Answer("Vad är steg 1?", "Tänk! [1]", False, "sv", (source,)),
            channel="C1",
            thread_ts=None,
            user_id="U1",
            question_ts=ts,
            now=when,
        )
    log.record(
        Answer("Vad är lex Heller?", "Dokumenten säger inte.", True, "sv", ()),
        channel="D1",
        thread_ts=None,
        user_id="U2",
        question_ts="2.1",
        now=when,
    )
    log.record(
        Answer("Förra året?", "x [1]", False, "sv", (source,)),
        channel="C1",
        thread_ts=None,
        user_id="U1",
        question_ts="3.1",
        now=dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC),  # 00:30 on 1 January in Sweden: 2026
    )
    report = gather(engine, 2026)
    assert dict(report.topics) == {"Respekttrappan": 3, "Inget svar i dokumenten": 1}
    assert dict(gather(engine, 2026, channel="C1").topics) == {"Respekttrappan": 3}
    assert "Vad är" not in to_markdown(report)


def test_cli_writes_each_format_and_refuses_a_png_to_the_terminal(tmp_path: Path) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'hp.db'}",
        "SCHEDULES_FILE": str(tmp_path / "none.yaml"),
        "LOG_LEVEL": "WARNING",
    }
    runner = CliRunner()
    md = runner.invoke(cli, ["report", "--year", "2026"], env=env, catch_exceptions=False)
    assert md.exit_code == 0 and "Inga schemalagda inlägg under året." in md.output
    png = runner.invoke(cli, ["report", "--year", "2026", "--format", "png"], env=env)
    assert png.exit_code == 2 and "ange också --output" in png.output
    out = tmp_path / "hp.png"
    done = runner.invoke(cli, ["report", "--year", "2026", "--format", "png", "--output", str(out)], env=env)
    assert done.exit_code == 0 and out.read_bytes().startswith(PNG)
    bad = runner.invoke(cli, ["report", "--year", "2026", "--output", str(tmp_path / "no" / "dir" / "r.md")], env=env)
    assert bad.exit_code == 2 and "kan inte skrivas" in bad.output and "Traceback" not in bad.output


def test_a_simulated_year_of_the_example_schedules(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}", "LOG_LEVEL": "WARNING"}
    example = Path(__file__).resolve().parents[1] / "schedules.example.yaml"
    result = CliRunner().invoke(
        cli, ["report", "--year", "2026", "--simulate", str(example)], env=env, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert "## Kanal C0123ABCD (projekt-alfa, apt-projektet)" in result.output
    assert "| nej |" in result.output and "| ja |" in result.output  # some APTs held, some not
    assert not (tmp_path / "unused.db").exists()  # DATABASE_URL is left alone


@pytest.fixture()
def admin_home(slack: SlackStandIn, tmp_path: Path) -> Iterator[Bot]:
    """The bot over HTTP with UADMIN as admin and a report of two files."""
    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url, slack_signing_secret=SECRET)
    engine = open_database(settings.database_url)
    report = build_report(2026, POSTS, NOTES, Counter({"Respekttrappan": 3}))

    def files(year: int) -> list[tuple[str, bytes]]:
        assert year in {2026, 2025}
        return [(f"hp-rapport-{year}.md", to_markdown(report).encode()), (f"hp-rapport-{year}.png", to_png(report))]

    app = build_app(settings, FakeAnswerer(), engine=engine, report=files)
    server = SlackHTTPServer(app, "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    yield Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", FakeAnswerer(), engine)
    server.shutdown()


def click_report(bot: Bot, user: str, year: int) -> int:
    """Press the Home tab's report button for `year` as `user`."""
    action = {
        "type": "button",
        "action_id": f"home_report_{year}",
        "value": str(year),
        "block_id": "home-report",
        "action_ts": "1.2",
    }
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "container": {"type": "view", "view_id": "V1"},
        "trigger_id": "1.2.x",
        "view": {"id": "V1", "type": "home"},
        "actions": [action],
    }
    return bot.post(urllib.parse.urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")[0]


def test_an_admin_gets_the_report_uploaded_to_their_dm(admin_home: Bot, slack: SlackStandIn) -> None:
    admin_home.event({"type": "app_home_opened", "user": "UADMIN", "channel": "D1", "tab": "home", "ts": "1.0"})
    view = slack.wait_for("views.publish")[0].args["view"]
    buttons = [e["action_id"] for b in view["blocks"] for e in b.get("elements", []) if "action_id" in e]
    year = dt.datetime.now(dt.UTC).year
    assert f"home_report_{year}" in buttons and "HP-rapport till årsredovisningen" in json.dumps(
        view, ensure_ascii=False
    )

    assert click_report(admin_home, "UADMIN", 2026) == 200
    (completed,) = slack.wait_for("files.completeUploadExternal")
    assert completed.args["channel_id"] == "D0STANDIN"  # the DM conversations.open gave
    assert slack.calls_to("conversations.open")[0].args["users"] == "UADMIN"
    uploads = sorted(slack.uploads.values(), key=lambda u: str(u["filename"]))
    assert [u["filename"] for u in uploads] == ["hp-rapport-2026.md", "hp-rapport-2026.png"]
    assert uploads[0]["data"].decode().startswith("# HP-rapport 2026") and uploads[1]["data"].startswith(PNG)
    assert all(u.get("done") for u in uploads) and len(slack.calls_to("file_upload")) == 2
    notice = json.dumps(slack.wait_for("views.publish", 2)[1].args["view"], ensure_ascii=False)
    assert "HP-rapporten för 2026 finns nu i ditt direktmeddelande" in notice


def test_anyone_else_gets_no_report(admin_home: Bot, slack: SlackStandIn) -> None:
    assert click_report(admin_home, "U1", 2026) == 200
    view = json.dumps(slack.wait_for("views.publish")[0].args["view"], ensure_ascii=False)
    assert "Bara förbundets administratörer kan ta fram HP-rapporten." in view and "home_report" not in view
    assert slack.calls_to("files.getUploadURLExternal") == [] and slack.uploads == {}


def test_the_standin_refuses_an_upload_that_skips_a_step(slack: SlackStandIn) -> None:
    from slack_sdk import WebClient

    client = WebClient(token="xoxb-test", base_url=slack.url)
    client.files_completeUploadExternal(files=[{"id": "F404", "title": "x"}], channel_id="D1")
    assert slack.violations == ["files.completeUploadExternal: F404 was not uploaded"]
    slack.violations.clear()
    client.files_getUploadURLExternal(filename="r.md", length=0)
    assert len(slack.violations) == 1 and slack.violations[0].startswith("files.getUploadURLExternal: '0'")
    slack.violations.clear()


def test_the_services_build_the_report_files_the_app_home_uploads(tmp_path: Path) -> None:
    from bot.wiring import Services

    settings = settings_for(tmp_path, f"sqlite:///{tmp_path / 'hp.db'}")
    files = dict(Services(settings).report_files(2026))
    assert sorted(files) == ["hp-rapport-2026.md", "hp-rapport-2026.png"]
    assert files["hp-rapport-2026.md"].decode().startswith("# HP-rapport 2026")
    assert files["hp-rapport-2026.png"][:8] == PNG
