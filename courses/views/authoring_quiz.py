"""The quiz editor: questions of four kinds with their answers, in the course's languages."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from courses.models import Question, QuestionKind
from courses.quiz_forms import QUESTION_KIND_LABELS, QuestionForm
from courses.services import authoring, authoring_quiz
from courses.services.authoring_quiz import ChoiceDraft, QuestionDraft
from courses.views import bp
from courses.views.authoring_common import editable_lesson, posted_direction
from courses.views.helpers import child_of
from portal.auth.decorators import role_required
from portal.models import Role

CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
#: Empty answer rows a new choice question starts with.
STARTING_ROWS = 4


def quiz_of(slug: str, lesson_id: int):
    """The course and its quiz `lesson_id`, if the current user may edit them."""
    course, lesson = editable_lesson(slug, lesson_id)
    if not lesson.is_quiz:
        abort(404)
    return course, lesson


def to_questions(course, lesson, question=None):
    """Back to the quiz's list of questions in the lesson editor."""
    anchor = f"question-{question.id}" if question else "questions"
    return redirect(
        url_for("courses.edit_lesson", slug=course.slug, lesson_id=lesson.id, _anchor=anchor), 303
    )


@bp.route("/<slug>/lessons/<int:lesson_id>/questions/new", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def create_question(slug: str, lesson_id: int):
    """Write a new question of the kind asked for (?kind=) at the end of the quiz."""
    course, lesson = quiz_of(slug, lesson_id)
    languages = authoring.editing_languages(course, lesson)
    if request.method == "POST":
        return save_or_show(course, lesson, None, QuestionForm(), languages)
    kind = request.args.get("kind", QuestionKind.SINGLE.value)
    if kind not in QUESTION_KIND_LABELS:
        abort(400)
    form = QuestionForm(formdata=None, data={"kind": kind, "points": 1})
    add_answer_rows(form, extra=1)
    return render_question_editor(course, lesson, None, form, languages)


@bp.route(
    "/<slug>/lessons/<int:lesson_id>/questions/<int:question_id>/edit", methods=["GET", "POST"]
)
@role_required(Role.TRAINER)
def edit_question(slug: str, lesson_id: int, question_id: int):
    """Edit a question, its answers and their feedback."""
    course, lesson = quiz_of(slug, lesson_id)
    question = child_of(Question, question_id, "lesson_id", lesson.id)
    languages = authoring.editing_languages(course, lesson, question, *question.choices)
    if request.method == "POST":
        return save_or_show(course, lesson, question, QuestionForm(), languages)
    form = QuestionForm(formdata=None, data=question_form_data(question))
    add_answer_rows(form, extra=1)
    return render_question_editor(course, lesson, question, form, languages)


def save_or_show(course, lesson, question, form: QuestionForm, languages):
    """Save the question, or show the form again: with more rows, another kind, or errors."""
    check_choice_ids(form, question)
    if "add_choice" in request.form or "change_kind" in request.form:
        add_answer_rows(form, extra=1 if "add_choice" in request.form else 0)
        return render_question_editor(course, lesson, question, form, languages)
    if not valid_question(form, languages):
        return render_question_editor(course, lesson, question, form, languages, status=422)
    draft = question_draft(form, languages)
    if question is None:
        question = authoring_quiz.create_question(lesson, draft, languages)
    else:
        authoring_quiz.update_question(question, draft, languages)
    flash(_("The question has been saved."), "success")
    return to_questions(course, lesson, question)


def valid_question(form: QuestionForm, languages) -> bool:
    """Whether the question may be saved; every problem found is shown at once."""
    valid = form.validate()
    valid = form.require_a_language(languages) and valid
    return form.check_answers(languages) and valid


def check_choice_ids(form: QuestionForm, question) -> None:
    """Answer rows may only name answers of this question (others: 404)."""
    own = {str(choice.id) for choice in question.choices} if question else set()
    for entry in form.choices:
        choice_id = (entry.form.choice_id.data or "").strip()
        if choice_id and choice_id not in own:
            abort(404)


def question_draft(form: QuestionForm, languages) -> QuestionDraft:
    """The checked form as a draft for the quiz service."""
    choices = [
        ChoiceDraft(
            choice_id=int(row.choice_id.data) if row.choice_id.data else None,
            correct=bool(row.correct.data),
            texts=row.texts(languages),
        )
        for row in form.kept_choices(languages)
    ]
    return QuestionDraft(
        kind=form.kind.data,
        points=form.points.data,
        texts=form.texts(languages),
        choices=choices,
        statement_true=form.true_answer.data == "true",
        numeric_answer=form.numeric_answer.data,
        numeric_tolerance=form.numeric_tolerance.data or 0.0,
    )


def add_answer_rows(form: QuestionForm, extra: int) -> None:
    """Give a choice question `extra` empty answer rows, and at least STARTING_ROWS rows."""
    if form.kind.data not in CHOICE_KINDS:
        return
    rows = form.choices
    wanted = min(max(len(rows.entries) + extra, STARTING_ROWS), rows.max_entries)
    while len(rows.entries) < wanted:
        rows.append_entry()


def question_form_data(question: Question) -> dict:
    """The question form's values for an existing question."""
    data = {
        "kind": question.kind,
        "points": question.points,
        "numeric_answer": question.numeric_answer,
        "numeric_tolerance": question.numeric_tolerance,
    }
    if question.kind == QuestionKind.TRUE_FALSE and question.choices:
        data["true_answer"] = "true" if question.choices[0].is_correct else "false"
    if question.kind in CHOICE_KINDS:
        data["choices"] = [choice_form_data(choice) for choice in question.choices]
    for translation in question.translations:
        data[translation.language] = {
            "text": translation.text,
            "explanation": translation.explanation,
        }
    return data


def choice_form_data(choice) -> dict:
    """An answer row's values for an existing answer."""
    data = {"choice_id": str(choice.id), "correct": choice.is_correct}
    for translation in choice.translations:
        data[translation.language] = {"text": translation.text, "feedback": translation.feedback}
    return data


def render_question_editor(course, lesson, question, form, languages, status=200):
    """The question editor page."""
    return render_template(
        "courses/quiz_edit_question.html",
        course=course,
        lesson=lesson,
        question=question,
        form=form,
        languages=languages,
        choice_kinds=CHOICE_KINDS,
        attempts=authoring_quiz.attempt_count(lesson),
    ), status


@bp.route("/<slug>/lessons/<int:lesson_id>/questions/<int:question_id>/move", methods=["POST"])
@role_required(Role.TRAINER)
def move_question(slug: str, lesson_id: int, question_id: int):
    """Move a question up or down in the quiz."""
    course, lesson = quiz_of(slug, lesson_id)
    question = child_of(Question, question_id, "lesson_id", lesson.id)
    authoring.move_item(lesson.questions, question, posted_direction())
    return to_questions(course, lesson, question)


@bp.route("/<slug>/lessons/<int:lesson_id>/questions/<int:question_id>/delete", methods=["POST"])
@role_required(Role.TRAINER)
def delete_question(slug: str, lesson_id: int, question_id: int):
    """Delete a question from the quiz."""
    course, lesson = quiz_of(slug, lesson_id)
    authoring_quiz.delete_question(child_of(Question, question_id, "lesson_id", lesson.id))
    flash(_("The question has been deleted."), "success")
    return to_questions(course, lesson)
