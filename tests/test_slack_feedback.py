"""Stored answers and votes, event dedupe across replicas, and `bot feedback` / `bot serve`."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from bot.answer.types import Answer, Source
from bot.cli import slack as cli_slack
from bot.settings import Settings
from bot.store.answers import AnswerLog
from bot.store.db import init_db, make_engine
from bot.store.events import EventDeduper
from tests.pg import temp_schema

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
SOURCE = Source("apt", "APT-guiden", "Agenda", 0.81234, "lång text", url="https://ex.org/apt")


def an_answer(question: str = "Hur ofta HP på APT?") -> Answer:
    """Return a Swedish answer with one source."""
    return Answer(question, "Varje APT [1].", False, "sv", (SOURCE,), notice="Kortad fråga.")


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite database with every table."""
    eng = make_engine(f"sqlite:///{tmp_path}/hp.db")
    init_db(eng)
    yield eng
    eng.dispose()


def test_answer_round_trip_and_thread_lookup(engine: Engine) -> None:
    log = AnswerLog(engine, "salt")
    answer_id = log.record(an_answer(), channel="C1", thread_ts="1.2", user_id="U1", now=T0)
    stored = log.get(answer_id)
    assert stored is not None
    assert (stored.question, stored.text, stored.notice) == (
        "Hur ofta HP på APT?", "Varje APT [1].", "Kortad fråga.")
    assert stored.sources[0].title == "APT-guiden" and stored.sources[0].url == SOURCE.url
    assert log.answered_in_thread("C1", "1.2") and not log.answered_in_thread("C1", "9.9")
    assert log.get("nope") is None


def test_votes_store_only_a_salted_hash_and_can_change(engine: Engine) -> None:
    log = AnswerLog(engine, "salt")
    answer_id = log.record(an_answer(), channel="C1", thread_ts=None, user_id="U1", now=T0)
    assert log.vote(answer_id, "U7", up=True, now=T0)
    assert log.vote(answer_id, "U7", up=False, now=T0 + timedelta(minutes=1))
    assert not log.vote("unknown", "U7", up=True)
    summary = log.summary()
    assert (summary.up, summary.down) == (0, 1)
    with engine.connect() as conn:
        dump = json.dumps([list(r) for r in conn.execute(text("SELECT * FROM slack_votes"))]
                          + [list(map(str, r)) for r in conn.execute(
                              text("SELECT * FROM slack_answers"))])
    assert "U7" not in dump and "U1" not in dump
    assert log.hash_user("U7") in dump and AnswerLog(engine, "other").hash_user("U7") not in dump


def test_summary_and_export_format(engine: Engine) -> None:
    log = AnswerLog(engine, "salt")
    first = log.record(an_answer("Första?"), channel="C1", thread_ts=None, user_id="U1", now=T0)
    second = log.record(an_answer("Andra?"), channel="C1", thread_ts=None, user_id="U1", now=T0)
    log.vote(first, "U1", up=False, now=T0)
    log.vote(second, "U1", up=False, now=T0 + timedelta(hours=1))
    log.vote(second, "U2", up=False, now=T0 + timedelta(hours=2))
    log.vote(first, "U3", up=True, now=T0)
    summary = log.summary(latest=2)
    assert (summary.up, summary.down, summary.share_up) == (1, 3, 0.25)
    assert [vote.question for vote in summary.latest_down] == ["Andra?", "Andra?"]
    records = log.downvoted()
    assert [r["question"] for r in records] == ["Andra?", "Första?"]
    assert records[0] == {
        "id": f"feedback-{second}", "question": "Andra?", "expected_sources": [],
        "must_include": [], "answerable": True, "answer": "Varje APT [1].",
        "sources": [{"id": "apt", "title": "APT-guiden", "section": "Agenda",
                     "url": "https://ex.org/apt", "score": 0.8123, "chunk_id": "",
                     "kind": "other", "organisation": ""}],
        "reason": None, "comment": None,
    }


def test_dedupe_claims_once_across_replicas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/shared.db"
    first, second = make_engine(url), make_engine(url)
    init_db(first)
    replica_a, replica_b = EventDeduper(first), EventDeduper(second)
    assert replica_a.claim("Ev1", now=T0)
    assert not replica_b.claim("Ev1", now=T0)
    assert not replica_a.claim("Ev1", now=T0)
    assert replica_b.claim("Ev2", now=T0) and replica_a.claim(None)
    assert replica_a.prune(T0 + timedelta(days=3)) == 2
    assert replica_b.claim("Ev1", now=T0 + timedelta(days=3))


@pytest.mark.postgres
def test_dedupe_and_votes_on_postgres() -> None:
    with temp_schema() as url:
        engine = make_engine(url)
        try:
            init_db(engine)
            other = make_engine(url)
            assert EventDeduper(engine).claim("Ev1") and not EventDeduper(other).claim("Ev1")
            other.dispose()
            log = AnswerLog(engine, "salt")
            answer_id = log.record(an_answer(), channel="C1", thread_ts="1.2", user_id="U1")
            assert log.vote(answer_id, "U2", up=False) and log.vote(answer_id, "U2", up=True)
            assert (log.summary().up, log.summary().down) == (1, 0)
        finally:
            engine.dispose()


def cli(settings: Settings) -> typer.Typer:
    """Return a Typer app with the Slack commands, its callback passing `settings`."""
    app = typer.Typer()

    @app.callback()
    def _configure(ctx: typer.Context) -> None:
        ctx.obj = settings

    cli_slack.register(app)
    return app


def test_feedback_command_summary_and_export(engine: Engine, tmp_path: Path) -> None:
    log = AnswerLog(engine, "hp-assistenten")
    answer_id = log.record(an_answer(), channel="C1", thread_ts=None, user_id="U1", now=T0)
    log.vote(answer_id, "U2", up=False, now=T0)
    settings = Settings(_env_file=None, database_url=str(engine.url))  # type: ignore[call-arg]
    runner = CliRunner()
    result = runner.invoke(cli(settings), ["feedback"])
    assert result.exit_code == 0, result.output
    assert "👎 1" in result.output and "Hur ofta HP på APT?" in result.output
    out = tmp_path / "review" / "down.jsonl"
    result = runner.invoke(cli(settings), ["feedback", "--export", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["question"] == "Hur ofta HP på APT?" and record["expected_sources"] == []


@pytest.mark.parametrize(("args", "missing"), [
    ([], "SLACK_BOT_TOKEN, SLACK_APP_TOKEN"),
    (["--http", "--port", "9"], "SLACK_SIGNING_SECRET"),
])
def test_serve_without_tokens_exits_2_without_traceback(args: list[str], missing: str) -> None:
    settings = Settings(_env_file=None,  # type: ignore[call-arg]
                        slack_bot_token="xoxb-x" if args else None)
    result = CliRunner().invoke(cli(settings), ["serve", *args])
    assert result.exit_code == 2
    assert missing in result.output and "Traceback" not in result.output
