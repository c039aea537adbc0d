"""Saving a course for offline reading: the list of what a learner's phone downloads."""

from flask import abort, url_for
from flask_login import current_user, login_required

from courses.models import Course
from courses.services.progress import enrolment_of
from courses.views import bp
from courses.views.helpers import content_language, editor_view, visible_course
from portal.offline import OfflineManifest


def course_offline_manifest(course: Course) -> OfflineManifest:
    """The course page, every lesson page, their files and pictures (videos stay online)."""
    language = content_language(course)
    manifest = OfflineManifest(cache=f"offline-course-{course.slug}")
    manifest.add_page(url_for("courses.detail", slug=course.slug))
    for lesson in course.lessons:
        body = lesson.text(language).body
        manifest.add_page(url_for("courses.lesson", slug=course.slug, lesson_id=lesson.id), body)
        manifest.add_pictures([body])
        for item in lesson.files:
            url = url_for(
                "courses.lesson_file", slug=course.slug, lesson_id=lesson.id, file_id=item.id
            )
            manifest.add_file(url, item.stored_file.size)
    return manifest


def may_save_offline(course: Course) -> bool:
    """Whether the current user may keep the course's lessons on their device."""
    if not current_user.is_authenticated:
        return False
    return enrolment_of(current_user, course) is not None or editor_view(course)


@bp.route("/<slug>/offline.json")
@login_required
def offline_manifest(slug: str):
    """What "Save for offline" downloads for this course, with its estimated size."""
    course = visible_course(slug)
    if not may_save_offline(course):
        abort(403)
    return course_offline_manifest(course).as_json()


@bp.app_template_global()
def course_offline(course: Course) -> OfflineManifest | None:
    """What a saved copy of the course holds, or None if the visitor may not save it."""
    return course_offline_manifest(course) if may_save_offline(course) else None
