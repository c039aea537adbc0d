"""Database set-up: one SQLAlchemy engine, SQLite tuned for several writers at once."""

import sqlite3

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from portal.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 30_000


def init_app(app: Flask) -> None:
    """Bind the database to the app and load the models so metadata is complete."""
    db.init_app(app)
    import portal.models  # noqa: F401  (registers the tables)
    import portal.search.changelog  # noqa: F401  (writes changelog rows with every change)
    import portal.search.models  # noqa: F401
    import portal.uploads.models  # noqa: F401


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
def _begin_immediate_on_sqlite(connection) -> None:
    # A deferred transaction that later writes can fail without waiting for the busy
    # timeout; taking the write lock up front makes concurrent writers wait their turn.
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


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
