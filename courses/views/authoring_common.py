"""What every page of the course editor shares: access checks, form data, the outline page."""

from flask import abort, redirect, render_template, request, url_for

from courses.forms import LANGUAGES, LESSON_KIND_LABELS, CourseForm, SectionForm
from courses.models import Course, CourseStatus, Lesson
from courses.services.authoring import editing_languages, publication_problems
from courses.views.helpers import course_lesson, editable_course
from portal.markdown import render_markdown

DIRECTIONS = {"up": -1, "down": 1}


def editable_lesson(slug: str, lesson_id: int) -> tuple[Course, Lesson]:
    """The course and its lesson `lesson_id`, if the current user may edit them."""
    course = editable_course(slug)
    return course, course_lesson(course, lesson_id)


def posted_direction() -> int:
    """-1 for a "move up" button, +1 for "move down"; anything else is a bad request."""
    offset = DIRECTIONS.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)
    return offset


def to_outline(course: Course, anchor: str = "outline"):
    """Back to the course editor (303: a POST is done), at `anchor`."""
    return redirect(url_for("courses.edit", slug=course.slug, _anchor=anchor), 303)


def wants_preview() -> bool:
    """Whether the Preview button sent the form (nothing is saved then)."""
    return "preview" in request.form


def previews(form, languages, field_name: str) -> dict:
    """The Markdown of `field_name` in each language, rendered as learners will see it."""
    rendered = {}
    for code in languages:
        text = form[code].form[field_name].data or ""
        if text.strip():
            rendered[code] = render_markdown(text)
    return rendered


def course_form_data(course: Course) -> dict:
    """The settings form's values for an existing course."""
    data = {
        "slug": course.slug,
        "enrolment": course.enrolment,
        "topics": [topic.code for topic in course.topics],
        "organisation": course.organisation,
        "hours": course.hours,
        "certificate": course.certificate,
    }
    for translation in course.translations:
        data[translation.language] = {
            "title": translation.title,
            "summary": translation.summary,
            "description": translation.description,
        }
    return data


def render_course_editor(course: Course, form=None, section_form=None, status=200, **context):
    """The course editor: status and actions, the outline, and the settings form."""
    if form is None:
        form = CourseForm(formdata=None, data=course_form_data(course))
    return render_template(
        "courses/edit.html",
        course=course,
        form=form,
        section_form=section_form or SectionForm(formdata=None, prefix="section"),
        languages=editing_languages(course),
        all_languages=LANGUAGES,
        lesson_kinds=LESSON_KIND_LABELS,
        previews=context.pop("previews", {}),
        problems=context.pop("problems", []),
        warnings=publication_problems(course) if course.status == CourseStatus.PUBLISHED else [],
        **context,
    ), status
