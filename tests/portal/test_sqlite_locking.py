"""On SQLite, pages that only read never wait for the write lock, and nobody waits while a login
hashes a password or the search applier indexes (benchmarks/load: with every request taking the
write lock up front, four gunicorn workers served one request at a time)."""

import dataclasses
import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from portal import database
from portal.auth import services as auth_services
from portal.extensions import db
from portal.models import Role
from portal.search import engine, indexing, registry
from practices.models import PracticeViewCount
from tests.conftest import POSTGRES_URL, TEST_PASSWORD, csrf_token, log_in, post_form

sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's locking")


def database_file(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


@contextmanager
def write_lock_held_elsewhere(app):
    """Another process's write transaction on the database, held for the block."""
    other = sqlite3.connect(database_file(app), isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@contextmanager
def begins(app):
    """The BEGIN statements the app sends while the block runs."""
    sent = []

    def note(_connection, _cursor, statement, *_args):
        if statement.startswith("BEGIN"):
            sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


@pytest.fixture
def short_busy_timeout(monkeypatch, app):
    """Wait 0.5 s for a lock instead of 30 s, so a test that would wait fails quickly."""
    monkeypatch.setattr(database, "SQLITE_BUSY_TIMEOUT_MS", 500)
    with app.app_context():
        db.engine.dispose()  # new connections get the short timeout


@sqlite_only
def test_pages_are_served_while_another_process_writes(
    app, client, make_practice, short_busy_timeout
):
    make_practice("karakol-waste")
    with write_lock_held_elsewhere(app):
        for path in ("/", "/practices/", "/practices/karakol-waste", "/search?q=Каракол"):
            assert client.get(path).status_code == 200, path


@sqlite_only
def test_a_get_reads_deferred_and_writes_its_statistics_in_a_transaction_of_their_own(
    app, client, make_practice
):
    make_practice("karakol-waste")
    with begins(app) as sent:
        assert client.get("/practices/").status_code == 200
    assert sent and set(sent) == {"BEGIN"}
    with begins(app) as sent:
        assert client.get("/practices/karakol-waste").status_code == 200
    assert "BEGIN IMMEDIATE" in sent  # the view count, after the page's reads
    with app.app_context():
        assert db.session.scalar(select(func.sum(PracticeViewCount.views))) == 1


@sqlite_only
def test_forms_take_the_write_lock_up_front(app, client, make_user):
    _user_id, email = make_user(Role.LEARNER)
    with begins(app) as sent:
        log_in(client, email)
    assert "BEGIN IMMEDIATE" in sent
    token = csrf_token(client)
    with begins(app) as sent:
        client.post("/account/logout", data={"csrf_token": token})
    assert sent and set(sent) == {"BEGIN IMMEDIATE"}


def another_process_can_write(app) -> bool:
    """Whether another connection gets the write lock at once (no waiting at all)."""
    other = sqlite3.connect(database_file(app), isolation_level=None, timeout=0)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:  # database is locked
        return False
    finally:
        other.close()


@sqlite_only
def test_nobody_waits_while_a_login_checks_the_password(app, client, make_user, monkeypatch):
    _user_id, email = make_user(Role.LEARNER)
    verify = auth_services.verify_password
    writes_meanwhile = []

    def verify_while_another_process_writes(stored_hash, password):
        writes_meanwhile.append(another_process_can_write(app))
        return verify(stored_hash, password)

    monkeypatch.setattr(auth_services, "verify_password", verify_while_another_process_writes)
    log_in(client, email, TEST_PASSWORD)
    assert writes_meanwhile == [True]


@sqlite_only
def test_the_search_applier_holds_no_write_lock_while_it_indexes(app, make_practice, monkeypatch):
    app.config["SEARCH_APPLY_AFTER_REQUEST"] = False  # the change waits in the changelog
    make_practice("karakol-waste")
    practices = registry.searchable_type("practice")
    writes_meanwhile = []

    def documents(ids):
        loaded = practices.documents(ids)  # the SELECTs have begun the transaction
        writes_meanwhile.append(another_process_can_write(app))
        return loaded

    def write_watermark(writer, watermark):  # just before the index commits
        writes_meanwhile.append(another_process_can_write(app))
        stamp(writer, watermark)

    stamp = indexing.write_watermark
    patched = dataclasses.replace(practices, documents=documents)
    monkeypatch.setitem(registry._types, "practice", patched)
    monkeypatch.setattr(indexing, "write_watermark", write_watermark)
    with app.app_context():
        assert engine.apply_changes().entities == 1
    assert writes_meanwhile == [True, True]


def test_a_password_changed_during_the_check_makes_the_old_one_fail(
    app, client, make_user, monkeypatch
):
    user_id, email = make_user(Role.LEARNER)
    verify = auth_services.verify_password

    def verify_while_the_password_changes(stored_hash, password):
        matches = verify(stored_hash, password)
        with app.app_context():
            user = db.session.get(auth_services.User, user_id)
            user.password_hash = auth_services.hash_password("a brand new password")
            db.session.commit()
        return matches

    monkeypatch.setattr(auth_services, "verify_password", verify_while_the_password_changes)
    response = post_form(client, "/account/login", {"email": email, "password": TEST_PASSWORD})
    assert response.status_code != 302
