"""Score an answerer on a JSONL question set with pure metrics."""

import json
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.answer.types import Answer, Answerer
from bot.search.text import fold

Question = dict[str, Any]
_REQUIRED = ("id", "question", "expected_sources", "must_include", "answerable")


def load_questions(path: Path) -> list[Question]:
    """Read and validate a question file; a bad line raises ValueError naming it."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: ogiltig JSON ({exc.msg})") from exc
        missing = [k for k in _REQUIRED if k not in item]
        if missing:
            raise ValueError(f"{path}:{n}: saknar {', '.join(missing)}")
        items.append(item)
    return items


def reciprocal_rank(ranked: Sequence[str], expected: str | Collection[str], k: int | None = None) -> float:
    """Return 1/rank of the first expected id among the first `k` of `ranked` (all if None), else 0.

    >>> reciprocal_rank(["a", "b", "c"], ["c"])
    0.3333333333333333
    >>> reciprocal_rank(["a", "b", "c"], "b"), reciprocal_rank(["a", "b", "c"], "c", k=2)
    (0.5, 0.0)
    """
    wanted = {expected} if isinstance(expected, str) else set(expected)
    for rank, item in enumerate(ranked[:k], start=1):
        if item in wanted:
            return 1.0 / rank
    return 0.0


def includes_all(text: str, needles: Sequence[str]) -> bool:
    """True when every needle occurs in `text`, ignoring case and diacritics.

    >>> includes_all("Jämställdhet är viktigt", ["JAMSTALLDHET"])
    True
    """
    haystack = fold(text)
    return all(fold(n) in haystack for n in needles)


def score(item: Question, answer: Answer) -> dict[str, Any]:
    """Per-question result."""
    ids = [s.id for s in answer.sources]
    answerable = bool(item["answerable"])
    return {
        "id": item["id"],
        "question": item["question"],
        "answerable": answerable,
        "refused": answer.refused,
        "refusal_correct": answer.refused == (not answerable),
        "recall_at_3": answerable and any(i in item["expected_sources"] for i in ids[:3]),
        "reciprocal_rank": reciprocal_rank(ids, item["expected_sources"]) if answerable else None,
        "must_include": answerable
        and not answer.refused
        and includes_all(answer.text, item["must_include"]),
        "sources": ids,
        "relevance": answer.meta.get("relevance"),
    }


def evaluate(answerer: Answerer, items: Sequence[Question]) -> dict[str, Any]:
    """Ask every question and aggregate the metrics."""
    results = [score(item, answerer.ask(item["question"])) for item in items]
    answerable = [r for r in results if r["answerable"]]
    n_ans = max(len(answerable), 1)
    return {
        "n": len(results),
        "source_recall_at_3": sum(r["recall_at_3"] for r in answerable) / n_ans,
        "must_include_rate": sum(r["must_include"] for r in answerable) / n_ans,
        "refusal_accuracy": sum(r["refusal_correct"] for r in results) / max(len(results), 1),
        "mrr": sum(r["reciprocal_rank"] for r in answerable) / n_ans,
        "results": results,
    }


def print_report(console: Console, report: dict[str, Any]) -> None:
    """Print the summary and the questions that missed."""
    table = Table("mått", "värde")
    for key in ("n", "source_recall_at_3", "must_include_rate", "refusal_accuracy", "mrr"):
        value = report[key]
        table.add_row(key, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)
    for r in report["results"]:
        ok = r["refusal_correct"] and (not r["answerable"] or (r["recall_at_3"] and r["must_include"]))
        if not ok:
            console.print(f"[red]✗[/] {r['id']} {r['question']} → {r['sources'][:3]}", highlight=False)
