"""Forms of the quiz editor: a question, its texts per language and its answers."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from courses.forms import NumberField, TextsForm, TranslatedForm
from courses.models import QuestionKind
from portal.forms import PortalForm
from portal.i18n import LANGUAGE_NAMES

QUESTION_KIND_LABELS = {
    QuestionKind.SINGLE: _l("Single choice"),
    QuestionKind.MULTIPLE: _l("Multiple choice"),
    QuestionKind.TRUE_FALSE: _l("True or false"),
    QuestionKind.NUMERIC: _l("Number"),
}


class QuestionTextsForm(TextsForm):
    """A question's text and explanation in one language."""

    main_field = "text"
    text = TextAreaField(_l("Question"), validators=[Length(max=5_000)], render_kw={"rows": 3})
    explanation = TextAreaField(
        _l("Explanation"),
        validators=[Length(max=5_000)],
        description=_l("Shown to learners after they answer."),
        render_kw={"rows": 2},
    )


class ChoiceTextsForm(TextsForm):
    """A choice's text and feedback in one language."""

    main_field = "text"
    text = StringField(_l("Answer"), validators=[Length(max=1_000)])
    feedback = StringField(_l("Feedback"), validators=[Length(max=1_000)])


class ChoiceForm(PortalForm):
    """One answer of a choice question in the question editor."""

    class Meta:
        csrf = False  # part of the question form

    choice_id = HiddenField()
    correct = BooleanField(_l("Correct answer"))
    remove = BooleanField(_l("Remove this answer"))
    ky = FormField(ChoiceTextsForm, label=LANGUAGE_NAMES["ky"])
    ru = FormField(ChoiceTextsForm, label=LANGUAGE_NAMES["ru"])
    en = FormField(ChoiceTextsForm, label=LANGUAGE_NAMES["en"])

    def texts(self, languages) -> dict[str, dict | None]:
        """The choice's texts in `languages`."""
        return {code: self[code].form.texts() for code in languages}

    def is_blank(self, languages) -> bool:
        """Whether nothing was typed in this row."""
        return not any(self.texts(languages).values())


class QuestionForm(TranslatedForm):
    """A quiz question: kind, points, texts, and its answers."""

    kind = SelectField(
        _l("Kind of question"),
        choices=[SelectChoice(kind.value, label) for kind, label in QUESTION_KIND_LABELS.items()],
    )
    points = IntegerField(
        _l("Points"), validators=[InputRequired(), NumberRange(min=1, max=100)], default=1
    )
    choices = FieldList(FormField(ChoiceForm), min_entries=0, max_entries=30)
    true_answer = RadioField(
        _l("The statement is"),
        choices=[SelectChoice("true", _l("True")), SelectChoice("false", _l("False"))],
        validators=[Optional()],
    )
    numeric_answer = NumberField(_l("The right answer"))
    numeric_tolerance = NumberField(
        _l("Accepted difference"),
        description=_l("Answers this far from the right one also count (0: exactly)."),
    )
    ky = FormField(QuestionTextsForm, label=LANGUAGE_NAMES["ky"])
    ru = FormField(QuestionTextsForm, label=LANGUAGE_NAMES["ru"])
    en = FormField(QuestionTextsForm, label=LANGUAGE_NAMES["en"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice_errors: list = []

    def kept_choices(self, languages) -> list[ChoiceForm]:
        """The answer rows to save: typed in and not marked for removal."""
        rows = (entry.form for entry in self.choices)
        return [row for row in rows if not row.remove.data and not row.is_blank(languages)]

    def check_answers(self, languages) -> bool:
        """Whether the answers fit the kind of question; if not, say what is missing."""
        kind = self.kind.data
        if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            self.choice_errors = self.choice_problems(languages)
            return not self.choice_errors
        if kind == QuestionKind.TRUE_FALSE and not self.true_answer.data:
            self.true_answer.errors.append(_l("Choose whether the statement is true or false."))
            return False
        if kind == QuestionKind.NUMERIC:
            return self.check_number()
        return True

    def choice_problems(self, languages) -> list:
        """What is wrong with the answers of a single or multiple choice question."""
        kept = self.kept_choices(languages)
        correct = sum(bool(row.correct.data) for row in kept)
        problems = []
        if len(kept) < 2:
            problems.append(_l("Give at least two answers."))
        if self.kind.data == QuestionKind.SINGLE and correct != 1:
            problems.append(_l("Mark exactly one answer as correct."))
        if self.kind.data == QuestionKind.MULTIPLE and correct < 1:
            problems.append(_l("Mark at least one answer as correct."))
        return problems

    def check_number(self) -> bool:
        """A numeric question has an answer and a tolerance that is not negative."""
        valid = True
        if self.numeric_answer.data is None and not self.numeric_answer.errors:
            self.numeric_answer.errors.append(_l("Type the right answer."))
            valid = False
        if (self.numeric_tolerance.data or 0) < 0:
            self.numeric_tolerance.errors.append(_l("The difference cannot be negative."))
            valid = False
        return valid and not self.numeric_answer.errors and not self.numeric_tolerance.errors
