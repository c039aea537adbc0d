"""The portal's application factory."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.config import (
    INSECURE_SECRET_KEY,
    ConfigurationError,
    DefaultConfig,
    normalise_database_url,
)


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the portal: defaults → instance/config.py → PORTAL_* → test_config."""
    app = Flask(__name__, instance_relative_config=True)
    load_configuration(app, test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from portal import (
        assets,
        audit,
        auth,
        cli,
        database,
        errors,
        health,
        i18n,
        logs,
        mail,
        offline,
        privacy,
        reports,
        search,
        security,
        templating,
        uploads,
        views,
    )
    from portal.admin import views as admin_views
    from portal.extensions import csrf, db, limiter, migrate

    logs.init_app(app)
    database.init_app(app)
    assets.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    auth.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    uploads.init_app(app)
    search.init_app(app)
    reports.init_app(app)
    privacy.init_app(app)
    offline.init_app(app)
    audit.init_app(app)
    errors.init_app(app)
    trust_reverse_proxy(app)
    cli.init_app(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.views.bp)
    app.register_blueprint(admin_views.bp)

    import courses
    import practices

    courses.init_app(app)
    practices.init_app(app)
    return app


def reset_after_fork(app: Flask) -> None:
    """Give a newly forked worker its own database connections and search index files."""
    from portal.extensions import db
    from portal.search.engine import EXTENSION_KEY

    with app.app_context():
        for engine in db.engines.values():
            # close=False: the connections belong to the parent; closing them here would
            # end the parent's sessions on the shared sockets.
            engine.dispose(close=False)
    app.extensions.pop(EXTENSION_KEY, None)


def trust_reverse_proxy(app: Flask) -> None:
    """Behind nginx, take scheme, host and client address from the proxy's X-Forwarded-* headers."""
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def load_configuration(app: Flask, test_config: dict | None) -> None:
    """Apply the configuration layers in order and refuse unsafe production settings."""
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.from_mapping(test_config)

    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not uri:
        uri = "sqlite:///" + str(Path(app.instance_path) / "portal.sqlite3")
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(uri)

    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = is_production(app)
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    if is_production(app):
        check_secret_key(app)


def is_production(app: Flask) -> bool:
    """Production is every run that is neither a debug session nor the test suite."""
    return not (app.debug or app.testing)


def check_secret_key(app: Flask) -> None:
    """Refuse to serve real users with a missing or guessable secret key."""
    secret = app.config.get("SECRET_KEY") or ""
    if secret in (INSECURE_SECRET_KEY, "change-me") or len(secret) < 24:
        raise ConfigurationError(
            "SECRET_KEY is not set: put a long random SECRET_KEY in instance/config.py "
            "or the PORTAL_SECRET_KEY environment variable (or run with --debug for development)."
        )
