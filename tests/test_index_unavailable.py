"""An unreachable Chroma server is `IndexUnavailable` (naming the server), never `IndexMissing`."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from bot.errors import IndexMissing, IndexUnavailable
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from tests.processes import stop

CHROMA = Path(sys.executable).parent / "chroma"
STARTUP_SECONDS = 30


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def chroma_server(data: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """Run `chroma run` on 127.0.0.1:`port`; yield the process once it answers; stop it at the end
    (woken first: a test may have SIGSTOPped it, and a stopped process cannot handle SIGTERM)."""
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(data), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            try:
                make_client(data, "127.0.0.1", port)
                break
            except IndexUnavailable:
                assert proc.poll() is None and time.monotonic() < deadline, "chroma run did not start"
                time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGCONT)
        stop(proc)


def test_a_closed_port_is_unavailable_and_names_the_server(tmp_path: Path) -> None:
    port = free_port()

    with pytest.raises(IndexUnavailable) as info:
        make_client(tmp_path / "unused", "127.0.0.1", port)

    assert f"127.0.0.1:{port}" in str(info.value) and "CHROMA_HOST" in str(info.value)
    assert "bot index" not in str(info.value)


@pytest.mark.slow  # a server process
def test_a_server_that_went_away_is_unavailable_not_missing(tmp_path: Path) -> None:
    port = free_port()
    with chroma_server(tmp_path / "data", port):
        client = make_client(tmp_path / "unused", "127.0.0.1", port)
        kb = KnowledgeIndex(client, "hp-knowledge", DeterministicFakeEmbedding(size=8))
        assert not kb.exists()  # reachable but never indexed: missing, as before
        with pytest.raises(IndexMissing):
            kb.state()
    # The server stopped under a running bot: the same calls now name the server.
    with pytest.raises(IndexUnavailable) as info:
        kb.exists()
    assert f"127.0.0.1:{port}" in str(info.value) and "bot index" not in str(info.value)
    with pytest.raises(IndexUnavailable):
        HybridRetriever(kb).hits("Vad är en APT?")
    with pytest.raises(IndexUnavailable):
        kb.drop()
