"""Download my data, delete my account, and an administrator's deletion of an account."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from portal.auth.decorators import role_required
from portal.auth.services import password_matches
from portal.extensions import db, limiter
from portal.i18n import SESSION_KEY
from portal.models import Role, User
from portal.privacy import forms, personal_data_sources, services

bp = Blueprint("privacy", __name__)

INVALID = 422
CONFLICT = 409


@bp.route("/account/data", methods=["GET", "POST"])
@login_required
def download_data():
    """Explain what the file holds; the form's POST returns it as a JSON download."""
    form = forms.DownloadDataForm()
    if not form.validate_on_submit():
        return render_template(
            "privacy/data.html", form=form, sources=personal_data_sources()
        ), _status(form)
    text = services.download_personal_data(current_user)
    return json_attachment(text, services.export_filename())


def json_attachment(text: str, filename: str) -> Response:
    """A UTF-8 JSON file the browser saves, never stored by a cache on the way."""
    response = Response(text.encode("utf-8"), content_type="application/json; charset=utf-8")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@login_required
def delete_account():
    """Explain what deletion does; the form, with the current password, deletes the account."""
    form = forms.DeleteAccountForm()
    last_admin = services.is_last_active_administrator(current_user)
    if last_admin or not form.validate_on_submit():
        status = CONFLICT if last_admin and form.is_submitted() else _status(form)
        return render_delete_page(form, last_admin), status
    if not password_matches(current_user, form.password.data):
        form.password.errors.append(_("The password is wrong. Nothing has been deleted."))
        return render_delete_page(form, last_admin), INVALID
    user = current_user._get_current_object()
    try:
        services.delete_account(user, user, form.keep_name.data)
    except services.LastAdministrator:  # another administrator left in the meantime
        return render_delete_page(form, last_admin=True), CONFLICT
    log_out_deleted(user)
    flash(_("Your account has been deleted. Thank you for learning with us."), "info")
    return redirect(url_for("main.home"))


def render_delete_page(form, last_admin: bool) -> str:
    """The confirmation page, or the explanation why the last administrator cannot leave."""
    return render_template("privacy/delete.html", form=form, last_admin=last_admin)


def log_out_deleted(user: User) -> None:
    """End this session too; the visitor keeps reading in the same language."""
    language = user.language
    logout_user()
    session.clear()
    session[SESSION_KEY] = language


@bp.route("/admin/users/<int:user_id>/delete", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin_delete_account(user_id: int):
    """An administrator deletes someone's account (their own goes through /account/delete)."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        return redirect(url_for("privacy.delete_account"))
    if user.is_deleted:
        flash(_("This account has already been deleted."), "info")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    form = forms.AdminDeleteAccountForm()
    last_admin = services.is_last_active_administrator(user)
    if last_admin or not form.validate_on_submit():
        status = CONFLICT if last_admin and form.is_submitted() else _status(form)
        page = render_template(
            "privacy/admin_delete.html", user=user, form=form, last_admin=last_admin
        )
        return page, status
    try:
        services.delete_account(user, current_user, form.keep_name.data)
    except services.LastAdministrator:
        page = render_template("privacy/admin_delete.html", user=user, form=form, last_admin=True)
        return page, CONFLICT
    flash(_("The account has been deleted."), "success")
    return redirect(url_for("admin.users"))


def _status(form) -> int:
    """200 for a fresh form, 422 when a submitted form has errors."""
    return INVALID if form.is_submitted() else 200
