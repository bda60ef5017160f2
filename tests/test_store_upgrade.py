"""A database made by an older bot keeps working after an upgrade that adds columns."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bot.answer.types import Answer
from bot.search.types import Source
from bot.store.answers import AnswerLog
from bot.store.db import add_missing_columns, open_database
from tests.pg import temp_schema

# slack_answers as the bot of 2026-11-23 created it: no question_ts / message_ts.
OLD_TABLE = """
CREATE TABLE slack_answers (
    id VARCHAR(32) PRIMARY KEY, created_at TIMESTAMP NOT NULL, question TEXT NOT NULL,
    answer TEXT NOT NULL, sources TEXT NOT NULL, language VARCHAR(8) NOT NULL,
    refused BOOLEAN NOT NULL, notice TEXT, channel VARCHAR(32) NOT NULL, thread_ts VARCHAR(32),
    user_hash VARCHAR(64) NOT NULL
)
"""
# slack_votes as the bot of 2026-12 created it: no reason / comment of a 👎.
OLD_VOTES = """
CREATE TABLE slack_votes (
    answer_id VARCHAR(32) NOT NULL REFERENCES slack_answers (id), user_hash VARCHAR(64) NOT NULL,
    vote SMALLINT NOT NULL, voted_at TIMESTAMP NOT NULL, PRIMARY KEY (answer_id, user_hash)
)
"""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def old_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a database holding the old table and one old answer."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
    else:
        with temp_schema() as url:
            yield url


def test_an_old_answers_table_gets_the_new_columns_and_keeps_its_rows(old_database: str) -> None:
    from bot.store.db import make_engine

    old = make_engine(old_database)
    with old.begin() as conn:
        conn.execute(text(OLD_TABLE))
        conn.execute(text(
            "INSERT INTO slack_answers VALUES ('a1', CURRENT_TIMESTAMP, 'Gammal fråga?', 'Svar [1].', '[]',"
            " 'sv', false, NULL, 'C1', '1.0', 'h')"
        ))
        conn.execute(text(OLD_VOTES))
        conn.execute(text("INSERT INTO slack_votes VALUES ('a1', 'old-voter', -1, CURRENT_TIMESTAMP)"))
    old.dispose()

    engine = open_database(old_database)  # what `bot serve` does at start
    columns = {c["name"] for c in inspect(engine).get_columns("slack_answers")}
    log = AnswerLog(engine, "salt")
    source = Source("apt", "APT", "", 0.9, "text")
    answer_id = log.record(Answer("Ny fråga?", "Svar [1].", False, "sv", (source,)),
                           channel="C1", thread_ts="2.0", user_id="U1", question_ts="2.0")

    assert {"question_ts", "message_ts"} <= columns
    assert {"reason", "comment"} <= {c["name"] for c in inspect(engine).get_columns("slack_votes")}
    assert log.vote("a1", "U2", up=False) and log.explain("a1", "U2", "wrong", "Fel steg.")
    assert log.summary().by_reason == {None: 1, "wrong": 1}  # the old 👎 has no reason
    assert log.get(answer_id) is not None and log.get("a1") is not None  # old rows still read
    assert add_missing_columns(engine) == []  # a second start finds nothing to add
