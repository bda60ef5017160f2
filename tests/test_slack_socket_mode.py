"""`bot serve` in Socket Mode over a real local WebSocket, and `--http` through `run()`."""

import json
import threading
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from bot.answer.types import Answer, Source, Turn
from bot.evaluation.slack_standin import SlackStandIn, signed_headers
from bot.settings import Settings
from bot.wiring import Services, run_bot

SECRET = "socket-secret"


class EchoAnswerer:
    """Answers with one source."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Return a fixed answer."""
        source = Source("apt", "APT-guiden", "Agenda", 0.8, "…")
        return Answer(question, "Ta upp HP-punkten på varje APT [1].", False, "sv", (source,))


class FakeScheduler:
    """Records start/stop like the scheduled posts' scheduler."""

    def __init__(self) -> None:
        self.events: list[str] = []

    def start(self) -> None:
        """Note the start."""
        self.events.append("start")

    def stop(self) -> None:
        """Note the stop."""
        self.events.append("stop")


def envelope(envelope_id: str) -> dict[str, Any]:
    """Return an events_api envelope carrying an app_mention."""
    event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> Hur ofta HP på APT?",
             "ts": "500.000001", "channel": "C9", "team": "T1", "event_ts": "500.000001"}
    return {"envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False,
            "retry_attempt": 0, "retry_reason": "",
            "payload": {"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
                        "event_id": "EvSOCKET1", "event_time": 500, "event": event}}


@pytest.fixture()
def scheduler() -> FakeScheduler:
    """A recording fake of the scheduled posts."""
    return FakeScheduler()


def run_in_thread(settings: Settings, http: bool, scheduler: FakeScheduler) -> tuple[
        threading.Event, threading.Thread, list[int | None]]:
    """Start `run_bot` in a thread; wait until it serves."""
    stop, ready = threading.Event(), threading.Event()
    ports: list[int | None] = []

    def on_ready(app: Any, port: int | None) -> None:
        ports.append(port)
        ready.set()

    services = Services(settings, answerer=EchoAnswerer())
    thread = threading.Thread(target=run_bot, args=(services,), kwargs={
        "http": http, "host": "127.0.0.1", "port": 0, "stop": stop, "on_ready": on_ready,
        "scheduler": scheduler}, daemon=True)
    thread.start()
    assert ready.wait(10), "the bot did not start"
    return stop, thread, ports


def test_socket_mode_acks_the_envelope_and_answers(slack: SlackStandIn, tmp_path: Path,
                                                   scheduler: FakeScheduler) -> None:
    acks: list[dict[str, Any]] = []
    got_ack = threading.Event()

    def handler(ws: ServerConnection) -> None:
        ws.send(json.dumps({"type": "hello", "num_connections": 1,
                            "connection_info": {"app_id": "A1"}}))
        ws.send(json.dumps(envelope("env-1")))
        try:
            for message in ws:
                data = json.loads(message)
                if data.get("envelope_id"):
                    acks.append(data)
                    got_ack.set()
        except ConnectionClosed:  # the bot hangs up without a close frame when it stops
            pass

    with serve(handler, "127.0.0.1", 0) as ws_server:
        threading.Thread(target=ws_server.serve_forever, daemon=True).start()
        port = ws_server.socket.getsockname()[1]
        slack.set_response("apps.connections.open",
                           {"ok": True, "url": f"ws://127.0.0.1:{port}/link/?ticket=t"})
        settings = Settings(_env_file=None, slack_bot_token="xoxb-test",  # type: ignore[call-arg]
                            slack_app_token="xapp-test", slack_api_url=slack.url,
                            database_url=f"sqlite:///{tmp_path}/hp.db")
        stop, thread, _ = run_in_thread(settings, http=False, scheduler=scheduler)
        try:
            assert got_ack.wait(5)
            assert acks[0]["envelope_id"] == "env-1"
            stop_call = slack.wait_for("chat.stopStream")[0]
            assert "APT-guiden" in json.dumps(stop_call.args["blocks"], ensure_ascii=False)
            opened = slack.calls_to("apps.connections.open")[0]
            assert opened.headers["authorization"] == "Bearer xapp-test"
        finally:
            stop.set()
            thread.join(10)
    assert scheduler.events == ["start", "stop"]


def test_http_mode_through_run(slack: SlackStandIn, tmp_path: Path,
                               scheduler: FakeScheduler) -> None:
    settings = Settings(_env_file=None, slack_bot_token="xoxb-test",  # type: ignore[call-arg]
                        slack_signing_secret=SECRET, slack_api_url=slack.url,
                        database_url=f"sqlite:///{tmp_path}/hp.db")
    stop, thread, ports = run_in_thread(settings, http=True, scheduler=scheduler)
    try:
        base = f"http://127.0.0.1:{ports[0]}"
        with urllib.request.urlopen(base + "/healthz", timeout=5) as resp:
            assert resp.read() == b"ok"
        body = json.dumps(envelope("unused")["payload"])
        req = urllib.request.Request(base + "/slack/events", data=body.encode(), headers={
            "Content-Type": "application/json", **signed_headers(SECRET, body)})
        started = time.monotonic()
        with urllib.request.urlopen(req, timeout=5) as resp:
            assert resp.status == 200
        assert time.monotonic() - started < 1.0
        slack.wait_for("chat.stopStream")
    finally:
        stop.set()
        thread.join(10)
    assert scheduler.events == ["start", "stop"]
