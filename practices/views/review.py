"""Reviewers publish, return with a comment, archive and unarchive practices."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth.decorators import role_required
from portal.extensions import db
from portal.models import Role
from practices import services
from practices.forms import ReviewForm
from practices.models import Practice, Status
from practices.views import bp

MESSAGES = {
    "publish": _l("The practice is published."),
    "return": _l("The practice has been returned to its author."),
    "archive": _l("The practice is archived."),
    "unarchive": _l("The practice is published again."),
}


@bp.route("/review")
@role_required(Role.TRAINER)
def review_queue():
    """Practices waiting for review, oldest first; only reviewers may use it."""
    if not current_user.may_review:
        abort(403)
    waiting = db.session.execute(
        db.select(Practice).filter_by(status=Status.REVIEW).order_by(Practice.updated_at)
    ).scalars()
    return render_template("practices/review.html", practices=list(waiting), form=ReviewForm())


@bp.route("/<slug>/review", methods=["POST"])
@role_required(Role.TRAINER)
def decide(slug: str):
    """Apply a reviewer's decision with its comment."""
    practice = services.practice_by_slug(slug)
    if practice is None:
        abort(404)
    form = ReviewForm()
    action = request.form.get("action", "")
    if action not in MESSAGES or not form.validate_on_submit():
        abort(400)
    if not current_user.may_review:
        abort(403)
    try:
        services.transition(practice, current_user, action, comment=form.comment.data or "")
    except services.TransitionRefused:
        abort(409)
    flash(str(MESSAGES[action]), "success")
    return redirect(url_for("practices.review_queue"))
