"""CLI command `bot report`: the year's HP report for the annual report (Markdown, CSV or a PNG chart)."""

from __future__ import annotations

import datetime as dt
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo

import typer

from bot.cli.errors import CONFIG_ERROR, fail, translated
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.schedules.report import Report

LOCAL = ZoneInfo("Europe/Stockholm")


class Format(StrEnum):
    """Output format of the report."""

    md = "md"
    csv = "csv"
    png = "png"


def report(
    ctx: typer.Context,
    year: Annotated[int | None, typer.Option(min=2000, max=2100, help="Året (standard: i år).")] = None,
    channel: Annotated[str | None, typer.Option(help="Bara den här kanalen (id, t.ex. C0123ABCD).")] = None,
    format: Annotated[Format, typer.Option("--format", help="md, csv eller png (diagram).")] = Format.md,  # noqa: A002
    output: Annotated[Path | None, typer.Option(help="Skriv till filen i stället för till skärmen.")] = None,
    simulate: Annotated[
        Path | None,
        typer.Option(
            help="Simulera ett år med schemana i filen (t.ex. schedules.example.yaml) i en "
            "tillfällig databas, i stället för att läsa DATABASE_URL."
        ),
    ] = None,
) -> None:
    """Write the HP report of a year: HP-punkter posted and held per principle, Respekttrappan
    steps held at APT, the meetings' notes, and the questions asked per topic.

    Examples: `bot report --year 2026`, `bot report --year 2026 --format png --output hp-2026.png`,
    `bot report --year 2026 --channel C0123ABCD --format csv --output hp.csv`.
    """
    from bot.schedules.report_render import to_csv, to_markdown

    settings: Settings = ctx.obj
    year = year or dt.datetime.now(LOCAL).year
    if format is Format.png and output is None:
        raise fail("--format png skriver en bild: ange också --output, t.ex. --output hp-rapport.png", CONFIG_ERROR)
    with translated():
        built = _simulated(settings, simulate, year, channel) if simulate else _stored(settings, year, channel)
        if format is Format.png:
            from bot.schedules.report_chart import to_png

            data = to_png(built)
        else:
            data = (to_markdown(built) if format is Format.md else to_csv(built)).encode("utf-8")
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise fail(f"{output}: kan inte skrivas ({exc.strerror})", CONFIG_ERROR) from None
    typer.echo(f"Skrev {output}", err=True)


def _stored(settings: Settings, year: int, channel: str | None) -> Report:
    """Build the report from the bot's database."""
    from bot.schedules.report import gather
    from bot.wiring import Services

    services = Services(settings)
    return gather(services.database, year, services.schedules, channel)


def _simulated(settings: Settings, schedules_file: Path, year: int, channel: str | None) -> Report:
    """Build the report of a simulated year of `schedules_file`'s schedules (a throwaway SQLite)."""
    from bot.schedules.config import load_schedules
    from bot.schedules.report import gather
    from bot.schedules.report_demo import simulate_year
    from bot.store.db import open_database

    schedules = load_schedules(schedules_file)
    with tempfile.TemporaryDirectory(prefix="hp-report-") as folder:
        engine = open_database(f"sqlite:///{Path(folder) / 'simulated.db'}")
        try:
            simulate_year(engine, schedules, year, settings.knowledge_dir)
            return gather(engine, year, schedules, channel)
        finally:
            engine.dispose()


def register(app: typer.Typer) -> None:
    """Add `report` to `app`."""
    app.command()(report)
