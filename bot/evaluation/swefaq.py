"""`bot bench swefaq`: document ranking on SweFAQ, our hybrid retriever vs BM25 and dense alone.

Corpus = the distinct candidate answers in the file, queries = the questions, gold = the
labelled answer. The corpus goes through the real pipeline (one `.txt` per answer,
`KnowledgeIndex.sync`) into a temporary embedded Chroma; the baselines are the two halves
of the same retriever (its BM25 index and its vector store), so all three rank the same
chunks in the same run. Chunk hits map back to their document, first occurrence wins.
"""

import json
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.evaluation import questions
from bot.search.embeddings import make_embeddings
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from bot.settings import Settings

DEPTH = 10  # chunks asked of each ranker; metrics are over the documents they name
METRICS = ("mrr_at_10", "recall_at_1", "recall_at_5")
reciprocal_rank = partial(questions.reciprocal_rank, k=10)  # SweFAQ's MRR counts the first ten


def load_swefaq(path: Path) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Read SweFAQ JSONL into (doc id → answer text, [(question, gold doc id)]).

    Doc ids follow each distinct answer's first appearance in the file.
    """
    corpus: dict[str, str] = {}
    ids: dict[str, str] = {}
    queries: list[tuple[str, str]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers, gold = row["candidate_answers"], row["candidate_answers"][row["label"]]
        except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: ingen giltig SweFAQ-rad ({exc})") from exc
        for answer in answers:
            if answer not in ids:
                ids[answer] = f"faq-{len(ids):04d}"
                corpus[ids[answer]] = answer
        queries.append((row["question"], ids[gold]))
    return corpus, queries


def documents(chunk_doc_ids: Sequence[str]) -> list[str]:
    """Doc ids in rank order, each once (a document's best chunk decides its rank).

    >>> documents(["a", "b", "a", "c"])
    ['a', 'b', 'c']
    """
    return list(dict.fromkeys(chunk_doc_ids))


def summarise(rankings: Sequence[Sequence[str]], golds: Sequence[str]) -> dict[str, float]:
    """MRR@10 and recall@1/@5 over document rankings, one per query.

    >>> summarise([["a", "b"], ["c", "d"]], ["b", "x"])
    {'mrr_at_10': 0.25, 'recall_at_1': 0.0, 'recall_at_5': 0.5}
    """
    pairs = list(zip(rankings, golds, strict=True))
    n = max(len(pairs), 1)
    return {
        "mrr_at_10": round(sum(reciprocal_rank(r, g) for r, g in pairs) / n, 4),
        "recall_at_1": round(sum(g in r[:1] for r, g in pairs) / n, 4),
        "recall_at_5": round(sum(g in r[:5] for r, g in pairs) / n, 4),
    }


def index_corpus(folder: Path, corpus: dict[str, str], settings: Settings) -> KnowledgeIndex:
    """Write one `.txt` per answer under `folder` and index it into Chroma under `folder`."""
    knowledge = folder / "knowledge"
    knowledge.mkdir()
    for doc_id, text in corpus.items():
        (knowledge / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model)
    index = KnowledgeIndex(make_client(folder / "chroma"), "swefaq", embeddings)
    report = index.sync(knowledge)
    if report.errors:
        raise ValueError("; ".join(str(e) for e in report.errors))
    return index


def rank(retriever: HybridRetriever, question: str) -> dict[str, list[str]]:
    """Document rankings of one question: ours, BM25 alone and dense alone."""
    ours = [h.source.id for h in retriever.hits(question, DEPTH)]
    lexical = [s.id for s, _ in retriever.lexical(question, DEPTH)]
    dense = [s.id for s, _ in retriever.dense(question, DEPTH)]
    return {"ours": documents(ours), "bm25": documents(lexical), "dense": documents(dense)}


def evaluate(retriever: HybridRetriever, queries: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Rank every query three ways and summarise each ranker."""
    runs = [rank(retriever, question) for question, _ in queries]
    golds = [gold for _, gold in queries]
    by = {name: summarise([r[name] for r in runs], golds) for name in ("ours", "bm25", "dense")}
    baselines = {"bm25": by["bm25"], "dense": by["dense"]}
    return {"n": len(queries), **by["ours"], "baselines": baselines}


def run(data_path: Path, settings: Settings) -> dict[str, Any]:
    """Index the SweFAQ corpus in a temporary Chroma and rank every question three ways."""
    start = time.perf_counter()
    corpus, queries = load_swefaq(data_path)
    with tempfile.TemporaryDirectory(prefix="swefaq-") as tmp:
        index = index_corpus(Path(tmp), corpus, settings)
        indexed = time.perf_counter()
        report = evaluate(HybridRetriever(index), queries)
    report["documents"] = len(corpus)
    report["index_seconds"] = round(indexed - start, 2)
    report["seconds"] = round(time.perf_counter() - start, 2)
    return report


def rows(report: dict[str, Any]) -> list[tuple[str, dict[str, float]]]:
    """(ranker name, metrics) rows of a report, ours first."""
    base = report["baselines"]
    return [("hybrid (ours)", report), ("BM25 alone", base["bm25"]), ("dense alone", base["dense"])]


def markdown(report: dict[str, Any]) -> str:
    """The results as a README-ready Markdown table."""
    lines = ["| retriever | MRR@10 | recall@1 | recall@5 |", "|---|---|---|---|"]
    for name, metrics in rows(report):
        lines.append(f"| {name} | " + " | ".join(f"{metrics[k]:.3f}" for k in METRICS) + " |")
    return "\n".join(lines)


def print_report(console: Console, report: dict[str, Any]) -> None:
    """Print the three rankers side by side, then the Markdown table."""
    title = f"SweFAQ: {report['n']} frågor, {report['documents']} svar"
    table = Table("retriever", *METRICS, title=title)
    for name, metrics in rows(report):
        table.add_row(name, *(f"{metrics[k]:.3f}" for k in METRICS))
    console.print(table)
    console.print(f"{report['seconds']:.1f} s (varav indexering {report['index_seconds']:.1f} s)")
    console.print(markdown(report), markup=False, highlight=False, soft_wrap=True)
