"""`bot serve` builds each expensive thing once: one embedding model, one BM25 index."""

import json
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from bot import wiring
from bot.evaluation.slack_standin import SlackStandIn, signed_headers
from bot.search.lexical import LexicalIndex
from bot.wiring import Services, run_bot
from tests.test_schedules_fixtures import at, settings_for, write_schedules

pytestmark = pytest.mark.slow
SECRET = "test-secret"
HP_TEXT = """# Jämställdhet

Jämställdhet betyder att kvinnor och män har samma makt att forma samhället och sina egna liv.
"""


def test_serve_answers_and_posts_with_one_model_and_one_bm25_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models: list[Embeddings] = []

    def counting_embeddings(backend: str, model: str | None = None) -> Embeddings:
        models.append(DeterministicFakeEmbedding(size=64))
        return models[-1]

    bm25_builds: list[int] = []
    original_init = LexicalIndex.__init__

    def counting_init(self: LexicalIndex, texts: list[str]) -> None:
        if texts:
            bm25_builds.append(len(texts))
        original_init(self, texts)

    monkeypatch.setattr(wiring, "make_embeddings", counting_embeddings)
    monkeypatch.setattr(LexicalIndex, "__init__", counting_init)

    with SlackStandIn() as slack:
        settings = settings_for(
            tmp_path, f"sqlite:///{tmp_path / 'hp.db'}", slack.url,
            slack_signing_secret=SECRET, chroma_path=tmp_path / "chroma", scheduler_interval_seconds=0.05,
        )
        (settings.knowledge_dir / "jamstalldhet.md").write_text(HP_TEXT, encoding="utf-8")
        write_schedules(settings.schedules_file, [
            {"name": "hp", "kind": "hp", "channel": "CHP", "weekday": 1, "time": "09:00",
             "start_date": "2026-11-01"},
        ])
        Services(settings).index.sync(settings.knowledge_dir)  # as `bot index` would
        models.clear()

        services = Services(settings)
        stop, ready = threading.Event(), threading.Event()
        ports: list[int | None] = []

        def on_ready(app: Any, port: int | None) -> None:
            ports.append(port)
            ready.set()

        thread = threading.Thread(target=run_bot, args=(services,), kwargs={
            "http": True, "host": "127.0.0.1", "port": 0, "stop": stop, "on_ready": on_ready,
            "scheduler": services.scheduler(lambda: at("2026-11-30 09:05")),
        }, daemon=True)
        thread.start()
        try:
            assert ready.wait(20), "the bot did not start"
            body = json.dumps({
                "type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": "Ev1",
                "event_time": int(time.time()),
                "event": {"type": "app_mention", "user": "U1", "channel": "C1", "ts": "100.000001",
                          "text": "<@UBOT> Vad betyder jämställdhet?", "event_ts": "100.000001"},
            })
            request = urllib.request.Request(
                f"http://127.0.0.1:{ports[0]}/slack/events", data=body.encode(),
                headers={"Content-Type": "application/json", **signed_headers(SECRET, body)},
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200
            posts = slack.wait_for("chat.postMessage", 1, timeout=30)
            assert any(call.args["channel"] == "CHP" for call in posts)  # the HP-punkt went out
            slack.wait_for("chat.stopStream", 1, timeout=30)  # the question was answered
        finally:
            stop.set()
            thread.join(15)
        assert slack.violations == []

    assert len(models) == 1, "one embedding model for the answers and the posts"
    assert len(bm25_builds) == 1, "one BM25 index for the answers and the posts"
