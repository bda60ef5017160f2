"""A Chroma server that accepts connections but never answers (SIGSTOP'ed) costs seconds, not a hang.

chromadb's own HTTP client waits for ever; `make_client` gives it a deadline, so the asker gets
the Swedish "Jag når inte kunskapsbasen" within ANSWER_TIMEOUT_SECONDS and `/readyz` says 503.
"""

import os
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from bot import wiring
from bot.errors import IndexUnavailable
from bot.evaluation.slack_standin import SlackStandIn
from bot.search.index import make_client
from bot.settings import Settings
from bot.wiring import Services, run_bot
from tests.test_dependency_down import SECRET, get, mention, said, wait_until
from tests.test_index_unavailable import chroma_server, free_port
from tests.test_wiring import HP_TEXT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]  # a server process
DEADLINE = 5.0  # make_client's default timeout


@contextmanager
def silent_server() -> Iterator[int]:
    """Listen on a port, accept every connection and never answer; yield the port."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not done.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1]
    finally:
        done.set()
        thread.join(5)
        for conn in held:
            conn.close()
        server.close()


def test_a_server_that_never_answers_is_unavailable_within_the_timeout(tmp_path: Path) -> None:
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(IndexUnavailable) as info:
            make_client(tmp_path / "unused", "127.0.0.1", port, timeout=1.0)

    assert time.monotonic() - started < 3
    assert f"127.0.0.1:{port}" in str(info.value)


def test_a_frozen_chroma_server_gives_the_swedish_error_in_time_and_not_ready(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wiring, "make_embeddings", lambda *_: DeterministicFakeEmbedding(size=64))
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "jamstalldhet.md").write_text(HP_TEXT, encoding="utf-8")
    port = free_port()
    with SlackStandIn() as slack, chroma_server(tmp_path / "data", port) as chroma:
        settings = Settings(
            _env_file=None,
            knowledge_dir=folder,
            chroma_host="127.0.0.1",
            chroma_port=port,
            database_url=f"sqlite:///{tmp_path / 'hp.db'}",
            schedules_file=tmp_path / "none.yaml",
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=slack.url,
            relevance_floor=-1.0,  # fake embeddings carry no meaning: let the one document be quoted
            answer_timeout_seconds=20.0,
        )
        Services(settings).index.sync(folder)  # as `bot index` would
        services, stop_bot, ready = Services(settings), threading.Event(), threading.Event()
        ports: list[int] = []
        thread = threading.Thread(
            target=run_bot,
            args=(services,),
            kwargs={
                "http": True,
                "host": "127.0.0.1",
                "port": 0,
                "stop": stop_bot,
                "on_ready": lambda _app, p: (ports.append(p or 0), ready.set()),
            },
            daemon=True,
        )
        thread.start()
        try:
            assert ready.wait(60), "bot serve did not start"
            mention(ports[0], "Ev1", "Vad betyder jämställdhet?")
            assert wait_until(lambda: said(slack, "samma makt"), 30), "no answer while Chroma answered"

            os.kill(chroma.pid, signal.SIGSTOP)  # still accepting connections, never answering
            asked = time.monotonic()
            mention(ports[0], "Ev2", "Vad betyder jämställdhet?")
            assert wait_until(lambda: said(slack, "Jag når inte kunskapsbasen"), settings.answer_timeout_seconds)
            assert time.monotonic() - asked < settings.answer_timeout_seconds
            assert not said(slack, "Det tog för lång tid")  # told what is wrong, not only that it was slow
            checked = time.monotonic()
            status, body = get(ports[0], "/readyz")
            assert status == 503 and '"index":"nede"' in body.replace(" ", ""), body
            assert time.monotonic() - checked < DEADLINE + 3

            os.kill(chroma.pid, signal.SIGCONT)
            assert wait_until(lambda: services.readiness()["index"], 30), "Chroma answers again, never ready"
        finally:
            stop_bot.set()
            thread.join(15)
    assert slack.violations == []
