"""Search as personal data: queries are logged without who typed them, so none are exported.

The section still appears in the download, saying so, so that the file accounts for every
place the person's activity could have left a trace.
"""

from typing import Any

from flask_babel import lazy_gettext as _l

from portal.models import User

COVERS: tuple[tuple[str, str], ...] = ()  # search_query has no column that points at an account

NOTE = _l(
    "Searches are logged without your name or account, only to learn what people look for. "
    "They cannot be told apart from anyone else's, so none are in this file, and none remain "
    "linked to you after you delete your account."
)


def export_searches(user: User) -> dict[str, Any]:
    """Nothing to list: the log has no link to accounts; the note says why."""
    return {"searches": [], "note": NOTE}


def keep_searches(user: User, keep_name_on_certificates: bool) -> None:
    """Nothing to erase: no logged search is linked to an account."""
