"""Every module under bot/ imports cleanly and its doctest examples hold."""

import doctest
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import bot

PACKAGE = Path(bot.__file__).parent
# `python -m bot` runs the CLI when imported: the one module whose import is meant to act.
ENTRY_POINTS = {"bot.__main__"}


def module_names(folder: Path, prefix: str) -> Iterator[str]:
    """Yield every module and package below `folder`, found on disk without importing any."""
    for info in pkgutil.iter_modules([str(folder)], prefix):
        yield info.name
        if info.ispkg:
            yield from module_names(folder / info.name.rsplit(".", 1)[-1], info.name + ".")


MODULES = sorted({"bot", *module_names(PACKAGE, "bot.")} - ENTRY_POINTS)


def test_every_python_file_is_walked() -> None:
    # A folder without __init__.py would hide its modules from the walk.
    on_disk = {
        ".".join(("bot", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
        for p in PACKAGE.rglob("*.py")
    }

    assert on_disk - ENTRY_POINTS == set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)  # an import error fails here, never skipped

    result = doctest.testmod(module)

    assert result.failed == 0, f"{result.failed} of {result.attempted} examples failed in {name}"


@pytest.mark.parametrize("name", ["bot.ingest.chunking", "bot.search.retriever", "bot.schedules.recurrence"])
def test_the_pure_helpers_carry_examples(name: str) -> None:
    tests = doctest.DocTestFinder().find(importlib.import_module(name))

    assert sum(len(t.examples) for t in tests) > 0
