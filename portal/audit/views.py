"""The audit trail page for administrators: newest first, filtered by action and by actor."""

from flask import Blueprint, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.audit import audit_actions
from portal.audit.models import AuditEvent
from portal.auth.decorators import role_required
from portal.extensions import db
from portal.models import Role, User
from portal.paging import requested_page

bp = Blueprint("audit", __name__, url_prefix="/admin")

EVENTS_PER_PAGE = 50


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_trail():
    """List audit events, newest first; ?action= and ?actor= (an account id) narrow the list."""
    actions = audit_actions()
    action = request.args.get("action", "")
    action = action if action in actions else ""
    actor = actor_filter()
    page = db.paginate(
        events_query(action, actor),
        page=requested_page(),
        per_page=EVENTS_PER_PAGE,
        max_per_page=EVENTS_PER_PAGE,
    )
    return render_template(
        "admin/audit.html", page=page, action=action, actor=actor, actions=actions
    )


def actor_filter() -> User | None:
    """The account named by ?actor=, if any; 404 for an account that does not exist."""
    actor_id = request.args.get("actor", type=int)
    return db.get_or_404(User, actor_id) if actor_id else None


def events_query(action: str, actor: User | None):
    """Events with their actor and subject loaded, narrowed as asked, newest first."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor), joinedload(AuditEvent.subject))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if action:
        query = query.where(AuditEvent.action == action)
    if actor is not None:
        query = query.where(AuditEvent.actor_id == actor.id)
    return query
