"""End to end: personal data in a Slack question reaches no search, log line, table or export.

The real Bolt app over real HTTP against the Slack stand-in, answering with the real
extractive answerer over a small index (deterministic fake embeddings that record what
they were asked to embed). The question holds a constructed personnummer, a phone number
from PTS's range for fictitious use and an address at example.com.
"""

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from bot.answer.extractive import ExtractiveAnswerer
from bot.answer.types import Answer, Turn
from bot.cli import app as cli_app
from bot.evaluation.slack_standin import SlackStandIn
from bot.search.retriever import HybridRetriever
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.store.answers import AnswerLog, answers_table
from bot.store.db import init_db, make_engine
from tests.core_fixtures import CountingEmbeddings, fake_embeddings, fake_index, write_small_folder
from tests.test_slack_http import SECRET, Bot, FakeAnswerer, make_settings, mention

QUESTION = ("Mitt personnummer är 19900101-0017, ring 070-174 06 05 eller mejla "
            "<mailto:anna.svensson@example.com|anna.svensson@example.com>. "
            "Hur länge får man låna en elcykel?")
MASKED = ("Mitt personnummer är [personnummer], ring [telefonnummer] eller mejla [e-post]. "
          "Hur länge får man låna en elcykel?")
RAW = ["19900101-0017", "9001010017", "900101", "174 06 05", "1740605", "anna.svensson", "example.com"]
NOTICE = "Jag tog bort personuppgifter (personnummer, telefonnummer och e-postadress) ur frågan"


class RecordingEmbeddings(CountingEmbeddings):
    """Fake embeddings that keep every query they were asked to embed."""

    def __init__(self) -> None:
        super().__init__(fake_embeddings())
        self.queried: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        """Record the query, then embed it."""
        self.queried.append(text)
        return super().embed_query(text)


class FailingFirst:
    """The real answerer, except that the first `failures` questions fail."""

    def __init__(self, inner: ExtractiveAnswerer, failures: int) -> None:
        self.inner, self.failures = inner, failures

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Raise while failures are left, then answer."""
        if self.failures > 0:
            self.failures -= 1
            raise RuntimeError("the index broke")
        return self.inner.ask(question, history)


def leaks(text: str) -> list[str]:
    """Return the raw personal data found in `text`."""
    return [raw for raw in RAW if raw in text]


def test_personal_data_never_reaches_search_logs_table_or_export(
    slack: SlackStandIn, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    embeddings = RecordingEmbeddings()
    index = fake_index(tmp_path / "chroma", embeddings)
    index.sync(write_small_folder(tmp_path / "kb"))
    answerer = FailingFirst(ExtractiveAnswerer(HybridRetriever(index)), failures=2)
    settings = make_settings(slack, tmp_path)
    engine = make_engine(settings.database_url)
    server = SlackHTTPServer(build_app(settings, answerer, engine=engine), "127.0.0.1", 0, signing_secret=SECRET)
    server.start()
    bot = Bot(slack, f"http://127.0.0.1:{server.port}/slack/events", FakeAnswerer(), engine)  # its poster only
    try:
        bot.event(mention(f"<@UBOT> {QUESTION}", ts="100.000001"))  # fails: the error path logs
        failure = slack.wait_for("chat.postMessage")[0].args
        bot.command(QUESTION)  # `/hp` fails too
        slack.wait_for("response_url", 2)
        bot.event(mention(f"<@UBOT> {QUESTION}", ts="100.000002"))  # answered
        slack.wait_for("reactions.remove", 2)
        answered_id = stored_question(bot)[0]
        assert bot.click("feedback_down", answered_id) == 200
        slack.wait_for("response_url", 3)
    finally:
        server.shutdown()

    assert failure["text"].startswith(":warning:")
    assert stored_question(bot) == (answered_id, MASKED)
    sent = json.dumps([call.args for call in slack.calls], ensure_ascii=False)
    assert NOTICE in sent and leaks(sent) == []  # the reply tells the asker; Slack gets nothing back
    assert embeddings.queried and all(leaks(q) == [] for q in embeddings.queried)
    # What was searched is what was asked: the sentence that only gave personal data is left out.
    assert any("låna en elcykel" in q for q in embeddings.queried)
    assert not any("personnummer" in q for q in embeddings.queried)

    failures = [r.getMessage() for r in caplog.records if r.getMessage().startswith("could not answer")]
    assert failures == ["could not answer in C1 (RuntimeError)", "could not answer /hp in C1 (RuntimeError)"]
    assert leaks(caplog.text) == []  # no record, traceback or debug line holds the raw data

    monkeypatch.setenv("DATABASE_URL", str(bot.engine.url))
    out = tmp_path / "down.jsonl"
    result = CliRunner().invoke(cli_app, ["feedback", "--export", str(out)])
    assert result.exit_code == 0, result.output
    (record,) = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert record["question"] == MASKED


def stored_question(bot: Bot) -> tuple[str, str]:
    """Return the id and question of the one answer in the database."""
    with bot.engine.connect() as conn:
        (row,) = conn.execute(select(answers_table.c.id, answers_table.c.question)).all()
    return row.id, row.question


def test_the_answer_table_masks_what_a_caller_forgot_and_what_older_rows_hold(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/hp.db")
    init_db(engine)
    log = AnswerLog(engine, "salt")
    raw = Answer(QUESTION, "> Upp till tre månader. [1]", refused=False, language="sv")

    new_id = log.record(raw, channel="C1", thread_ts=None, user_id="U1")
    old_id = log.record(raw, channel="C1", thread_ts=None, user_id="U1")
    with engine.begin() as conn:  # a row stored before questions were masked
        conn.execute(update(answers_table).where(answers_table.c.id == old_id).values(question=QUESTION))
    for answer_id in (new_id, old_id):
        log.vote(answer_id, "U2", up=False)

    with engine.connect() as conn:
        stored = dict(conn.execute(select(answers_table.c.id, answers_table.c.question)).tuples().all())
    assert stored == {new_id: MASKED, old_id: QUESTION}
    assert [vote.question for vote in log.summary().latest_down] == [MASKED, MASKED]
    assert [r["question"] for r in log.downvoted()] == [MASKED, MASKED]
    old = log.get(old_id)
    assert old is not None and old.question == MASKED
