"""The one place where domain errors become a Swedish line on stderr and an exit code.

Exit codes: 2 for a configuration or usage error the user must fix (a malformed
schedules.yaml, a missing setting, a folder that does not exist), 1 for anything
else that stopped the command (the index is missing, a dependency is down).
"""

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from bot.errors import ConfigError, HPError

CONFIG_ERROR = 2
FAILURE = 1
_err = Console(stderr=True)


def exit_code(error: HPError) -> int:
    """Return the exit code for `error`.

    >>> exit_code(ConfigError("x")), exit_code(HPError("y"))
    (2, 1)
    """
    return CONFIG_ERROR if isinstance(error, ConfigError) else FAILURE


def fail(message: object, code: int = FAILURE) -> typer.Exit:
    """Print one clear line on stderr and return the Exit to raise."""
    _err.print(f"[bold red]Fel:[/] {escape(str(message))}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def translated() -> Iterator[None]:
    """Turn an `HPError` raised inside the block into its line and exit code."""
    try:
        yield
    except HPError as error:
        raise fail(error, exit_code(error)) from None
