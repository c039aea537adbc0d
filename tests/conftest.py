"""Shared fixtures: a fresh database per test, clients, users of every role."""

import os
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from portal import create_app
from portal.auth.services import create_user
from portal.config import normalise_database_url
from portal.extensions import db
from portal.models import Role
from portal.reference_data import load_reference_data

TEST_PASSWORD = "correct horse battery"
POSTGRES_URL = os.environ.get("PORTAL_TEST_DATABASE_URL")


def app_settings(tmp_path) -> dict:
    """Configuration for a test app: fast hashing, mail kept in memory, no rate limits."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough",
        "SQLALCHEMY_DATABASE_URI": POSTGRES_URL or f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "PASSWORD_HASH_TIME_COST": 1,
        "PASSWORD_HASH_MEMORY_KIB": 8,
        "PASSWORD_HASH_PARALLELISM": 1,
        "MAIL_BACKEND": "memory",
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "UPLOAD_DIR": str(tmp_path / "uploads"),
        "SEARCH_INDEX_DIR": str(tmp_path / "search-index"),
    }


def drop_tables() -> None:
    """Drop the models' tables and alembic_version, which tests running the migrations leave."""
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


def reset_database() -> None:
    """Give the test an empty schema with the regions loaded, and an empty search index."""
    from portal.search import engine

    drop_tables()
    db.create_all()
    load_reference_data()
    engine.rebuild()


@pytest.fixture(scope="session", autouse=True)
def empty_postgres_schema():
    """Begin a PostgreSQL run on an empty schema: an interrupted earlier run can leave tables,
    types and alembic_version behind that drop_all does not know about."""
    if POSTGRES_URL:
        server = create_engine(normalise_database_url(POSTGRES_URL))
        with server.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        server.dispose()


class ClosingClient(FlaskClient):
    """A test client that closes every response, as a real server does once it is sent.

    Closing runs the response's call_on_close callbacks, where the search index catches up.
    """

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        return super().open(*args, **kwargs)


@pytest.fixture(autouse=True)
def isolated_instance_folder(tmp_path, monkeypatch):
    """Keep the developer's instance/ (its config.py, database, uploads) out of every test."""
    instance = tmp_path / "instance"
    instance.mkdir()
    monkeypatch.setattr("flask.Flask.auto_find_instance_path", lambda self: str(instance))
    return instance


@pytest.fixture
def make_app(tmp_path):
    """Build portal apps on a fresh database with extra settings; all are cleaned up after."""
    built = []

    def build(**overrides):
        app = create_app(app_settings(tmp_path) | overrides)
        app.test_client_class = ClosingClient
        with app.app_context():
            reset_database()
        built.append(app)
        return app

    yield build
    for app in built:
        with app.app_context():
            db.session.remove()
            if POSTGRES_URL:
                drop_tables()
            db.engine.dispose()


@pytest.fixture
def app(make_app):
    """A portal app on a fresh database."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client that keeps cookies and asks for English, so assertions read plainly."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    """A runner for the app's CLI commands."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """Create users: make_user(role="trainer", email=...)."""
    counter = iter(range(1, 10_000))

    def make(role: str = Role.LEARNER, email: str | None = None, **profile):
        with app.app_context():
            number = next(counter)
            profile.setdefault("language", "en")  # assertions read English unless a test asks
            user = create_user(
                email or f"{role}{number}@example.kg",
                profile.pop("password", TEST_PASSWORD),
                profile.pop("name", f"Test {role.title()} {number}"),
                role=role,
                **profile,
            )
            return user.id, user.email

    return make


def csrf_token(client, path: str = "/") -> str:
    """Read the CSRF token from a page, as a browser would have it."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def post_form(client, path: str, data: dict, **kwargs):
    """Submit a form the way a browser does: with the page's CSRF token."""
    token = csrf_token(client, kwargs.pop("token_from", path))
    return client.post(path, data={"csrf_token": token, **data}, **kwargs)


def log_in(client, email: str, password: str = TEST_PASSWORD):
    """Log `client` in through the login form."""
    response = post_form(client, "/account/login", {"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def login_as(client, make_user):
    """Log the test client in as a new user of `role`; returns (user id, e-mail)."""

    def login(role: str = Role.LEARNER, **profile):
        user_id, email = make_user(role, **profile)
        log_in(client, email)
        return user_id, email

    return login


def practice_record(slug: str = "karakol-waste", **overrides) -> dict:
    """A complete, valid practice record in the import format."""
    record = {
        "slug": slug,
        "region": "issyk-kul",
        "district": "ak-suu",
        "municipality": "Каракол шаары",
        "topics": ["waste-management", "private-sector"],
        "year": 2019,
        "year_end": 2020,
        "status": "published",
        "contact": {"organisation": "Мэрия", "person": "", "phone": "", "email": "info@example.kg"},
        "budget": {"amount": 450000, "source": "mixed"},
        "partners": "Helvetas",
        "related": [],
        "translations": {
            "ky": {
                "title": "Таштандыларды чогултуу Караколдо",
                "summary": "Жеке компания.",
                "problem": "",
                "actions": "",
                "results": "",
                "lessons": "",
                "body": "## Башы\n\nКараколдо таштандыларды жеке компания чогултат.",
            },
            "ru": {
                "title": "Вывоз мусора в Караколе",
                "summary": "Частная компания.",
                "problem": "Мусор",
                "actions": "Конкурс",
                "results": "Чисто",
                "lessons": "Да",
                "body": "Частная компания вывозит мусор в Караколе.",
            },
        },
    }
    record.update(overrides)
    return record


@pytest.fixture
def make_practice(app):
    """Create a practice from a record: make_practice("slug", status="draft", author_id=…)."""

    def make(slug: str = "karakol-waste", author_id: int | None = None, **overrides):
        from practices.models import Practice
        from practices.services import save_practice

        with app.app_context():
            practice = Practice(author_id=author_id)
            save_practice(practice, practice_record(slug, **overrides), None, "imported")
            return practice.id

    return make


@pytest.fixture
def make_course(app):
    """Create a course: make_course("slug", status=…, enrolment=…, author_id=…) → its id."""
    from tests.courses.conftest import build_course

    def make(slug: str = "private-sector", **settings) -> int:
        with app.app_context():
            course = build_course(slug, **settings)
            db.session.add(course)
            db.session.commit()
            return course.id

    return make
