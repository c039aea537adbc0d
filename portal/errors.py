"""Error pages in the user's language, with no stack traces."""

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_login.signals import user_unauthorized
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db, login_manager
from portal.health import describe_database_error, is_database_unavailable
from portal.logs import loggable_path, logged_in_user_id, security_log

log = logging.getLogger(__name__)

MESSAGES = {
    400: (
        _l("Bad request"),
        _l("The request could not be understood. Please check what you sent."),
    ),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (
        _l("Page not found"),
        _l("This page does not exist. Check the address or start from the home page."),
    ),
    405: (_l("Method not allowed"), _l("This page cannot be used like that.")),
    409: (
        _l("Not possible right now"),
        _l("This cannot be done in the current state. Reload the page and check."),
    ),
    413: (_l("File too large"), _l("What you sent is larger than the portal accepts.")),
    422: (_l("Cannot process"), _l("Some of what you sent is not valid.")),
    429: (
        _l("Too many requests"),
        _l("You have tried too often. Please wait a minute and try again."),
    ),
    503: (
        _l("Temporarily unavailable"),
        _l("This part of the portal is being prepared. Please try again in a minute."),
    ),
    500: (
        _l("Something went wrong"),
        _l("The error has been logged. Please try again in a moment."),
    ),
}
CSRF_MESSAGE = _l(
    "The form has expired or was sent from elsewhere. Go back, reload the page and send it again."
)
DATABASE_MESSAGE = _l("The database cannot be reached right now. Please try again in a minute.")
#: Seconds a client is asked to wait after a 503.
RETRY_AFTER_SECONDS = 60


def init_app(app: Flask) -> None:
    """Register one handler for HTTP errors, CSRF failures and unexpected exceptions."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected_error)
    app.after_request(ask_to_retry_later)
    user_unauthorized.connect(log_login_required, app)


def handle_http_error(error: HTTPException):
    """Render an HTTP error page with a translated explanation."""
    if error.code is None or error.code < 400:
        return error
    if error.code in (403, 429):
        refused = "Access denied" if error.code == 403 else "Rate limit hit"
        security_log.warning(
            "%s (%d): %s %s by %s", refused, error.code, request.method, loggable_path(), who()
        )
    return render_error(error.code)


def handle_csrf_error(error: CSRFError):
    """Explain a missing or stale form token instead of a bare 400."""
    reason = error.description
    security_log.warning(
        "CSRF check failed: %s %s by %s (%s)", request.method, loggable_path(), who(), reason
    )
    return render_error(400, CSRF_MESSAGE)


def log_login_required(_app, **_extra) -> None:
    """Log a visitor sent to the login page from a page that needs an account."""
    security_log.info("Login required: %s %s", request.method, loggable_path())


def who() -> str:
    """'user <id>' or 'anonymous', for security log lines (never a name or an address)."""
    user_id = logged_in_user_id()
    return f"user {user_id}" if user_id is not None else "anonymous"


def handle_database_error(error: DBAPIError):
    """Answer 503 with a clear message when the database cannot be reached, never a 500."""
    if not is_database_unavailable(error):
        return handle_unexpected_error(error)
    rollback_quietly()
    reason = describe_database_error(error)
    log.warning("Database unavailable on %s %s: %s", request.method, loggable_path(), reason)
    return render_error(503, DATABASE_MESSAGE)


def handle_unexpected_error(error: Exception):
    """Log the exception, roll back, and show a friendly 500 page."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    rollback_quietly()
    current_app.logger.exception("Unhandled error on %s %s", request.method, loggable_path())
    return render_error(InternalServerError.code)


def rollback_quietly() -> None:
    """Roll back the request's transaction; a connection that is gone cannot fail the page."""
    try:
        db.session.rollback()
    except Exception as error:  # noqa: BLE001 - the error page matters more than the rollback
        log.warning("Rollback failed: %s", describe_database_error(error))


def forget_user_if_unloadable() -> None:
    """Show the page as to a visitor when the logged-in user cannot be loaded (database down)."""
    try:
        current_user.is_authenticated  # noqa: B018 - loads the user from the database
    except SQLAlchemyError:
        rollback_quietly()
        login_manager._update_request_context_with_user()  # the anonymous user, for this request


def ask_to_retry_later(response):
    """Tell clients and proxies when to try again after a 503."""
    if response.status_code == 503:
        response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    return response


def render_error(code: int, message=None):
    """Render the error template, falling back to plain text if even that fails."""
    title, default_message = MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    forget_user_if_unloadable()  # before any translation: the locale may be the user's
    if request.path.startswith("/api/"):
        return jsonify(error=str(title), message=str(message or default_message)), code
    try:
        html = render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        )
    except Exception:  # noqa: BLE001 - e.g. the database is down while rendering the menu
        html = plain_error_page(code, title, message or default_message)
    return html, code


def plain_error_page(code: int, title, message) -> str:
    """A bare page that still says what happened, for when the template cannot be rendered."""
    try:
        title, message = escape(str(title)), escape(str(message))
    except Exception:  # noqa: BLE001 - not even the translations load
        title, message = code, ""
    return f"<!doctype html><title>{title}</title><h1>{title} ({code})</h1><p>{message}</p>"
