"""Whether the portal's dependencies answer: GET /healthz, and what counts as a database outage."""

import logging

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from portal.extensions import db, limiter
from portal.search import engine

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

OK, UNAVAILABLE = "ok", "unavailable"


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """Say whether the database answers and the search index opens: 200, or 503 naming which not."""
    checks = {"database": check_database(), "search": check_search_index()}
    healthy = all(state == OK for state in checks.values())
    response = jsonify(status=OK if healthy else UNAVAILABLE, **checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def check_database() -> str:
    """OK when the database answers SELECT 1 on a connection of its own, else UNAVAILABLE."""
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        log.warning(
            "Health check: the database is unavailable (%s)", describe_database_error(error)
        )
        return UNAVAILABLE
    return OK


def check_search_index() -> str:
    """OK when this process can open a searcher on the index, else UNAVAILABLE."""
    try:
        with engine.search_index().reading():
            pass
    except engine.IndexUnavailable as error:
        log.warning("Health check: the search index is unavailable (%s)", error)
        return UNAVAILABLE
    return OK


def is_database_unavailable(error: Exception) -> bool:
    """Whether `error` means the database cannot be reached (down, refused, dropped, locked),
    as opposed to a mistake in a query."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and error.connection_invalidated


def describe_database_error(error: Exception) -> str:
    """The driver's first line about `error`, without the SQL statement or its parameters."""
    cause = getattr(error, "orig", None) or error
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line}"
