"""The doctest examples on the pure helpers of the knowledge-base core still hold."""

import doctest
import importlib

import pytest

MODULES = [
    "bot.answer.types",
    "bot.answer.quoting",
    "bot.ingest.chunking",
    "bot.evaluation.questions",
    "bot.ingest.knowledge",
    "bot.search.retriever",
    "bot.search.text",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
