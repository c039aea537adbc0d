"""Running in production: /healthz, a clear 503 while the database is away, and recovery."""

import shutil
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from flask_babel import force_locale
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from portal import create_app, reset_after_fork
from portal.auth.services import create_user
from portal.errors import DATABASE_MESSAGE as TRANSLATED_DATABASE_MESSAGE
from portal.extensions import db
from portal.models import Role
from tests.conftest import POSTGRES_URL, TEST_PASSWORD, app_settings, log_in
from tests.portal.tcp_forwarder import TcpForwarder

UNREACHABLE_DATABASES = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/portal",
    "sqlite": "sqlite:////nonexistent-directory/portal.sqlite3",
}
DATABASE_MESSAGE = "The database cannot be reached right now. Please try again in a minute."


def english_client(app):
    """A test client that asks for English."""
    return client_in(app, "en")


def client_in(app, language: str):
    """A test client whose browser asks for `language`."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def database_message_in(app, language: str) -> str:
    """The 503 page's database message as the catalog of `language` gives it."""
    with app.test_request_context(), force_locale(language):
        return str(TRANSLATED_DATABASE_MESSAGE)


def app_without_database(tmp_path, url: str):
    """A portal whose database cannot be reached, beside a search index that works."""
    return create_app(app_settings(tmp_path) | {"SQLALCHEMY_DATABASE_URI": url})


def test_healthz_says_ok_and_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "search": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_is_not_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute")
    client = app.test_client()
    assert [client.get("/").status_code for _ in range(3)] == [200, 200, 429]
    assert {client.get("/healthz").status_code for _ in range(5)} == {200}


def test_healthz_answers_503_when_the_index_is_broken(app, client):
    index = Path(app.config["SEARCH_INDEX_DIR"])
    shutil.rmtree(index)
    index.mkdir()
    (index / "_MAIN_1.toc").write_bytes(b"not an index")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "ok",
        "search": "unavailable",
    }
    assert response.headers["Retry-After"] == "60"
    assert str(index) not in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", UNREACHABLE_DATABASES)
def test_healthz_answers_503_when_the_database_is_unreachable(make_app, tmp_path, kind):
    make_app()  # builds the search index in tmp_path, which the broken app shares
    client = english_client(app_without_database(tmp_path, UNREACHABLE_DATABASES[kind]))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "unavailable",
        "search": "ok",
    }
    assert "127.0.0.1" not in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", UNREACHABLE_DATABASES)
def test_pages_answer_a_clear_503_when_the_database_is_unreachable(tmp_path, kind):
    client = english_client(app_without_database(tmp_path, UNREACHABLE_DATABASES[kind]))
    for path in ("/practices/karakol-waste", "/courses/", "/search?q=Каракол"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 503, path
        assert DATABASE_MESSAGE in page and "Traceback" not in page
        assert response.headers["Retry-After"] == "60"
    api = client.get("/api/search?q=Каракол")
    assert api.status_code == 503 and api.get_json()["message"] == DATABASE_MESSAGE
    assert client.get("/").status_code == 200  # the home page needs no database for visitors


@pytest.mark.parametrize("kind", UNREACHABLE_DATABASES)
@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_503_page_speaks_the_visitors_language(tmp_path, kind, language):
    app = app_without_database(tmp_path, UNREACHABLE_DATABASES[kind])
    response = client_in(app, language).get("/courses/")
    assert response.status_code == 503
    assert f'lang="{language}"' in response.get_data(as_text=True)
    assert database_message_in(app, language) in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", UNREACHABLE_DATABASES)
def test_a_user_who_cannot_be_loaded_gets_the_503_page_as_a_visitor(tmp_path, kind):
    client = english_client(app_without_database(tmp_path, UNREACHABLE_DATABASES[kind]))
    with client.session_transaction() as session:
        session["_user_id"] = "a-session-token"
        session["_fresh"] = True
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert DATABASE_MESSAGE in page and "Log in" in page


def test_a_rollback_that_fails_too_still_gives_the_503(app, monkeypatch):
    def lost_connection(*_args):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    app.add_url_rule("/lost", "lost", lost_connection)
    monkeypatch.setattr(db.session, "rollback", lost_connection)
    response = english_client(app).get("/lost")
    assert response.status_code == 503
    assert DATABASE_MESSAGE in response.get_data(as_text=True)


def test_other_database_errors_stay_500s(app):
    def broken_query():
        raise IntegrityError("INSERT …", {}, Exception("duplicate key"))

    app.add_url_rule("/broken", "broken", broken_query)
    response = english_client(app).get("/broken")
    assert response.status_code == 500
    assert "Retry-After" not in response.headers


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PORTAL_TEST_DATABASE_URL (PostgreSQL)")
def test_requests_recover_after_the_database_dropped_every_connection(
    app, client, make_user, make_practice
):
    make_practice("karakol-waste")
    log_in(client, make_user(Role.LEARNER)[1])
    assert client.get("/practices/karakol-waste").status_code == 200
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
    assert killed >= 1
    assert client.get("/practices/karakol-waste").status_code == 200
    assert client.get("/healthz").get_json()["database"] == "ok"


def through(forwarder: TcpForwarder, url: str) -> str:
    """`url` with its host and port replaced by the forwarder's."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    address = f"127.0.0.1:{forwarder.port}"
    return parts._replace(netloc=f"{credentials}@{address}" if credentials else address).geturl()


@pytest.fixture
def forwarder():
    """A forwarder to the test database; set up before make_app, so it outlives its clean-up."""
    target = urlsplit(POSTGRES_URL)
    with TcpForwarder((target.hostname, target.port or 5432)) as forwarder:
        yield forwarder


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PORTAL_TEST_DATABASE_URL (PostgreSQL)")
def test_a_database_outage_gives_503_pages_and_the_same_app_recovers(forwarder, make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI=through(forwarder, POSTGRES_URL))
    with app.app_context():
        create_user("learner@example.kg", TEST_PASSWORD, "Outage Learner", language="en")
    learner = english_client(app)
    log_in(learner, "learner@example.kg")
    assert learner.get("/account/profile").status_code == 200

    forwarder.stop()  # the database goes away: open connections cut, new ones refused
    try:
        down = learner.get("/account/profile")
        assert down.status_code == 503 and down.headers["Retry-After"] == "60"
        assert DATABASE_MESSAGE in down.get_data(as_text=True)
        for language in ("ky", "ru"):
            page = client_in(app, language).get("/courses/")
            assert page.status_code == 503 and page.headers["Retry-After"] == "60"
            assert database_message_in(app, language) in page.get_data(as_text=True)
        api = learner.get("/api/search?q=x")
        assert api.status_code == 503 and api.get_json()["message"] == DATABASE_MESSAGE
        health = learner.get("/healthz")
        assert health.status_code == 503 and health.get_json()["database"] == "unavailable"
    finally:
        forwarder.start()  # back on the same address: no restart, the same app and session

    assert learner.get("/healthz").get_json() == {"status": "ok", "database": "ok", "search": "ok"}
    profile = learner.get("/account/profile")
    assert profile.status_code == 200 and "Outage Learner" in profile.get_data(as_text=True)
    assert client_in(app, "ky").get("/courses/").status_code == 200


def test_a_forked_worker_starts_without_the_parents_connections(app):
    from portal.search.engine import EXTENSION_KEY, search_index

    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.remove()
        inherited_pool = db.engine.pool
        assert inherited_pool.checkedin() == 1
        search_index(app)
    assert EXTENSION_KEY in app.extensions
    reset_after_fork(app)
    with app.app_context():
        assert db.engine.pool is not inherited_pool and db.engine.pool.checkedin() == 0
    assert EXTENSION_KEY not in app.extensions
    inherited_pool.dispose()  # here parent and child are one process: close them after all
    assert app.test_client().get("/healthz").status_code == 200


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PORTAL_TEST_DATABASE_URL (PostgreSQL)")
def test_a_silent_database_server_is_given_up_on_well_before_the_worker_timeout(app):
    from portal.database import POSTGRES_CONNECT_TIMEOUT

    with app.app_context(), db.engine.connect() as connection:
        parameters = connection.connection.dbapi_connection.info.get_parameters()
    assert parameters["connect_timeout"] == str(POSTGRES_CONNECT_TIMEOUT)
    assert POSTGRES_CONNECT_TIMEOUT * 4 < 60  # gunicorn.conf.py's default timeout
