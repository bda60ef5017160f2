"""Indexing and answering through a real Chroma server (`chroma run`) on 127.0.0.1."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest

from bot.errors import IndexMissing
from bot.settings import Settings
from bot.wiring import build_answerer, build_index
from tests.core_fixtures import settings_for, write_small_folder
from tests.processes import stop

CHROMA = Path(sys.executable).parent / "chroma"
STARTUP_SECONDS = 30

pytestmark = pytest.mark.slow  # a server process


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    """Poll the server's heartbeat; fail with its log if it dies or never answers."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"chroma run exited with {proc.returncode}:\n{log.read_text()[-2000:]}")
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
            return
        except Exception:  # not listening yet
            time.sleep(0.2)
    pytest.fail(f"chroma run did not answer within {STARTUP_SECONDS} s:\n{log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A `chroma run` server for this module, stopped at the end."""
    assert CHROMA.exists(), f"{CHROMA} is missing: the chromadb package ships it"
    folder = tmp_path_factory.mktemp("chroma-server")
    port, log = free_port(), folder / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(CHROMA),
                "run",
                "--path",
                str(folder / "data"),
                "--port",
                str(port),
                "--host",
                "127.0.0.1",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_up(proc, port, log)
            yield port
        finally:
            stop(proc)


def server_settings(tmp_path: Path, port: int, **overrides: object) -> Settings:
    """Settings in HTTP mode; chroma_path points at a folder that must stay unused."""
    folder = write_small_folder(tmp_path / "knowledge")
    return settings_for(
        folder,
        tmp_path / "unused-embedded",
        chroma_host="127.0.0.1",
        chroma_port=port,
        **overrides,
    )


def test_index_and_answer_through_the_server(tmp_path: Path, chroma_port: int) -> None:
    settings = server_settings(tmp_path, chroma_port)

    report = build_index(settings).sync(settings.knowledge_dir)
    answer = build_answerer(settings).ask("Hur länge får man låna en elcykel?")

    assert report.added == 5 and not report.errors
    assert not answer.refused
    assert answer.sources[0].id == "cykelpolicy" and "[1]" in answer.text
    # The chunks live on the server, not in an embedded folder.
    stored = chromadb.HttpClient(host="127.0.0.1", port=chroma_port).get_collection(
        settings.chroma_collection
    )
    assert stored.count() == 5
    assert not settings.chroma_path.exists()
    # Incremental through the server as well.
    assert build_index(settings).sync(settings.knowledge_dir).added == 0


def test_a_missing_collection_on_the_server_is_index_missing(
    tmp_path: Path, chroma_port: int
) -> None:
    settings = server_settings(tmp_path, chroma_port, chroma_collection="never-indexed")

    with pytest.raises(IndexMissing):
        build_answerer(settings).ask("Hur länge får man låna en elcykel?")
