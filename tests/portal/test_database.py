"""The database layer: migrations match the models, SQLite is tuned, updates never get lost."""

import multiprocessing

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal import create_app
from portal.extensions import db
from portal.models import User
from tests.conftest import POSTGRES_URL, app_settings


def drop_everything() -> None:
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def test_migrations_build_exactly_the_schema_of_the_models(app):
    with app.app_context():
        drop_everything()
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []


def test_migrations_downgrade_to_empty_and_upgrade_again(app):
    with app.app_context():
        drop_everything()
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
