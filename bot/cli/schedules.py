"""CLI commands of scheduled posts: `post-due`, `schedules`, `preview`."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from bot.cli.errors import CONFIG_ERROR, fail, translated
from bot.settings import Settings

LOCAL = ZoneInfo("Europe/Stockholm")
STATUS_LABELS = {
    "posted": "postat",
    "failed": "misslyckades (försöks igen)",
    "missed": "missat",
    "paused": "pausat",
    "taken": "postas av en annan process",
    "due": "skulle postas",
}


class Kind(StrEnum):
    """Kind of post."""

    hp = "hp"
    apt = "apt"
    reminder = "reminder"


def _now(value: str | None) -> dt.datetime:
    """Parse --now (ISO 8601; without offset: Swedish time), or take the clock."""
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} är inte ISO 8601, t.ex. 2026-12-28T09:00") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=LOCAL)


def post_due(
    ctx: typer.Context,
    now: Annotated[str | None, typer.Option(help="Tidpunkt (ISO 8601) att köra som.")] = None,
    dry_run: Annotated[bool, typer.Option(help="Visa bara vad som skulle postas.")] = False,
) -> None:
    """Post the HP-punkter and APT agendas that are due, exactly once (for cron).

    Examples: `bot post-due`, `bot post-due --now 2026-12-28T09:00 --dry-run`.
    Exit code 1 when a post failed (the next run retries it), 2 on a configuration error.
    """
    from bot.wiring import Services

    settings: Settings = ctx.obj
    when = _now(now)
    if not dry_run and settings.slack_bot_token is None:
        raise fail("SLACK_BOT_TOKEN saknas (sätt i miljön eller .env)", CONFIG_ERROR)
    with translated():  # the database or Slack down: named in one line, nothing claimed
        services = Services(settings)
        engine = services.schedule_engine(posting=not dry_run, required=True)
        if not dry_run:
            services.check_slack()
        outcomes = engine.post_due(when, dry_run=dry_run)
    for outcome in outcomes:
        occ = outcome.occurrence
        local = occ.due_at.strftime("%Y-%m-%d %H:%M")
        typer.echo(f"{STATUS_LABELS[outcome.status]}: {occ.schedule} {local} ({occ.channel})")
        if outcome.error:
            typer.echo(f"  {outcome.error}", err=True)
        if dry_run and outcome.text:
            typer.echo(outcome.text + "\n")
    if not outcomes:
        typer.echo("Inget att posta.")
    if any(o.status == "failed" for o in outcomes):
        raise typer.Exit(1)


def schedules(
    ctx: typer.Context,
    count: Annotated[int, typer.Option(min=1, help="Antal kommande inlägg.")] = 10,
    now: Annotated[str | None, typer.Option(hidden=True)] = None,
) -> None:
    """List upcoming posts, and posts that were missed or failed."""
    from bot.schedules.planner import KIND_LABELS, ahead, describe_deviation, pauses_ahead, upcoming, what_for
    from bot.schedules.recurrence import REMINDER_SUFFIX
    from bot.wiring import Services

    settings: Settings = ctx.obj
    with translated():
        engine = Services(settings).schedule_engine(posting=False, required=True)
    console = Console(width=120)
    table = Table("När", "Schema", "Typ", "Kanal", "Status", "Möte", title="Kommande inlägg")
    for item in upcoming(engine, _now(now), count):
        occ = item.occurrence
        status = "hoppas över" if item.status == "skipped" else ""
        table.add_row(
            f"{occ.due_at:%Y-%m-%d %H:%M}", occ.source, KIND_LABELS[occ.kind], occ.channel, status,
            what_for(occ),
        )
    console.print(table)
    moved = Table("Möte", "Schema", "Kanal", "Skäl", title="Flyttade och överhoppade möten (ett år framåt)")
    for found in ahead(engine, _now(now), 365):
        moved.add_row(f"{found.nominal:%Y-%m-%d}", found.schedule, found.channel, describe_deviation(found))
    console.print(moved)
    for line in pauses_ahead(engine, _now(now)):
        console.print(f"Uppehåll {line}", markup=False)
    problems = Table(
        "Skulle ha postats",
        "Schema",
        "Kanal",
        "Status",
        "Fel",
        title="Missade och misslyckade inlägg",
    )
    for row in engine.store.problems():
        source = row.schedule.removesuffix(REMINDER_SUFFIX)  # a reminder is claimed as "<name>+påminnelse"
        local = row.due_at.astimezone(engine.schedules[source].tz) if source in engine.schedules else row.due_at
        problems.add_row(
            f"{local:%Y-%m-%d %H:%M}",
            row.schedule,
            row.channel,
            STATUS_LABELS[row.status],
            row.error or "",
        )
    console.print(problems)


def preview(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Argument(help="hp, apt eller reminder (APT:ns påminnelse)")],
    schedule: Annotated[str, typer.Option(help="Schemats namn i schedules.yaml.")],
    date: Annotated[str | None, typer.Option(help="YYYY-MM-DD; annars nästa inlägg.")] = None,
    now: Annotated[str | None, typer.Option(hidden=True)] = None,
) -> None:
    """Print exactly the post that would go out (the next one, or the first on --date)."""
    from bot.schedules.planner import describe
    from bot.schedules.planner import preview as render_preview
    from bot.wiring import Services

    settings: Settings = ctx.obj
    try:
        day = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise typer.BadParameter(f"{date!r} är inte ett datum (YYYY-MM-DD)") from None
    with translated():
        engine = Services(settings).schedule_engine(posting=False, required=True)
    found = engine.schedules.get(schedule)
    if found is None:
        raise fail(f"schemat {schedule!r} finns inte i {settings.schedules_file}", CONFIG_ERROR)
    if found.kind != kind.value and not (kind is Kind.reminder and found.reminder is not None):
        raise fail(f"schemat {schedule!r} är av typen {found.kind}, inte {kind.value}", CONFIG_ERROR)
    try:
        with translated():
            occ, text = render_preview(engine, schedule, day, _now(now), kind is Kind.reminder)
    except LookupError as exc:  # no occurrence on that date, or none ahead
        raise fail(exc, CONFIG_ERROR) from None
    typer.echo(f"{describe(occ)} i {occ.channel}:", err=True)
    typer.echo(text)



def register(app: typer.Typer) -> None:
    """Add the schedule commands to `app`."""
    app.command("post-due")(post_due)
    app.command("schedules")(schedules)
    app.command("preview")(preview)
