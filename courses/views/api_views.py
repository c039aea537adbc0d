"""Read-only JSON API of the catalogue: GET /api/courses."""

from flask import jsonify, url_for

from courses.models import Course
from courses.services.catalogue import CatalogueFilters, published_courses
from courses.views import api
from portal.i18n import current_language
from portal.paging import api_page


@api.route("")
def list_courses():
    """Published courses with their languages, length and address, filtered like the page."""
    filters = CatalogueFilters.from_request()
    page = api_page(published_courses(filters))
    language = filters.language or current_language()
    return jsonify(
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        results=[course_summary(course, language) for course in page.items],
    )


def course_summary(course: Course, language: str) -> dict:
    """The catalogue entry of a course, in `language` or the nearest one written."""
    text = course.text(language)
    return {
        "slug": course.slug,
        "title": text.title,
        "summary": text.summary,
        "language": text.language,
        "languages": course.languages,
        "topics": [topic.code for topic in course.topics],
        "lessons": len(course.lessons),
        "minutes": course.minutes,
        "url": url_for("courses.detail", slug=course.slug, _external=True),
    }
