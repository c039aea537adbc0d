"""Logging: one line per record on stderr (text or JSON lines), each with its request's id.

No value can forge a log line: control characters in messages are escaped in text lines (JSON
escapes them itself), and traceback lines are indented so that none looks like a new record.
Records carry the request id, method, path, client address and the logged-in user's id, never
names, e-mail addresses, passwords or tokens (a password-reset path is logged as its rule).
"""

import hashlib
import hmac
import json
import logging
import re
import sys
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import Flask, Response, current_app, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RoutingException

from portal.config import ConfigurationError

REQUEST_ID_HEADER = "X-Request-ID"
#: An incoming request id is kept only when it is this harmless (nginx sends 32 hex digits).
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
REQUEST_FIELDS = ("request_id", "method", "path", "remote_addr", "user_id")
#: Also in the server's access records: the response status and the time taken.
ACCESS_FIELDS = ("status", "duration_ms")
#: URL arguments that are secrets: a path holding one is logged as its rule, e.g. /reset/<token>.
SECRET_URL_ARGUMENTS = frozenset({"token"})
#: Libraries whose INFO lines say nothing to an operator (alembic lists its plugins at start).
CHATTY_LOGGERS = ("alembic.runtime.plugins",)
#: Logins, lockouts, logouts and refusals, under one name that operators can route or filter.
security_log = logging.getLogger("portal.security")


def _control_escapes() -> dict[int, str]:
    escapes = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}
    escapes.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})
    escapes.update({0x2028: "\\u2028", 0x2029: "\\u2029"})
    return escapes


CONTROL_ESCAPES = _control_escapes()
# json.dumps(ensure_ascii=False) escapes C0 controls only; these also break or colour lines.
JSON_EXTRA_ESCAPES = {code: f"\\u{code:04x}" for code in (*range(0x7F, 0xA0), 0x2028, 0x2029)}


def escape_controls(text: str) -> str:
    """Write control characters as escapes (\\n, \\r, \\x1b) so no value can start a new line."""
    return text.translate(CONTROL_ESCAPES)


def request_id() -> str:
    """This request's id: a well-formed incoming X-Request-ID, or a new random one."""
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if REQUEST_ID_PATTERN.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def logged_in_user_id() -> int | None:
    """The id of the user this request has already loaded, without ever querying for it."""
    user = g.get("_login_user")  # where Flask-Login keeps the loaded user
    state = inspect(user, raiseerr=False) if user is not None else None
    identity = state.identity if state is not None else None
    return identity[0] if identity else None


def loggable_path() -> str:
    """The request's path, or its rule when the path holds a secret (a password-reset token)."""
    if request.url_rule is not None and SECRET_URL_ARGUMENTS & (request.view_args or {}).keys():
        return request.url_rule.rule
    return request.path


def path_without_secrets(app: Flask, method: str, path: str) -> str:
    """`path` as loggable_path() gives it, for code outside a request (the server's access log)."""
    try:
        rule, arguments = app.url_map.bind("localhost").match(path, method, return_rule=True)
    except (HTTPException, RoutingException):
        return path
    return rule.rule if SECRET_URL_ARGUMENTS & arguments.keys() else path


def keyed_hash(value: str) -> str:
    """A short keyed hash of `value`: logs can tell repeats apart without holding the value."""
    key = f"{current_app.config['SECRET_KEY']}:log".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:12]


def request_fields() -> dict:
    """The REQUEST_FIELDS of the current request (all None outside one)."""
    if not has_request_context():
        return dict.fromkeys(REQUEST_FIELDS)
    return {
        "request_id": request_id(),
        "method": request.method,
        "path": loggable_path(),
        "remote_addr": request.remote_addr,
        "user_id": logged_in_user_id(),
    }


def access_fields(record: logging.LogRecord) -> dict | None:
    """The request fields of a gunicorn access record, read from the atoms it was logged with
    (gunicorn logs after the request, outside its context); None for any other record."""
    atoms = record.args
    if record.name != "gunicorn.access" or not isinstance(atoms, Mapping):
        return None
    request_id = atoms["{x-request-id}o"]  # what send_request_id() answered
    return {
        "request_id": None if request_id == "-" else request_id,
        "method": atoms["m"],
        "path": atoms["U"],  # without secrets: gunicorn.conf.py's PortalLogger cleans it
        "remote_addr": atoms["h"],
        "user_id": None,
        "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else None,
        "duration_ms": atoms["M"],
    }


class RequestContextFilter(logging.Filter):
    """Add the request's id, method, path, client address and user id to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Attach the fields; never drops a record."""
        for name, value in (access_fields(record) or request_fields()).items():
            setattr(record, name, value)
        return True


def utc_time(record: logging.LogRecord) -> str:
    """The record's time as UTC ISO 8601 with milliseconds, e.g. 2025-05-01T08:00:00.123Z."""
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def exception_text(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    """The traceback (and stack) of a record, or an empty string."""
    if record.exc_info and not record.exc_text:
        record.exc_text = formatter.formatException(record.exc_info)
    parts = [record.exc_text or "", formatter.formatStack(record.stack_info or "")]
    return "\n".join(part for part in parts if part)


class TextFormatter(logging.Formatter):
    """`<UTC time> <level> <logger> [<request id>] <message>`; traceback lines start '  | '."""

    def format(self, record: logging.LogRecord) -> str:
        """One escaped line, then the indented traceback if there is one."""
        request_tag = getattr(record, "request_id", None) or "-"
        line = f"{utc_time(record)} {record.levelname} {record.name} [{request_tag}] "
        line += escape_controls(record.getMessage())
        details = exception_text(self, record)
        return line + "".join(f"\n  | {escape_controls(part)}" for part in details.splitlines())


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the request fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON."""
        entry = {
            "time": utc_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({name: getattr(record, name, None) for name in REQUEST_FIELDS})
        entry.update(
            {name: getattr(record, name) for name in ACCESS_FIELDS if hasattr(record, name)}
        )
        details = exception_text(self, record)
        if details:
            entry["exception"] = details
        line = json.dumps(entry, ensure_ascii=False, default=str)
        return line.translate(JSON_EXTRA_ESCAPES)


FORMATTERS = {"text": TextFormatter, "json": JsonFormatter}


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (gunicorn, systemd, test capture)."""

    def __init__(self, level: int = logging.NOTSET):
        logging.Handler.__init__(self, level)  # StreamHandler would pin today's sys.stderr

    @property
    def stream(self):
        """The current standard error."""
        return sys.stderr


def make_handler(log_format: str = "text") -> logging.Handler:
    """A stderr handler in `log_format` ("text" or "json") that adds the request fields."""
    if log_format not in FORMATTERS:
        raise ConfigurationError(
            f"LOG_FORMAT must be one of {sorted(FORMATTERS)}, not {log_format!r}"
        )
    handler = StderrHandler()
    handler.setFormatter(FORMATTERS[log_format]())
    handler.addFilter(RequestContextFilter())
    return handler


def log_level(name: str) -> int:
    """The logging level called `name` (any case), or a ConfigurationError."""
    level = logging.getLevelName(str(name).upper())
    if not isinstance(level, int):
        raise ConfigurationError(f"LOG_LEVEL {name!r} is not a logging level")
    return level


def install_handler(log_format: str = "text", level: str = "INFO") -> logging.Handler:
    """Put a fresh portal handler on the root logger, and on gunicorn's loggers where they use
    one, replacing the previous one: every app built in a process logs once per record."""
    handler = make_handler(log_format)
    root = logging.getLogger()
    for logger in (root, logging.getLogger("gunicorn.error"), logging.getLogger("gunicorn.access")):
        previous = [old for old in logger.handlers if isinstance(old, StderrHandler)]
        for old in previous:
            logger.removeHandler(old)
        if previous or logger is root:
            logger.addHandler(handler)
    root.setLevel(log_level(level))
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    return handler


def send_request_id(response: Response) -> Response:
    """Tell the client (and the server's access log) which id this request's records carry."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    return response


def init_app(app: Flask) -> None:
    """Log to stderr in LOG_FORMAT at LOG_LEVEL and give every request an id."""
    app.logger.removeHandler(default_handler)
    install_handler(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    app.after_request(send_request_id)


def gunicorn_logging(log_format: str = "text", level: str = "INFO") -> dict:
    """Gunicorn's logconfig_dict: its error and access logs go to stderr in the portal's format."""
    handler = {"()": "portal.logs.make_handler", "log_format": log_format}
    loggers = {
        "gunicorn.error": {"level": str(level).upper(), "handlers": ["portal"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["portal"], "propagate": False},
    }
    # Preloading imports the app before install_handler() runs: quiet these from the start.
    loggers.update({name: {"level": "WARNING"} for name in CHATTY_LOGGERS})
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "root": {"level": str(level).upper(), "handlers": ["portal"]},
        "loggers": loggers,
        "handlers": {"portal": handler},
    }
