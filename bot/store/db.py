"""SQLAlchemy engine and the shared metadata; every table of the bot registers on `METADATA`.

SQLite by default, PostgreSQL through `DATABASE_URL`. State that several replicas
share (scheduled-post claims, processed Slack events, feedback votes) lives here.
"""

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, inspect, text

METADATA = MetaData()


def make_engine(url: str) -> Engine:
    """Create an engine for `url`, creating the SQLite folder and enabling WAL for SQLite."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, pool_pre_ping=True, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: object) -> None:  # a DB-API 2 connection
            # WAL lets a reader and a writer work at once; busy_timeout makes two
            # processes wait for each other instead of failing with "database is locked".
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=10000")
            cur.close()

    return engine


def init_db(engine: Engine) -> None:
    """Create every registered table that does not exist yet, and add columns a newer bot defines."""
    METADATA.create_all(engine)
    add_missing_columns(engine)


def add_missing_columns(engine: Engine) -> list[str]:
    """Add the nullable columns (and their indexes) that tables made by an older bot lack.

    `create_all` never alters an existing table, so an upgrade that adds a column would
    otherwise fail on the first insert. Only nullable columns are added: that is safe on
    SQLite and PostgreSQL alike and needs no data migration (anything more would need Alembic).
    Returns the "table.column" names added.
    """
    inspector = inspect(engine)
    quote = engine.dialect.identifier_preparer.quote
    added: list[str] = []
    with engine.begin() as conn:
        for table in METADATA.sorted_tables:
            if not inspector.has_table(table.name):
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            missing = [c for c in table.columns if c.name not in present and c.nullable]
            for column in missing:
                kind = column.type.compile(dialect=engine.dialect)
                conn.execute(text(f"ALTER TABLE {quote(table.name)} ADD COLUMN {quote(column.name)} {kind}"))
                added.append(f"{table.name}.{column.name}")
            if missing:
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
    return added


def open_database(url: str) -> Engine:
    """Create the engine for `url` and every table of the bot.

    A second process creating the tables at the same moment may lose the race on
    CREATE TABLE; it then finds them made and the retry succeeds.
    """
    from bot.store import answers, events, schedule_tables  # noqa: F401 - they register their tables

    engine = make_engine(url)
    try:
        init_db(engine)
    except Exception:  # two processes racing on CREATE TABLE: the loser retries once
        init_db(engine)
    return engine
