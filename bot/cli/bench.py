"""`bot bench swefaq | fusion | speed | slack | ocr | load`: the benchmarks, each printing a table or JSON."""

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bot.cli.errors import CONFIG_ERROR, fail, translated

bench_app = typer.Typer(help="Mät hämtningskvalitet, hastighet, Slack-latens och OCR-lagning.", no_args_is_help=True)


@bench_app.command("swefaq")
def swefaq(
    ctx: typer.Context,
    data: Annotated[Path, typer.Option("--data", exists=True, dir_okay=False)],
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Retrieval on SweFAQ: our hybrid retriever vs BM25 alone and dense alone, same run.

    Also SuperLim's own task (superlim_accuracy): the right answer among the question's candidates.
    """
    from bot.evaluation.swefaq import print_report, run

    _emit(run(data, ctx.obj), as_json, lambda report: print_report(Console(), report))


@bench_app.command("fusion")
def fusion(
    ctx: typer.Context,
    swefaq: Annotated[Path, typer.Option("--swefaq", exists=True, dir_okay=False)],
    questions: Annotated[Path, typer.Option("--questions", exists=True, dir_okay=False)] = Path("eval/questions.jsonl"),
    folds: int = typer.Option(5, "--folds", min=2),
    repeats: int = typer.Option(10, "--repeats", min=1),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Choose the fusion by grouped k-fold CV on SweFAQ and our tune questions; held-out MRR@10 only.

    Example: bot bench fusion --swefaq ../shared/datasets/swefaq/swefaq_dev.jsonl
    """
    from bot.evaluation.fusion import run
    from bot.evaluation.fusion_report import print_report

    with translated():
        report = run(swefaq, questions, ctx.obj, folds, repeats)
    _emit(report, as_json, lambda report: print_report(Console(width=200), report))


@bench_app.command("speed")
def speed(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    sizes: str = typer.Option("1000,10000,100000", help="Collection sizes to time queries at."),
) -> None:
    """Indexing throughput vs raw encoding, query latency at 1k/10k/100k chunks, peak RSS."""
    from bot.evaluation.speed import print_report, run

    report = run(ctx.obj, [int(s) for s in sizes.split(",") if s.strip()])
    _emit(report, as_json, lambda report: print_report(Console(), report))


@bench_app.command("slack")
def slack(
    ctx: typer.Context,
    events: int = typer.Option(200, "-n", min=1, help="Events to send."),
    burst: bool = typer.Option(False, "--burst", help="Send the next event right after the ack."),
    real: bool = typer.Option(False, "--real", help="Use the real answerer (needs `bot index`)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Latency of the Slack shell over real HTTP against a local Slack stand-in."""
    try:
        from bot.evaluation.slack import FastAnswerer, markdown, run
    except ImportError as exc:  # the stand-in checks calls with jsonschema, a test dependency
        raise fail(f"bot bench slack kräver testberoendena (pip install '.[test]'): {exc}") from None
    from bot.answer.types import Answerer
    from bot.wiring import Services

    answerer: Answerer = FastAnswerer()
    if real:
        with translated():
            answerer = Services(ctx.obj).answerer
    with translated():
        result = run(events, burst, answerer)
    table = markdown(result, "real" if real else "fake fast")
    sys.stdout.write((json.dumps(result, indent=2) if as_json else table) + "\n")
    if result["violations"]:
        raise typer.Exit(1)


@bench_app.command("ocr")
def ocr(
    as_json: bool = typer.Option(False, "--json"),
    strict: bool = typer.Option(False, "--strict", help="Also drop each document's rare words from the lexicon."),
    sources: Path = typer.Option(Path("../shared/knowledge-sources"), help="The raw source documents."),
    knowledge: Path = typer.Option(Path("knowledge"), help="Our own clean documents."),
) -> None:
    """OCR repair on the clean documents with their diacritics stripped (target ≥ 98 %, none broken)."""
    from bot.evaluation.ocr import print_report, run

    report = run(sources, knowledge, strict)
    _emit(report, as_json, print_report)
    if not report["target_met"]:
        raise typer.Exit(1)


@bench_app.command("load")
def load(
    ctx: typer.Context,
    rate: float = typer.Option(20.0, "--rate", min=0.5, help="Events a second."),
    seconds: float = typer.Option(60.0, "--seconds", min=1, help="How long to send."),
    replicas: int = typer.Option(2, "--replicas", min=1, max=8, help="`bot serve --http` processes."),
    fault: str | None = typer.Option(None, "--fault", help="db, chroma or slack: away for 20 s mid-run."),
    drain: float = typer.Option(60.0, "--drain", min=0, help="Longest wait for answers after sending."),
    logs: Path | None = typer.Option(None, "--logs", file_okay=False, help="Keep the processes' logs here."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Replicas of `bot serve --http` under signed Slack events: acks, answers, lost and duplicated.

    Starts a Chroma server, the Slack stand-in, a proxy in front of PostgreSQL (DATABASE_URL,
    or the local server; a schema of its own) and the replicas, all on 127.0.0.1.

    Exits 1 when a question was lost or answered twice, or a Slack call broke Slack's spec.

    Example: bot bench load --rate 20 --seconds 60 --replicas 2 --fault db
    """
    if fault not in (None, "db", "chroma", "slack"):
        raise fail(f"okänt fel att simulera: {fault} (välj db, chroma eller slack)", CONFIG_ERROR)
    try:
        from bot.evaluation.load import run
        from bot.evaluation.load_report import print_report
    except ModuleNotFoundError as exc:  # the stand-in checks calls with jsonschema, a test dependency
        if exc.name != "jsonschema":
            raise
        raise fail(f"bot bench load kräver testberoendena (pip install '.[test]'): {exc}") from None
    with translated():
        started = time.monotonic()
        err = Console(stderr=True)
        report = run(ctx.obj, rate, seconds, replicas, fault, drain=drain, logs=logs,
                     progress=lambda line: err.print(f"[{time.monotonic() - started:6.1f} s] {line}",
                                                     highlight=False))
    _emit(report, as_json, lambda report: print_report(Console(), report))
    if report["lost"] or report["duplicated"] or report["violations"]:
        raise typer.Exit(1)


def _emit(report: dict[str, Any], as_json: bool, print_table: Callable[[dict[str, Any]], None]) -> None:
    """Write a benchmark's report as JSON on stdout, or print it as tables."""
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        print_table(report)
