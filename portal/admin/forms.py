"""Forms for managing accounts."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField

from portal.forms import PortalForm
from portal.models import Role

ROLE_LABELS = {
    Role.LEARNER: _l("Learner"),
    Role.TRAINER: _l("Trainer"),
    Role.ADMIN: _l("Administrator"),
}


class UserAdminForm(PortalForm):
    """Change an account's role and whether it may log in."""

    role = SelectField(
        _l("Role"), choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]
    )
    active = BooleanField(_l("Account active (can log in)"))
    reviewer = BooleanField(_l("May review and publish other trainers' content"))
    unlock = BooleanField(_l("Unlock after failed logins"))
