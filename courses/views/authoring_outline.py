"""The outline editor: sections (add, rename, move, delete) and lessons (move, delete)."""

from flask import abort, flash, render_template, request
from flask_babel import gettext as _

from courses.forms import SectionForm
from courses.models import Section
from courses.services import authoring
from courses.views import bp
from courses.views.authoring_common import (
    editable_course,
    editable_lesson,
    posted_direction,
    render_course_editor,
    to_outline,
)
from courses.views.helpers import child_of
from portal.auth.decorators import role_required
from portal.forms import PortalForm
from portal.models import Role


def course_section(course, section_id: int) -> Section:
    """The section `section_id` of this course (another course's: 404)."""
    return child_of(Section, section_id, "course_id", course.id)


@bp.route("/<slug>/sections", methods=["POST"])
@role_required(Role.TRAINER)
def add_section(slug: str):
    """Add a section at the end of the course."""
    course = editable_course(slug)
    languages = authoring.editing_languages(course)
    form = SectionForm(prefix="section")
    if not (form.validate() and form.require_a_language(languages)):
        return render_course_editor(course, section_form=form, status=422)
    authoring.add_section(course, form.texts(languages), languages)
    flash(_("The section has been added."), "success")
    return to_outline(course, "outline-end")


@bp.route("/<slug>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def edit_section(slug: str, section_id: int):
    """Rename a section in each of the course's languages."""
    course = editable_course(slug)
    section = course_section(course, section_id)
    languages = authoring.editing_languages(course, section)
    if request.method == "GET":
        data = {t.language: {"title": t.title} for t in section.translations}
        form = SectionForm(formdata=None, data=data)
    else:
        form = SectionForm()
        if form.validate() and form.require_a_language(languages):
            authoring.rename_section(section, form.texts(languages), languages)
            flash(_("Saved."), "success")
            return to_outline(course, f"section-{section.id}")
    status = 422 if form.is_submitted() else 200
    return render_template(
        "courses/edit_section.html",
        course=course,
        section=section,
        form=form,
        languages=languages,
    ), status


@bp.route("/<slug>/sections/<int:section_id>/move", methods=["POST"])
@role_required(Role.TRAINER)
def move_section(slug: str, section_id: int):
    """Move a section up or down in the course."""
    course = editable_course(slug)
    section = course_section(course, section_id)
    authoring.move_item(course.sections, section, posted_direction())
    return to_outline(course, f"section-{section.id}")


@bp.route("/<slug>/sections/<int:section_id>/delete", methods=["POST"])
@role_required(Role.TRAINER)
def delete_section(slug: str, section_id: int):
    """Delete a section that has no lessons."""
    course = editable_course(slug)
    section = course_section(course, section_id)
    if authoring.delete_section(section):
        flash(_("The section has been deleted."), "success")
    else:
        flash(_("Move or delete the section's lessons first."), "error")
    return to_outline(course)


@bp.route("/<slug>/lessons/<int:lesson_id>/move", methods=["POST"])
@role_required(Role.TRAINER)
def move_lesson(slug: str, lesson_id: int):
    """Move a lesson up or down in its section, or to the end of another section."""
    course, lesson = editable_lesson(slug, lesson_id)
    if "direction" in request.form:
        authoring.move_item(lesson.section.lessons, lesson, posted_direction())
    elif request.form.get("section", "").isdigit():
        target = course_section(course, int(request.form["section"]))
        authoring.move_lesson_to_section(lesson, target)
    else:
        abort(400)
    return to_outline(course, f"lesson-{lesson.id}")


@bp.route("/<slug>/lessons/<int:lesson_id>/delete", methods=["GET", "POST"])
@role_required(Role.TRAINER)
def delete_lesson(slug: str, lesson_id: int):
    """Ask, then delete a lesson together with the learners' records of it."""
    course, lesson = editable_lesson(slug, lesson_id)
    form = PortalForm()
    if form.validate_on_submit():
        authoring.delete_lesson(lesson)
        flash(_("The lesson has been deleted."), "success")
        return to_outline(course)
    return render_template(
        "courses/edit_lesson_delete.html",
        course=course,
        lesson=lesson,
        form=form,
        completions=authoring.lesson_completions(lesson),
        quiz_takers=authoring.quiz_takers(lesson) if lesson.is_quiz else 0,
    )
