"""The audit trail as personal data: exported to the person, kept when the account goes."""

from typing import Any

from sqlalchemy import or_, select

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.models import User

COVERS = (("audit_event", "actor_id"), ("audit_event", "subject_user_id"))


def export_events(user: User) -> dict[str, Any]:
    """Events about the account and events the person caused, oldest first."""
    query = (
        select(AuditEvent)
        .where(or_(AuditEvent.actor_id == user.id, AuditEvent.subject_user_id == user.id))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return {"events": [event_record(event, user) for event in db.session.scalars(query)]}


def event_record(event: AuditEvent, user: User) -> dict[str, Any]:
    """One event as the person sees it: whether they did it or it was done to them."""
    return {
        "action": event.action,
        "created_at": event.created_at,
        "by_you": event.actor_id == user.id,
        "about_you": event.subject_user_id == user.id,
        "details": event.details,
    }


def keep_events(user: User, keep_name_on_certificates: bool) -> None:
    """Keep the trail: it names nobody, and administrators must still see who did what."""
