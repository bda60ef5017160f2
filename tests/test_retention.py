"""ANSWER_RETENTION_DAYS: stored question and answer texts older than the limit are removed.

The rows stay with their time, sources and votes (the yearly report counts questions by
topic); only what was typed and answered goes. On SQLite and on PostgreSQL, through the
real `bot feedback --prune` and `bot feedback --export`.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from bot.answer.types import Answer, Source
from bot.cli import app as cli_app
from bot.store.answers import AnswerLog, answers_table, votes_table
from bot.store.db import init_db, make_engine
from tests.pg import temp_schema

SOURCE = Source("cykelpolicy", "Cykelpolicy", "Lånecyklar", 0.8, "…")
SALT = "hp-assistenten"  # FEEDBACK_SALT's default, as the CLI uses it


def record(log: AnswerLog, question: str, age: timedelta, now: datetime) -> str:
    """Store an answer to `question` posted `age` before `now`, voted 👎 by U2."""
    answer = Answer(question, f"> Svar på {question} [1]", False, "sv", (SOURCE,))
    answer_id = log.record(answer, channel="C1", thread_ts=None, user_id="U1", now=now - age)
    assert log.vote(answer_id, "U2", up=False, now=now - age)
    return answer_id


def cli(url: str, *args: str) -> str:
    """Run `bot ARGS` against the database at `url`; return its output."""
    env = {"DATABASE_URL": url, "ANSWER_RETENTION_DAYS": "30"}
    result = CliRunner().invoke(cli_app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


def check_retention(engine: Engine, url: str, tmp_path: Path) -> None:
    log = AnswerLog(engine, SALT)
    now = datetime.now(UTC)
    old = record(log, "Gammal fråga om elcykeln?", timedelta(days=31), now)
    recent = record(log, "Ny fråga om elcykeln?", timedelta(days=29), now)

    assert "Texterna i 1 svar äldre än 30 dagar borttagna" in cli(url, "feedback", "--prune")
    out = tmp_path / "down.jsonl"
    cli(url, "feedback", "--export", str(out))

    exported = out.read_text(encoding="utf-8")
    assert "Gammal fråga" not in exported and "Svar på Gammal" not in exported
    assert [json.loads(line)["question"] for line in exported.splitlines()] == ["Ny fråga om elcykeln?"]
    with engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(answers_table))}
        votes = conn.execute(select(func.count()).select_from(votes_table)).scalar_one()
    assert (rows[old].question, rows[old].answer) == ("", "")
    assert json.loads(rows[old].sources)[0]["id"] == "cykelpolicy"  # still counted by topic
    assert rows[recent].question == "Ny fråga om elcykeln?" and votes == 2
    assert log.get(old) is None and log.get(recent) is not None  # an old answer's buttons: expired
    assert (log.summary().down, log.prune(now, 30)) == (2, 0)  # votes counted; nothing left to prune


@pytest.fixture()
def sqlite(tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    url = f"sqlite:///{tmp_path}/hp.db"
    engine = make_engine(url)
    init_db(engine)
    yield engine, url
    engine.dispose()


def test_texts_older_than_the_limit_are_removed_on_sqlite(sqlite: tuple[Engine, str], tmp_path: Path) -> None:
    check_retention(*sqlite, tmp_path)


@pytest.mark.postgres
def test_texts_older_than_the_limit_are_removed_on_postgres(tmp_path: Path) -> None:
    with temp_schema() as url:
        engine = make_engine(url)
        try:
            init_db(engine)
            check_retention(engine, url, tmp_path)
        finally:
            engine.dispose()


def test_the_limit_is_measured_from_now_in_any_time_zone(sqlite: tuple[Engine, str]) -> None:
    log = AnswerLog(sqlite[0], SALT)
    now = datetime(2025, 6, 30, 12, tzinfo=UTC)
    record(log, "Gränsfall?", timedelta(days=30, hours=-1), now)  # 29 days 23 hours old

    stockholm = now.astimezone(ZoneInfo("Europe/Stockholm"))  # the scheduler's clock
    assert log.prune(stockholm, 30) == 0
    assert log.prune(stockholm + timedelta(hours=2), 30) == 1
