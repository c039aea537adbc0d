"""Security headers, cookies and error pages that give nothing away."""

import pytest

from portal.models import Role
from tests.conftest import log_in, post_form


@pytest.fixture
def failing_app(app):
    """The app with one extra route that crashes, to see the 500 page."""

    def crash():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/crash-for-test", "crash_for_test", crash)
    return app


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]


def test_headers_on_pages_and_errors(failing_app):
    client = failing_app.test_client()
    for path, status in [("/", 200), ("/no-such-page", 404), ("/crash-for-test", 500)]:
        response = client.get(path)
        assert response.status_code == status
        assert_security_headers(response)


def test_server_errors_show_no_stack_trace(failing_app):
    client = failing_app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/crash-for-test").get_data(as_text=True)
    assert "Something went wrong" in page
    assert "secret internal detail" not in page and "Traceback" not in page


def test_logged_in_pages_are_never_cached(client, login_as):
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
    login_as(Role.LEARNER)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/account/profile").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client, make_user):
    _id, email = make_user()
    response = log_in(client, email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_is_secure_in_production(tmp_path, monkeypatch):
    from portal import create_app
    from tests.conftest import app_settings

    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    settings = app_settings(tmp_path)
    settings.pop("TESTING")
    production = create_app(settings)
    assert production.config["SESSION_COOKIE_SECURE"] is True


def test_forms_without_csrf_token_are_refused_with_an_explanation(client, make_user):
    _id, email = make_user()
    response = client.post("/account/login", data={"email": email, "password": "x"})
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)


def test_too_large_request_gets_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = post_form(client, "/account/login", {"email": "a@b.kg", "password": "x" * 5000})
    assert response.status_code == 413
    assert "File too large" in response.get_data(as_text=True)


def test_wrong_method_gets_405_page(client):
    response = client.get("/language")
    assert response.status_code == 405
    assert_security_headers(response)
