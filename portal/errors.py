"""Error pages in the user's language, with no stack traces."""

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from portal.extensions import db

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


def init_app(app: Flask) -> None:
    """Register one handler for HTTP errors, CSRF failures and unexpected exceptions."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)


def handle_http_error(error: HTTPException):
    """Render an HTTP error page with a translated explanation."""
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code)


def handle_csrf_error(_error: CSRFError):
    """Explain a missing or stale form token instead of a bare 400."""
    return render_error(400, CSRF_MESSAGE)


def handle_unexpected_error(error: Exception):
    """Log the exception, roll back, and show a friendly 500 page."""
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return render_error(InternalServerError.code)


def render_error(code: int, message=None):
    """Render the error template, falling back to plain text if even that fails."""
    title, default_message = MESSAGES.get(code) or MESSAGES[400 if code < 500 else 500]
    if request.path.startswith("/api/"):
        return jsonify(error=str(title), message=str(message or default_message)), code
    try:
        html = render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        )
    except Exception:  # noqa: BLE001 - e.g. the database is down while rendering the menu
        html = f"<!doctype html><title>{code}</title><h1>{code}</h1>"
    return html, code
