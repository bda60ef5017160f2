"""Fixtures many test files share (registered in conftest.py through `pytest_plugins`)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answer.types import Answerer
from bot.evaluation.slack_standin import SlackStandIn
from bot.wiring import build_answerer
from tests.core_fixtures import RealKB, shared_real_kb
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


@pytest.fixture(scope="session")
def real_kb(tmp_path_factory: pytest.TempPathFactory) -> RealKB:
    """knowledge/ indexed into a temporary Chroma once per run (every real-index test shares it)."""
    return shared_real_kb(tmp_path_factory)


@pytest.fixture(scope="module")
def answerer(real_kb: RealKB) -> Answerer:
    """One real answerer per test module, so its sentence vectors are embedded once."""
    return build_answerer(real_kb.settings)
