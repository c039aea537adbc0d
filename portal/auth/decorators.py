"""Access checks for views."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def role_required(role: str):
    """Allow the view only to logged-in users with `role` or a higher one; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
