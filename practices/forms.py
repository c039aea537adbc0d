"""Forms for writing, reviewing and reusing practices."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, Regexp

from portal.forms import PortalForm
from portal.reference_data import all_regions, all_topics
from practices.models import BudgetSource
from practices.records import SLUG_PATTERN

BUDGET_SOURCE_LABELS = {
    BudgetSource.LOCAL: _l("Local budget"),
    BudgetSource.DONOR: _l("Donor"),
    BudgetSource.PRIVATE: _l("Private"),
    BudgetSource.MIXED: _l("Mixed"),
}
YEAR_RANGE = NumberRange(min=1991, max=2100)
SLUG_MESSAGE = _l("Use lower-case latin letters, digits and hyphens only.")


def slug_field() -> StringField:
    """The web-address field of practices and collections."""
    return StringField(
        _l("Web address"),
        validators=[
            InputRequired(),
            Length(max=80),
            Regexp(SLUG_PATTERN.pattern, message=SLUG_MESSAGE),
        ],
        description=_l("Latin letters, digits and hyphens, e.g. karakol-waste-collection."),
    )


class TranslationForm(PortalForm):
    """The texts of a practice in one language; leave the title empty to skip the language."""

    class Meta:
        csrf = False  # part of the enclosing form, which carries the token

    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[Optional(), Length(max=300)],
        description=_l("Up to 300 characters: shown in lists and search results."),
    )
    problem = TextAreaField(_l("The problem"), validators=[Optional(), Length(max=20_000)])
    actions = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=20_000)])
    results = TextAreaField(
        _l("Results"),
        validators=[Optional(), Length(max=20_000)],
        description=_l("With numbers where known."),
    )
    lessons = TextAreaField(
        _l("Lessons learned and how to replicate"), validators=[Optional(), Length(max=20_000)]
    )
    body = TextAreaField(
        _l("Full text"),
        validators=[Optional(), Length(max=100_000)],
        description=_l("Markdown: ## for headings, - for lists, **bold**, [link](https://…)."),
    )

    def texts(self) -> dict | None:
        """The texts as a record fragment, or None when the language was left empty."""
        if not (self.title.data or "").strip():
            return None
        return {name: (self[name].data or "").strip() for name in self._fields}


class PracticeForm(PortalForm):
    """Everything a trainer writes about a practice."""

    slug = slug_field()
    region = SelectField(_l("Region"), validators=[InputRequired()])
    district = SelectField(_l("District"), validators=[Optional()])
    municipality = StringField(_l("Municipality"), validators=[Optional(), Length(max=160)])
    topics = SelectMultipleField(_l("Topics"), validators=[InputRequired()])
    year = IntegerField(_l("Year started"), validators=[InputRequired(), YEAR_RANGE])
    year_end = IntegerField(_l("Year finished"), validators=[Optional(), YEAR_RANGE])
    contact_organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    contact_person = StringField(_l("Contact person"), validators=[Optional(), Length(max=200)])
    contact_phone = StringField(_l("Phone"), validators=[Optional(), Length(max=60)])
    contact_email = StringField(_l("E-mail"), validators=[Optional(), Email(), Length(max=254)])
    budget_amount = IntegerField(
        _l("Budget in som"), validators=[Optional(), NumberRange(min=0, max=10**12)]
    )
    budget_source = SelectField(_l("Source of money"), validators=[Optional()])
    partners = TextAreaField(_l("Partners"), validators=[Optional(), Length(max=2000)])
    related = StringField(
        _l("Related practices"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Web addresses of related practices, separated by commas."),
    )
    ky = FormField(TranslationForm, label="Кыргызча")
    ru = FormField(TranslationForm, label="Русский")
    en = FormField(TranslationForm, label="English")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = all_regions()
        self.region.choices = [SelectChoice(r.code, r.name) for r in regions]
        self.district.choices = [SelectChoice("", _l("— not selected —"))] + [
            SelectChoice(d.code, d.name, optgroup=r.name) for r in regions for d in r.districts
        ]
        self.topics.choices = [SelectChoice(t.code, t.name) for t in all_topics()]
        self.budget_source.choices = [SelectChoice("", _l("— not stated —"))] + [
            SelectChoice(source.value, label) for source, label in BUDGET_SOURCE_LABELS.items()
        ]

    def translations(self) -> dict:
        """The filled-in languages and their texts."""
        found = {code: self[code].form.texts() for code in ("ky", "ru", "en")}
        return {code: texts for code, texts in found.items() if texts}


class ReviewForm(PortalForm):
    """A reviewer's decision and the comment that goes with it."""

    comment = TextAreaField(_l("Comment for the author"), validators=[Optional(), Length(max=5000)])


class ReplicationForm(PortalForm):
    """'Our municipality applied this', with a short note."""

    note = TextAreaField(
        _l("What did you do, and how did it go?"), validators=[Optional(), Length(max=500)]
    )


class AttachmentForm(PortalForm):
    """Upload a file to a practice."""

    title = StringField(_l("Title of the file"), validators=[Optional(), Length(max=200)])
    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        description=_l("PDF, Word (DOCX), Excel (XLSX), JPG or PNG; up to 20 MB."),
    )
    as_cover = BooleanField(_l("Use this picture as the cover image"))


class CollectionForm(PortalForm):
    """A named, ordered set of practices."""

    slug = slug_field()
    title_ky = StringField(_l("Title in Kyrgyz"), validators=[Optional(), Length(max=200)])
    title_ru = StringField(_l("Title in Russian"), validators=[Optional(), Length(max=200)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=200)])
    introduction_ky = TextAreaField(_l("Introduction in Kyrgyz"), validators=[Optional()])
    introduction_ru = TextAreaField(_l("Introduction in Russian"), validators=[Optional()])
    introduction_en = TextAreaField(_l("Introduction in English"), validators=[Optional()])
    practices = TextAreaField(
        _l("Practices, in order"),
        validators=[InputRequired()],
        description=_l("One web address (slug) of a published practice per line."),
    )
