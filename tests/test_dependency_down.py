"""A dependency that is down: each command names it in one Swedish line; `bot serve` starts and waits.

The database (PostgreSQL at a closed port, or a SQLite file that cannot be made), the Chroma
server (CHROMA_HOST at a closed port) and Slack (SLACK_API_URL at a closed port), one at a time.
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import Result
from langchain_core.embeddings import DeterministicFakeEmbedding
from sqlalchemy import inspect
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from bot import wiring
from bot.answer.retrying import RetryingAnswerer
from bot.answer.types import Answer, Answerer, Turn
from bot.cli import app
from bot.errors import HPError, IndexUnavailable
from bot.evaluation.slack_standin import SlackStandIn, signed_headers
from bot.evaluation.tcp_proxy import TcpProxy
from bot.settings import Settings
from bot.wiring import Services, run_bot
from tests import pg
from tests.core_fixtures import write_small_folder
from tests.processes import stop
from tests.test_index_unavailable import chroma_server, free_port
from tests.test_schedules_fixtures import write_schedules
from tests.test_wiring import HP_TEXT

pytestmark = pytest.mark.timeout(120)
SCHEDULE = [{"name": "alfa", "kind": "hp", "channel": "C1", "weekday": "fredag", "time": "09:00",
             "start_date": "2026-01-01"}]
QUESTION = {"id": "q1", "question": "Hur länge får man låna en elcykel?", "expected_sources": ["cykelpolicy"],
            "must_include": ["tre månader"], "answerable": True}
DUE = "2026-01-02T09:00"  # alfa's first post


def closed_port() -> int:
    """Return a local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture()
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working setup (knowledge, schedules, embedded Chroma, SQLite); each test breaks one part."""
    monkeypatch.setenv("KNOWLEDGE_DIR", str(write_small_folder(tmp_path / "knowledge")))
    monkeypatch.setenv("SCHEDULES_FILE", str(write_schedules(tmp_path / "s.yaml", SCHEDULE)))
    monkeypatch.setenv("CHROMA_PATH", str(tmp_path / "chroma"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'hp.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    (tmp_path / "q.jsonl").write_text(json.dumps(QUESTION, ensure_ascii=False) + "\n", encoding="utf-8")
    return tmp_path


def run(tmp: Path, args: list[str]) -> Result:
    """Run `bot ARGS` in-process (`{tmp}` in an argument is the test's folder)."""
    argv = [arg.replace("{tmp}", str(tmp)) for arg in args]
    return CliRunner().invoke(app, argv, input="Vad är en elcykel?\n", catch_exceptions=False)


def one_line(result: Result) -> str:
    """Assert the command failed with exactly one line on stderr and no traceback; return the line."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code != 0, result.output
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


DATABASE_COMMANDS = [
    ["feedback"], ["feedback", "--export", "{tmp}/down.jsonl"], ["post-due"], ["post-due", "--dry-run"],
    ["post-due", "--now", DUE], ["schedules"], ["preview", "hp", "--schedule", "alfa"],
]
CHROMA_COMMANDS = [["index"], ["ask", "Hur länge får man låna en elcykel?"], ["ask", "--json", "Vad?"],
                   ["chat"], ["eval", "--questions", "{tmp}/q.jsonl"]]


@pytest.mark.parametrize("args", DATABASE_COMMANDS, ids=" ".join)
def test_postgresql_down_is_one_line_naming_the_server_without_the_password(
    setup: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    port = closed_port()
    monkeypatch.setenv("DATABASE_URL", f"postgresql+psycopg://postgres:hemligt@127.0.0.1:{port}/test")

    line = one_line(run(setup, args))

    assert line.startswith(f"Fel: Databasen på 127.0.0.1:{port} går inte att nå"), line
    assert "hemligt" not in line


@pytest.mark.parametrize("args", [*DATABASE_COMMANDS, ["serve", "--http", "--port", "0"]], ids=" ".join)
def test_a_sqlite_file_that_cannot_be_made_is_one_line_naming_it(
    setup: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    (setup / "a-file").write_text("not a folder")  # root may write anywhere, but not below a file
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{setup / 'a-file' / 'hp.db'}")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "secret")

    line = one_line(run(setup, args))

    assert line.startswith(f"Fel: Databasfilen {setup / 'a-file' / 'hp.db'} går inte att öppna"), line


@pytest.mark.parametrize("args", CHROMA_COMMANDS, ids=" ".join)
def test_the_chroma_server_down_is_one_line_naming_it(
    setup: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    port = closed_port()
    monkeypatch.setenv("CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("CHROMA_PORT", str(port))

    line = one_line(run(setup, args))

    assert line.startswith(f"Fel: Chroma på 127.0.0.1:{port} går inte att nå"), line
    assert "Chroma-servern" in line


def test_slack_down_stops_post_due_before_it_claims_a_post(setup: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{closed_port()}/api/")

    line = one_line(run(setup, ["post-due", "--now", DUE]))

    assert line.startswith("Fel: Slack (http://127.0.0.1:"), line
    with SlackStandIn() as slack:  # Slack back: the post was not marked failed or taken, it goes out
        monkeypatch.setenv("SLACK_API_URL", slack.url)
        result = run(setup, ["post-due", "--now", DUE])
        assert result.exit_code == 0, result.output
        assert [call.args["channel"] for call in slack.calls if call.method == "chat.postMessage"] == ["C1"]


BOT = Path(sys.executable).parent / "bot"
SECRET = "secret"


def bot_env(tmp: Path, **values: str) -> dict[str, str]:
    """The environment of a `bot` subprocess: this one's less the bot's own variables, plus `values`."""
    own = ("SLACK_", "CHROMA_", "KNOWLEDGE_", "EMBEDDING_", "DATABASE_", "SCHEDULES_", "LOG_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    env.update(HF_HUB_OFFLINE="1", CHROMA_PATH=str(tmp / "chroma"), SCHEDULES_FILE=str(tmp / "none.yaml"),
               KNOWLEDGE_DIR=str(write_small_folder(tmp / "knowledge")), SLACK_BOT_TOKEN="xoxb-test",
               SLACK_SIGNING_SECRET=SECRET, DATABASE_URL=f"sqlite:///{tmp / 'hp.db'}")
    env.update(values)
    return env


@contextmanager
def serving(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """Run `bot serve --http --port 0`; yield it and its stderr lines so far; stop it at the end."""
    proc = subprocess.Popen([str(BOT), "serve", "--http", "--host", "127.0.0.1", "--port", "0"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines: list[str] = []

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line.rstrip("\n"))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        yield proc, lines
    finally:
        stop(proc)  # type: ignore[arg-type]  # text mode changes nothing for stopping it
        reader.join(5)


def http_port(proc: subprocess.Popen[str], lines: list[str], timeout: float = 90) -> int:
    """Wait until the server logs its address; return the port (fail with the log if it exits)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in list(lines):
            if found := re.search(r"http://127\.0\.0\.1:(\d+)/slack/events", line):
                return int(found.group(1))
        assert proc.poll() is None, "bot serve exited:\n" + "\n".join(lines[-30:])
        time.sleep(0.2)
    raise AssertionError("bot serve did not start:\n" + "\n".join(lines[-30:]))


def get(port: int, path: str) -> tuple[int, str]:
    """GET http://127.0.0.1:PORT/PATH; return the status and body (also for 4xx/5xx)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serve_starts_with_postgresql_down_and_reports_not_ready(tmp_path: Path) -> None:
    with SlackStandIn() as slack:
        env = bot_env(tmp_path, DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/test",
                      SLACK_API_URL=slack.url, LOG_LEVEL="INFO")
        with serving(env) as (proc, lines):
            port = http_port(proc, lines)

            assert get(port, "/healthz") == (200, "ok")
            status, body = get(port, "/readyz")
            assert status == 503 and json.loads(body)["database"] != "ok", body
            assert proc.poll() is None  # still serving


def test_serve_with_slack_down_says_so_in_exactly_one_line(tmp_path: Path) -> None:
    env = bot_env(tmp_path, SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/")

    done = subprocess.run([str(BOT), "serve", "--http", "--host", "127.0.0.1", "--port", "0"], env=env,
                          capture_output=True, text=True, timeout=110)

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [done.stderr.strip()], done.stderr  # logs included
    assert done.stderr.startswith("Fel: Slack (http://127.0.0.1:")


def test_readiness_follows_postgresql_and_the_tables_are_made_when_it_answers(tmp_path: Path) -> None:
    with pg.temp_schema() as url, TcpProxy("127.0.0.1", make_url(url).port or 5432) as proxy:
        proxy.cut()  # refuses connections, as a stopped server does
        proxied = make_url(url).set(port=proxy.port).render_as_string(hide_password=False)
        services = Services(Settings(_env_file=None, database_url=proxied, chroma_path=tmp_path / "chroma"))
        services.tolerant = True  # as `bot serve` does

        engine = services.database  # no error: the tables wait for the database

        assert services.readiness()["database"] is False
        proxy.restore()
        assert wait_until(lambda: services.readiness()["database"], 30), "the database never became ready"
        assert inspect(engine).has_table("slack_answers")
        engine.dispose()


def wait_until(check: Callable[[], bool], timeout: float) -> bool:
    """Poll `check` until it is true or `timeout` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def mention(port: int, event_id: str, text: str) -> None:
    """Send a signed app_mention to the bot's Events API."""
    body = json.dumps({
        "type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
        "event_time": int(time.time()),
        "event": {"type": "app_mention", "user": "U1", "channel": "C1", "ts": f"{time.time():.6f}",
                  "text": f"<@UBOT> {text}", "event_ts": f"{time.time():.6f}"},
    })
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/slack/events", data=body.encode(),
        headers={"Content-Type": "application/json", **signed_headers(SECRET, body)},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def said(slack: SlackStandIn, text: str) -> bool:
    """Return True when any call to the stand-in carried `text`."""
    return any(text in json.dumps(call.args, ensure_ascii=False) for call in list(slack.calls))


@pytest.mark.slow  # a Chroma server process, stopped and started again
def test_serve_started_with_chroma_down_answers_once_chroma_is_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wiring, "make_embeddings", lambda *_: DeterministicFakeEmbedding(size=64))
    chroma = free_port()
    with SlackStandIn() as slack:
        folder = tmp_path / "knowledge"
        folder.mkdir()
        (folder / "jamstalldhet.md").write_text(HP_TEXT, encoding="utf-8")
        settings = Settings(
            _env_file=None, knowledge_dir=folder, chroma_host="127.0.0.1", chroma_port=chroma,
            database_url=f"sqlite:///{tmp_path / 'hp.db'}", schedules_file=tmp_path / "none.yaml",
            slack_bot_token="xoxb-test", slack_signing_secret=SECRET, slack_api_url=slack.url,
            relevance_floor=-1.0,  # fake embeddings carry no meaning: let the one document be quoted
        )
        with chroma_server(tmp_path / "data", chroma):
            Services(settings).index.sync(folder)  # as `bot index` would
        services, stop_bot, ready = Services(settings), threading.Event(), threading.Event()
        ports: list[int] = []
        thread = threading.Thread(target=run_bot, args=(services,), kwargs={
            "http": True, "host": "127.0.0.1", "port": 0, "stop": stop_bot,
            "on_ready": lambda _app, port: (ports.append(port or 0), ready.set()),
        }, daemon=True)
        thread.start()
        try:
            assert ready.wait(60), "bot serve did not start with Chroma down"
            assert services.readiness()["index"] is False
            assert get(ports[0], "/readyz")[0] == 503
            mention(ports[0], "Ev1", "Vad betyder jämställdhet?")
            assert wait_until(lambda: said(slack, "Jag når inte kunskapsbasen"), 30)  # the Swedish text

            with chroma_server(tmp_path / "data", chroma):
                assert wait_until(lambda: services.readiness()["index"], 30), "Chroma back, index never ready"
                assert wait_until(lambda: answers(services), 30), "the answerer never came back"
                mention(ports[0], "Ev2", "Vad betyder jämställdhet?")
                assert wait_until(lambda: said(slack, "samma makt"), 30), "no answer after Chroma came back"
        finally:
            stop_bot.set()
            thread.join(15)
    assert slack.violations == []


def answers(services: Services) -> bool:
    """Return True when the bot's answerer answers (False while it raises Chroma's error)."""
    try:
        services.answerer.ask("Vad betyder jämställdhet?")
    except HPError:
        return False
    return True


class FlakyBuild:
    """Builds an answerer only from its `fails`+1-th call on; counts the calls."""

    def __init__(self, fails: int) -> None:
        self.fails, self.calls = fails, 0

    def __call__(self) -> Answerer:
        self.calls += 1
        if self.calls <= self.fails:
            raise IndexUnavailable("127.0.0.1:1", "Connection refused")
        return FixedAnswerer()


class FixedAnswerer:
    """Answers every question with the same text."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Return a fixed answer."""
        return Answer(question=question, text="Svar [1]", refused=False, language="sv")


def test_the_answerer_is_built_again_with_backoff_until_chroma_answers() -> None:
    now = [0.0]
    build = FlakyBuild(fails=2)
    answerer = RetryingAnswerer(build, IndexUnavailable("127.0.0.1:1", "x"), first_delay=1, max_delay=4,
                                clock=lambda: now[0])

    with pytest.raises(IndexUnavailable):
        answerer.ask("Fråga?")  # within the first delay: not even tried
    assert build.calls == 0
    now[0] = 1.0
    with pytest.raises(IndexUnavailable):
        answerer.ask("Fråga?")  # tried, failed: the next try waits 2 s
    now[0] = 2.5
    with pytest.raises(IndexUnavailable):
        answerer.ask("Fråga?")
    assert build.calls == 1
    now[0] = 3.0
    with pytest.raises(IndexUnavailable):
        answerer.ask("Fråga?")  # tried again, failed: next in 4 s (the cap)
    now[0] = 7.0
    assert answerer.ask("Fråga?").text == "Svar [1]"
    assert answerer.ask("Och nu?").text == "Svar [1]" and build.calls == 3  # built once, kept
