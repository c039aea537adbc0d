"""The factory, configuration layers and production safety checks."""

import pytest
from flask import request

from portal import create_app
from portal.config import ConfigurationError


def test_test_config_wins_over_defaults(app):
    assert app.config["TESTING"] is True
    assert app.config["BABEL_DEFAULT_LOCALE"] == "ky"


def test_production_refuses_the_placeholder_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_production_with_a_real_secret_uses_secure_cookies(tmp_path, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    monkeypatch.setenv("PORTAL_SECRET_KEY", "a" * 40)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_environment_overrides_and_database_url_alias(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://someone@db.example/portal")
    monkeypatch.setenv("PORTAL_LOGIN_LOCK_MINUTES", "30")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://someone@db.example/portal"
    assert app.config["LOGIN_LOCK_MINUTES"] == 30


def test_prefixed_database_uri_beats_database_url(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://a@x/one")
    monkeypatch.setenv("PORTAL_SQLALCHEMY_DATABASE_URI", "postgresql://b@x/two")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("b@x/two")


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("PORTAL_SQLALCHEMY_DATABASE_URI", raising=False)
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{app.instance_path}/portal.sqlite3"


def test_instance_config_file_is_read(isolated_instance_folder):
    config_file = isolated_instance_folder / "config.py"
    config_file.write_text('PORTAL_NAME = "From instance"\n', encoding="utf-8")
    app = create_app({"TESTING": True})
    assert app.config["PORTAL_NAME"] == "From instance"


def test_reverse_proxy_headers_are_trusted_only_when_configured(tmp_path):
    from tests.conftest import app_settings

    for hops, expected in [(0, "http://localhost/"), (1, "https://portal.example.kg/")]:
        app = create_app(app_settings(tmp_path) | {"TRUSTED_PROXIES": hops})
        app.add_url_rule("/where", "where", lambda: request.url_root)
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "portal.example.kg"}
        assert app.test_client().get("/where", headers=headers).get_data(as_text=True) == expected
