"""`bot bench load`: replicas of `bot serve --http` under signed Slack traffic, optionally with a fault.

Starts, all on 127.0.0.1: the Slack stand-in (in this process), a Chroma server indexed
with `knowledge/`, a TCP proxy in front of PostgreSQL and `replicas` real `bot serve
--http` processes sharing a fresh schema (dropped at the end). Sends `rate` events a
second for `seconds` (load_traffic.py), then waits up to `drain` seconds for the last
answers. With `fault`, one dependency is away for 20 s in the middle of the run:

- db: the proxy drops every PostgreSQL connection and refuses new ones,
- chroma: the Chroma server is killed, then started again on the same port and folder,
- slack: the stand-in answers every Web API call with 500 or 429.

    bot bench load                                 # 20 events/s for 60 s, 2 replicas
    bot bench load --rate 5 --seconds 10 --fault db --json
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from bot.errors import HPError
from bot.evaluation.load_processes import Processes
from bot.evaluation.load_report import report
from bot.evaluation.load_tally import RecordingStandIn, outcomes
from bot.evaluation.load_traffic import Question, Traffic
from bot.evaluation.tcp_proxy import TcpProxy
from bot.settings import Settings

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "bench-load-secret"
FAULT_SECONDS = 20.0
WARMUP_SECONDS = 120.0
SETTLE_SECONDS = 3.0  # after the last answer: time for a duplicate to show


def run(settings: Settings, rate: float, seconds: float, replicas: int, fault: str | None, *,
        questions: Path = Path("eval/questions.jsonl"), drain: float = 60.0, logs: Path | None = None,
        progress: Callable[[str], None] = lambda line: None) -> dict[str, Any]:
    """Run the benchmark; return its report (see load_report.report).

    Args:
        logs: where the children's logs go (a temporary folder, removed at the end, if None).
        progress: receives a line as each phase begins.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)  # unwind, so the children are killed on SIGTERM too
    texts = [json.loads(line)["question"] for line in questions.read_text(encoding="utf-8").splitlines()
             if line.strip()]
    base = settings.database_url if settings.database_url.startswith("postgresql") else LOCAL_POSTGRES
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        if logs is not None:
            logs.mkdir(parents=True, exist_ok=True)
        procs = Processes(folder, {}, logs or folder)
        slack = RecordingStandIn()
        stack.enter_context(slack)
        target = make_url(base)
        proxy = stack.enter_context(TcpProxy(target.host or "127.0.0.1", target.port or 5432))
        schema_url = stack.enter_context(_fresh_schema(base))
        proxied = make_url(schema_url).set(host="127.0.0.1", port=proxy.port)
        procs.env = _child_env(settings, slack.url, procs.chroma_port,
                               proxied.render_as_string(hide_password=False), folder)
        stack.callback(procs.close)
        progress(f"indexerar knowledge/ (bot index, i {_index_cache(settings)})")
        procs.index(_index_cache(settings))
        progress("startar Chroma-servern")
        procs.start_chroma()
        progress(f"startar {replicas} repliker (bot serve --http)")
        urls = procs.start_replicas(replicas)
        progress("värmer upp: en fråga per replik")
        traffic = Traffic(urls, SECRET, texts, slack.response_url("action"),
                          lambda: slack.snapshot()[1])
        _warm_up(traffic, slack, replicas)
        window: list[float] = []
        faulty = threading.Thread(target=_fault, args=(fault, seconds, proxy, procs, slack, window),
                                  daemon=True)
        if fault:
            faulty.start()
        progress(f"skickar {rate:g} händelser/s i {seconds:g} s" + (f", fel: {fault}" if fault else ""))
        sent_from = time.monotonic()
        traffic.run(rate, seconds)
        sent_until = time.monotonic()
        if fault:
            faulty.join(timeout=FAULT_SECONDS + 60)
        progress(f"väntar på de sista svaren (högst {drain:g} s)")
        _drain(traffic, slack, drain)
        seen, _ = slack.snapshot()
        found, unmatched = outcomes(_keys(traffic.questions), seen)
        measured = [q for q in traffic.questions if not q.warmup]
        return report(
            rate=rate, seconds=seconds, replicas=replicas, fault=fault, questions=measured,
            found=found, unmatched=unmatched, acks=traffic.acks, seen=seen,
            window=(window[0], window[1]) if len(window) == 2 else None, sent=(sent_from, sent_until),
            violations=list(slack.violations), alive=procs.alive(), late=traffic.late,
        )
    raise AssertionError("unreachable")  # ExitStack does not swallow exceptions


def _terminate(*_: object) -> None:
    raise SystemExit(143)


@contextmanager
def _fresh_schema(base: str) -> Iterator[str]:
    """Create a schema of its own; yield a URL whose search_path is it; drop it at the end."""
    name = f"bench_load_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    except OperationalError as error:
        admin.dispose()
        raise HPError(f"PostgreSQL på {make_url(base).host}:{make_url(base).port} går inte att nå: "
                      f"{str(error).splitlines()[0]}") from None
    try:
        yield make_url(base).update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(
            hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


def _index_cache(settings: Settings) -> Path:
    """Return the embedded index `bot index` keeps up to date between runs (one per embedding model)."""
    model = hashlib.sha256(f"{settings.embedding_backend}:{settings.embedding_model}".encode()).hexdigest()
    return Path(tempfile.gettempdir()) / f"hp-bench-load-index-{settings.chroma_collection}-{model[:12]}"


def _child_env(settings: Settings, slack_url: str, chroma_port: int, database_url: str,
               folder: Path) -> dict[str, str]:
    """Return the environment of `bot index` and the replicas: this one, pointed at our servers."""
    return {
        **os.environ,
        "SLACK_API_URL": slack_url, "SLACK_BOT_TOKEN": "xoxb-bench-load", "SLACK_SIGNING_SECRET": SECRET,
        "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_port), "DATABASE_URL": database_url,
        "KNOWLEDGE_DIR": str(settings.knowledge_dir.resolve()),
        "SCHEDULES_FILE": str(folder / "no-schedules.yaml"),  # no scheduled posts in the figures
    }


def _keys(questions: list[Question]) -> dict[tuple[str, str | None], tuple[str, str]]:
    """Map where each question's replies go to the question (see load_tally).

    A DM's answer goes to the top level of its channel or, in Slack's agent view, to the
    thread its message starts; a channel question's always to its thread.
    """
    keys: dict[tuple[str, str | None], tuple[str, str]] = {(q.channel, q.ts): q.key for q in questions}
    return keys | {(q.channel, None): q.key for q in questions if q.channel.startswith("D")}


def _warm_up(traffic: Traffic, slack: RecordingStandIn, replicas: int) -> None:
    """Ask each replica one question and wait for its reply: models and BM25 load outside the figures."""
    asked = [traffic.ask(r, time.monotonic(), warmup=True) for r in range(replicas)]
    for question in asked:
        traffic.send(question)
    deadline = time.monotonic() + WARMUP_SECONDS
    while time.monotonic() < deadline:
        found, _ = outcomes(_keys(asked), slack.snapshot()[0])
        if all(o.answered_at or o.told_at for o in found.values()):
            return
        time.sleep(0.5)
    raise HPError(f"replikerna svarade inte på uppvärmningsfrågan inom {WARMUP_SECONDS:.0f} s")


def _drain(traffic: Traffic, slack: RecordingStandIn, drain: float) -> None:
    """Wait until every question has an answer (at most `drain` seconds), then a little more."""
    deadline = time.monotonic() + drain
    while time.monotonic() < deadline:
        found, _ = outcomes(_keys(traffic.questions), slack.snapshot()[0])
        if all(o.answered_at for o in found.values()):
            time.sleep(SETTLE_SECONDS)
            return
        time.sleep(0.5)


def _fault(kind: str | None, seconds: float, proxy: TcpProxy, procs: Processes,
           slack: RecordingStandIn, window: list[float]) -> None:
    """Take `kind` away for 20 s (at most half the run) in the middle; note when it was away."""
    length = min(FAULT_SECONDS, seconds / 2)
    time.sleep((seconds - length) / 2)
    window.append(time.monotonic())
    if kind == "db":
        proxy.cut()
    elif kind == "chroma":
        procs.stop_chroma()
    elif kind == "slack":
        slack.fail_for(length)
    time.sleep(length)
    if kind == "db":
        proxy.restore()
    elif kind == "chroma":
        procs.start_chroma()
    window.append(time.monotonic())
