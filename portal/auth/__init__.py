"""Accounts: registration, login, roles and password management."""

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.auth import views
from portal.auth.decorators import role_required
from portal.extensions import db, login_manager
from portal.models import User

__all__ = ["init_app", "role_required", "views"]


def init_app(app: Flask) -> None:
    """Configure Flask-Login to load users by their current session token."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """Return the active user whose session token matches the cookie, if any."""
    user = db.session.execute(
        db.select(User).filter_by(session_token=session_token)
    ).scalar_one_or_none()
    return user if user is not None and user.is_active else None
