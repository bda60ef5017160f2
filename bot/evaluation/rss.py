"""Peak RSS of `bot ask` answering from the configured index, run as a child process."""

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.search.index import KnowledgeIndex, make_client
from bot.settings import Settings

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

CLI_QUESTION = "Vad är en HP-punkt?"


def cli_ask(settings: Settings, root: Path, embeddings: "Embeddings") -> dict[str, Any]:
    """Run `bot ask` as a child process on the configured index and read its peak RSS."""
    env, source = _cli_env(settings, root, embeddings)
    start = time.perf_counter()
    with (root / "cli-ask.out").open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", CLI_QUESTION, "--json"], env=env, stdout=out,
            stderr=subprocess.STDOUT,
        )
        # wait4 reads this child's own rusage; RUSAGE_CHILDREN would be the max of all children.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return {
        "cli_ask_peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # KiB → MiB
        "cli_ask_seconds": round(time.perf_counter() - start, 2),
        "cli_ask_ok": child.returncode == 0,
        "cli_ask_index": source,
    }


def _cli_env(
    settings: Settings, root: Path, embeddings: "Embeddings"
) -> tuple[dict[str, str], str]:
    """The child's environment: the configured index, else one built from knowledge/."""
    env = dict(os.environ, KNOWLEDGE_DIR=str(settings.knowledge_dir.resolve()),
               CHROMA_COLLECTION=settings.chroma_collection,
               EMBEDDING_BACKEND=settings.embedding_backend)
    if settings.embedding_model:
        env["EMBEDDING_MODEL"] = settings.embedding_model
    if settings.chroma_host or (settings.chroma_path / "chroma.sqlite3").exists():
        client = make_client(settings.chroma_path, settings.chroma_host, settings.chroma_port)
        if KnowledgeIndex(client, settings.chroma_collection, embeddings).exists():
            env["CHROMA_PATH"] = str(settings.chroma_path.resolve())
            if settings.chroma_host:
                env.update(CHROMA_HOST=settings.chroma_host, CHROMA_PORT=str(settings.chroma_port))
            return env, "configured"
    chroma = root / "cli-chroma"
    index = KnowledgeIndex(make_client(chroma), settings.chroma_collection, embeddings)
    index.sync(settings.knowledge_dir)
    env.pop("CHROMA_HOST", None)
    env["CHROMA_PATH"] = str(chroma)
    return env, "temporary"
