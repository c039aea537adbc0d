"""Database set-up: one SQLAlchemy engine, SQLite tuned for several writers at once."""

import sqlite3
from contextlib import contextmanager

from flask import Flask, g, has_app_context, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000
#: Seconds to wait for PostgreSQL to accept a connection: a server that does not answer gives a
#: 503 page this soon, well before gunicorn's worker timeout, instead of hanging the worker.
POSTGRES_CONNECT_TIMEOUT = 5
#: Requests that never write, except statistics inside `writing()`
#: (tests/portal/test_read_only_requests.py).
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MODE_KEY, READING, WRITING = "database_transaction_mode", "reading", "writing"


def init_app(app: Flask) -> None:
    """Bind the database to the app and load the models so metadata is complete."""
    db.init_app(app)
    import portal.models  # noqa: F401  (registers the tables)
    import portal.search.changelog  # noqa: F401  (writes changelog rows with every change)
    import portal.search.models  # noqa: F401
    import portal.uploads.models  # noqa: F401


@event.listens_for(Engine, "do_connect")
def _limit_postgres_connect_time(dialect, _conn_rec, _cargs, cparams) -> None:
    # A connect_timeout in the database URL wins.
    if dialect.name == "postgresql":
        cparams.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT)


@event.listens_for(Engine, "connect")
def _tune_sqlite_connection(dbapi_connection, _connection_record) -> None:
    # WAL lets readers work beside one writer; the long busy timeout makes writers queue
    # instead of failing with "database is locked" (DESIGN.md: measured, no lost updates).
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # SQLite's own lower() folds only ASCII; Kyrgyz and Russian names need full Unicode.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)


def unicode_lower(value):
    """Lower-case any text, Cyrillic included (SQLite's built-in handles only ASCII)."""
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "begin")
def _begin_on_sqlite(connection) -> None:
    # A deferred transaction that later writes fails at once, without the busy timeout, when
    # another connection wrote meanwhile; taking the write lock up front (BEGIN IMMEDIATE) makes
    # concurrent writers wait their turn. Requests that only read begin deferred: in WAL mode
    # they then hold no lock at all. (Measured in benchmarks/load: with every GET holding the
    # write lock until its page was rendered, four workers served one request at a time.)
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN" if reads_only() else "BEGIN IMMEDIATE")


def reads_only() -> bool:
    """Whether the transaction beginning now only reads: in a `reading()` block, or in a request
    that does not write (GET, HEAD) outside a `writing()` block."""
    mode = g.get(MODE_KEY) if has_app_context() else None
    if mode is not None:
        return mode == READING
    return has_request_context() and request.method in READ_ONLY_METHODS


@contextmanager
def writing():
    """A write in a request that otherwise only reads (a GET's statistics): the read
    transaction ends first, so the write starts a transaction of its own that waits its turn
    for the write lock on SQLite. The block commits or rolls back itself."""
    db.session.commit()  # nothing to write: it only ends the read transaction
    with _transaction_mode(WRITING):
        yield


@contextmanager
def reading():
    """Reads that must not hold SQLite's write lock (the search applier loading hundreds of
    documents): a transaction begun in the block is deferred; the block must end it."""
    with _transaction_mode(READING):
        yield


@contextmanager
def _transaction_mode(mode: str):
    before = g.get(MODE_KEY)
    setattr(g, MODE_KEY, mode)
    try:
        yield
    finally:
        setattr(g, MODE_KEY, before)


def insert_once(model, values: dict, unique_columns: list[str]) -> bool:
    """Insert a row unless one with the same unique columns exists; True if this one was new.

    One statement (INSERT … ON CONFLICT DO NOTHING) on both databases, so a double click, a
    retried form or two tabs can never create a second row or fail on the first one.
    """
    statement = dialect_insert(model).values(**values)
    statement = statement.on_conflict_do_nothing(index_elements=unique_columns)
    return db.session.execute(statement).rowcount == 1


def insert_or_add(model, values: dict, unique_columns: list[str], counter: str) -> None:
    """Insert a row, or add the row's `counter` value to the existing one, in one statement
    (INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n): concurrent writers lose nothing."""
    statement = dialect_insert(model).values(**values)
    column = getattr(model, counter)
    statement = statement.on_conflict_do_update(
        index_elements=unique_columns, set_={counter: column + statement.excluded[counter]}
    )
    db.session.execute(statement)


def dialect_insert(model):
    """An INSERT of the session's database dialect (PostgreSQL or SQLite), which both know
    ON CONFLICT."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
