"""PostgreSQL for tests: a throwaway schema per test on the server at 127.0.0.1:5432.

Each test gets its own schema (through `search_path` in the URL), so tests, other
helpers' tests and parallel runs never see each other's tables. When the server is
unreachable the test is skipped locally but FAILS when the `CI` variable is set.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def base_url() -> str:
    """Return TEST_DATABASE_URL or the local test server."""
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_URL)


def _unreachable(reason: str) -> None:
    message = f"PostgreSQL unreachable at {base_url()}: {reason}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def temp_schema() -> Iterator[str]:
    """Create a fresh schema and yield a database URL whose search_path points at it."""
    name = f"t_sched_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url(), connect_args={"connect_timeout": 5})
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        _unreachable(str(exc.orig).strip().splitlines()[0])
    separator = "&" if "?" in base_url() else "?"
    url = f"{base_url()}{separator}options={quote(f'-csearch_path={name}')}"
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()
