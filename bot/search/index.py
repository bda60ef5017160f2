"""The vector index: one Chroma collection (embedded or server), synced incrementally.

Chunk ids are content hashes, so a sync embeds only chunks that are new, deletes only
chunks that disappeared, and parses only files whose bytes changed. This is the only
module that talks to Chroma: the rest of the bot sees `Source`s, rows and rankings, and
Chroma's own errors become `IndexMissing` or `IndexUnavailable` here.
"""

import hashlib
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import chromadb
import numpy as np
import numpy.typing as npt
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import CreateCollectionConfiguration
from chromadb.api.models.Collection import Collection
from chromadb.api.types import Include, Metadata
from chromadb.errors import NotFoundError
from filelock import FileLock, Timeout
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from bot.errors import HPError, IndexMissing, IndexUnavailable, KnowledgeFileError
from bot.ingest.chunking import Chunk, chunk_document
from bot.ingest.knowledge import MAX_CHUNKS, MAX_FILE_MB, as_kind, knowledge_files, load_knowledge
from bot.search.embeddings import model_id
from bot.search.types import Source

__all__ = ["ChunkRows", "Client", "KnowledgeIndex", "KnownDocument", "Metadata", "SyncReport", "make_client",
           "plan_sync"]

log = logging.getLogger(__name__)
BATCH = 64  # chunks embedded and written per call during a sync
PENDING = ""  # the fingerprint of a chunk stored by a sync that has not finished
PAGE = 5000  # chromadb 1.5 fails one unbounded `get` past 32,766 records ("too many SQL variables")
TIMEOUT_SECONDS = 5.0  # a Chroma server that has not answered by then is unavailable (`IndexUnavailable`)
SERVER_HINT = "Kontrollera att Chroma-servern är igång och att CHROMA_HOST och CHROMA_PORT stämmer."
_CONFIGURATION: CreateCollectionConfiguration = {"hnsw": {"space": "cosine"}}
Progress = Callable[[int, int], None]  # (done, total) chunks embedded
Client = ClientAPI  # for callers that hold a client without importing chromadb


@dataclass
class SyncReport:
    """What a sync did."""

    added: int = 0
    deleted: int = 0
    unchanged: int = 0
    documents: int = 0
    errors: list[KnowledgeFileError] = field(default_factory=list)


@dataclass(frozen=True)
class ChunkRows:
    """Stored chunks as parallel columns (Chroma's own shape, cheap for many chunks)."""

    ids: list[str]
    texts: list[str]
    metadatas: list[Metadata]
    vectors: npt.NDArray[np.float32] | None = field(default=None, compare=False)

    def head(self, n: int) -> "ChunkRows":
        """Return the first `n` chunks."""
        vectors = None if self.vectors is None else self.vectors[:n]
        return ChunkRows(self.ids[:n], self.texts[:n], self.metadatas[:n], vectors)

    def sources(self) -> list[Source]:
        """Return the chunks as `Source`s with score 0.

        A chunk stored before documents had a `kind` (an older index) reads as "other".

        >>> [source] = ChunkRows(["c1"], ["En APT i månaden."], [{"doc_id": "apt", "title": "APT"}]).sources()
        >>> source.id, source.chunk_id, source.text, source.url, source.kind, source.organisation
        ('apt', 'c1', 'En APT i månaden.', None, 'other', '')
        """
        return [
            Source(
                id=str(m["doc_id"]), title=str(m["title"]), section=str(m.get("section", "")),
                score=0.0, text=str(text), url=str(m.get("url") or "") or None, chunk_id=cid,
                kind=as_kind(m.get("kind")), organisation=str(m.get("organisation") or ""),
            )
            for cid, text, m in zip(self.ids, self.texts, self.metadatas, strict=True)
        ]


@dataclass
class SyncPlan:
    """What a sync must do: chunks to embed, ids to delete, metadata to refresh."""

    report: SyncReport
    new: list[tuple[Chunk, str]] = field(default_factory=list)  # (chunk, file fingerprint)
    stale: set[str] = field(default_factory=set)
    refreshed: list[tuple[list[str], list[Metadata]]] = field(default_factory=list)  # per document


def plan_sync(folder: Path, existing: ChunkRows, max_bytes: int = MAX_FILE_MB * 2**20) -> SyncPlan:
    """Compare `folder` with the stored chunks; files whose bytes are unchanged are not parsed.

    A file over `max_bytes`, or one that gives more than MAX_CHUNKS chunks, is an error
    of its own; its earlier chunks (if any) stay as they were.
    """
    stored_fp: dict[str, str] = {}
    ids_by_doc: dict[str, set[str]] = {}
    for cid, meta in zip(existing.ids, existing.metadatas, strict=False):
        doc_id, fp = str(meta["doc_id"]), str(meta.get("fingerprint", ""))
        # A document whose chunks disagree (a sync stopped half-way) matches no file: re-read it.
        stored_fp[doc_id] = fp if stored_fp.get(doc_id, fp) == fp else ""
        ids_by_doc.setdefault(doc_id, set()).add(cid)
    present = {p.stem for p in knowledge_files(folder)}
    docs, errors = load_knowledge(folder, skip=lambda p, fp: stored_fp.get(p.stem) == fp, max_bytes=max_bytes)
    plan = SyncPlan(SyncReport(errors=errors, documents=len(present)))
    for doc in docs:
        chunks = chunk_document(doc)
        if len(chunks) > MAX_CHUNKS:
            plan.report.errors.append(KnowledgeFileError(
                doc.id, f"ger {len(chunks)} avsnitt; gränsen är {MAX_CHUNKS} per dokument (dela upp filen)"
            ))
            continue
        old = ids_by_doc.get(doc.id, set())
        plan.stale |= old - {c.id for c in chunks}
        kept = [c for c in chunks if c.id in old]
        if kept:  # same text, new file bytes: update the fingerprint, don't re-embed
            plan.refreshed.append(([c.id for c in kept], [c.metadata(doc.fingerprint) for c in kept]))
        plan.new += [(c, doc.fingerprint) for c in chunks if c.id not in old]
    for gone in set(ids_by_doc) - present:  # file deleted
        plan.stale |= ids_by_doc[gone]
    plan.report.added, plan.report.deleted = len(plan.new), len(plan.stale)
    plan.report.unchanged = len(existing.ids) - len(plan.stale)
    return plan


def make_client(chroma_path: Path, host: str | None = None, port: int = 8000,
                timeout: float = TIMEOUT_SECONDS) -> ClientAPI:
    """Return a Chroma client: HTTP when `host` is set, else embedded under `chroma_path`.

    Args:
        timeout: the longest wait for a Chroma server, to connect and for each call.
    """
    if host:
        return _http_client(host, port, timeout)
    chroma_path.mkdir(parents=True, exist_ok=True)
    return _persistent_client(chroma_path)


OPEN_LOCK = ".open.lock"  # in the Chroma folder: processes open it one at a time
OPEN_WAIT_SECONDS = 60.0


def _persistent_client(chroma_path: Path) -> ClientAPI:
    """Open embedded Chroma, one process at a time.

    Two replicas (or `bot index` beside `bot serve`) opening a new folder together both run
    Chroma's schema migration and create its default tenant; the loser fails halfway ("table
    collections already exists", "Could not connect to tenant default_tenant", seen with
    chromadb 1.5). Chroma has no lock for this, so a file lock (`filelock`, every OS) makes
    the others wait until the first has opened it; for them opening is then a read.
    """
    try:
        with FileLock(chroma_path / OPEN_LOCK, timeout=OPEN_WAIT_SECONDS):
            return chromadb.PersistentClient(path=str(chroma_path))
    except Timeout as exc:
        reason = f"en annan process har öppnat mappen i mer än {OPEN_WAIT_SECONDS:.0f} s"
        raise IndexUnavailable(str(chroma_path), reason) from exc


def _http_client(host: str, port: int, timeout: float) -> ClientAPI:
    """Return a client of the server at `host:port` whose every call gives up after `timeout` s.

    chromadb 1.5's HTTP client waits for ever (its httpx session has `timeout=None`, with no
    setting to change it): a server that accepts connections but never answers (stopped,
    swapping) would hold a question, and the thread answering it, for good. Its constructor
    already calls the server (for the tenant), so it runs in a thread of its own that is left
    behind, not waited for, when the server does not answer; the session then gets the timeout.
    """
    made: list[ClientAPI] = []
    failed: list[Exception] = []

    def connect() -> None:
        try:
            made.append(chromadb.HttpClient(host=host, port=port))
        except Exception as exc:
            failed.append(exc)

    worker = threading.Thread(target=connect, name="chroma-connect", daemon=True)
    worker.start()
    worker.join(timeout)
    if failed or not made:
        reason = (str(failed[0]) or type(failed[0]).__name__) if failed else f"inget svar på {timeout:g} s"
        raise IndexUnavailable(f"{host}:{port}", reason, SERVER_HINT) from (failed[0] if failed else None)
    session = getattr(getattr(made[0], "_server", None), "_session", None)  # chromadb's httpx.Client
    if session is None:
        log.warning("chromadb's HTTP client has no session to give a timeout: calls to %s:%d may hang",
                    host, port)
    else:
        session.timeout = timeout  # httpx: connect, read, write and pool, each at most this
    return made[0]


def _where(client: ClientAPI) -> tuple[str, str]:
    """Name where `client` keeps its data, and what to check when it fails."""
    settings = client.get_settings()
    if settings.is_persistent:
        return str(settings.persist_directory), ""
    if settings.chroma_server_host:
        return f"{settings.chroma_server_host}:{settings.chroma_server_http_port}", SERVER_HINT
    return "minnet", ""


@dataclass(frozen=True)
class KnownDocument:
    """A document the index holds chunks of, as readers list it (the App Home)."""

    doc_id: str
    title: str
    url: str = ""


class KnowledgeIndex:
    """One Chroma collection of knowledge chunks."""

    def __init__(self, client: ClientAPI, collection: str, embeddings: Embeddings,
                 max_file_mb: float = MAX_FILE_MB) -> None:
        self.client = client
        self.max_bytes = int(max_file_mb * 2**20)
        self.name = collection
        self.embeddings = embeddings
        self.model = model_id(embeddings)
        self._handle: Collection | None = None  # the collection `state()` last saw

    def exists(self) -> bool:
        """Return True when the collection exists and holds chunks; IndexUnavailable when Chroma fails."""
        try:
            collection = self._open()
        except IndexMissing:
            return False
        with self._guard():
            return collection.count() > 0

    def reachable(self) -> bool:
        """Return True when Chroma answers and holds the collection (for readiness; no side effects)."""
        try:
            with self._guard():
                self.client.get_collection(self.name)
        except HPError as error:
            log.info("index not ready: %s", error)
            return False
        return True

    def state(self) -> tuple[str, str]:
        """(collection id, content version): one call that tells a reader whether to reload.

        The id changes when the collection is dropped and rebuilt, even with the same content.
        """
        collection = self._open()
        return str(collection.id), str((collection.metadata or {}).get("index_version", ""))

    def version(self) -> str:
        """Return a token that changes whenever the indexed content changes."""
        return self.state()[1]

    def stored_model(self) -> str | None:
        """Return the embedding model the collection was built with."""
        model = (self._open().metadata or {}).get("embedding_model")
        return None if model is None else str(model)

    def chunks(self) -> list[Source]:
        """Return every stored chunk as a `Source` (score 0), in storage order."""
        return self.rows().sources()

    def rows(self, vectors: bool = False) -> ChunkRows:
        """Return every stored chunk as columns; `vectors` adds the stored embeddings."""
        include: Include = ["documents", "metadatas", "embeddings"] if vectors else ["documents", "metadatas"]
        return self._read(self._open(), include)

    def documents(self) -> list[KnownDocument]:
        """Return each indexed document once (from its chunks' metadata), by title."""
        found: dict[str, KnownDocument] = {}
        for meta in self._read(self._open(), ["metadatas"]).metadatas:
            doc_id = str(meta.get("doc_id", ""))
            if doc_id and doc_id not in found:
                found[doc_id] = KnownDocument(doc_id, str(meta.get("title") or doc_id), str(meta.get("url") or ""))
        return sorted(found.values(), key=lambda d: d.title.casefold())

    def indexed_at(self) -> datetime | None:
        """Return when the indexed content last changed (`stamp`), None if never recorded."""
        value = (self._open().metadata or {}).get("indexed_at")
        try:
            return datetime.fromisoformat(str(value)) if value else None
        except ValueError:
            return None

    def dense(self, vector: Sequence[float], k: int) -> list[tuple[str, float]]:
        """Return the `k` chunks nearest to `vector` as (chunk id, cosine), best first.

        It queries the collection `state()` last saw, so a reader that checks the state
        before each query pays two Chroma calls per query, not three.
        """
        collection = self._open() if self._handle is None else self._handle
        with self._guard():
            query = np.asarray([vector], dtype=np.float32)
            got = collection.query(query_embeddings=query, n_results=k, include=["distances"])
        distances = (got["distances"] or [[]])[0]  # cosine *distances*: lower is closer
        return [(cid, 1.0 - float(d)) for cid, d in zip(got["ids"][0], distances, strict=True)]

    def store(self, create: bool = False) -> Chroma:
        """Return the collection as a LangChain vector store; IndexMissing when it is absent."""
        if not create and not self.exists():
            raise IndexMissing()
        with self._guard():
            return Chroma(
                client=self.client, collection_name=self.name, embedding_function=self.embeddings,
                collection_metadata={"embedding_model": self.model}, collection_configuration=_CONFIGURATION,
            )

    def add(self, rows: ChunkRows) -> None:
        """Store chunks with their precomputed vectors, replacing any with the same id."""
        if rows.vectors is None:
            raise ValueError("KnowledgeIndex.add needs the vectors of the chunks")
        if rows.ids:
            collection = self._writable()
            with self._guard():
                collection.upsert(ids=rows.ids, embeddings=rows.vectors, documents=rows.texts,
                                  metadatas=rows.metadatas)

    def update_metadata(self, ids: list[str], metadatas: list[Metadata]) -> None:
        """Replace the metadata of stored chunks; their texts and vectors stay."""
        collection = self._writable()
        with self._guard():
            collection.update(ids=ids, metadatas=metadatas)

    def delete(self, ids: list[str]) -> None:
        """Remove chunks by id."""
        collection = self._writable()
        with self._guard():
            collection.delete(ids=ids)

    def stamp(self) -> None:
        """Record a new content version (a hash of every chunk id), the model and the time."""
        collection = self._open()
        ids = sorted(self._read(collection, []).ids)
        version = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
        meta = dict(collection.metadata or {})
        meta.pop("hnsw:space", None)
        with self._guard():
            collection.modify(metadata={**meta, "embedding_model": self.model, "index_version": version,
                                        "indexed_at": datetime.now(UTC).isoformat(timespec="seconds")})

    def drop(self) -> None:
        """Delete the collection (for `bot index --rebuild`); nothing happens when it is absent."""
        self._handle = None
        try:
            with self._guard():
                self.client.delete_collection(self.name)
        except IndexMissing:
            pass

    def sync(self, folder: Path, progress: Progress | None = None) -> SyncReport:
        """Bring the collection in line with `folder`, embedding only what changed."""
        self._drop_if_model_changed()
        plan = plan_sync(folder, self._read(self._open(create=True), ["metadatas"]), self.max_bytes)
        for ids, metadatas in plan.refreshed:
            self.update_metadata(ids, metadatas)
        if plan.stale:
            self.delete(sorted(plan.stale))
        self._embed(plan.new, progress)
        if plan.new or plan.stale or not self.version():
            self.stamp()
        return plan.report

    def _drop_if_model_changed(self) -> None:
        """Drop the collection when it was built with another embedding model."""
        if self.exists() and self.stored_model() not in (None, self.model):
            log.warning("embedding model changed (%s → %s): rebuilding", self.stored_model(), self.model)
            self.embeddings.embed_query("probe")  # a model that cannot load must not cost the index
            self.drop()

    def _embed(self, items: list[tuple[Chunk, str]], progress: Progress | None) -> None:
        """Embed and store new chunks in batches; only then give them their file's fingerprint.

        Until every new chunk is stored they carry no fingerprint, so a sync that is stopped
        half-way (killed, or the model fails) leaves documents that match no file, and the
        next sync reads them again and stores what is missing.
        """
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            texts = [c.text for c, _ in batch]
            vectors = np.asarray(self.embeddings.embed_documents(texts), dtype=np.float32)
            self.add(ChunkRows([c.id for c, _ in batch], texts, [c.metadata(PENDING) for c, _ in batch], vectors))
            if progress:
                progress(min(start + BATCH, len(items)), len(items))
        for start in range(0, len(items), PAGE):
            done = items[start : start + PAGE]
            self.update_metadata([c.id for c, _ in done], [c.metadata(fp) for c, fp in done])

    def _open(self, create: bool = False) -> Collection:
        """Fetch the collection (created when asked) and keep its handle for `dense`."""
        with self._guard():
            if create:
                collection = self.client.get_or_create_collection(
                    self.name, embedding_function=None, metadata={"embedding_model": self.model},
                    configuration=_CONFIGURATION,
                )
            else:
                collection = self.client.get_collection(self.name)
        self._handle = collection
        return collection

    def _writable(self) -> Collection:
        """Return the collection last opened, else create it."""
        return self._open(create=True) if self._handle is None else self._handle

    def _read(self, collection: Collection, include: Include) -> ChunkRows:
        """Read the whole collection page by page."""
        ids: list[str] = []
        texts: list[str] = []
        metadatas: list[Metadata] = []
        pages: list[npt.NDArray[np.float32]] = []
        with self._guard():
            while True:
                page = collection.get(include=include, limit=PAGE, offset=len(ids))
                ids += page["ids"]
                texts += page["documents"] or []
                metadatas += page["metadatas"] or []
                if page["embeddings"] is not None and len(page["ids"]):
                    pages.append(np.asarray(page["embeddings"], dtype=np.float32))
                if len(page["ids"]) < PAGE:
                    break
        vectors = np.concatenate(pages) if pages else np.empty((0, 0), dtype=np.float32)
        return ChunkRows(ids, texts, metadatas, vectors if "embeddings" in include else None)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn Chroma's errors into ours: a missing collection, or a Chroma that fails."""
        try:
            yield
        except NotFoundError as exc:
            raise IndexMissing() from exc
        except HPError:
            raise
        except Exception as exc:  # unreachable server, locked database, invalid name, ...
            where, hint = _where(self.client)
            raise IndexUnavailable(where, str(exc) or type(exc).__name__, hint) from exc
