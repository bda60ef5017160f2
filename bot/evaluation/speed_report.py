"""Targets and tables for `bot bench speed` (pure: report dict in, rows out)."""

from typing import Any

from rich.console import Console
from rich.table import Table

# The targets: (label, check on the report) — None when not measured.
P95_TARGETS_MS = {"10000": 100.0, "100000": 300.0}
OVERHEAD_TARGET = 0.10
REINDEX_TARGET_S = 2.0
CLI_RSS_TARGET_MB = 600.0


def targets(report: dict[str, Any]) -> dict[str, bool | None]:
    """Which of the issue's targets the report meets (None: not measured this run).

    >>> targets({"indexing_overhead": 0.05, "reindex_nochange_seconds": 0.3,
    ...          "reindex_nochange_added": 0, "latency_ms": {"10000": {"p95": 120.0},
    ...          "100000": {"error": "InternalError"}}})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'indexing_overhead <= 0.10': True, 'reindex_nochange <= 2 s': True,
     'p95 <= 100 ms at 10000': False, 'p95 <= 300 ms at 100000': False,
     'cli_ask_peak_rss < 600 MB': None}
    """
    latency = report.get("latency_ms", {})
    rss = report.get("cli_ask_peak_rss_mb")
    out: dict[str, bool | None] = {
        "indexing_overhead <= 0.10": report["indexing_overhead"] <= OVERHEAD_TARGET,
        "reindex_nochange <= 2 s": report["reindex_nochange_seconds"] <= REINDEX_TARGET_S
        and report["reindex_nochange_added"] == 0,
    }
    for size, limit in P95_TARGETS_MS.items():
        measured = latency.get(size)
        met = None if measured is None else "error" not in measured and measured["p95"] <= limit
        out[f"p95 <= {limit:.0f} ms at {size}"] = met
    out["cli_ask_peak_rss < 600 MB"] = None if rss is None else rss < CLI_RSS_TARGET_MB
    return out


def rows(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(measure, value, target) rows, README-ready."""
    out = [
        (
            f"indexing throughput ({report['indexing_chunks']} chunks)",
            f"{report['indexing_chunks_per_s']:.1f} chunks/s vs raw encode "
            f"{report['raw_encode_chunks_per_s']:.1f}/s: "
            f"overhead {report['indexing_overhead']:+.1%}",
            f"overhead ≤ {OVERHEAD_TARGET:.0%}",
        ),
        (
            f"re-index, nothing changed ({report['nochange_documents']:,} docs)",
            f"{report['reindex_nochange_seconds']:.2f} s, "
            f"{report['reindex_nochange_added']} embedded "
            f"(first sync {report['first_sync_seconds']:.1f} s)",
            f"≤ {REINDEX_TARGET_S:.0f} s",
        ),
    ]
    for size, lat in report["latency_ms"].items():
        limit = P95_TARGETS_MS.get(size)
        write = f"Chroma write {report['chroma_write_seconds'][size]:.1f} s"
        value = (
            f"failed: {lat['error']} ({write})" if "error" in lat
            else f"{lat['p50']:.0f} / {lat['p95']:.0f} ms (of which query embedding alone "
            f"{_p50_p95(report['query_embedding_ms'][size])}; "
            f"BM25 build {report['bm25_build_seconds'][size]:.1f} s, {write})"
        )
        target = f"p95 ≤ {limit:.0f} ms" if limit else ""
        out.append((f"query p50 / p95 at {int(size):,} chunks", value, target))
    if report.get("cli_ask_peak_rss_mb") is not None:
        out.append(("`bot ask` peak RSS", f"{report['cli_ask_peak_rss_mb']:.0f} MB",
                    f"< {CLI_RSS_TARGET_MB:.0f} MB"))
    out.append(("bench process peak RSS", f"{report['bench_peak_rss_mb']:.0f} MB", ""))
    return out


def _p50_p95(values: dict[str, float]) -> str:
    return f"{values['p50']:.0f} / {values['p95']:.0f} ms"


def markdown(report: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    lines = ["| measure | result | target |", "|---|---|---|"]
    return "\n".join(lines + [f"| {m} | {v} | {t} |" for m, v, t in rows(report)])


def print_report(console: Console, report: dict[str, Any]) -> None:
    """Print the results, which targets are met, then the Markdown table."""
    table = Table("mått", "resultat", "mål", title="bot bench speed")
    for measure, value, target in rows(report):
        table.add_row(measure, value, target)
    console.print(table)
    for name, met in report["targets"].items():
        mark = "[green]✓[/]" if met else "[red]✗[/]" if met is False else "[dim]–[/]"
        console.print(f"{mark} {name}", highlight=False)
    footer = f"{report['seconds']:.0f} s, load average {report['load_avg_1m']} at start"
    console.print(footer, highlight=False)
    console.print(markdown(report), markup=False, highlight=False, soft_wrap=True)
