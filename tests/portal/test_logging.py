"""Structured logs: request ids, JSON and text lines that cannot be forged, security events."""

import json
import logging
import re
import sys

import pytest

from portal import create_app
from portal.config import ConfigurationError
from portal.logs import JsonFormatter, TextFormatter, path_without_secrets
from portal.models import Role
from tests.conftest import TEST_PASSWORD, app_settings, log_in, post_form

HEX_ID = re.compile(r"[0-9a-f]{32}")
TEXT_LINE_START = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR) ")
FORGED = "2030-01-01T00:00:00.000Z INFO portal.security [x] Login succeeded: user 1"


def stderr_lines(capsys) -> list[str]:
    """What the portal wrote to stderr so far, split only at real line feeds."""
    return [line for line in capsys.readouterr().err.split("\n") if line]


def json_records(capsys) -> list[dict]:
    """The JSON log lines so far; every line must be one JSON object."""
    return [json.loads(line) for line in stderr_lines(capsys)]


def english_client(app):
    """A test client that asks for English."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_every_response_carries_a_new_request_id(client):
    first = client.get("/").headers["X-Request-ID"]
    second = client.get("/").headers["X-Request-ID"]
    assert HEX_ID.fullmatch(first) and HEX_ID.fullmatch(second)
    assert first != second


def test_a_well_formed_incoming_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.B_9"})
    assert response.headers["X-Request-ID"] == "edge-7f3a.B_9"


@pytest.mark.parametrize("incoming", ["a" * 65, "two words", "../etc?x", "ключ", "a;b", "<x>"])
def test_an_ill_formed_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/healthz", headers={"X-Request-ID": incoming})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])


def test_json_lines_carry_the_request_fields(make_app, make_user, capsys):
    app = make_app(LOG_FORMAT="json")
    client = english_client(app)
    user_id, email = make_user(Role.LEARNER)
    log_in(client, email)
    capsys.readouterr()
    response = client.get("/admin/users", headers={"X-Request-ID": "req-403"})
    assert response.status_code == 403
    records = json_records(capsys)
    denied = [r for r in records if r["message"].startswith("Access denied")]
    assert len(denied) == 1, records
    record = denied[0]
    assert record["level"] == "WARNING" and record["logger"] == "portal.security"
    assert record["request_id"] == "req-403" and record["user_id"] == user_id
    assert record["method"] == "GET" and record["path"] == "/admin/users"
    assert record["remote_addr"] == "127.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["time"])
    assert f"user {user_id}" in record["message"]
    assert email not in json.dumps(records) and "Test Learner" not in json.dumps(records)


def test_the_text_formatter_escapes_control_characters_and_indents_tracebacks():
    try:
        raise ValueError("bad value\n" + FORGED)
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "portal.test",
        logging.WARNING,
        __file__,
        1,
        "got %s",
        ("x\r\n" + FORGED + "\x1b[31m",),
        exc_info,
    )
    lines = TextFormatter().format(record).split("\n")
    assert TEXT_LINE_START.match(lines[0])
    assert "\\r\\n" + FORGED + "\\x1b[31m" in lines[0] and "\r" not in lines[0]
    assert len(lines) > 2 and all(line.startswith("  | ") for line in lines[1:])
    assert "  | " + FORGED in lines


def test_the_json_formatter_keeps_each_record_on_one_line():
    message = "a\r\nb\x1b[2J\x85c\u2028d\u2029e"
    record = logging.LogRecord("portal.test", logging.INFO, __file__, 1, message, None, None)
    line = JsonFormatter().format(record)
    assert line.splitlines() == [line]
    assert "\x1b" not in line and "\x85" not in line
    assert json.loads(line)["message"] == message


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_a_crlf_in_the_login_email_or_the_path_cannot_forge_a_log_line(
    make_app, make_user, capsys, log_format
):
    app = make_app(LOG_FORMAT=log_format)
    client = english_client(app)
    capsys.readouterr()
    response = post_form(
        client, "/account/login", {"email": "nobody@example.kg\r\n" + FORGED, "password": "x"}
    )
    assert response.status_code == 422
    log_in(client, make_user(Role.LEARNER)[1])
    forged_path = "/practices/x%0D%0A" + FORGED.replace(" ", "%20") + "/edit"
    assert client.get(forged_path).status_code == 403
    lines = stderr_lines(capsys)
    assert not any(line.startswith("2030-") for line in lines)
    if log_format == "json":
        records = [json.loads(line) for line in lines]
        assert any(FORGED in record["path"] for record in records if record["path"])
    else:
        assert all(TEXT_LINE_START.match(line) for line in lines), lines
        assert any("x\\r\\n" + FORGED in line for line in lines)
    assert "nobody@example.kg" not in "\n".join(lines)


def test_login_success_failure_and_lock_are_logged_without_secrets(make_app, make_user, capsys):
    app = make_app(LOG_FORMAT="json", MAX_FAILED_LOGINS=2)
    client = english_client(app)
    user_id, email = make_user(Role.LEARNER)
    capsys.readouterr()
    log_in(client, email)
    post_form(client, "/account/logout", {}, token_from="/")
    post_form(client, "/account/login", {"email": "stranger@example.kg", "password": "guess-1"})
    for attempt in ("wrong-password-1", "wrong-password-2", "wrong-password-3"):
        post_form(client, "/account/login", {"email": email, "password": attempt})
    records = json_records(capsys)
    messages = [r["message"] for r in records if r["logger"] == "portal.security"]
    assert f"Login succeeded: user {user_id}" in messages
    assert f"Logout: user {user_id}" in messages
    assert any(re.fullmatch(r"Login failed: unknown e-mail [0-9a-f]{12}", m) for m in messages)
    assert messages.count(f"Login failed: user {user_id}") == 2
    assert f"Account locked: user {user_id} for 15 minutes" in messages
    assert f"Login refused: user {user_id} is locked" in messages
    everything = json.dumps(records)
    for secret in (TEST_PASSWORD, "guess-1", "wrong-password", email, "stranger@example.kg"):
        assert secret not in everything


def test_csrf_failures_rate_limits_and_login_redirects_are_logged(make_app, capsys):
    app = make_app(LOG_FORMAT="json", RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    client = english_client(app)
    capsys.readouterr()
    assert client.post("/account/login", data={"email": "a@example.kg"}).status_code == 400
    wrong = {"email": "a@example.kg", "password": "wrong"}
    assert post_form(client, "/account/login", wrong).status_code == 422
    assert post_form(client, "/account/login", wrong).status_code == 429
    assert client.get("/account/profile").status_code == 302
    messages = [r["message"] for r in json_records(capsys) if r["logger"] == "portal.security"]
    assert any(
        m.startswith("CSRF check failed: POST /account/login by anonymous") for m in messages
    )
    assert any(m.startswith("Rate limit hit (429): POST /account/login") for m in messages)
    assert "Login required: GET /account/profile" in messages


def test_a_password_reset_token_never_reaches_the_log(make_app, capsys):
    app = make_app(LOG_FORMAT="json")
    client = english_client(app)
    capsys.readouterr()
    assert client.post("/account/reset/secret-token-123", data={}).status_code == 400
    records = json_records(capsys)
    assert any(r["path"] == "/account/reset/<token>" for r in records)
    assert "secret-token-123" not in json.dumps(records)
    assert path_without_secrets(app, "GET", "/account/reset/abc") == "/account/reset/<token>"
    assert path_without_secrets(app, "GET", "/practices/abc") == "/practices/abc"
    assert path_without_secrets(app, "GET", "/no/such/page") == "/no/such/page"


@pytest.mark.parametrize("setting", [{"LOG_FORMAT": "xml"}, {"LOG_LEVEL": "chatty"}])
def test_an_unknown_log_format_or_level_is_refused(tmp_path, setting):
    with pytest.raises(ConfigurationError, match=next(iter(setting))):
        create_app(app_settings(tmp_path) | setting)
