"""`bot bench swefaq`: document ranking on SweFAQ, our hybrid retriever vs BM25 and dense alone.

Corpus = the distinct candidate answers in the file, queries = the questions, gold = the
labelled answer. The corpus goes through the real pipeline (one `.txt` per answer,
`KnowledgeIndex.sync`) into a temporary embedded Chroma; the baselines are the two halves
of the same retriever (its BM25 index and its vector store), so all three rank the same
chunks in the same run. Chunk hits map back to their document, first occurrence wins.

`superlim_accuracy` is SuperLim 2's own SweFAQ task: pick the right answer among the
question's `candidate_answers` (its category's answers). Each ranker scores only those
candidates' chunks (a document scores its best chunk); a tie counts as a random pick
among the tied, i.e. 1/n of a hit.
"""

import json
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings
from rich.console import Console
from rich.table import Table

from bot.evaluation import questions
from bot.search.embeddings import make_embeddings
from bot.search.index import KnowledgeIndex, make_client
from bot.search.retriever import HybridRetriever
from bot.settings import Settings

DEPTH = 10  # chunks asked of each ranker; metrics are over the documents they name
METRICS = ("mrr_at_10", "recall_at_1", "recall_at_5", "superlim_accuracy")
RANKERS = ("ours", "bm25", "dense")
reciprocal_rank = partial(questions.reciprocal_rank, k=10)  # SweFAQ's MRR counts the first ten


@dataclass(frozen=True)
class FaqQuestion:
    """A SweFAQ question: its gold answer's doc id, its category's answers (doc ids), the category."""

    question: str
    gold: str
    candidates: tuple[str, ...]
    category: str


def load_swefaq(path: Path) -> tuple[dict[str, str], list[FaqQuestion]]:
    """Read SweFAQ JSONL into (doc id → answer text, the questions).

    Doc ids follow each distinct answer's first appearance in the file.
    """
    corpus: dict[str, str] = {}
    ids: dict[str, str] = {}
    queries: list[FaqQuestion] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers, gold = row["candidate_answers"], row["candidate_answers"][row["label"]]
            question, category = str(row["question"]), str(row.get("category_id", ""))
        except (json.JSONDecodeError, KeyError, IndexError, TypeError) as exc:
            raise ValueError(f"{path}:{n}: ingen giltig SweFAQ-rad ({exc})") from exc
        for answer in answers:
            if answer not in ids:
                ids[answer] = f"faq-{len(ids):04d}"
                corpus[ids[answer]] = answer
        queries.append(FaqQuestion(question, ids[gold], tuple(ids[a] for a in answers), category))
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


def index_folder(folder: Path, chroma: Path, name: str, embeddings: Embeddings) -> KnowledgeIndex:
    """Index the documents in `folder` into a new embedded Chroma at `chroma`."""
    index = KnowledgeIndex(make_client(chroma), name, embeddings)
    report = index.sync(folder)
    if report.errors:
        raise ValueError("; ".join(str(e) for e in report.errors))
    return index


def index_corpus(folder: Path, corpus: dict[str, str], embeddings: Embeddings) -> KnowledgeIndex:
    """Write one `.txt` per answer under `folder` and index it into Chroma under `folder`."""
    knowledge = folder / "knowledge"
    knowledge.mkdir()
    for doc_id, text in corpus.items():
        (knowledge / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return index_folder(knowledge, folder / "chroma", "swefaq", embeddings)


def rank(retriever: HybridRetriever, question: str) -> dict[str, list[str]]:
    """Document rankings of one question: ours, BM25 alone and dense alone."""
    ours = [h.source.id for h in retriever.hits(question, DEPTH)]
    lexical = [s.id for s, _ in retriever.lexical(question, DEPTH)]
    dense = [s.id for s, _ in retriever.dense(question, DEPTH)]
    return {"ours": documents(ours), "bm25": documents(lexical), "dense": documents(dense)}


def pick(doc_scores: Mapping[str, float], gold: str) -> float:
    """1 when the gold document scores best alone, 1/n when n documents tie for best, else 0.

    >>> pick({"a": 0.9, "b": 0.4}, "a"), pick({"a": 0.0, "b": 0.0}, "a"), pick({"a": 0.1, "b": 0.4}, "a")
    (1.0, 0.5, 0.0)
    """
    best = max(doc_scores.values())
    tied = [d for d, s in doc_scores.items() if s == best]
    return 1.0 / len(tied) if gold in tied else 0.0


def choose(retriever: HybridRetriever, item: FaqQuestion) -> dict[str, float]:
    """SuperLim's task for one question: each ranker's (expected) hit among the candidates."""
    sources = retriever.refresh().sources
    pool = [p for p, s in enumerate(sources) if s.id in item.candidates]
    evidence = retriever.evidence(item.question, pool=pool)
    scored = {"ours": retriever.fusion.fuse(evidence), "bm25": evidence.lexical, "dense": evidence.dense}
    out = {}
    for name, scores in scored.items():
        docs: dict[str, float] = {}
        for p, score in scores.items():
            docs[sources[p].id] = max(score, docs.get(sources[p].id, score))
        out[name] = pick(docs, item.gold)
    return out


def evaluate(retriever: HybridRetriever, queries: Sequence[FaqQuestion]) -> dict[str, Any]:
    """Rank every query three ways, choose among its candidates three ways, summarise each ranker."""
    runs = [rank(retriever, q.question) for q in queries]
    picks = [choose(retriever, q) for q in queries]
    golds = [q.gold for q in queries]
    by = {name: summarise([r[name] for r in runs], golds) for name in RANKERS}
    for name in RANKERS:
        by[name]["superlim_accuracy"] = round(sum(p[name] for p in picks) / max(len(picks), 1), 4)
    baselines = {"bm25": by["bm25"], "dense": by["dense"]}
    return {"n": len(queries), **by["ours"], "baselines": baselines}


def run(data_path: Path, settings: Settings) -> dict[str, Any]:
    """Index the SweFAQ corpus in a temporary Chroma and rank every question three ways."""
    start = time.perf_counter()
    corpus, queries = load_swefaq(data_path)
    embeddings = make_embeddings(settings.embedding_backend, settings.embedding_model)
    with tempfile.TemporaryDirectory(prefix="swefaq-") as tmp:
        index = index_corpus(Path(tmp), corpus, embeddings)
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
    lines = ["| retriever | MRR@10 | recall@1 | recall@5 | SuperLim accuracy |", "|---|---|---|---|---|"]
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
