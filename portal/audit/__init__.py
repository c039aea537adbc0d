"""The audit trail: changes to accounts and other sensitive actions, for administrators to read.

Events are added to the session of the change they describe and committed with it, so a change
is never recorded without happening, nor happens without being recorded. Features register the
actions they record with a translated label, as they register report sections.
"""

from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.models import User

ACTIONS_KEY = "portal.audit_actions"

ROLE_CHANGED = "user.role_changed"
ACTIVATED = "user.activated"
DEACTIVATED = "user.deactivated"
REVIEWER_CHANGED = "user.reviewer_changed"
ACCOUNT_DELETED = "user.deleted"
DATA_EXPORTED = "user.data_exported"

CORE_ACTIONS = {
    ROLE_CHANGED: _l("Role changed"),
    ACTIVATED: _l("Account activated"),
    DEACTIVATED: _l("Account deactivated"),
    REVIEWER_CHANGED: _l("Review rights changed"),
    ACCOUNT_DELETED: _l("Account deleted"),
    DATA_EXPORTED: _l("Personal data downloaded"),
}

__all__ = ["AuditEvent", "record_audit_event", "register_audit_action"]


def register_audit_action(app: Flask, action: str, label: Any) -> None:
    """Declare an action code a component records, with its translated label."""
    app.extensions.setdefault(ACTIONS_KEY, {})[action] = label


def audit_actions() -> dict[str, Any]:
    """Every registered action code and its label."""
    return current_app.extensions.get(ACTIONS_KEY, {})


def action_label(action: str) -> str:
    """The translated name of an action (its code when no component declares it any more)."""
    return str(audit_actions().get(action, action))


def record_audit_event(
    action: str, actor: User | None, subject: User | None = None, **details
) -> AuditEvent:
    """Add an event to the current transaction; the caller's commit writes it with the change.

    `details` must hold ids and flag values only, never names or e-mail addresses.
    """
    if action not in audit_actions():
        raise ValueError(f"unregistered audit action {action!r}")
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_user_id=subject.id if subject is not None else None,
        details=details,
    )
    db.session.add(event)
    return event


def init_app(app: Flask) -> None:
    """Register the audit page, the core's actions and the trail as personal data."""
    from portal.audit import personal_data, views
    from portal.privacy import register_personal_data

    app.register_blueprint(views.bp)
    for action, label in CORE_ACTIONS.items():
        register_audit_action(app, action, label)
    register_personal_data(
        app,
        "audit",
        personal_data.export_events,
        personal_data.keep_events,
        personal_data.COVERS,
        title=_l("Audit trail"),
        description=_l("Changes made to your account, and changes you made to others."),
        order=1,
    )
