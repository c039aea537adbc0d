"""Account pages: register, log in and out, profile, password change and reset."""

from types import SimpleNamespace

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user, login_required, login_user, logout_user

from portal.auth import forms, services
from portal.extensions import db, limiter
from portal.i18n import SESSION_KEY
from portal.logs import security_log
from portal.mail import send_mail
from portal.urls import safe_next_url

bp = Blueprint("auth", __name__, url_prefix="/account")

INVALID = 422


def _rate(name: str):
    return lambda: current_app.config[name]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_rate("REGISTER_RATE_LIMIT"), methods=["POST"])
def register():
    """Create a learner account and log the new user in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.RegisterForm(language=session.get(SESSION_KEY) or None)
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), _status(form)
    if services.find_user_by_email(form.email.data):
        form.email.errors.append(_("An account with this e-mail already exists."))
        return render_template("auth/register.html", form=form), INVALID
    user = services.create_user(form.email.data, form.password.data, **form.profile_values())
    login_user(user)
    refresh()  # the new account's language applies from this message on
    flash(_("Welcome! Your account has been created."), "success")
    return redirect(url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_rate("LOGIN_RATE_LIMIT"), methods=["POST"])
def login():
    """Log in with e-mail and password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = forms.LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), _status(form)
    result = services.authenticate(form.email.data, form.password.data)
    if not result.ok:
        form.password.errors.append(_login_failure_message(result.locked_minutes))
        return render_template("auth/login.html", form=form), INVALID
    session.clear()  # a fresh session on login prevents session fixation
    login_user(result.user, remember=form.remember.data)
    refresh()  # the account's language applies from this message on
    flash(_("You are logged in."), "success")
    return redirect(safe_next_url(request.args.get("next")) or url_for("main.home"))


def _login_failure_message(locked_minutes: int) -> str:
    if locked_minutes:
        return _(
            "Too many failed attempts. The account is locked for %(minutes)d minutes.",
            minutes=locked_minutes,
        )
    return _("The e-mail or password is wrong.")


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and invalidate every session of this account."""
    language = current_user.language
    security_log.info("Logout: user %d", current_user.id)
    services.end_all_sessions(current_user)
    logout_user()
    session.clear()
    session[SESSION_KEY] = language  # the visitor keeps reading in the same language
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.home"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Show and edit one's own profile."""
    form = forms.ProfileForm(obj=_profile_data(current_user))
    if not form.validate_on_submit():
        return render_template("auth/profile.html", form=form), _status(form)
    for name, value in form.profile_values().items():
        setattr(current_user, name, value)
    db.session.commit()
    session[SESSION_KEY] = current_user.language
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for("auth.profile"))


def _profile_data(user) -> SimpleNamespace:
    return SimpleNamespace(
        name=user.name,
        region=str(user.region_id or ""),
        district=str(user.district_id or ""),
        municipality=user.municipality,
        position=user.position,
        gender=user.gender or "",
        language=user.language,
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; every other session of the account ends."""
    form = forms.ChangePasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/password.html", form=form), _status(form)
    if not services.password_matches(current_user, form.current_password.data):
        form.current_password.errors.append(_("The current password is wrong."))
        return render_template("auth/password.html", form=form), INVALID
    services.change_password(current_user, form.password.data)
    login_user(current_user._get_current_object())  # this session goes on with the new token
    flash(_("Your password has been changed. Other devices have been logged out."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_rate("PASSWORD_RESET_RATE_LIMIT"), methods=["POST"])
def request_reset():
    """Send a one-time password-reset link, without revealing whether the account exists."""
    form = forms.ResetRequestForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_request.html", form=form), _status(form)
    user = services.find_user_by_email(form.email.data)
    if user is not None and user.is_active:
        _send_reset_link(user)
    flash(_("If an account uses this address, a reset link is on its way."), "info")
    return redirect(url_for("auth.login"))


def _send_reset_link(user) -> None:
    link = url_for("auth.reset_password", token=services.make_reset_token(user), _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    body = render_template("auth/reset_email.txt", user=user, link=link, minutes=minutes)
    send_mail(user.email, _("Resetting your password"), body)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Set a new password from a valid reset link; the link then stops working."""
    user = services.user_for_reset_token(token)
    if user is None:
        flash(_("This reset link is invalid, used or expired. Ask for a new one."), "error")
        return redirect(url_for("auth.request_reset"))
    form = forms.ResetPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_password.html", form=form), _status(form)
    services.change_password(user, form.password.data)
    flash(_("Your password has been changed. You can log in now."), "success")
    return redirect(url_for("auth.login"))


def _status(form) -> int:
    """200 for a fresh form, 422 when a submitted form has errors."""
    return INVALID if form.is_submitted() else 200
