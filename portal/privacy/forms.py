"""Forms for downloading one's data and deleting an account."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.forms import PortalForm

KEEP_NAME_LABEL = _l("Keep my name on the certificates I earned")
KEEP_NAME_HINT = _l(
    "Without it, anyone checking a certificate still sees the course, the date, the hours "
    "and the code, but not who earned it."
)


class DownloadDataForm(PortalForm):
    """Ask for the file (a POST, so that a link cannot trigger it)."""


class DeleteAccountForm(PortalForm):
    """Confirm one's own deletion with the current password."""

    password = PasswordField(_l("Current password"), validators=[InputRequired(), Length(max=200)])
    keep_name = BooleanField(KEEP_NAME_LABEL, description=KEEP_NAME_HINT)


class AdminDeleteAccountForm(PortalForm):
    """An administrator confirms deleting someone else's account."""

    confirm = BooleanField(
        _l("I understand that the account is deleted for good"), validators=[DataRequired()]
    )
    keep_name = BooleanField(
        _l("Keep the person's name on the certificates they earned"), description=KEEP_NAME_HINT
    )
