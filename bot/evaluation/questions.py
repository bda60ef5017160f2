"""Score an answerer on a JSONL question set with pure metrics, per split (tune / holdout).

Thresholds and weights are tuned on the `tune` half only; the `holdout` half is what a
result is reported on.
"""

import json
import statistics
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError
from rich.console import Console
from rich.table import Table

from bot.answer.types import Answer, Answerer
from bot.answer.verify import Similarity, verify
from bot.search.text import fold

METRICS = (
    "n", "source_recall_at_3", "must_include_rate", "refusal_accuracy", "mrr",
    "first_quote_answers", "median_answer_chars", "citation_validity", "generated_share",
    "fallback_rate", "llm_citation_validity",
)


class Question(BaseModel):
    """One line of the question file."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    question: str
    expected_sources: list[str]
    must_include: list[str]
    answerable: bool
    kind: Literal["answerable", "near_domain", "off_domain", "sloppy", "english"] = "answerable"
    asks: Literal["who", "when", "time", "count", "list", "other"] = "other"
    split: Literal["tune", "holdout"] = "tune"


def load_questions(path: Path) -> list[Question]:
    """Read and validate a question file; a bad line raises ValueError naming it."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(Question.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path}:{n}: ogiltig JSON ({exc.msg})") from exc
        except ValidationError as exc:
            fields = ", ".join(str(e["loc"][0]) for e in exc.errors() if e["loc"])
            raise ValueError(f"{path}:{n}: saknar eller har fel värde i {fields}") from exc
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


def first_quote(answer: Answer) -> str:
    """Return the first quote of an answer (its first paragraph when the answerer marks none).

    >>> first_quote(Answer("q", "> A [1]\\n\\n> B [2]", False, "sv"))
    '> A [1]'
    """
    marked = answer.meta.get("first_quote")
    return str(marked) if marked else answer.text.split("\n\n", 1)[0]


def citations_checked(answer: Answer, similarity: Similarity | None = None) -> tuple[int, int]:
    """Return (cited sentences, supported ones) of the answer as shown: do its `[n]` hold up against its sources?

    Refusals are not counted (their "the documents do not say" line cites nothing by
    design). Quotes are checked as Swedish text whatever the question's language.
    """
    if answer.refused:
        return 0, 0
    language = answer.language if answer.meta.get("mode") == "generated" else "sv"
    verdict = verify(answer.text, [s.text for s in answer.sources], language, similarity)
    return verdict.cited, verdict.supported


def score(item: Question, answer: Answer, similarity: Similarity | None = None) -> dict[str, Any]:
    """Per-question result."""
    ids = [s.id for s in answer.sources]
    answered = item.answerable and not answer.refused
    cited, supported = citations_checked(answer, similarity)
    return {
        "id": item.id,
        "question": item.question,
        "kind": item.kind,
        "split": item.split,
        "answerable": item.answerable,
        "refused": answer.refused,
        "refusal_correct": answer.refused == (not item.answerable),
        "recall_at_3": item.answerable and any(i in item.expected_sources for i in ids[:3]),
        "reciprocal_rank": reciprocal_rank(ids, item.expected_sources) if item.answerable else None,
        "must_include": answered and includes_all(answer.text, item.must_include),
        "first_quote_answers": answered and includes_all(first_quote(answer), item.must_include),
        "chars": len(answer.text),
        "sources": ids,
        "cited": cited,
        "supported": supported,
        "mode": answer.meta.get("mode", "extractive"),
        "llm_asked": "fallback" in answer.meta or answer.meta.get("mode") == "generated",
        "fallback": answer.meta.get("fallback"),
        "llm_cited": answer.meta.get("llm_cited", 0),
        "llm_supported": answer.meta.get("llm_supported", 0),
        **{k: answer.meta.get(k) for k in ("relevance", "coverage", "term_coverage", "evidence", "ask", "missing")},
    }


def summarise(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Aggregate per-question results into the metrics."""
    answerable = [r for r in results if r["answerable"]]
    n_ans = max(len(answerable), 1)
    answered = [r["chars"] for r in results if not r["refused"]]
    asked = [r for r in results if r["llm_asked"]]
    return {
        "n": len(results),
        "source_recall_at_3": sum(r["recall_at_3"] for r in answerable) / n_ans,
        "must_include_rate": sum(r["must_include"] for r in answerable) / n_ans,
        "refusal_accuracy": sum(r["refusal_correct"] for r in results) / max(len(results), 1),
        "mrr": sum(r["reciprocal_rank"] for r in answerable) / n_ans,
        "first_quote_answers": sum(r["first_quote_answers"] for r in answerable) / n_ans,
        "median_answer_chars": statistics.median(answered) if answered else 0,
        "unanswerable": sum(not r["answerable"] for r in results),
        # Of the shown answers' cited sentences, the share whose citation checks out.
        "citation_validity": _share(results, "supported", "cited"),
        # LLM mode only: answers written by the LLM, those replaced by quotes, and how
        # well the LLM's own (pre-check) answers were cited.
        "generated_share": sum(r["mode"] == "generated" for r in results) / max(len(results), 1),
        "fallback_rate": sum(r["fallback"] is not None for r in asked) / len(asked) if asked else None,
        "llm_citation_validity": _share(asked, "llm_supported", "llm_cited"),
    }


def _share(results: Sequence[dict[str, Any]], part: str, whole: str) -> float | None:
    total = sum(r[whole] for r in results)
    return sum(r[part] for r in results) / total if total else None


def evaluate(answerer: Answerer, items: Sequence[Question]) -> dict[str, Any]:
    """Ask every question; aggregate over all of them and per split."""
    similarity = getattr(answerer, "similarity", None)  # the LLM answerer's, for English answers
    results = [score(item, answerer.ask(item.question), similarity) for item in items]
    splits = {name: summarise([r for r in results if r["split"] == name]) for name in ("tune", "holdout")}
    return {**summarise(results), "splits": splits, "results": results}


def print_report(console: Console, report: dict[str, Any]) -> None:
    """Print the metrics for all questions and per split, then the questions that missed."""
    table = Table("mått", "alla", "tune", "holdout")
    for key in METRICS:
        values = [report[key], report["splits"]["tune"][key], report["splits"]["holdout"][key]]
        table.add_row(key, *(f"{v:.3f}" if isinstance(v, float) and key != "median_answer_chars"
                             else "–" if v is None else str(v) for v in values))
    console.print(table)
    for r in report["results"]:
        ok = r["refusal_correct"] and (not r["answerable"] or (r["recall_at_3"] and r["must_include"]))
        if not ok:
            console.print(f"[red]✗[/] {r['id']} {r['question']} → {r['sources'][:3]}", highlight=False)
