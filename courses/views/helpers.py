"""Looking up what a URL names, and who may see it, for every course view."""

from flask import abort, request, session
from flask_login import current_user

from courses.models import Course, Lesson
from courses.services.catalogue import course_by_slug, may_edit, may_view
from portal.extensions import db
from portal.i18n import current_language

SESSION_LANGUAGE = "course_language"


def visible_course(slug: str) -> Course:
    """The course at `slug` if this visitor may see it, else 404."""
    course = course_by_slug(slug)
    if course is None or not may_view(current_user, course):
        abort(404)
    return course


def editable_course(slug: str) -> Course:
    """The course at `slug` if the current user may edit it; 404 or 403 otherwise."""
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    if not may_edit(current_user, course):
        abort(403)
    return course


def course_lesson(course: Course, lesson_id: int) -> Lesson:
    """The lesson `lesson_id` if it belongs to `course` (ids of other courses: 404)."""
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != course.id:
        abort(404)
    return lesson


def child_of(model, item_id: int, parent_field: str, parent_id: int):
    """The `model` row `item_id` if its `parent_field` is `parent_id`, else 404."""
    item = db.session.get(model, item_id)
    if item is None or getattr(item, parent_field) != parent_id:
        abort(404)
    return item


def content_language(course: Course) -> str:
    """The language a learner reads this course in: ?lang=, then their earlier choice for it,
    then the interface language; always one the course is written in."""
    chosen = session.get(SESSION_LANGUAGE, {})
    wanted = request.args.get("lang") or chosen.get(str(course.id)) or current_language()
    if wanted not in course.languages:
        wanted = next(
            (lang for lang in (current_language(), "ky", "ru", "en") if lang in course.languages),
            "ky",
        )
    if request.args.get("lang") == wanted:
        session[SESSION_LANGUAGE] = chosen | {str(course.id): wanted}
    return wanted


def editor_view(course: Course) -> bool:
    """Whether the current user sees the course as its editor (preview without enrolling)."""
    return may_edit(current_user, course)
