"""What the courses put into the search index: published courses and their lessons, per language.

A lesson's document carries its course's topics and title, so "таштанды" finds the lesson on
waste collection and the course it belongs to; quiz lessons are indexed by title only (their
questions would give away the answers' wording).
"""

from collections.abc import Sequence

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from courses.models import (
    Course,
    CourseStatus,
    CourseTranslation,
    Lesson,
    LessonTranslation,
    Section,
    SectionTranslation,
)
from portal.extensions import db
from portal.search import SearchableType, SearchDocument


def course_documents(ids: Sequence[int]) -> dict[int, list[SearchDocument]]:
    """One document per language of each published course: title, summary, description and
    the titles of its sections and lessons."""
    query = select(Course).where(Course.id.in_(ids), Course.status == CourseStatus.PUBLISHED)
    found = {}
    for course in db.session.scalars(query.options(selectinload(Course.translations))):
        found[course.id] = [
            SearchDocument(
                kind="course",
                entity_id=course.id,
                slug=course.slug,
                language=text.language,
                title=text.title,
                summary=text.summary,
                body="\n\n".join([text.description, *outline_titles(course, text.language)]),
                topics=[topic.code for topic in course.topics],
                date=course.published_at or course.created_at,
            )
            for text in course.translations
        ]
    return found


def outline_titles(course: Course, language: str) -> list[str]:
    """The titles of the course's sections and lessons in `language` (where written)."""
    titles = []
    for section in course.sections:
        titles += [t.title for t in section.translations if t.language == language]
        for lesson in section.lessons:
            titles += [t.title for t in lesson.translations if t.language == language]
    return titles


def lesson_documents(ids: Sequence[int]) -> dict[int, list[SearchDocument]]:
    """One document per language of each lesson of a published course."""
    query = (
        select(Lesson)
        .join(Course, Lesson.course_id == Course.id)
        .where(Lesson.id.in_(ids), Course.status == CourseStatus.PUBLISHED)
        .options(selectinload(Lesson.translations))
    )
    return {lesson.id: documents_of_lesson(lesson) for lesson in db.session.scalars(query)}


def documents_of_lesson(lesson: Lesson) -> list[SearchDocument]:
    """A lesson's documents; the address carries its course (lessons/<id> under the course)."""
    course = lesson.course
    documents = []
    for text in lesson.translations:
        course_text = course.text(text.language)
        documents.append(
            SearchDocument(
                kind="lesson",
                entity_id=lesson.id,
                slug=f"{course.slug}/{lesson.id}",
                language=text.language,
                title=text.title,
                summary=course_text.title if course_text else "",
                body="" if lesson.is_quiz else text.body,
                topics=[topic.code for topic in course.topics],
                date=course.published_at or course.created_at,
            )
        )
    return documents


def published_course_ids() -> list[int]:
    """Courses that belong in the index."""
    return list(
        db.session.scalars(select(Course.id).where(Course.status == CourseStatus.PUBLISHED))
    )


def published_lesson_ids() -> list[int]:
    """Lessons that belong in the index: those of published courses."""
    query = (
        select(Lesson.id)
        .join(Course, Lesson.course_id == Course.id)
        .where(Course.status == CourseStatus.PUBLISHED)
    )
    return list(db.session.scalars(query))


def course_url(slug: str, language: str) -> str:
    """The address of a course result."""
    return url_for("courses.detail", slug=slug, lang=language)


def lesson_url(slug: str, language: str) -> str:
    """The address of a lesson result ("course-slug/lesson-id"): its course's page when the
    visitor is not enrolled is decided by the lesson page itself."""
    course_slug, _, lesson_id = slug.rpartition("/")
    return url_for("courses.lesson", slug=course_slug, lesson_id=int(lesson_id), lang=language)


def lessons_of_course(course: Course) -> list[int]:
    """Every lesson id of a course (a change to the course changes their documents too)."""
    return [lesson.id for lesson in course.lessons]


SEARCHABLE_COURSE = SearchableType(
    kind="course",
    label=_l("Course"),
    watched={
        Course: lambda course: course.id,
        CourseTranslation: lambda text: text.course_id,
        Section: lambda section: section.course_id,
        SectionTranslation: lambda text: _section_course(text.section_id),
        Lesson: lambda lesson: lesson.course_id,
    },
    documents=course_documents,
    indexed_ids=published_course_ids,
    url=course_url,
    order=20,
)

SEARCHABLE_LESSON = SearchableType(
    kind="lesson",
    label=_l("Lesson"),
    watched={
        Course: lessons_of_course,
        Lesson: lambda lesson: lesson.id,
        LessonTranslation: lambda text: text.lesson_id,
    },
    documents=lesson_documents,
    indexed_ids=published_lesson_ids,
    url=lesson_url,
    order=30,
)


def _section_course(section_id: int | None) -> int | None:
    section = db.session.get(Section, section_id) if section_id else None
    return section.course_id if section else None
