"""The base form: WTForms' own messages are translated through the portal's catalog."""

from flask_babel import get_translations, gettext, ngettext
from flask_wtf import FlaskForm


class PortalForm(FlaskForm):
    """A CSRF-protected form whose built-in validation messages speak the user's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            # WTForms ships no Kyrgyz catalog; ours carries its messages (listed below).
            return get_translations()


def _wtforms_messages_for_extraction() -> None:  # pragma: no cover - never called
    # pybabel finds these calls and puts WTForms' built-in messages into our catalogs.
    gettext("This field is required.")
    gettext("Invalid email address.")
    gettext("Not a valid choice.")
    gettext("Invalid Choice: could not coerce.")
    gettext("Not a valid integer value.")
    gettext("Not a valid date value.")
    gettext("Invalid input.")
    gettext("Invalid URL.")
    gettext("Field must be equal to %(other_name)s.")
    gettext("Field must be between %(min)d and %(max)d characters long.")
    gettext("Number must be between %(min)s and %(max)s.")
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    )
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    )
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    )
