"""`bot bench load`: the TCP proxy's outage, and a short real run of the whole benchmark."""

import json
import socket
import socketserver
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.evaluation.tcp_proxy import TcpProxy
from tests.pg import temp_schema

ROOT = Path(__file__).resolve().parents[1]


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(1024):
            self.request.sendall(data)


@pytest.fixture
def echo_port() -> Iterator[int]:
    """A TCP echo server on 127.0.0.1."""
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def _echo_through(port: int) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"hej")
        return sock.recv(16)


def test_the_proxy_cuts_open_connections_refuses_new_ones_and_restores(echo_port: int) -> None:
    with TcpProxy("127.0.0.1", echo_port) as proxy:
        assert _echo_through(proxy.port) == b"hej"
        open_conn = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
        open_conn.sendall(b"a")
        assert open_conn.recv(16) == b"a"

        proxy.cut()

        try:  # the open connection is gone: reset, or closed without a byte
            assert open_conn.recv(16) == b""
        except ConnectionResetError:
            pass
        finally:
            open_conn.close()
        with pytest.raises(ConnectionRefusedError):
            _echo_through(proxy.port)

        proxy.restore()

        assert _echo_through(proxy.port) == b"hej"


@pytest.mark.slow  # a Chroma server, `bot index` and two `bot serve --http` processes
@pytest.mark.postgres
@pytest.mark.timeout(300)  # a first run embeds knowledge/ (minutes on a busy machine)
def test_a_short_run_counts_every_question_and_answers_each_once() -> None:
    with temp_schema() as url:  # skips (or fails in CI) without PostgreSQL; the bench makes its own schema
        env = {"PATH": str(Path(sys.executable).parent), "HOME": str(Path.home()),
               "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "DATABASE_URL": url}
        bench = subprocess.Popen(
            [sys.executable, "-m", "bot", "bench", "load", "--rate", "5", "--seconds", "5",
             "--replicas", "2", "--drain", "45", "--json"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            out, err = bench.communicate(timeout=280)
        finally:  # SIGTERM: the bench kills its own children and drops its schema
            bench.terminate()
            bench.wait(timeout=30)
    assert bench.returncode == 0, err[-3000:] + out[-3000:]
    report = json.loads(out)

    events = report["events"]
    assert sum(events.values()) == 25  # 5 events/s for 5 s, none dropped by the sender
    assert events["retry"] and events["redelivery"]  # the same events again, as Slack sends them
    assert sum(report["statuses"].values()) == 25 and "0" not in report["statuses"]  # each got a response
    # Every new question is counted, and each is answered (or told why not) exactly once.
    assert report["questions"] == events["mention"] + events["dm"] > 0
    assert report["answered"] + report["told_only"] + report["lost"] == report["questions"]
    assert report["lost"] == 0 and report["duplicated"] == 0
    # Answers are matched to their questions: answers arrived, none to an unknown question.
    assert report["answered"] > 0 and report["unmatched_answers"] == 0
    assert report["first_post_ms"]["p50"] is not None and report["ack_ms"]["p99"] is not None
    assert report["violations"] == 0 and report["replicas_alive"] == 2
