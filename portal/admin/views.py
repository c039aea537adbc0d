"""Admin pages: the list of accounts and the form that changes roles."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_

from portal.admin.forms import ROLE_LABELS, UserAdminForm
from portal.audit import (
    ACTIVATED,
    DEACTIVATED,
    REVIEWER_CHANGED,
    ROLE_CHANGED,
    record_audit_event,
)
from portal.auth.decorators import role_required
from portal.auth.services import end_all_sessions
from portal.extensions import db
from portal.models import Role, User
from portal.paging import requested_page

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 50


@bp.route("/users")
@role_required(Role.ADMIN)
def users():
    """List accounts, filtered by role and a search over name, e-mail and municipality."""
    query = request.args.get("q", "")[:100].strip()
    role = request.args.get("role", "")
    page = db.paginate(
        _users_query(query, role),
        page=requested_page(),
        per_page=USERS_PER_PAGE,
        max_per_page=USERS_PER_PAGE,
    )
    return render_template(
        "admin/users.html", page=page, query=query, role=role, role_labels=ROLE_LABELS
    )


def _users_query(query: str, role: str):
    select = db.select(User).order_by(User.created_at.desc(), User.id.desc())
    if role in {r.value for r in Role}:
        select = select.where(User.role == role)
    if query:
        pattern = f"%{query.lower()}%"
        select = select.where(
            or_(
                func.lower(User.name).like(pattern),
                func.lower(User.email).like(pattern),
                func.lower(User.municipality).like(pattern),
            )
        )
    return select


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_user(user_id: int):
    """Change one account's role, activation and lock."""
    user = db.get_or_404(User, user_id)
    if user.is_deleted:
        # A deleted account stays deleted: reactivating it would revive a login with no owner.
        status = 409 if request.method == "POST" else 200
        return render_template("admin/user_edit.html", user=user, form=None), status
    form = UserAdminForm(
        data={"role": user.role, "active": user.is_active_account, "reviewer": user.is_reviewer}
    )
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("admin/user_edit.html", user=user, form=form), status
    if user.id == current_user.id and (form.role.data != Role.ADMIN or not form.active.data):
        flash(_("You cannot remove your own administrator rights or deactivate yourself."), "error")
        return render_template("admin/user_edit.html", user=user, form=form), 422
    _apply_admin_changes(user, form)
    flash(_("The account of %(name)s has been saved.", name=user.display_name), "success")
    return redirect(url_for("admin.users"))


def _apply_admin_changes(user: User, form: UserAdminForm) -> None:
    _record_admin_changes(user, form)
    user.role = Role(form.role.data)
    user.is_reviewer = form.reviewer.data
    if form.unlock.data:
        user.locked_until = None
        user.failed_login_count = 0
    if user.is_active_account and not form.active.data:
        user.is_active_account = False
        end_all_sessions(user)
    user.is_active_account = form.active.data
    db.session.commit()


def _record_admin_changes(user: User, form: UserAdminForm) -> None:
    """Audit what the form changes, before the first commit, so change and record go together."""
    admin = current_user._get_current_object()
    if user.role != form.role.data:
        record_audit_event(ROLE_CHANGED, admin, user, old=user.role, new=form.role.data)
    if user.is_active_account != form.active.data:
        action = ACTIVATED if form.active.data else DEACTIVATED
        record_audit_event(action, admin, user)
    if user.is_reviewer != form.reviewer.data:
        record_audit_event(
            REVIEWER_CHANGED, admin, user, old=user.is_reviewer, new=form.reviewer.data
        )
