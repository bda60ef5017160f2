"""HTTP mode under hostile input: the real server on a free port, a real Bolt app, real signatures.

The Bolt app acknowledges after its listener has run (`process_before_response`), and a
middleware records every request Bolt sees, so "Bolt never saw it" is known the moment the
response arrives.
"""

import hashlib
import hmac
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.evaluation.slack_standin import SlackStandIn, signed_headers
from bot.metrics import Metrics
from bot.slack.server import SlackHTTPServer

pytestmark = pytest.mark.timeout(60)
SECRET = "test-signing-secret"
MARKER = "HEMLIG-KROPP-7731"  # in the body of every request that must be refused


@dataclass
class Served:
    """A running server: its port, what Bolt saw, its metrics and its readiness switches."""

    port: int
    seen: list[dict[str, Any]] = field(default_factory=list)
    metrics: Metrics = field(default_factory=Metrics)
    states: dict[str, bool] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes = b"",
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Send one request on a fresh connection; return status and body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def post(self, body: str | bytes, headers: dict[str, str] | None = None,
             content_type: str = "application/json") -> int:
        """POST to /slack/events; return the status."""
        data = body.encode() if isinstance(body, str) else body
        return self.request("POST", "/slack/events", data,
                            {"Content-Type": content_type, **(headers or {})})[0]

    def signed(self, body: str, content_type: str = "application/json") -> int:
        """POST `body` signed with the right secret; return the status."""
        return self.post(body, signed_headers(SECRET, body), content_type)


def mention(text: str, event_id: str = "Ev1") -> str:
    """Return a signed-ready app_mention callback."""
    return json.dumps({
        "type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id,
        "event_time": int(time.time()),
        "event": {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "1.000001",
                  "text": text, "event_ts": "1.000001"},
    })


def bolt_app(served: Served, slack: SlackStandIn) -> App:
    """Return a Bolt app that records what it sees and answers mentions before it acks."""
    app = App(client=WebClient(token="xoxb-test", base_url=slack.url), signing_secret=SECRET,
              process_before_response=True)

    @app.middleware
    def record(body: dict[str, Any], next: Any) -> Any:  # noqa: A002 - Bolt's name
        served.seen.append(body)
        return next()

    @app.event("app_mention")
    def on_mention(ack: Any) -> None:
        ack()

    return app


@pytest.fixture()
def make_server(slack: SlackStandIn) -> Iterator[Any]:
    """Start servers on free ports (read timeout given per test); stop them all after."""
    servers: list[SlackHTTPServer] = []

    def start(read_timeout: float = 1.0) -> Served:
        served = Served(port=0)
        server = SlackHTTPServer(
            bolt_app(served, slack), "127.0.0.1", 0, signing_secret=SECRET, metrics=served.metrics,
            ready=lambda: served.states, threads=4, read_timeout=read_timeout,
        )
        server.start()
        servers.append(server)
        served.port = server.port
        return served

    yield start
    for server in servers:
        server.shutdown()


def test_unsigned_forged_and_odd_timestamps_get_401_and_bolt_never_sees_them(make_server: Any) -> None:
    served = make_server()
    body = mention(f"<@UBOT> {MARKER}")
    now = int(time.time())
    good = signed_headers(SECRET, body)
    refused = {
        "unsigned": {},
        "wrong secret": signed_headers("wrong-secret", body),
        "timestamp abc": {**good, "X-Slack-Request-Timestamp": "abc"},
        "timestamp with a superscript digit": {**good, "X-Slack-Request-Timestamp": f"{now}²"},
        "six minutes old": signed_headers(SECRET, body, timestamp=now - 6 * 60),
        "no signature": {"X-Slack-Request-Timestamp": str(now)},
        "signature of another body": {**signed_headers(SECRET, body + " ")},
    }
    statuses = {name: served.post(body, headers) for name, headers in refused.items()}
    assert statuses == dict.fromkeys(refused, 401)
    assert served.seen == []
    assert served.signed(body) == 200
    assert [seen["event"]["text"] for seen in served.seen] == [f"<@UBOT> {MARKER}"]


def test_signed_bodies_that_cannot_be_parsed_get_400_not_a_dropped_connection(make_server: Any) -> None:
    served = make_server()
    form = "application/x-www-form-urlencoded"
    assert served.signed(f"{{{MARKER} is not json") == 400
    assert served.signed(f"payload=%7B{MARKER}", form) == 400  # a form whose payload is not JSON
    assert served.signed(json.dumps([MARKER])) == 400  # JSON, but not an object
    assert served.signed(json.dumps(MARKER)) == 400
    invalid_utf8 = b"\xff\xfe" + MARKER.encode()
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + invalid_utf8, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}
    assert served.post(invalid_utf8, headers) == 400
    assert served.seen == []


def test_a_lone_surrogate_is_never_a_server_error(make_server: Any) -> None:
    served = make_server()
    escaped = mention("<@UBOT> Vad är \ud800 HP?")  # json.dumps writes the escape \\ud800
    assert "\\ud800" in escaped
    assert served.signed(escaped) == 200
    assert served.seen[0]["event"]["text"] == "<@UBOT> Vad är \ud800 HP?"
    challenge = json.dumps({"type": "url_verification", "token": "t", "challenge": "c\ud800"})
    assert served.signed(challenge) in (200, 400)
    raw = mention("<@UBOT> Vad är X HP?").replace("X", "\ud800").encode("utf-8", "surrogatepass")
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    assert served.post(raw, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}) == 400


def raw_exchange(port: int, head: bytes, body: bytes, timeout: float) -> tuple[bytes, float]:
    """Send `head` and `body` on a raw socket; return what the server answers and when."""
    start = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head + body)
        received = b""
        while chunk := sock.recv(65536):  # until the server closes the connection
            received += chunk
    return received, time.monotonic() - start


def head(length: int | None, chunked: bool = False) -> bytes:
    """Return a request head for /slack/events announcing `length` bytes (or chunks)."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}"
    return (f"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            f"{framing}\r\n\r\n").encode()


def test_a_body_over_one_megabyte_gets_413(make_server: Any) -> None:
    served = make_server()
    answer, _ = raw_exchange(served.port, head(2_000_000), b"{" + b" " * 1000, timeout=5)
    assert answer.startswith(b"HTTP/1.1 413")
    chunk = b"x" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(17))  # 1.1 MB, no length
    answer, _ = raw_exchange(served.port, head(None, chunked=True), chunks, timeout=5)
    assert answer.startswith(b"HTTP/1.1 413")
    assert served.seen == []


def test_slow_clients_time_out_and_do_not_hold_up_slack(make_server: Any) -> None:
    served = make_server(read_timeout=3.0)
    results: list[tuple[bytes, float]] = []

    def slow_client() -> None:
        results.append(raw_exchange(served.port, head(1000), b'{"type": "ev', timeout=10))

    slow = [threading.Thread(target=slow_client) for _ in range(50)]
    for thread in slow:
        thread.start()
    time.sleep(0.3)  # let them connect and stall
    start = time.monotonic()
    assert served.signed(mention("<@UBOT> Hinner du?")) == 200
    assert time.monotonic() - start < 1.0, "a signed request waited behind the slow clients"
    assert results == [], "the slow clients were answered before their deadline"
    for thread in slow:
        thread.join(10)
    assert len(results) == 50
    for answer, seconds in results:
        assert answer == b"" or answer.startswith(b"HTTP/1.1 408")
        assert seconds < 3.0 + 2.0
    assert [seen["event"]["text"] for seen in served.seen] == ["<@UBOT> Hinner du?"]


def test_a_client_that_never_finishes_its_request_head_is_disconnected(make_server: Any) -> None:
    served = make_server(read_timeout=1.0)
    answer, seconds = raw_exchange(served.port, b"POST /slack/events HTTP/1.1\r\nHost: x", b"", timeout=10)
    assert answer == b"" and seconds < 1.0 + 2.0
    kept_alive = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /heal"  # one answered, one never finished
    answer, seconds = raw_exchange(served.port, kept_alive, b"", timeout=10)
    assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"ok") and seconds < 1.0 + 2.0


def test_readyz_names_each_dependency_and_says_503_when_one_is_down(make_server: Any) -> None:
    served = make_server()
    served.states.update(database=True, index=False)
    status, body = served.request("GET", "/readyz")
    assert (status, json.loads(body)) == (503, {"database": "ok", "index": "nede"})
    assert b"hp_ready 0.0" in served.request("GET", "/metrics")[1]
    served.states["index"] = True
    status, body = served.request("GET", "/readyz")
    assert (status, json.loads(body)) == (200, {"database": "ok", "index": "ok"})
    assert b"hp_ready 1.0" in served.request("GET", "/metrics")[1]
    assert served.request("GET", "/healthz") == (200, b"ok")


def test_unknown_paths_and_methods(make_server: Any) -> None:
    served = make_server()
    assert served.request("GET", "/nope")[0] == 404
    assert served.request("GET", "/slack/events")[0] == 405
    assert served.request("POST", "/healthz")[0] == 405


def test_metrics_count_requests_and_refusals(make_server: Any) -> None:
    served = make_server()
    body = mention("<@UBOT> Hej")
    served.signed(body)
    served.post(body, signed_headers("wrong-secret", body))
    served.post(body, {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=0"})
    served.signed("{not json")
    status, text = served.request("GET", "/metrics")
    exposition = text.decode()
    assert status == 200
    for line in ['hp_http_request_seconds_count{path="/slack/events",status="200"} 1.0',
                 'hp_http_request_seconds_count{path="/slack/events",status="401"} 2.0',
                 'hp_http_request_seconds_count{path="/slack/events",status="400"} 1.0',
                 'hp_http_rejected_total{reason="signature"} 1.0',
                 'hp_http_rejected_total{reason="timestamp"} 1.0',
                 'hp_http_rejected_total{reason="malformed"} 1.0']:
        assert line in exposition


def test_no_log_holds_a_refused_body_or_its_signature(make_server: Any,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(1)  # every level, every logger (uvicorn's, Bolt's, ours)
    served = make_server(read_timeout=0.5)
    body = mention(f"<@UBOT> {MARKER}")
    forged = signed_headers("wrong-secret", body)
    served.post(body, forged)
    served.post(body, {})
    served.post(body, {**signed_headers(SECRET, body), "X-Slack-Request-Timestamp": "abc"})
    served.signed(f"{{{MARKER}")
    served.signed(f"payload=%7B{MARKER}", "application/x-www-form-urlencoded")
    raw_exchange(served.port, head(1000), f'{{"text": "{MARKER}'.encode(), timeout=5)
    assert served.seen == []
    logged = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert "refused a request" in logged  # the refusals are logged, by reason
    assert MARKER not in logged
    assert forged["X-Slack-Signature"] not in logged
