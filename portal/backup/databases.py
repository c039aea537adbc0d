"""Dumping and restoring the database: SQLite's online backup API, pg_dump and pg_restore."""

import os
import re
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Connection, func, inspect, select, table, text

from portal.backup import BackupError
from portal.extensions import db
from portal.models import District, Region, Topic

DUMP_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: What `flask init` fills in a new instance: a target holding rows only here counts as empty.
INIT_TABLES = frozenset(
    {"alembic_version", Region.__tablename__, District.__tablename__, Topic.__tablename__}
)


@dataclass
class DatabaseDump:
    """A dump written into a backup: its kind, file, Alembic revision, rows per table, and the
    versions of the server and of the program that wrote it."""

    kind: str
    file_name: str
    alembic_revision: str | None
    row_counts: dict[str, int]
    server_version: str
    dumped_by: str


def database_kind() -> str:
    """'sqlite' or 'postgresql': the kind of the configured database."""
    kind = db.engine.dialect.name
    if kind not in DUMP_FILES:
        raise BackupError(f"{kind} databases cannot be backed up or restored")
    return kind


def dump_database(folder: Path) -> DatabaseDump:
    """Write a consistent dump of the configured database into `folder`."""
    kind = database_kind()
    path = folder / DUMP_FILES[kind]
    db.session.remove()
    if kind == "sqlite":
        revision, counts = dump_sqlite(path)
        server = dumped_by = f"SQLite {sqlite3.sqlite_version}"
    else:
        dumped_by = check_client_version("pg_dump")
        revision, counts, server = dump_postgres(path, client_major(dumped_by))
    return DatabaseDump(kind, path.name, revision, counts, server, dumped_by)


def dump_sqlite(path: Path) -> tuple[str | None, dict[str, int]]:
    """Copy the live database with the online backup API; return its revision and row counts.

    One backup step reads one snapshot, so the copy is consistent while the portal writes;
    copying the file could catch a transaction half-way through the WAL.
    """
    live = db.engine.raw_connection()
    try:
        with closing(sqlite3.connect(path)) as copy:
            live.driver_connection.backup(copy)
            # The copy must be one self-contained file, with no -wal or -shm beside it.
            copy.execute("PRAGMA journal_mode=DELETE")
            return sqlite_revision(copy), sqlite_row_counts(copy)
    finally:
        live.close()


def sqlite_row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows per table of an SQLite database opened with the sqlite3 module."""
    query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' "
    names = sorted(row[0] for row in connection.execute(query + "ESCAPE '!'"))
    quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
    # Table names from sqlite_master, quoted as identifiers: nothing anyone typed.
    counts = {name: f"SELECT count(*) FROM {quoted[name]}" for name in names}  # nosec B608
    return {name: connection.execute(sql).fetchone()[0] for name, sql in counts.items()}


def sqlite_revision(connection: sqlite3.Connection) -> str | None:
    """The Alembic revision recorded in an SQLite database, if any."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no such table: a schema made without migrations
        return None
    return row[0] if row else None


def dump_postgres(path: Path, pg_dump_major: int) -> tuple[str | None, dict[str, int], str]:
    """Run pg_dump (custom format) in the snapshot of a transaction that also counts the rows,
    so the manifest describes exactly the data dumped even while the portal writes; return
    the revision, the row counts and the server's version."""
    engine = db.engine.execution_options(isolation_level="REPEATABLE READ")
    with engine.connect() as connection:
        server = connection.execute(text("SHOW server_version")).scalar_one()
        if pg_dump_major < client_major(server):
            raise BackupError(
                f"pg_dump {pg_dump_major} cannot dump this PostgreSQL {server} server: install "
                f"the client programs of version {client_major(server)} or later (Debian: "
                f"apt-get install postgresql-client-{client_major(server)}) and put them first "
                "in PATH"
            )
        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        run_client(
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--snapshot={snapshot}",
            f"--file={path}",
        )
        return alembic_revision(connection), row_counts(connection), server


def row_counts(connection: Connection) -> dict[str, int]:
    """Rows per table of the connected database (every table of its default schema)."""
    names = sorted(inspect(connection).get_table_names())
    count = select(func.count())
    return {name: connection.execute(count.select_from(table(name))).scalar_one() for name in names}


def alembic_revision(connection: Connection) -> str | None:
    """The Alembic revision recorded in the connected database, if any."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def live_row_counts() -> dict[str, int]:
    """Rows per table of the configured database."""
    with db.engine.connect() as connection:
        return row_counts(connection)


def tables_with_content() -> list[str]:
    """Tables of the configured database holding rows beyond what `flask init` loads."""
    return [name for name, rows in live_row_counts().items() if rows and name not in INIT_TABLES]


def check_restore_client(kind: str, dumped_by: str | None) -> None:
    """Before anything changes: pg_restore must be there and read what this pg_dump wrote."""
    if kind != "postgresql":
        return
    restorer = check_client_version("pg_restore")
    if dumped_by and client_major(restorer) < client_major(dumped_by):
        raise BackupError(
            f"the backup was written by {dumped_by}, which {restorer} cannot read: install the "
            f"client programs of version {client_major(dumped_by)} or later and put them first "
            "in PATH"
        )


def check_client_version(program: str) -> str:
    """`program --version` (for example 'pg_dump (PostgreSQL) 15.20'), or a clear BackupError
    when the program is missing."""
    try:
        found = subprocess.run(
            [program, "--version"], check=True, capture_output=True, text=True, timeout=60
        )
    except FileNotFoundError as error:
        raise BackupError(not_found(program)) from error
    except (OSError, subprocess.SubprocessError) as error:
        raise BackupError(f"{program} --version failed: {error}") from error
    version = found.stdout.strip()
    client_major(version)  # refuse an answer without a version number now, not later
    return version


def client_major(version: str) -> int:
    """The major version in 'pg_dump (PostgreSQL) 15.20 (Debian …)' or '15.20 (Debian …)'."""
    match = re.search(r"(?:^|\) )(\d+)(?:\.\d+)?", version.strip())
    if match is None:
        raise BackupError(f"cannot read a PostgreSQL version in {version!r}")
    return int(match.group(1))


def not_found(program: str) -> str:
    """The message for a missing PostgreSQL client program."""
    return (
        f"{program} not found: install the PostgreSQL client programs of the server's version "
        "(Debian: apt-get install postgresql-client) or put their folder in PATH"
    )


def restore_database(kind: str, dump: Path) -> None:
    """Replace the configured database, which must be empty, with the dump."""
    db.session.remove()
    db.engine.dispose()
    (restore_sqlite if kind == "sqlite" else restore_postgres)(dump)
    db.engine.dispose()  # no pooled connection may keep state from before the restore


def restore_sqlite(dump: Path) -> None:
    """Copy the dump, opened read-only, into the configured database file (backup API)."""
    with closing(sqlite3.connect(f"{dump.resolve().as_uri()}?mode=ro", uri=True)) as source:
        live = db.engine.raw_connection()
        try:
            source.backup(live.driver_connection)
        finally:
            live.close()


def restore_postgres(dump: Path) -> None:
    """Drop the target's tables (it holds at most what `flask init` loads), then pg_restore in
    one transaction, so a failed restore leaves no half-filled tables behind."""
    with db.engine.begin() as connection:
        quote = connection.dialect.identifier_preparer.quote
        for name in inspect(connection).get_table_names():
            connection.execute(text(f"DROP TABLE IF EXISTS {quote(name)} CASCADE"))
    db.engine.dispose()
    arguments = ("--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction")
    run_client("pg_restore", *arguments, str(dump))


def run_client(program: str, *arguments: str) -> None:
    """Run a PostgreSQL client program on the configured database; failures become one line.

    The password goes in PGPASSWORD, never on the command line, where `ps` would show it.
    """
    url = db.engine.url
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    command = [program, f"--dbname={libpq_url(url)}", *arguments]
    try:
        subprocess.run(command, check=True, env=environment, capture_output=True, text=True)
    except FileNotFoundError as error:
        raise BackupError(not_found(program)) from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{program} failed: {first_error(error.stderr)}") from error


def libpq_url(url: URL) -> str:
    """The database URL as libpq reads it, without the password."""
    bare = URL.create("postgresql", url.username, None, url.host, url.port, url.database, url.query)
    return bare.render_as_string(hide_password=False)


def first_error(output: str) -> str:
    """The line of a client program's output that says what went wrong."""
    lines = [line.strip() for line in (output or "").splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["no message"])[0]
