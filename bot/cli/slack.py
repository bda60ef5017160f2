"""CLI commands of the Slack shell: `serve`, `feedback`."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.errors import CONFIG_ERROR, fail, translated
from bot.settings import Settings

_Http = Annotated[bool, typer.Option("--http", help="Events API over HTTP, not Socket Mode.")]
_Port = Annotated[int, typer.Option("--port", envvar="PORT", help="HTTP port (with --http).")]
_Host = Annotated[str, typer.Option("--host", help="HTTP interface (with --http).")]
_Export = Annotated[
    Path | None, typer.Option("--export", help="Write the 👎 answers as eval-format JSONL here.")
]
_Latest = Annotated[int, typer.Option("--latest", min=0, help="How many 👎 questions to list.")]
_Prune = Annotated[bool, typer.Option(
    "--prune", help="Remove question and answer texts older than ANSWER_RETENTION_DAYS (votes stay)."
)]


def register(app: typer.Typer) -> None:
    """Add the Slack commands to `app`."""
    app.command()(serve)
    app.command()(feedback)


def serve(
    ctx: typer.Context,
    http: _Http = False,
    port: _Port = 3000,
    host: _Host = "0.0.0.0",
) -> None:
    """Run the Slack bot (and the scheduled posts) until stopped.

    Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN. With --http the bot serves
    POST /slack/events (needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET) and GET /healthz.

    Examples:
        bot serve
        bot serve --http --port 8080
    """
    from bot.slack.serve import missing_settings
    from bot.wiring import Services, run_bot

    settings: Settings = ctx.obj
    missing = missing_settings(settings, http=http)
    if missing:
        names = ", ".join(missing)
        raise fail(f"{names} saknas (sätt i miljön eller .env).", CONFIG_ERROR)
    with translated():  # e.g. a malformed schedules.yaml, or Slack refusing the token: named
        run_bot(Services(settings), http=http, host=host, port=port)


def feedback(
    ctx: typer.Context,
    export: _Export = None,
    latest: _Latest = 10,
    prune: _Prune = False,
) -> None:
    """Summarise the 👍/👎 votes on the bot's Slack answers, or export the 👎 ones.

    Examples:
        bot feedback
        bot feedback --export eval/feedback-review.jsonl
        bot feedback --prune
    """
    from bot.store.answers import AnswerLog
    from bot.store.db import open_database

    settings: Settings = ctx.obj
    with translated():  # the database down: named in one line
        engine = open_database(settings.database_url)
    log = AnswerLog(engine, settings.feedback_salt.get_secret_value())
    console = Console()
    if prune:
        days = settings.answer_retention_days
        pruned = log.prune(datetime.now(UTC), days)
        console.print(f"Texterna i {pruned} svar äldre än {days} dagar borttagna (rösterna finns kvar).")
        return
    if export is not None:
        records = log.downvoted()
        export.parent.mkdir(parents=True, exist_ok=True)
        with export.open("w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        console.print(f"{len(records)} svar med 👎 skrivna till {export}")
        return
    summary = log.summary(latest)
    share = f"{summary.share_up:.0%}" if summary.share_up is not None else "–"
    console.print(f"👍 {summary.up}   👎 {summary.down}   andel 👍: {share}")
    if summary.by_reason:
        from bot.slack.texts import FEEDBACK_MODAL, REASON_LABELS

        labels: dict[str | None, str] = {code: label for code, label in REASON_LABELS.items()}
        labels[None] = FEEDBACK_MODAL["no_reason"]
        counts = summary.by_reason
        parts = [f"{label}: {counts[code]}" for code, label in labels.items() if code in counts]
        console.print("Skäl till 👎: " + "   ".join(parts))
    if summary.latest_down:
        table = Table(title="Senaste 👎")
        table.add_column("Tid")
        table.add_column("Fråga")
        table.add_column("Skäl")
        for voted_at, question, reason in summary.latest_down:
            table.add_row(voted_at.strftime("%Y-%m-%d %H:%M"), question, REASON_LABELS.get(reason or "", ""))
        console.print(table)
