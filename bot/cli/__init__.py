"""The `bot` command line: one Typer app, one module per group of commands."""

from bot.cli.root import app, main

__all__ = ["app", "main"]
