"""Command line: `bot index | ask | chat | eval | bench | serve | post-due | schedules | ...`.

The callback builds the one `Settings` object and sets up logging; each command wires
the objects it needs from it and translates domain errors to messages and exit codes.
"""

import typer
from pydantic import ValidationError

from bot.cli import core as cli_core
from bot.cli import report as cli_report
from bot.cli import schedules as cli_schedules
from bot.cli import slack as cli_slack
from bot.cli.logs import configure_logging
from bot.settings import Settings

app = typer.Typer(
    help="HP-assistenten: frågor och svar ur förbundets egna dokument.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _configure(ctx: typer.Context) -> None:
    """Build Settings once and set up logging."""
    try:
        settings = Settings()
    except ValidationError as error:  # a bad environment variable: one line each, no traceback
        for problem in error.errors():
            field = " " + ".".join(str(part) for part in problem["loc"]).upper() if problem["loc"] else ""
            message = str(problem["msg"]).removeprefix("Value error, ")
            typer.echo(f"Felaktig inställning{field}: {message}", err=True)
        raise typer.Exit(2) from None
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = settings


cli_core.register(app)
cli_slack.register(app)
cli_schedules.register(app)
cli_report.register(app)


def main() -> None:
    """Entry point of the `bot` console script."""
    app()
