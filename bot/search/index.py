"""The vector index: Chroma (embedded or server) through langchain-chroma, synced incrementally.

Chunk ids are content hashes, so a sync embeds only chunks that are new, deletes only
chunks that disappeared, and parses only files whose bytes changed.
"""

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chromadb.errors import NotFoundError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.errors import IndexMissing, KnowledgeFileError
from bot.ingest.chunking import Chunk, chunk_document
from bot.ingest.knowledge import knowledge_files, load_knowledge
from bot.search.embeddings import model_id

log = logging.getLogger(__name__)
BATCH = 64
Progress = Callable[[int, int], None]  # (done, total) chunks embedded


@dataclass
class SyncReport:
    """What a sync did."""

    added: int = 0
    deleted: int = 0
    unchanged: int = 0
    documents: int = 0
    errors: list[KnowledgeFileError] = field(default_factory=list)


PAGE = 5000


def get_all(collection, include: list[str]) -> dict[str, list]:  # type: ignore[no-untyped-def, type-arg]
    """Read a whole collection page by page.

    chromadb 1.5 fails one unbounded `get` past 32,766 records ("too many SQL
    variables"), so large knowledge bases are read in pages.
    """
    out: dict[str, list] = {"ids": [], **{key: [] for key in include}}  # type: ignore[type-arg]
    offset = 0
    while True:
        page = collection.get(include=include, limit=PAGE, offset=offset)
        for key in out:
            out[key].extend(page[key] or [])
        if len(page["ids"]) < PAGE:
            return out
        offset += PAGE


def make_client(chroma_path: Path, host: str | None = None, port: int = 8000):  # type: ignore[no-untyped-def]
    """Return a Chroma client: HTTP when `host` is set, else embedded under `chroma_path`."""
    import chromadb

    if host:
        return chromadb.HttpClient(host=host, port=port)
    chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(chroma_path))


class KnowledgeIndex:
    """One Chroma collection of knowledge chunks."""

    def __init__(self, client, collection: str, embeddings: Embeddings) -> None:  # type: ignore[no-untyped-def]
        self.client = client
        self.name = collection
        self.embeddings = embeddings
        self.model = model_id(embeddings)

    def store(self, create: bool = False) -> Chroma:
        """The LangChain vector store; raises IndexMissing when the collection is absent."""
        if not create and not self.exists():
            raise IndexMissing()
        return Chroma(
            client=self.client,
            collection_name=self.name,
            embedding_function=self.embeddings,
            collection_metadata={"embedding_model": self.model},
            collection_configuration={"hnsw": {"space": "cosine"}},
        )

    def exists(self) -> bool:
        """True when the collection exists and holds chunks."""
        try:
            return self.client.get_collection(self.name).count() > 0
        except Exception:  # chromadb raises NotFoundError/ValueError depending on version
            return False

    def drop(self) -> None:
        """Delete the collection (for `bot index --rebuild`)."""
        if self.exists() or self.name in [c.name for c in self.client.list_collections()]:
            self.client.delete_collection(self.name)

    def version(self) -> str:
        """A token that changes whenever the indexed content changes."""
        return self.state()[1]

    def state(self) -> tuple[str, str]:
        """(collection id, content version): one call that tells a reader whether to reload.

        The id changes when the collection is dropped and rebuilt, even with the same content.
        """
        try:
            collection = self.client.get_collection(self.name)
        except (NotFoundError, ValueError) as exc:  # never indexed: not a Chroma traceback
            raise IndexMissing() from exc
        return str(collection.id), str((collection.metadata or {}).get("index_version", ""))

    def stored_model(self) -> str | None:
        """The embedding model the collection was built with."""
        meta = self.client.get_collection(self.name).metadata or {}
        return meta.get("embedding_model")  # type: ignore[no-any-return]

    def sync(self, folder: Path, progress: Progress | None = None) -> SyncReport:
        """Bring the collection in line with `folder`, embedding only what changed."""
        if self.exists() and self.stored_model() not in (None, self.model):
            log.warning("embedding model changed (%s → %s): rebuilding", self.stored_model(), self.model)
            self.embeddings.embed_query("probe")  # a model that cannot load must not cost the index
            self.drop()
        store = self.store(create=True)
        collection = store._collection  # langchain-chroma exposes no public metadata/update API
        existing = get_all(collection, ["metadatas"])
        stored_fp: dict[str, str] = {}
        ids_by_doc: dict[str, set[str]] = {}
        for cid, meta in zip(existing["ids"], existing["metadatas"] or [], strict=False):
            stored_fp[str(meta["doc_id"])] = str(meta.get("fingerprint", ""))
            ids_by_doc.setdefault(str(meta["doc_id"]), set()).add(cid)

        present = {p.stem for p in knowledge_files(folder)}
        docs, errors = load_knowledge(folder, skip=lambda p, fp: stored_fp.get(p.stem) == fp)
        report = SyncReport(errors=errors, documents=len(present))
        new_chunks: list[tuple[Chunk, str]] = []
        stale: set[str] = set()
        for doc in docs:
            chunks = chunk_document(doc)
            old = ids_by_doc.get(doc.id, set())
            stale |= old - {c.id for c in chunks}
            kept = [c.id for c in chunks if c.id in old]
            if kept:  # same text, new file bytes: update the fingerprint, don't re-embed
                metas = [c.metadata(doc.fingerprint) for c in chunks if c.id in old]
                collection.update(ids=kept, metadatas=metas)
            new_chunks += [(c, doc.fingerprint) for c in chunks if c.id not in old]
        for gone in set(ids_by_doc) - present:  # file deleted
            stale |= ids_by_doc[gone]
        if stale:
            store.delete(ids=sorted(stale))
        self._add(store, new_chunks, progress)
        report.added, report.deleted = len(new_chunks), len(stale)
        report.unchanged = len(existing["ids"]) - len(stale)
        if new_chunks or stale or not self.version():
            self._stamp(collection)
        return report

    def _add(self, store: Chroma, items: list[tuple[Chunk, str]], progress: Progress | None) -> None:
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            store.add_texts(
                texts=[c.text for c, _ in batch],
                metadatas=[c.metadata(fp) for c, fp in batch],
                ids=[c.id for c, _ in batch],
            )
            if progress:
                progress(min(start + BATCH, len(items)), len(items))

    def _stamp(self, collection) -> None:  # type: ignore[no-untyped-def]
        ids = sorted(get_all(collection, [])["ids"])
        version = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
        meta = dict(collection.metadata or {})
        meta.pop("hnsw:space", None)
        collection.modify(metadata={**meta, "embedding_model": self.model, "index_version": version})
