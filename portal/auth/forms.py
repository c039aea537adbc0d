"""Account forms."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from portal.extensions import db
from portal.forms import PortalForm
from portal.i18n import LANGUAGE_NAMES
from portal.models import District, Gender, Region

GENDER_CHOICES = [
    SelectChoice("", _l("Prefer not to say")),
    SelectChoice(Gender.FEMALE.value, _l("Woman")),
    SelectChoice(Gender.MALE.value, _l("Man")),
]
LANGUAGE_CHOICES = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]


class NewPasswordMixin:
    """A `password` field for a new password, with the configured minimum length as its hint."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        self.password.description = ngettext(
            "At least %(num)d character.", "At least %(num)d characters.", minimum
        )

    def validate_password(self, field) -> None:
        """Apply the configured minimum length."""
        Length(min=current_app.config["PASSWORD_MIN_LENGTH"], max=200)(self, field)


def _regions() -> list[Region]:
    return list(db.session.execute(db.select(Region).order_by(Region.position)).scalars())


def region_choices() -> list[SelectChoice]:
    """Regions for a select box, with an empty first choice."""
    return [SelectChoice("", _l("— not selected —"))] + [
        SelectChoice(str(region.id), region.name) for region in _regions()
    ]


def district_choices() -> list[SelectChoice]:
    """Districts grouped by region, so the list works without JavaScript."""
    return [SelectChoice("", _l("— not selected —"))] + [
        SelectChoice(str(district.id), district.name, optgroup=region.name)
        for region in _regions()
        for district in region.districts
    ]


class ProfileFieldsForm(PortalForm):
    """Who the person is and where they work; shared by registration and profile."""

    name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=120)])
    region = SelectField(_l("Region"), validators=[Optional()])
    district = SelectField(_l("District"), validators=[Optional()])
    municipality = StringField(
        _l("Ayil aimak or town"),
        validators=[Optional(), Length(max=160)],
        description=_l("The municipality you work for, e.g. Ak-Muz ayil aimak."),
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=160)])
    gender = SelectField(
        _l("Gender"),
        choices=GENDER_CHOICES,
        validators=[Optional()],
        description=_l("Optional. Used only in anonymous programme statistics."),
    )
    language = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = region_choices()
        self.district.choices = district_choices()

    def validate_district(self, field) -> None:
        """A district must lie in the chosen region."""
        if not field.data or field.errors:
            return
        district = db.session.get(District, int(field.data))
        if district is None:
            raise ValidationError(_l("Choose a district from the list."))
        if self.region.data and str(district.region_id) != self.region.data:
            raise ValidationError(_l("This district is not in the chosen region."))

    def profile_values(self) -> dict:
        """The profile fields as model attributes."""
        district = db.session.get(District, int(self.district.data)) if self.district.data else None
        region_id = int(self.region.data) if self.region.data else None
        if district is not None:
            region_id = district.region_id
        return {
            "name": self.name.data.strip(),
            "region_id": region_id,
            "district_id": district.id if district else None,
            "municipality": (self.municipality.data or "").strip(),
            "position": (self.position.data or "").strip(),
            "gender": self.gender.data or None,
            "language": self.language.data,
        }


class RegisterForm(NewPasswordMixin, ProfileFieldsForm):
    """Create a learner account."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired()])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LoginForm(PortalForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ProfileForm(ProfileFieldsForm):
    """Edit one's own profile."""


class ChangePasswordForm(NewPasswordMixin, PortalForm):
    """Change the password while logged in."""

    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])
    password = PasswordField(_l("New password"), validators=[InputRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ResetRequestForm(PortalForm):
    """Ask for a password-reset link."""

    email = EmailField(_l("E-mail"), validators=[InputRequired(), Email(), Length(max=254)])


class ResetPasswordForm(NewPasswordMixin, PortalForm):
    """Choose a new password from a reset link."""

    password = PasswordField(_l("New password"), validators=[InputRequired()])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
