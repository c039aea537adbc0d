"""Security headers on every response, error pages included."""

from flask import Flask, Response, abort, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Register the input guard and the header hook."""
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)


def refuse_nul_characters() -> None:
    """Answer 400 to any query or form value with a NUL character (PostgreSQL cannot store it)."""
    values = [*request.args.values(), *request.form.values(), *request.args.keys()]
    if any("\x00" in value for value in values):
        abort(400)


def add_security_headers(response: Response) -> Response:
    """Add CSP and hardening headers; never cache what a logged-in user sees."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if _is_authenticated() and not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def _is_authenticated() -> bool:
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - a broken database must not break error pages too
        return False
