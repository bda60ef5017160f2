"""Latency of the Slack shell: acknowledgement, first sign of work, complete answer.

Runs the HTTP server of `bot serve --http` on 127.0.0.1 against the Slack stand-in of
the tests, sends N signed `app_mention` events one after another and reports:

- ack: how long `POST /slack/events` takes (Slack's limit is 3 s; target p99 ≤ 50 ms),
- sign: from sending the event to the 👀 `reactions.add` reaching "Slack" (target ≤ 1 s),
- answer: from sending the event to `chat.stopStream` (the complete answer).

    bot bench slack                 # fake fast answerer, each answer awaited
    bot bench slack --burst         # send the next event right after the ack
    bot bench slack --real --json   # the real answerer (needs `bot index`)

A benchmark, not a timed test: numbers depend on the machine.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from typing import Any

from bot.answer.types import Answer, Answerer, Source, Turn
from bot.evaluation.slack_standin import SlackStandIn, signed_headers
from bot.settings import Settings
from bot.slack.app import build_app
from bot.slack.server import SlackHTTPServer
from bot.store.db import make_engine

SECRET = "bench-secret"
QUESTION = "Vad är Respekttrappan och hur använder vi den på APT?"


class FastAnswerer:
    """Answers at once: measures the Slack shell, not retrieval."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """Return a typical ~800-character answer with three sources."""
        sources = tuple(Source(f"doc{i}", f"Dokument {i}", "Avsnitt", 0.9 - i / 10, "…")
                        for i in range(1, 4))
        text = ("Respekttrappan beskriver sju steg för ett respektfullt bemötande [1]. " * 11)
        return Answer(question, text.strip(), False, "sv", sources)


class TimedStandIn(SlackStandIn):
    """The stand-in, noting when each question got its sign of work and its answer."""

    def __init__(self) -> None:
        super().__init__()
        self.sign_at: dict[str, float] = {}  # question ts -> reactions.add arrival
        self.done_at: dict[str, float] = {}  # question ts -> chat.stopStream arrival
        self._thread_of: dict[str, str] = {}  # stream ts -> question ts

    def _handle(self, method: str, args: dict[str, Any], headers: dict[str, str]) -> Any:
        now = time.perf_counter()
        status, payload, extra = super()._handle(method, args, headers)
        if method == "reactions.add":
            self.sign_at[args["timestamp"]] = now
        elif method == "chat.startStream":
            self._thread_of[payload["ts"]] = args["thread_ts"]
        elif method == "chat.stopStream":
            self.done_at[self._thread_of[args["ts"]]] = now
        return status, payload, extra


def percentile(values: list[float], q: float) -> float:
    """Return the `q`-th percentile (nearest rank) of `values` in seconds, as milliseconds.

    >>> percentile([0.001, 0.002, 0.003, 0.004], 50)
    2.0
    """
    ordered = sorted(values)
    rank = min(len(ordered), max(1, -(-len(ordered) * q // 100)))
    return round(ordered[int(rank) - 1] * 1000, 1)


def send(url: str, i: int) -> str:
    """POST the signed app_mention number `i`; return its message ts."""
    ts = f"{1_700_000_000 + i}.000100"
    body = json.dumps({
        "type": "event_callback", "team_id": "T1", "api_app_id": "A1",
        "event_id": f"EvBENCH{i:06d}", "event_time": int(time.time()),
        "event": {"type": "app_mention", "user": "U1", "team": "T1", "channel": "C1",
                  "text": f"<@UBOT> {QUESTION}", "ts": ts, "event_ts": ts},
    })
    headers = {"Content-Type": "application/json", **signed_headers(SECRET, body)}
    req = urllib.request.Request(url, data=body.encode(), headers=headers)
    with urllib.request.urlopen(req, timeout=10) as resp:
        resp.read()
        if resp.status != 200:
            raise RuntimeError(f"POST /slack/events answered {resp.status}")
    return ts


def run(n: int, burst: bool, answerer: Answerer) -> dict[str, Any]:
    """Send `n` events one after another; return the latency percentiles in ms."""
    slack = TimedStandIn()
    with slack, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, slack_bot_token="xoxb-bench",
                            slack_signing_secret=SECRET, slack_api_url=slack.url,
                            database_url=f"sqlite:///{tmp}/bench.db", answer_timeout_seconds=120)
        engine = make_engine(settings.database_url)
        server = SlackHTTPServer(build_app(settings, answerer, engine=engine), "127.0.0.1", 0,
                                 signing_secret=SECRET)
        server.start()
        url = f"http://127.0.0.1:{server.port}/slack/events"
        send(url, -1)  # warm-up: the first answer pays for imports and model loading
        slack.wait_for("chat.stopStream", 1, timeout=300)
        sent: dict[str, float] = {}
        acks: list[float] = []
        for i in range(n):
            started = time.perf_counter()
            ts = send(url, i)
            acks.append(time.perf_counter() - started)
            sent[ts] = started
            if not burst:
                slack.wait_for("chat.stopStream", i + 2, timeout=300)
        slack.wait_for("chat.stopStream", n + 1, timeout=600)
        server.shutdown()
        engine.dispose()
        violations = list(slack.violations)
    sign = [slack.sign_at[ts] - at for ts, at in sent.items()]
    done = [slack.done_at[ts] - at for ts, at in sent.items()]
    return {
        "events": n, "mode": "burst" if burst else "paced", "violations": violations,
        "ack_ms": {f"p{q}": percentile(acks, q) for q in (50, 95, 99)},
        "sign_of_work_ms": {f"p{q}": percentile(sign, q) for q in (50, 95)},
        "complete_answer_ms": {f"p{q}": percentile(done, q) for q in (50, 95)},
    }


def markdown(result: dict[str, Any], answerer: str) -> str:
    """Return the result as a markdown table."""
    rows = [
        ("ack of `POST /slack/events`", result["ack_ms"]),
        ("first sign of work (👀)", result["sign_of_work_ms"]),
        ("complete answer (`chat.stopStream`)", result["complete_answer_ms"]),
    ]
    lines = [f"{result['events']} events, {result['mode']}, {answerer} answerer",
             "", "| measure | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|"]
    for name, values in rows:
        lines.append(f"| {name} | {values['p50']} | {values['p95']} | {values.get('p99', '–')} |")
    return "\n".join(lines)
