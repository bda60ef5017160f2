"""CLI commands of the knowledge base: `index`, `ask`, `chat`, `eval`, `bench`."""

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from bot.errors import HPError
from bot.settings import Settings

out = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one clear line on stderr and return the Exit to raise."""
    err.print(f"[bold red]Fel:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


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
        raise fail(f"mappen {settings.knowledge_dir} finns inte (KNOWLEDGE_DIR)", 2)
    try:
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
    except HPError as exc:
        raise fail(str(exc)) from exc
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
    try:
        answer = _answerer(ctx.obj).ask(question)
    except HPError as exc:  # IndexMissing, or an embedding model that cannot load
        raise fail(str(exc)) from exc
    if as_json:
        out.print_json(json.dumps(answer.to_json(), ensure_ascii=False))
        return
    from bot.cli.terminal import print_answer

    print_answer(out, answer)


def chat(ctx: typer.Context) -> None:
    """Ask questions interactively; follow-ups use the earlier turns. Empty line or Ctrl-D quits."""
    from bot.answer.types import Turn
    from bot.cli.terminal import print_answer

    try:
        answerer = _answerer(ctx.obj)
    except HPError as exc:
        raise fail(str(exc)) from exc
    history: list[Turn] = []
    out.print("HP-assistenten. Ställ en fråga (tom rad avslutar).")
    while True:
        try:
            question = out.input("[bold]Fråga:[/] ")
        except (EOFError, KeyboardInterrupt):
            break
        if not question.strip():
            break
        try:
            answer = answerer.ask(question, history)
        except HPError as exc:
            raise fail(str(exc)) from exc
        print_answer(out, answer)
        history.append(Turn(question, answer.text))


def _answerer(settings: Settings):  # type: ignore[no-untyped-def]
    from bot.wiring import build_answerer

    return build_answerer(settings)


def eval_cmd(
    ctx: typer.Context,
    questions: Path = typer.Option(..., "--questions", exists=True, dir_okay=False),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Score the answerer on a JSONL question set (recall@3, must-include, refusals, MRR)."""
    from bot.evaluation.questions import evaluate, load_questions, print_report

    try:
        items = load_questions(questions)
        report = evaluate(_answerer(ctx.obj), items)
    except (HPError, ValueError) as exc:
        raise fail(str(exc)) from exc
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
