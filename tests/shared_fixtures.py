"""Fixtures many test files share (registered in conftest.py through `pytest_plugins`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.evaluation.slack_standin import SlackStandIn
from tests.pg import temp_schema


@pytest.fixture()
def slack() -> Iterator[SlackStandIn]:
    """The Slack stand-in; every test ends without spec violations."""
    with SlackStandIn() as standin:
        yield standin
        assert standin.violations == []


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh SQLite file or PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hp.db'}"
    else:
        with temp_schema() as url:
            yield url
