"""Processes open a new embedded Chroma folder one at a time (two replicas starting together)."""

import threading
from pathlib import Path

import pytest
from filelock import FileLock

from bot.errors import IndexUnavailable
from bot.search import index
from bot.search.index import OPEN_LOCK, make_client


def test_a_folder_another_process_is_opening_is_opened_after_it(tmp_path: Path) -> None:
    data = tmp_path / "chroma"
    data.mkdir()
    opened = threading.Event()

    def open_it() -> None:
        make_client(data)
        opened.set()

    with FileLock(data / OPEN_LOCK):  # another process is creating the folder's tables
        threading.Thread(target=open_it, daemon=True).start()
        assert not opened.wait(1.0)  # it waits instead of migrating the same tables at once
    assert opened.wait(30.0)  # and opens the folder as soon as the other is done


def test_a_folder_held_open_too_long_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "chroma"
    data.mkdir()
    monkeypatch.setattr(index, "OPEN_WAIT_SECONDS", 0.2)

    with FileLock(data / OPEN_LOCK), pytest.raises(IndexUnavailable, match="en annan process"):
        make_client(data)
