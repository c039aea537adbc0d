"""Certificates: the learner's PDF, the public page that confirms one, and revocation."""

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from courses.certificate_pdf import CertificateFontMissing, render_certificate
from courses.models import Certificate
from courses.services.certificates import (
    certificate_for,
    find_certificate,
    reinstate,
    revoke,
)
from courses.views import bp, certificates
from courses.views.helpers import visible_course
from portal.auth.decorators import role_required
from portal.errors import render_error
from portal.forms import PortalForm
from portal.models import Role

FONT_MISSING = _l(
    "Certificates cannot be made at the moment: a font is missing on the server. "
    "Please try again later, or tell the portal's administrators."
)


class RevokeForm(PortalForm):
    """Why an administrator withdraws a certificate."""

    reason = TextAreaField(
        _l("Reason for revoking"),
        validators=[DataRequired(), Length(max=300)],
        description=_l("Shown to anyone who checks this certificate."),
    )


@bp.route("/<slug>/certificate.pdf")
@login_required
def certificate_pdf(slug: str):
    """The current user's certificate of a completed course, as a PDF to download."""
    course = visible_course(slug)
    certificate = certificate_for(current_user, course)
    if certificate is None:
        abort(404)
    if certificate.revoked_at is not None:
        # 410, not 404: it did exist and was withdrawn on purpose; the page says when and why.
        return render_template("certificates/revoked.html", certificate=certificate), 410
    try:
        pdf = render_certificate(certificate, request.url_root)
    except CertificateFontMissing as error:
        current_app.logger.error("Certificate PDF not made: %s", error)
        return render_error(503, FONT_MISSING)
    return pdf_download(pdf, f"certificate-{certificate.code}.pdf")


def pdf_download(pdf: bytes, filename: str) -> Response:
    """A PDF response that browsers save as `filename`."""
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@certificates.route("/<code>")
def verify(code: str):
    """Anyone can check a certificate: who completed what and when, or that it was revoked.

    Codes typed in lower case, with spaces or without dashes redirect to the canonical address.
    """
    certificate = certificate_or_404(code)
    if code != certificate.code:
        return redirect(url_for("certificates.verify", code=certificate.code), 301)
    form = RevokeForm() if is_admin() else None
    return verification_page(certificate, form)


@certificates.route("/<code>/revoke", methods=["POST"], endpoint="revoke")
@role_required(Role.ADMIN)
def revoke_certificate(code: str):
    """Withdraw a certificate, with a reason its public page shows (administrators only)."""
    certificate = certificate_or_404(code)
    if certificate.revoked_at is not None:
        abort(409)
    form = RevokeForm()
    if not form.validate_on_submit():
        return verification_page(certificate, form, 422)
    revoke(certificate, form.reason.data, current_user)
    current_app.logger.info("Certificate %s revoked by user %s", certificate.code, current_user.id)
    flash(_("The certificate has been revoked."), "success")
    return redirect(url_for("certificates.verify", code=certificate.code))


@certificates.route("/<code>/reinstate", methods=["POST"], endpoint="reinstate")
@role_required(Role.ADMIN)
def reinstate_certificate(code: str):
    """Make a revoked certificate valid again, e.g. after a mistake (administrators only)."""
    certificate = certificate_or_404(code)
    if not PortalForm().validate_on_submit():
        abort(400)
    if certificate.revoked_at is None:
        abort(409)
    reinstate(certificate, current_user)
    current_app.logger.info(
        "Certificate %s reinstated by user %s", certificate.code, current_user.id
    )
    flash(_("The certificate is valid again."), "success")
    return redirect(url_for("certificates.verify", code=certificate.code))


def certificate_or_404(code: str) -> Certificate:
    """The certificate with this code however it was typed, else 404."""
    certificate = find_certificate(code)
    if certificate is None:
        abort(404)
    return certificate


def is_admin() -> bool:
    """Whether the visitor is a logged-in administrator."""
    return current_user.is_authenticated and current_user.has_role(Role.ADMIN)


def verification_page(certificate: Certificate, form: RevokeForm | None = None, status=200):
    """The public page of a certificate; administrators also see the revoke or reinstate form."""
    hours = format_decimal(certificate.hours)
    page = render_template(
        "certificates/verify.html", certificate=certificate, form=form, hours=hours
    )
    return page, status
