"""`bot bench swefaq` and `bot bench speed`."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

bench_app = typer.Typer(help="Mät hämtningskvalitet och hastighet.", no_args_is_help=True)


@bench_app.command("swefaq")
def swefaq(
    ctx: typer.Context,
    data: Annotated[Path, typer.Option("--data", exists=True, dir_okay=False)],
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Retrieval on SweFAQ: our hybrid retriever vs BM25 alone and dense alone, same run."""
    from bot.evaluation.swefaq import print_report, run

    report = run(data, ctx.obj)
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        print_report(Console(), report)


@bench_app.command("speed")
def speed(
    ctx: typer.Context,
    as_json: bool = typer.Option(False, "--json"),
    sizes: str = typer.Option("1000,10000,100000", help="Collection sizes to time queries at."),
) -> None:
    """Indexing throughput vs raw encoding, query latency at 1k/10k/100k chunks, peak RSS."""
    from bot.evaluation.speed import print_report, run

    report = run(ctx.obj, [int(s) for s in sizes.split(",") if s.strip()])
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        print_report(Console(), report)
