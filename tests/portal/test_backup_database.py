"""The database side of backups: a consistent SQLite copy while others write, older schemas
upgraded after a restore, and PostgreSQL client programs run safely."""

import json
import sqlite3
import stat
import threading
import time
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from flask_migrate import upgrade
from sqlalchemy import make_url, text

from portal import create_app
from portal.backup import BackupError, databases, services
from portal.extensions import db
from tests.conftest import POSTGRES_URL, app_settings, drop_tables
from tests.portal.backup_support import fresh_instance, restore, table_names

PAIR_INSERTS = (
    "INSERT INTO search_query (text, language, results, duration_ms, source, created_at) "
    "VALUES ('pair', 'ky', 0, 1, 'web', '2025-01-01 00:00:00.000000')",
    "INSERT INTO search_changelog (kind, entity_id, created_at) "
    "VALUES ('pair', 0, '2025-01-01 00:00:00.000000')",
)


@pytest.fixture
def target(tmp_path):
    """A second, fresh instance to restore into."""
    with fresh_instance(tmp_path / "target") as instance:
        yield instance


class PairWriter(threading.Thread):
    """Another connection (as another portal process would be) that keeps committing one row
    to each of two tables in one transaction, on SQLite or on PostgreSQL."""

    def __init__(self, database_url: str):
        super().__init__(daemon=True)
        self.url, self.committed, self.stopping = make_url(database_url), 0, threading.Event()
        self.error: BaseException | None = None

    def connect(self):
        if self.url.get_backend_name() == "sqlite":
            return sqlite3.connect(self.url.database, timeout=30, isolation_level=None)
        plain = self.url.set(drivername="postgresql").render_as_string(hide_password=False)
        return psycopg.connect(plain, autocommit=True)

    def run(self) -> None:
        try:
            with closing(self.connect()) as writer:
                begin = "BEGIN IMMEDIATE" if isinstance(writer, sqlite3.Connection) else "BEGIN"
                while not self.stopping.is_set():
                    writer.execute(begin)
                    for statement in PAIR_INSERTS:
                        writer.execute(statement)
                    writer.execute("COMMIT")
                    self.committed += 1
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error

    def wait_for(self, committed: int) -> None:
        deadline = time.monotonic() + 30
        while self.committed < committed and time.monotonic() < deadline and self.is_alive():
            time.sleep(0.01)
        assert self.error is None, self.error
        assert self.committed >= committed


def count_pairs(instance) -> tuple[int, int]:
    """(search_query rows, 'pair' changelog rows) of an instance's database."""
    with instance.app_context():
        queries = db.session.scalar(text("SELECT count(*) FROM search_query"))
        changes = text("SELECT count(*) FROM search_changelog WHERE kind = 'pair'")
        return queries, db.session.scalar(changes)


def test_a_backup_taken_while_another_connection_writes_is_consistent(
    app, runner, target, tmp_path
):
    writer = PairWriter(app.config["SQLALCHEMY_DATABASE_URI"])
    writer.start()
    try:
        writer.wait_for(20)
        result = runner.invoke(args=["backup", "create", str(tmp_path / "backup")])
        after_backup = writer.committed
        writer.wait_for(after_backup + 20)
    finally:
        writer.stopping.set()
        writer.join()
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    counted = manifest["database"]["tables"]
    restored = restore(target, tmp_path / "backup")
    assert restored.exit_code == 0, restored.output
    queries, changes = count_pairs(target)
    assert queries == changes  # never one half of a transaction
    assert 20 <= queries <= after_backup + 1 < writer.committed  # a snapshot, not live tables
    assert counted["search_query"] == queries  # the manifest counted the same snapshot
    if not POSTGRES_URL:
        dump = tmp_path / "backup" / "database.sqlite3"
        with closing(sqlite3.connect(f"{dump.as_uri()}?mode=ro", uri=True)) as copy:
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert not list((tmp_path / "backup").glob("database.sqlite3-*"))  # no -wal, no -shm


def previous_revision() -> tuple[str, str]:
    """(the code's head migration, the one before it)."""
    head = services.code_head()
    return head, services.migration_scripts().get_revision(head).down_revision


def test_a_backup_of_an_older_schema_is_upgraded_after_the_restore(app, runner, target, tmp_path):
    with app.app_context():
        head, previous = previous_revision()
        db.drop_all()
        upgrade(revision=previous)
    try:
        result = runner.invoke(args=["backup", "create", str(tmp_path / "old")])
        assert result.exit_code == 0, result.output
        manifest = json.loads((tmp_path / "old" / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["database"]["alembic_revision"] == previous
        restored = restore(target, tmp_path / "old")
        assert restored.exit_code == 0, restored.output
        assert f"Database upgraded from revision {previous} to {head}." in restored.output
        with target.app_context(), db.engine.connect() as connection:
            assert databases.alembic_revision(connection) == head
    finally:
        with app.app_context():
            drop_tables()


@pytest.fixture
def postgres_app(tmp_path):
    """An app configured for a PostgreSQL server it never reaches (clients are faked)."""
    url = "postgresql://portal:s3cret-word@db.example:5433/portal?sslmode=require"
    instance = create_app(app_settings(tmp_path) | {"SQLALCHEMY_DATABASE_URI": url})
    with instance.app_context():
        yield instance
        db.engine.dispose()


def fake_client(folder: Path, name: str, exit_code: int) -> Path:
    """A stand-in for a PostgreSQL client that records its arguments and PGPASSWORD."""
    record = folder / f"{name}.called"
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" > "{record}"\n'
        f'printf "password=%s\\n" "$PGPASSWORD" >> "{record}"\n'
        f'echo "{name}: error: connection to server failed" >&2\n'
        f"exit {exit_code}\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return record


def test_postgres_clients_get_the_password_from_the_environment_only(
    postgres_app, tmp_path, monkeypatch
):
    record = fake_client(tmp_path, "pg_dump", exit_code=0)
    monkeypatch.setenv("PATH", str(tmp_path))
    databases.run_client("pg_dump", "--schema-only")
    called = record.read_text(encoding="utf-8").splitlines()
    assert called[0] == "--dbname=postgresql://portal@db.example:5433/portal?sslmode=require"
    assert called[1:] == ["--schema-only", "password=s3cret-word"]


def test_a_failing_client_is_one_line_without_the_password(postgres_app, tmp_path, monkeypatch):
    fake_client(tmp_path, "pg_restore", exit_code=1)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError) as failure:
        databases.run_client("pg_restore", "backup.pgdump")
    assert str(failure.value) == "pg_restore failed: pg_restore: error: connection to server failed"
    assert "s3cret-word" not in str(failure.value)


def test_a_missing_client_program_is_named(postgres_app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump not found: install the PostgreSQL client"):
        databases.run_client("pg_dump")


@pytest.mark.skipif(not POSTGRES_URL, reason="pg_dump runs on PostgreSQL only")
def test_backup_without_pg_dump_fails_cleanly(app, runner, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = runner.invoke(args=["backup", "create", str(tmp_path / "nightly")])
    assert result.exit_code == 1
    assert "Error: backup failed: pg_dump not found: install the PostgreSQL client" in result.output
    assert "Traceback" not in result.output
    assert not [p for p in tmp_path.iterdir() if "nightly" in p.name]


def fake_versioned_client(folder: Path, name: str, version: str) -> None:
    """A stand-in PostgreSQL client that only answers --version."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f'#!/bin/sh\necho "{name} (PostgreSQL) {version}"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


@pytest.mark.parametrize(
    ("answer", "major"),
    [
        ("pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)", 15),
        ("pg_restore (PostgreSQL) 16.4", 16),
        ("15.20 (Debian 15.20-0+deb12u1)", 15),
        ("17beta1", 17),
    ],
)
def test_postgres_versions_are_read(answer, major):
    assert databases.client_major(answer) == major


@pytest.mark.skipif(not POSTGRES_URL, reason="pg_dump runs on PostgreSQL only")
def test_a_pg_dump_older_than_the_server_is_refused(app, runner, tmp_path, monkeypatch):
    fake_versioned_client(tmp_path / "bin", "pg_dump", "11.22")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    result = runner.invoke(args=["backup", "create", str(tmp_path / "nightly")])
    assert result.exit_code == 1
    assert "Error: backup failed: pg_dump 11 cannot dump this PostgreSQL" in result.output
    assert "Traceback" not in result.output
    assert not [p for p in tmp_path.iterdir() if "nightly" in p.name]


@pytest.mark.skipif(not POSTGRES_URL, reason="pg_restore runs on PostgreSQL only")
def test_restore_needs_a_pg_restore_that_reads_the_dump(app, runner, target, tmp_path, monkeypatch):
    created = runner.invoke(args=["backup", "create", str(tmp_path / "backup")])
    assert created.exit_code == 0, created.output
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    missing = restore(target, tmp_path / "backup")
    assert missing.exit_code == 1
    assert "Error: restore failed: pg_restore not found" in missing.output
    fake_versioned_client(tmp_path / "bin", "pg_restore", "11.22")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    old = restore(target, tmp_path / "backup")
    assert old.exit_code == 1
    assert "which pg_restore (PostgreSQL) 11.22 cannot read" in old.output
    assert table_names(target) == []  # refused before anything was written
