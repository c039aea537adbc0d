"""Duplicating a course: a draft with the same texts, outline, quizzes, files and settings.

Keys are copied as they are: they only need to be unique within their course, and keeping them
lets an export of the original be imported into the copy.
"""

from sqlalchemy import inspect

from courses.models import Choice, Course, CourseStatus, Lesson, Question, Section
from courses.services.catalogue import course_by_slug
from portal.extensions import db
from portal.models import User

SLUG_LENGTH = 80
#: Columns a copy never takes over: its own id, its parent's id, its own history.
NOT_COPIED = frozenset(
    {
        "id",
        "course_id",
        "section_id",
        "lesson_id",
        "question_id",
        "choice_id",
        "created_at",
        "updated_at",
        "published_at",
    }
)


def clone(row, **overrides):
    """A new, unsaved row of the same model with the same column values."""
    columns = inspect(type(row)).column_attrs
    values = {column.key: getattr(row, column.key) for column in columns}
    kept = {key: value for key, value in values.items() if key not in NOT_COPIED}
    return type(row)(**(kept | overrides))


def clone_texts(item) -> list:
    """Copies of an entity's translations."""
    return [clone(translation) for translation in item.translations]


def copy_slug(slug: str) -> str:
    """The first free address of the form <slug>-copy, <slug>-copy-2, <slug>-copy-3…"""
    number = 1
    while True:
        suffix = "-copy" if number == 1 else f"-copy-{number}"
        candidate = slug[: SLUG_LENGTH - len(suffix)].rstrip("-") + suffix
        if course_by_slug(candidate) is None:
            return candidate
        number += 1


def duplicate_course(course: Course, author: User) -> Course:
    """Store a draft copy of `course` written by `author`, without learners."""
    copy = clone(course, slug=copy_slug(course.slug), status=CourseStatus.DRAFT, author_id=None)
    copy.author = author
    copy.topics = list(course.topics)
    copy.translations = clone_texts(course)
    copy.sections = [copy_section(section, copy) for section in course.sections]
    db.session.add(copy)
    db.session.commit()
    return copy


def copy_section(section: Section, course: Course) -> Section:
    """A copy of a section and its lessons, for the copied course."""
    copy = clone(section)
    copy.translations = clone_texts(section)
    copy.lessons = [copy_lesson(lesson, course) for lesson in section.lessons]
    return copy


def copy_lesson(lesson: Lesson, course: Course) -> Lesson:
    """A copy of a lesson with its files (the same stored bytes) and questions."""
    copy = clone(lesson, practice_slugs=list(lesson.practice_slugs or []))
    copy.course = course
    copy.translations = clone_texts(lesson)
    copy.files = [clone(item) for item in lesson.files]
    copy.questions = [copy_question(question) for question in lesson.questions]
    return copy


def copy_question(question: Question) -> Question:
    """A copy of a quiz question and its answers."""
    copy = clone(question)
    copy.translations = clone_texts(question)
    copy.choices = [copy_choice(choice) for choice in question.choices]
    return copy


def copy_choice(choice: Choice) -> Choice:
    """A copy of an answer with its texts."""
    copy = clone(choice)
    copy.translations = clone_texts(choice)
    return copy
