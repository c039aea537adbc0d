"""The database layer: migrations match the models, SQLite is tuned, updates never get lost."""

import multiprocessing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, MetaData, inspect, text

from portal import create_app
from portal.extensions import db
from portal.models import User
from tests.conftest import POSTGRES_URL, app_settings, drop_tables


def test_migrations_build_exactly_the_schema_of_the_models(app):
    with app.app_context():
        drop_tables()
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []


def test_migrations_downgrade_to_empty_and_upgrade_again(app):
    with app.app_context():
        drop_tables()
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "user_account" in inspect(db.engine).get_table_names()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite settings")
def test_sqlite_runs_in_wal_mode_with_a_long_busy_timeout(app):
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 30_000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _count_failures(settings: dict, user_id: int, times: int) -> None:
    from portal.auth.services import record_failed_login

    app = create_app(settings)
    with app.app_context():
        for _attempt in range(times):
            record_failed_login(db.session.get(User, user_id))
            db.session.remove()


def test_concurrent_failed_logins_are_all_counted(app, make_user, tmp_path):
    user_id, _email = make_user()
    settings = app_settings(tmp_path) | {"MAX_FAILED_LOGINS": 10_000}
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_count_failures, args=(settings, user_id, 25)) for _ in range(4)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    with app.app_context():
        assert db.session.get(User, user_id).failed_login_count == 100


def migration_path() -> list[str]:
    """Every revision from the first to the head, in the order `flask db upgrade` applies them."""
    from alembic.script import ScriptDirectory

    import portal

    scripts = ScriptDirectory(str(Path(portal.__file__).parent / "migrations"))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def sample_value(column, referenced_ids: dict):
    """A value of the column's type, or the id of the row that a foreign key points to."""
    if column.foreign_keys:
        return referenced_ids[next(iter(column.foreign_keys)).column.table.name]
    if isinstance(column.type, JSON):
        return {"k": [1]}
    python_type = column.type.python_type
    if python_type is str:
        return "Каракол"[: getattr(column.type, "length", None) or 10]
    if python_type is datetime:
        return datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    samples = {int: 1, float: 1.5, bool: False, date: date(2026, 1, 2)}
    assert python_type in samples, (column.table.name, column.name, column.type)
    return samples[python_type]


def is_generated_key(table, column) -> bool:
    """Whether the database numbers this column itself (a single-column surrogate key)."""
    return column.primary_key and len(table.primary_key.columns) == 1 and not column.foreign_keys


def fill_empty_tables(referenced_ids: dict) -> None:
    """Put one row into every table that has none, as a live database would have."""
    reflected = MetaData()
    reflected.reflect(bind=db.engine)
    with db.engine.begin() as connection:
        for table in reflected.sorted_tables:
            if table.name == "alembic_version" or connection.execute(table.select()).first():
                continue
            values = {
                column.name: sample_value(column, referenced_ids)
                for column in table.columns
                if not column.nullable
                and column.server_default is None
                and not is_generated_key(table, column)
            }
            inserted = connection.execute(table.insert().values(**values))
            if inserted.inserted_primary_key:
                referenced_ids[table.name] = inserted.inserted_primary_key[0]


def test_every_migration_upgrades_a_database_that_holds_data(app):
    """`flask db upgrade` from each earlier revision, with rows in every table, reaches the head."""
    referenced_ids: dict = {}
    with app.app_context():
        drop_tables()
        for revision in migration_path():
            upgrade(revision=revision)
            fill_empty_tables(referenced_ids)
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 1
        assert differences == []


@pytest.mark.parametrize("start", ["base", *migration_path()[:-1]])
def test_flask_db_upgrade_reaches_the_head_from_every_earlier_revision(app, start):
    """`flask db upgrade` in one go, as an operator runs it, from an empty database and from each
    earlier revision holding a row in every table (on PostgreSQL all steps share a transaction)."""
    with app.app_context():
        drop_tables()
        if start != "base":
            upgrade(revision=start)
            fill_empty_tables({})
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert differences == [] and head == migration_path()[-1]
