"""The report of `bot bench load`: a dict for `--json`, and the same as a rich table.

- ack: from when an event was due to the replica's HTTP response (open loop, so a
  queue in front of a slow replica counts);
- first post: from the question's event to its first accepted chat.postMessage or
  chat.startStream in the stand-in;
- lost: a question with neither an answer nor a notice at the end of the drain;
- duplicated: a question answered in more than one message;
- with a fault, for the questions sent while it lasted: told within 5 s (an answer or
  a notice arrived within 5 s) and answered after the fault ended.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table

from bot.evaluation.load_tally import Outcome, Seen
from bot.evaluation.load_traffic import Question

TOLD_WITHIN = 5.0


def percentile(values: list[float], q: float) -> float:
    """Return the `q`-th percentile (nearest rank) of `values` in seconds, as milliseconds.

    >>> percentile([0.001, 0.002, 0.003, 0.004], 99)
    4.0
    """
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(len(ordered) * q / 100)))
    return round(ordered[rank - 1] * 1000, 1)


def _ms(values: list[float], *qs: int) -> dict[str, float | None]:
    """Return the percentiles `qs` and the maximum of `values` (seconds) in ms; None when empty."""
    out: dict[str, float | None] = {f"p{q}": percentile(values, q) if values else None for q in qs}
    out["max"] = round(max(values) * 1000, 1) if values else None
    return out


def report(*, rate: float, seconds: float, replicas: int, fault: str | None, questions: list[Question],
           found: dict[tuple[str, str], Outcome], unmatched: int, acks: list[tuple[str, int, float]],
           seen: list[Seen], window: tuple[float, float] | None, sent: tuple[float, float],
           violations: list[str], alive: list[bool], late: list[float]) -> dict[str, Any]:
    """Return the report's figures (times in ms); the warm-up's events are left out."""
    acks = [ack for ack in acks if ack[0] != "warmup"]
    got = [found[q.key] for q in questions]
    answered = [o.answered_at for o in got if o.answered_at]
    first = [o.first_post - q.sent_at for q, o in zip(questions, got, strict=True) if o.first_post]
    span = (max(answered) - sent[0]) if answered else 0.0
    statuses = Counter(status for _, status, _ in acks)
    result: dict[str, Any] = {
        "rate": rate, "seconds": seconds, "replicas": replicas, "fault": fault, "cpus": os.cpu_count(),
        "events": dict(Counter(kind for kind, _, _ in acks)),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "ack_ms": _ms([s for _, _, s in acks], 50, 99),
        "ack_ms_by_kind": {kind: _ms([s for k, _, s in acks if k == kind], 50, 99)
                           for kind in sorted({k for k, _, _ in acks})},
        "sender_late_ms": _ms(late, 99),  # open loop: how late the sender itself sent
        "questions": len(questions),
        "answered": len(answered),
        "told_only": sum(1 for o in got if o.told_at and not o.answered_at),
        "lost": sum(1 for o in got if not (o.answered_at or o.told_at)),
        "duplicated": sum(1 for o in got if len(o.answers) > 1),
        # when each doubled question was sent (s after sending started) and where: DM or channel
        "duplicated_examples": [(round(q.sent_at - sent[0], 2), "dm" if q.channel.startswith("D") else "channel")
                                for q, o in zip(questions, got, strict=True) if len(o.answers) > 1][:10],
        "unmatched_answers": unmatched,
        "answers_per_second": round(len(answered) / span, 2) if span > 0 else 0.0,
        "first_post_ms": _ms(first, 50, 99),
        "slack_calls": len(seen), "slack_refused": sum(1 for c in seen if c.status != 200),
        "violations": len(violations), "violation_examples": violations[:5],
        "replicas_alive": sum(alive), "fault_window": None,
    }
    if window is not None:
        result["fault_window"] = _fault_figures(questions, found, window, sent[0])
    return result


def _fault_figures(questions: list[Question], found: dict[tuple[str, str], Outcome],
                   window: tuple[float, float], start: float) -> dict[str, Any]:
    """Return the figures of the questions sent while the fault lasted."""
    during = [(q, found[q.key]) for q in questions if window[0] <= q.sent_at <= window[1]]
    told = [1 for q, o in during
            if min(filter(None, (o.answered_at, o.told_at)), default=float("inf")) - q.sent_at <= TOLD_WITHIN]
    return {
        "from_s": round(window[0] - start, 1), "to_s": round(window[1] - start, 1),
        "questions": len(during), "told_within_5s": len(told),
        "answered_after_fault": sum(1 for _, o in during if o.answered_at and o.answered_at > window[1]),
        "answered": sum(1 for _, o in during if o.answered_at),
    }


def print_report(console: Console, result: dict[str, Any]) -> None:
    """Print the report as a table."""
    title = (f"bot bench load: {result['rate']:g} händelser/s i {result['seconds']:g} s, "
             f"{result['replicas']} repliker, fel: {result['fault'] or 'inget'} ({result['cpus']} kärnor)")
    table = Table(title=title)
    table.add_column("mått")
    table.add_column("värde", justify="right")
    ack, first = result["ack_ms"], result["first_post_ms"]
    rows = [
        ("händelser (typ: antal)", ", ".join(f"{k}: {v}" for k, v in result["events"].items())),
        ("HTTP-svar (status: antal)", ", ".join(f"{k}: {v}" for k, v in result["statuses"].items())),
        ("ack p50 / p99 / max (ms)", f"{ack['p50']} / {ack['p99']} / {ack['max']}"),
        ("sändarens försening p99 / max (ms)", f"{result['sender_late_ms']['p99']} / "
                                               f"{result['sender_late_ms']['max']}"),
        ("frågor / besvarade / bara felmeddelande", f"{result['questions']} / {result['answered']} / "
                                                     f"{result['told_only']}"),
        ("förlorade (varken svar eller besked efter väntetiden)", str(result["lost"])),
        ("dubblerade svar", str(result["duplicated"])),
        ("svar utan fråga", str(result["unmatched_answers"])),
        ("svar per sekund", str(result["answers_per_second"])),
        ("första post p50 / p99 (ms)", f"{first['p50']} / {first['p99']}"),
        ("Slack-anrop / nekade / spec-fel", f"{result['slack_calls']} / {result['slack_refused']} / "
                                            f"{result['violations']}"),
        ("repliker vid liv", f"{result['replicas_alive']} av {result['replicas']}"),
    ]
    window = result["fault_window"]
    if window:
        rows += [
            ("fel aktivt (s efter start)", f"{window['from_s']}–{window['to_s']}"),
            ("frågor under felet", str(window["questions"])),
            ("  fick besked inom 5 s", str(window["told_within_5s"])),
            ("  besvarade / efter felet", f"{window['answered']} / {window['answered_after_fault']}"),
        ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
