"""SQLAlchemy engine and the shared metadata; every table of the bot registers on `METADATA`.

SQLite by default, PostgreSQL through `DATABASE_URL`. State that several replicas
share (scheduled-post claims, processed Slack events, feedback votes) lives here.

A database that cannot be reached when it is opened is `DatabaseUnavailable`, naming the
server or file. Later failures stay SQLAlchemy's own errors: the Slack shell falls back on
any `SQLAlchemyError`.
"""

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from bot.errors import DatabaseUnavailable
from bot.store.background import TableMaker, pending

METADATA = MetaData()
CONNECT_TIMEOUT = 5  # seconds; libpq's default is to wait for as long as the network does
log = logging.getLogger(__name__)


def location(url: str) -> str:
    """Name where the database of `url` lives (host:port, or the SQLite file), never its password.

    >>> location("postgresql+psycopg://bot:hemligt@db.example:6543/hp")
    'db.example:6543'
    >>> location("postgresql+psycopg://bot@db.example/hp")
    'db.example:5432'
    >>> location("sqlite:///data/hp.db")
    'data/hp.db'
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    host = parsed.host or str(parsed.query.get("host", "localhost"))
    return f"{host}:{parsed.port or 5432}"


def reason(error: BaseException) -> str:
    """Say in a few words why a connection failed: the driver's last clause, or the OS's error.

    >>> reason(OSError(13, "Permission denied"))
    'Permission denied'
    >>> reason(Exception('connection failed: connection to server at "127.0.0.1", port 1 failed: '
    ...                  'Connection refused\\n\\tIs the server running on that host?'))
    'Connection refused'
    """
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    first = (str(error).strip().splitlines() or [""])[0]
    return first.rsplit(": ", 1)[-1].strip() or type(error).__name__


def make_engine(url: str) -> Engine:
    """Create an engine for `url`, creating the SQLite folder and enabling WAL for SQLite.

    A PostgreSQL server that does not answer is given up after CONNECT_TIMEOUT seconds
    (unless the URL sets `connect_timeout`). A SQLite folder that cannot be made is
    `DatabaseUnavailable`.
    """
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = f"mappen {folder} går inte att skapa: {reason(exc)}"
            raise DatabaseUnavailable(location(url), why, file=True) from exc
    parsed = make_url(url)
    timeout = parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query
    connect_args = {"connect_timeout": CONNECT_TIMEOUT} if timeout else {}
    engine = create_engine(url, pool_pre_ping=True, future=True, connect_args=connect_args)
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
    """Create every registered table that does not exist yet, and add columns a newer bot defines.

    Nothing happens while a `TableMaker` is creating them in the background (`bot serve`
    started with the database down): it does the same once the database answers.
    """
    if not pending(engine):
        _create(engine)


def _create(engine: Engine) -> None:
    """Create the missing tables and columns."""
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


def open_database(url: str, *, wait: bool = True) -> Engine:
    """Create the engine for `url` and every table of the bot.

    Args:
        wait: True: a database that cannot be reached is `DatabaseUnavailable` now. False
            (`bot serve`): a database server that cannot be reached gets its tables from a
            `TableMaker` in the background, retried with backoff; until then calls on the
            engine fail as the database does. A SQLite file that cannot be opened is an error
            either way: no server will come back for it.
    """
    from bot.store import answers, events, leases, outbox, schedule_tables  # noqa: F401 - they register their tables

    engine = make_engine(url)
    try:
        create_tables(engine)
    except DatabaseUnavailable as error:
        if wait or engine.dialect.name == "sqlite":
            raise
        log.warning("%s; the bot starts, and creates its tables when the database answers", error)
        TableMaker(engine, create_tables).start()
    return engine


def create_tables(engine: Engine) -> None:
    """Create the tables now; DatabaseUnavailable (naming the server or file) when it cannot be reached.

    A second process creating the tables at the same moment may lose the race on
    CREATE TABLE; it then finds them made and the retry succeeds.
    """
    try:
        try:
            _create(engine)
        except (OperationalError, InterfaceError):  # cannot connect, or cannot open the file
            raise
        except DBAPIError:  # two processes racing on CREATE TABLE: the loser retries once
            _create(engine)
    except DBAPIError as exc:
        where, file = location(str(engine.url)), engine.dialect.name == "sqlite"
        raise DatabaseUnavailable(where, reason(exc.orig or exc), file=file) from exc


def reachable(engine: Engine) -> bool:
    """Return True when the bot's tables exist and the database answers `SELECT 1`."""
    if pending(engine):
        return False
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any failure means "not ready"; the reason goes to the log
        log.info("database not ready: %s", exc)
        return False
    return True
