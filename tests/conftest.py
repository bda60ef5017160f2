"""Shared fixtures: a clean environment for every test, so no developer's .env leaks in."""

import os

import pytest
from hypothesis import settings

# Property tests (tests/test_properties_*.py): no per-example deadline (the machine is shared
# and the OCR lexicon loads in the first example); in CI the same examples every run.
settings.register_profile("dev", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, database=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

pytest_plugins = ["tests.llm_fixtures", "tests.shared_fixtures"]  # llama_server, llm_standin; slack, database_url
_PREFIXES = ("SLACK_", "CHROMA_", "KNOWLEDGE_", "EMBEDDING_", "DATABASE_", "ADMIN_", "SCHEDULES_")


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory):
    """Remove the bot's variables from the environment and keep HF offline."""
    for key in list(os.environ):
        if key.startswith(_PREFIXES):
            monkeypatch.delenv(key)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    yield
