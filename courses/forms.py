"""Forms of the course editor: settings, texts per language, lessons, quiz questions, learners."""

import re

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
    ValidationError,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from courses.models import AttemptPolicy, EnrolmentPolicy, LessonKind
from portal.forms import PortalForm
from portal.i18n import LANGUAGE_NAMES
from portal.reference_data import all_topics

LANGUAGES = ("ky", "ru", "en")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBER_PATTERN = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
MARKDOWN_HINT = _l("Markdown: ## for headings, - for lists, **bold**, [link](https://…).")
ENROLMENT_LABELS = {
    EnrolmentPolicy.OPEN: _l("Open: anyone with an account can enrol"),
    EnrolmentPolicy.INVITATION: _l("By invitation: only learners you enrol"),
}
LESSON_KIND_LABELS = {
    LessonKind.TEXT: _l("Reading"),
    LessonKind.VIDEO: _l("Video"),
    LessonKind.QUIZ: _l("Quiz"),
}
#: Settings only quizzes have.
QUIZ_FIELDS = (
    "pass_mark",
    "max_attempts",
    "attempt_policy",
    "shuffle_questions",
    "shuffle_choices",
)
POLICY_LABELS = {
    AttemptPolicy.BEST: _l("The best attempt counts"),
    AttemptPolicy.LAST: _l("The last attempt counts"),
}


class NumberField(StringField):
    """A number typed with a decimal point or a decimal comma (12,5); its data is a float."""

    def process_formdata(self, valuelist):
        """Read the typed text; keep it for redisplay even when it is not a number."""
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace(",", ".").replace(" ", "")
        if not text:
            return
        if not NUMBER_PATTERN.fullmatch(text) or len(text) > 30:
            raise ValueError(_l("Type a number, for example 12 or 3,5."))
        self.data = float(text)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_number(self.data)


def format_number(value: float) -> str:
    """A number as a person writes it: 108 rather than 108.0."""
    return str(int(value)) if float(value).is_integer() else str(value)


class TextsForm(PortalForm):
    """The texts of one language; an empty main field means the language is left out."""

    class Meta:
        csrf = False  # part of the enclosing form, which carries the token

    main_field = "title"

    def texts(self) -> dict | None:
        """The texts as column values, or None when the language was left empty."""
        if not (self[self.main_field].data or "").strip():
            return None
        return {name: (field.data or "").strip() for name, field in self._fields.items()}

    def validate(self, extra_validators=None) -> bool:
        """Refuse texts written without the main field they hang on."""
        valid = super().validate(extra_validators)
        main = self[self.main_field]
        others = [field.data for name, field in self._fields.items() if name != self.main_field]
        if not (main.data or "").strip() and any((text or "").strip() for text in others):
            main.errors.append(_l("Fill this in too, or clear this language."))
            return False
        return valid


class CourseTextsForm(TextsForm):
    """A course's title, summary and description in one language."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    summary = TextAreaField(
        _l("Summary"),
        validators=[Length(max=300)],
        description=_l("Up to 300 characters: shown in the catalogue."),
        render_kw={"rows": 3, "maxlength": 300},
    )
    description = TextAreaField(
        _l("Description"),
        validators=[Length(max=50_000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 10},
    )


class SectionTextsForm(TextsForm):
    """A section's title in one language."""

    title = StringField(_l("Title"), validators=[Length(max=200)])


class LessonTextsForm(TextsForm):
    """A lesson's title and body in one language."""

    title = StringField(_l("Title"), validators=[Length(max=200)])
    body = TextAreaField(
        _l("Text"),
        validators=[Length(max=100_000)],
        description=MARKDOWN_HINT,
        render_kw={"rows": 14},
    )


class TranslatedForm(PortalForm):
    """A form with a sub-form of texts per language."""

    def texts(self, languages=LANGUAGES) -> dict[str, dict | None]:
        """The texts of `languages`; None for each language left empty."""
        return {code: self[code].form.texts() for code in languages}

    def require_a_language(self, languages=LANGUAGES) -> bool:
        """Whether at least one of `languages` is written; if not, say so."""
        if any(self.texts(languages).values()):
            return True
        self.form_errors.append(_l("Write the texts in at least one language."))
        return False


class CourseForm(TranslatedForm):
    """A course's settings and its texts in each language."""

    slug = StringField(
        _l("Web address"),
        validators=[
            InputRequired(),
            Length(max=80),
            Regexp(
                SLUG_PATTERN.pattern,
                message=_l("Use lower-case latin letters, digits and hyphens only."),
            ),
        ],
        description=_l("Latin letters, digits and hyphens, e.g. budget-basics."),
    )
    enrolment = SelectField(
        _l("Who may enrol"),
        choices=[SelectChoice(policy.value, label) for policy, label in ENROLMENT_LABELS.items()],
        default=EnrolmentPolicy.OPEN.value,
    )
    topics = SelectMultipleField(
        _l("Topics"),
        validators=[Optional()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    organisation = StringField(
        _l("Organisation"),
        validators=[Length(max=200)],
        description=_l("Named on the certificates, e.g. the training centre."),
    )
    hours = NumberField(
        _l("Hours on the certificate"),
        description=_l("Leave empty to state the estimated time of the lessons."),
    )
    certificate = BooleanField(_l("Learners receive a certificate"), default=True)
    ky = FormField(CourseTextsForm, label=LANGUAGE_NAMES["ky"])
    ru = FormField(CourseTextsForm, label=LANGUAGE_NAMES["ru"])
    en = FormField(CourseTextsForm, label=LANGUAGE_NAMES["en"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics.choices = [SelectChoice(topic.code, topic.name) for topic in all_topics()]

    def validate_hours(self, field):
        """Hours, when given, are between half an hour and a thousand."""
        if field.data is not None and not 0.5 <= field.data <= 1000:
            raise ValidationError(_l("Between 0.5 and 1000 hours."))

    def settings(self) -> dict:
        """The course's language-independent columns."""
        return {
            "slug": self.slug.data.strip(),
            "enrolment": self.enrolment.data,
            "organisation": (self.organisation.data or "").strip(),
            "hours": self.hours.data,
            "certificate": self.certificate.data,
        }


class SectionForm(TranslatedForm):
    """A section's title in each language."""

    ky = FormField(SectionTextsForm, label=LANGUAGE_NAMES["ky"])
    ru = FormField(SectionTextsForm, label=LANGUAGE_NAMES["ru"])
    en = FormField(SectionTextsForm, label=LANGUAGE_NAMES["en"])


class LessonForm(TranslatedForm):
    """A lesson's texts and settings; the template shows the settings of its kind."""

    minutes = IntegerField(
        _l("Minutes to take it"),
        validators=[InputRequired(), NumberRange(min=0, max=600)],
        default=10,
    )
    required = BooleanField(_l("Required to complete the course"), default=True)
    video_url = StringField(
        _l("Link to the video"),
        validators=[Length(max=500)],
        description=_l("An address starting with https://; an uploaded video is shown instead."),
    )
    practices = StringField(
        _l("Cited practices"),
        validators=[Length(max=2000)],
        description=_l(
            "Web addresses (slugs) of library practices, separated by commas or spaces."
        ),
    )
    pass_mark = IntegerField(
        _l("Pass mark (%)"), validators=[InputRequired(), NumberRange(min=0, max=100)], default=70
    )
    max_attempts = IntegerField(
        _l("Attempts allowed"),
        validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l("Leave empty for unlimited attempts."),
    )
    attempt_policy = SelectField(
        _l("Which attempt counts"),
        choices=[SelectChoice(policy.value, label) for policy, label in POLICY_LABELS.items()],
        default=AttemptPolicy.BEST.value,
    )
    shuffle_questions = BooleanField(_l("Shuffle the questions for each attempt"))
    shuffle_choices = BooleanField(_l("Shuffle the answers of each question"))
    ky = FormField(LessonTextsForm, label=LANGUAGE_NAMES["ky"])
    ru = FormField(LessonTextsForm, label=LANGUAGE_NAMES["ru"])
    en = FormField(LessonTextsForm, label=LANGUAGE_NAMES["en"])

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        unused = [] if kind == LessonKind.QUIZ else list(QUIZ_FIELDS)
        if kind != LessonKind.VIDEO:
            unused.append("video_url")
        for name in unused:
            delattr(self, name)  # not shown for this kind, so neither required nor saved

    def settings(self) -> dict:
        """The lesson's language-independent columns that this kind of lesson has."""
        values = {
            "minutes": self.minutes.data,
            "required": self.required.data,
            "practice_slugs": self.practice_slugs(),
        }
        if "video_url" in self:
            values["video_url"] = (self.video_url.data or "").strip()
        values |= {name: self[name].data for name in QUIZ_FIELDS if name in self}
        return values

    def validate_video_url(self, field):
        """A video link is a web address a browser can open."""
        url = (field.data or "").strip()
        if url and not re.fullmatch(r"https?://[^\s/?#]+\.[^\s/?#]+(?:[/?#]\S*)?", url):
            raise ValidationError(_l("Give a web address starting with https://."))

    def validate_practices(self, field):
        """Every cited practice is written as a web address."""
        wrong = [slug for slug in self.practice_slugs() if not SLUG_PATTERN.fullmatch(slug)]
        if wrong:
            raise ValidationError(
                _l("Not a web address of a practice: %(slugs)s", slugs=", ".join(wrong))
            )

    def practice_slugs(self) -> list[str]:
        """The cited slugs in the order typed, without repeats."""
        slugs = re.split(r"[\s,;]+", self.practices.data or "")
        return list(dict.fromkeys(slug for slug in slugs if slug))


class VideoForm(PortalForm):
    """Upload a lesson's video."""

    video = FileField(
        _l("Video file"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        description=_l("MP4 or WebM."),
    )


class LessonFileForm(PortalForm):
    """Upload a file to download with a lesson."""

    title = StringField(_l("Title of the file"), validators=[Length(max=200)])
    file = FileField(
        _l("File"),
        validators=[FileRequired(message=_l("Choose a file to upload."))],
        description=_l("PDF, Word (DOCX), Excel (XLSX), JPG or PNG; up to 20 MB."),
    )


class EnrolForm(PortalForm):
    """Enrol learners by the e-mail addresses of their accounts."""

    emails = TextAreaField(
        _l("E-mail addresses"),
        validators=[InputRequired(), Length(max=50_000)],
        description=_l("One address per line. Each person needs an account on the portal."),
        render_kw={"rows": 8},
    )
