"""Hostile files in knowledge/ are one clear error each (the rest still index, memory stays
bounded), and a sync stopped half-way is completed by the next."""

import resource
from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from bot.search.embeddings import model_id
from bot.search.index import KnowledgeIndex, make_client
from tests.core_fixtures import COLLECTION, fake_embeddings, write_small_folder

LAUGHS = "\n".join(
    ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
)  # 9 ** 9 = 387 million values from ten short lines


def index(tmp_path: Path, max_file_mb: float = 20) -> KnowledgeIndex:
    return KnowledgeIndex(make_client(tmp_path / "chroma"), COLLECTION, fake_embeddings(), max_file_mb)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("skratt.yaml", LAUGHS + "\ntitle: *i\n"),
        ("skratt.md", f"---\n{LAUGHS}\ntitle: Skratt\n---\n# Skratt\n\nText.\n"),
        ("slinga.yaml", "a: &a [*a]\ntitle: Slinga\n"),
    ],
)
def test_yaml_that_expands_without_bound_is_refused_by_name(tmp_path: Path, name: str, text: str) -> None:
    folder = write_small_folder(tmp_path / "knowledge")
    (folder / name).write_text(text, encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    report = index(tmp_path).sync(folder)

    assert [Path(e.path).name for e in report.errors] == [name]
    assert "alias" in str(report.errors[0])
    assert report.added > 0  # the other files still indexed
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 200_000  # KiB: no blow-up


def test_a_file_over_max_file_mb_is_one_error_and_not_read(tmp_path: Path) -> None:
    folder = write_small_folder(tmp_path / "knowledge")
    (folder / "stor.txt").write_text("Stor fil\n\n" + "Ord och fler ord. " * 8000, encoding="utf-8")  # ~140 KB

    report = index(tmp_path, max_file_mb=0.1).sync(folder)

    (error,) = report.errors
    assert Path(error.path).name == "stor.txt" and "gränsen är 0.1 MB (MAX_FILE_MB)" in str(error)
    assert report.added > 0 and report.documents == 5


def test_a_document_of_too_many_chunks_is_one_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.search.index.MAX_CHUNKS", 3)
    folder = write_small_folder(tmp_path / "knowledge")
    (folder / "lang.md").write_text(
        "# Lång\n\n" + "\n\n".join(f"## Del {n}\n\nDel {n} handlar om sak nummer {n}." for n in range(10)),
        encoding="utf-8",
    )

    report = index(tmp_path).sync(folder)

    (error,) = report.errors
    assert error.path == "lang" and "gränsen är 3 per dokument" in str(error)
    assert report.added > 0


class FailsAfter(Embeddings):
    """Fake embeddings that fail on call number `calls + 1`, as a killed `bot index` stops."""

    def __init__(self, calls: int) -> None:
        self.inner, self.left = fake_embeddings(), calls
        self.model_id = model_id(self.inner)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if self.left == 0:
            raise RuntimeError("avbruten")
        self.left -= 1
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_a_sync_stopped_half_way_is_completed_by_the_next(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.search.index.BATCH", 1)  # one chunk per write: stop after two
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "lang.md").write_text(  # one document of six chunks, stopped inside it
        "# Lång\n\n" + "\n\n".join(f"## Del {n}\n\nDel {n} handlar om sak nummer {n}." for n in range(6)),
        encoding="utf-8",
    )
    whole = index(tmp_path / "whole").sync(folder).added
    assert whole >= 4
    client = make_client(tmp_path / "chroma")

    with pytest.raises(RuntimeError):
        KnowledgeIndex(client, COLLECTION, FailsAfter(2)).sync(folder)
    again = KnowledgeIndex(client, COLLECTION, fake_embeddings()).sync(folder)

    assert again.added == whole - 2  # the two stored chunks are kept, the rest embedded now
    assert KnowledgeIndex(client, COLLECTION, fake_embeddings()).sync(folder).added == 0
    assert len(client.get_collection(COLLECTION).get()["ids"]) == whole
