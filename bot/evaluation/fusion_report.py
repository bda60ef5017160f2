"""The report of `bot bench fusion`: paired held-out deltas, a table and README-ready Markdown."""

from collections import Counter
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from bot.search.fusion import Fusion

SETS = {"swefaq": "SweFAQ dev", "ours": "our tune questions"}
BOOTSTRAP = 2000


def paired(held: np.ndarray, base: dict[str, np.ndarray]) -> dict[str, dict[str, Any]]:
    """Per baseline: mean held-out gain, its bootstrap 95 % interval, queries won and lost.

    >>> paired(np.array([1.0, 0.5, 1.0]), {"bm25": np.array([0.5, 0.5, 1.0])})["vs_bm25"]["wins_losses"]
    [1, 0]
    """
    rng = np.random.default_rng(0)
    out = {}
    for name, scores in base.items():
        gain = held - scores
        means = rng.choice(gain, size=(BOOTSTRAP, len(gain))).mean(axis=1)
        low, high = np.percentile(means, [2.5, 97.5])
        out[f"vs_{name}"] = {
            "gain": round(float(gain.mean()), 4),
            "ci95": [round(float(low), 4), round(float(high), 4)],
            "wins_losses": [int((gain > 1e-9).sum()), int((gain < -1e-9).sum())],
        }
    return out


Scores = dict[str, np.ndarray]  # set name → reciprocal rank per query


def row(
    variant: str, family: str, held: Scores, base: dict[str, Scores], chosen: Counter[Fusion], final: Fusion
) -> dict[str, Any]:
    """A report row: held-out MRR@10 per set for the hybrid, BM25 alone and dense alone."""
    config, n = chosen.most_common(1)[0]
    figures = {name: {"hybrid": round(float(held[name].mean()), 4),
                      **{k: round(float(v.mean()), 4) for k, v in base[name].items()}} for name in held}
    return {"variant": variant, "fusion": family, **figures, "chosen": config.label(),
            "chosen_share": round(n / sum(chosen.values()), 2), "on_all_tune_data": final.label()}


def markdown(report: dict[str, Any]) -> str:
    """Held-out MRR@10 of every (BM25 variant, fusion family) row as a Markdown table."""
    head = "| BM25 side | fusion (chosen per fold) | " + " | ".join(
        f"{label}: hybrid / BM25 / dense" for label in SETS.values()
    )
    lines = [head + " | most chosen |", "|---|---|---|---|---|"]
    for r in report["rows"]:
        figures = " | ".join(f"{r[s]['hybrid']:.3f} / {r[s]['bm25']:.3f} / {r[s]['dense']:.3f}" for s in SETS)
        lines.append(f"| {r['variant']} | {r['fusion']} | {figures} | {r['chosen']} ({r['chosen_share']:.0%}) |")
    whole = report["whole_procedure"]
    lines.append(
        f"| any | any (all rows' grids) | {whole['swefaq']:.3f} / – / – | {whole['ours']:.3f} / – / – "
        f"| {whole['chosen']} ({whole['chosen_share']:.0%}) |"
    )
    return "\n".join(lines)


def print_report(console: Console, report: dict[str, Any]) -> None:
    """Print the rows, the shipped fusion's paired deltas, then the Markdown table."""
    sizes = ", ".join(f"{SETS[n]} {s['n']} ({s['groups']} groups)" for n, s in report["sets"].items())
    title = f"Held-out MRR@10, {report['folds']}-fold grouped CV × {report['repeats']}: {sizes}"
    columns = [f"{SETS[s]} hybrid / BM25 / dense" for s in SETS]
    table = Table("BM25 side", "fusion", *columns, "most chosen", title=title)
    for r in report["rows"]:
        table.add_row(r["variant"], r["fusion"], *(f"{r[s]['hybrid']:.3f} / {r[s]['bm25']:.3f} / {r[s]['dense']:.3f}"
                                                    for s in SETS), f"{r['chosen']} ({r['chosen_share']:.0%})")
    console.print(table)
    shipped = report["shipped"]
    console.print(f"Retrieverns fusion: {shipped['fusion']} (vald på all tune-data: {shipped['on_all_tune_data']})")
    for s in SETS:
        for versus, d in shipped.get(s, {}).items():
            console.print(f"  {SETS[s]} {versus}: {d['gain']:+.3f} (95 % {d['ci95'][0]:+.3f}..{d['ci95'][1]:+.3f}), "
                          f"vunna/förlorade frågor {d['wins_losses'][0]}/{d['wins_losses'][1]}", highlight=False)
    console.print(markdown(report), markup=False, highlight=False, soft_wrap=True)
