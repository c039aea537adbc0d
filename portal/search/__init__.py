"""Full-text search over every searchable type, in Kyrgyz, Russian and English.

Feature packages register what they index (`register_searchable`); the database stays the
truth and the Whoosh index follows its changelog (see engine.py and indexing.py).
"""

import os

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.search.changelog import take_pending
from portal.search.registry import SearchableType, SearchDocument, register_searchable

__all__ = ["SearchDocument", "SearchableType", "init_app", "register_searchable"]


def init_app(app: Flask) -> None:
    """Configure the index location, keep the index in step after changes, add routes and CLI."""
    from portal.privacy import register_personal_data
    from portal.search import cli, personal_data, views

    if not app.config.get("SEARCH_INDEX_DIR"):
        app.config["SEARCH_INDEX_DIR"] = os.path.join(app.instance_path, "search-index")
    app.after_request(apply_after_response)
    app.teardown_appcontext(apply_after_command)
    app.register_blueprint(views.bp)
    app.register_blueprint(views.api)
    app.cli.add_command(cli.search_cli)
    register_personal_data(
        app,
        "search",
        personal_data.export_searches,
        personal_data.keep_searches,
        personal_data.COVERS,
        title=_l("Searches"),
        description=personal_data.NOTE,
        order=200,
    )


def apply_after_response(response):
    """Once the response is sent, bring the index up to what this request committed."""
    if current_app.config["SEARCH_APPLY_AFTER_REQUEST"] and take_pending(db.session()):
        app = current_app._get_current_object()
        response.call_on_close(lambda: _apply_in(app))
    return response


def apply_after_command(_error=None) -> None:
    """At the end of a CLI command (or script) that committed changes, apply them."""
    if current_app.config["SEARCH_APPLY_AFTER_REQUEST"] and take_pending(db.session()):
        _apply_now()


def rebuild_after_response(response):
    """Once this response is sent, rebuild a missing or broken index (unless one is underway)."""
    app = current_app._get_current_object()
    response.call_on_close(lambda: _apply_in(app))
    return response


def _apply_in(app: Flask) -> None:
    with app.app_context():
        _apply_now()


def _apply_now() -> None:
    from portal.search.engine import apply_changes

    try:
        apply_changes()
    except Exception:  # noqa: BLE001 - the changelog keeps the change; the next apply catches up
        current_app.logger.exception("Applying the search changelog failed")
