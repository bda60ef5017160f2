"""CLI commands of the knowledge base: `index`, `ask`, `chat`, `eval`, `bench`."""

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.answer.types import Answerer
from bot.cli.errors import CONFIG_ERROR, fail, translated
from bot.settings import Settings

out = Console()
err = Console(stderr=True)


def index(
    ctx: typer.Context,
    rebuild: bool = typer.Option(False, "--rebuild", help="Bygg om indexet från grunden."),
) -> None:
    """Index knowledge/ into the vector store; only changed files are embedded.

    Example: bot index
    """
    from bot.wiring import build_index

    settings: Settings = ctx.obj
    if not settings.knowledge_dir.is_dir():
        raise fail(f"mappen {settings.knowledge_dir} finns inte (KNOWLEDGE_DIR)", CONFIG_ERROR)
    with translated():
        kb = build_index(settings)
        if rebuild:
            kb.drop()
        with Progress(
            TextColumn("Bäddar in"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=err, transient=True,
        ) as bar:
            task = bar.add_task("embed", total=None)
            report = kb.sync(
                settings.knowledge_dir, lambda done, total: bar.update(task, completed=done, total=total)
            )
    for error in report.errors:
        # escape: a file named "möte [utkast].md" must not lose "[utkast]" to rich markup
        err.print(f"[yellow]Hoppade över[/] {escape(str(error))}", highlight=False, soft_wrap=True)
    out.print(
        f"{report.documents} dokument: {report.added} nya avsnitt inbäddade, "
        f"{report.deleted} borttagna, {report.unchanged} oförändrade."
    )
    if report.errors:
        # The rest is indexed and usable, so `make demo` and cron jobs go on; the lines
        # above name each skipped file.
        err.print(f"[yellow]{len(report.errors)} fil(er) hoppades över; resten är indexerat.[/]")


def ask(
    ctx: typer.Context,
    question: str = typer.Argument(..., help="Frågan, inom citattecken."),
    as_json: bool = typer.Option(False, "--json", help="Skriv svaret som JSON."),
) -> None:
    """Answer one question from the knowledge base, with sources.

    Example: bot ask "Vad är en HP-punkt?"
    """
    with translated():  # IndexMissing, or an embedding model that cannot load
        answer = _answerer(ctx.obj).ask(question)
    if as_json:
        out.print_json(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    from bot.cli.terminal import print_answer

    print_answer(out, answer)


def chat(ctx: typer.Context) -> None:
    """Ask questions interactively; follow-ups use the earlier turns. Empty line or Ctrl-D quits."""
    from bot.answer.types import Turn
    from bot.cli.terminal import print_answer

    with translated():
        answerer = _answerer(ctx.obj)
    history: list[Turn] = []
    out.print("HP-assistenten. Ställ en fråga (tom rad avslutar).")
    while True:
        try:
            question = out.input("[bold]Fråga:[/] ")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            break
        with translated():
            answer = answerer.ask(question, history)
        print_answer(out, answer)
        history.append(Turn(question, answer.text))


def _answerer(settings: Settings) -> Answerer:
    from bot.wiring import Services

    return Services(settings).answerer


def eval_cmd(
    ctx: typer.Context,
    questions: Path = typer.Option(..., "--questions", exists=True, dir_okay=False),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Score the answerer on a JSONL question set (recall@3, must-include, refusals, MRR)."""
    from bot.evaluation.questions import evaluate, load_questions, print_report

    try:
        items = load_questions(questions)
    except ValueError as exc:  # a malformed question file names its line
        raise fail(exc, CONFIG_ERROR) from None
    with translated():
        report = evaluate(_answerer(ctx.obj), items)
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        print_report(out, report)


def register(app: typer.Typer) -> None:
    """Add the knowledge-base commands to `app`."""
    from bot.cli.bench import bench_app

    app.command()(index)
    app.command()(ask)
    app.command()(chat)
    app.command("eval")(eval_cmd)
    app.add_typer(bench_app, name="bench")
