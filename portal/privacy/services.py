"""The right of access and the right to erasure, over every registered source of personal data."""

import json
from datetime import date, datetime
from typing import Any

from flask_babel import to_user_timezone
from flask_babel.speaklater import LazyString
from sqlalchemy import select

from portal.audit import ACCOUNT_DELETED, DATA_EXPORTED, record_audit_event
from portal.extensions import db
from portal.models import Role, User, utcnow
from portal.privacy import personal_data_sources

EXPORT_FORMAT = "lsg-portal-personal-data"
EXPORT_VERSION = 1


class LastAdministrator(Exception):
    """Deleting this account would leave the portal without an active administrator."""


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the portal holds about `user`: one section per registered component."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow(),
        "sections": {source.section: source.export(user) for source in personal_data_sources()},
    }


def json_value(value: Any) -> Any:
    """Dates as ISO 8601 text, lazy translations as text, for json.dumps."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, LazyString):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def personal_data_json(user: User) -> str:
    """The export as readable UTF-8 JSON: Cyrillic stays Cyrillic, indented for humans."""
    data = export_personal_data(user)
    return json.dumps(data, ensure_ascii=False, indent=2, default=json_value)


def download_personal_data(user: User) -> str:
    """The export, with the download recorded in the audit trail."""
    text = personal_data_json(user)
    record_audit_event(DATA_EXPORTED, user, user)
    db.session.commit()
    return text


def export_filename() -> str:
    """portal-data-<today in the user's time zone>.json"""
    return f"portal-data-{to_user_timezone(utcnow()).date().isoformat()}.json"


def is_last_active_administrator(user: User, lock: bool = False) -> bool:
    """Whether `user` is the only active administrator left.

    With `lock`, the administrators' rows stay locked until the transaction ends (PostgreSQL),
    so two administrators deleting each other at once cannot both succeed.
    """
    if user.role != Role.ADMIN or not user.is_active_account:
        return False
    admins = select(User.id).where(
        User.role == Role.ADMIN,
        User.is_active_account.is_(True),
        User.deleted_at.is_(None),
    )
    if lock:
        admins = admins.with_for_update()
    return set(db.session.scalars(admins)) <= {user.id}


def delete_account(user: User, actor: User, keep_name_on_certificates: bool = False) -> None:
    """Erase the person from every component and scrub the account, in one transaction.

    The caller has checked who may do this (the password, or an administrator's rights).
    """
    if user.is_deleted:
        return
    if is_last_active_administrator(user, lock=True):
        db.session.rollback()
        raise LastAdministrator
    record_audit_event(
        ACCOUNT_DELETED,
        actor,
        user,
        by_self=actor.id == user.id,
        name_kept_on_certificates=keep_name_on_certificates,
    )
    try:
        for source in reversed(personal_data_sources()):
            source.erase(user, keep_name_on_certificates)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
