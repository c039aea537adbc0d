"""The core's personal data: the account row itself, exported and scrubbed like any feature's."""

from typing import Any

from portal.models import User, new_session_token, utcnow

COVERS = (("user_account", "id"),)

#: Not an argon2 hash, so no password ever matches it.
UNUSABLE_PASSWORD = "!deleted"


def deleted_email(user_id: int) -> str:
    """A unique placeholder that is no address (.invalid is reserved), freeing the real one."""
    return f"deleted-{user_id}@deleted.invalid"


def export_account(user: User) -> dict[str, Any]:
    """The profile and account facts; never the password hash, tokens or lock counters."""
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "reviewer": user.is_reviewer,
        "active": user.is_active_account,
        "region": place(user.region),
        "district": place(user.district),
        "municipality": user.municipality,
        "position": user.position,
        "gender": user.gender,
        "language": user.language,
        "created_at": user.created_at,
        "last_login_at": user.last_login_at,
    }


def place(area) -> dict[str, str] | None:
    """A region or district as its code and its name in the current language."""
    return {"code": area.code, "name": area.name} if area is not None else None


def scrub_account(user: User, keep_name_on_certificates: bool) -> None:
    """Remove who the person is, keeping region, district, gender and role for statistics."""
    user.name = ""
    user.email = deleted_email(user.id)
    user.password_hash = UNUSABLE_PASSWORD
    user.session_token = new_session_token()  # every open session ends
    user.municipality = ""
    user.position = ""
    user.is_active_account = False
    user.is_reviewer = False
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = None
    user.deleted_at = utcnow()
