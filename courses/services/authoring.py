"""Writing courses: settings, texts per language, the outline of sections and lessons, publishing.

Sections, lessons and questions get a key when they are created and keep it: imports find them
by key, so a re-imported course updates the rows learners' progress hangs on.
"""

import secrets
from collections.abc import Iterable, Sequence

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from courses.models import (
    Certificate,
    Course,
    CourseStatus,
    CourseTranslation,
    Enrolment,
    Lesson,
    LessonFile,
    LessonKind,
    LessonProgress,
    LessonTranslation,
    QuizAttempt,
    Section,
    SectionTranslation,
)
from courses.services.catalogue import course_by_slug
from courses.services.certificates import issue_missing_certificates
from portal.audit import record_audit_event
from portal.extensions import db
from portal.models import Role, Topic, User, utcnow
from portal.uploads import StoredFile

LANGUAGES = ("ky", "ru", "en")
#: Paths under /courses/ that are pages of their own, not courses.
RESERVED_SLUGS = frozenset({"mine", "manage", "new"})
COURSE_DELETED = "course.deleted"


class DeletionRefused(Exception):
    """The course holds learners' records or is open to learners; `problems` says why."""

    def __init__(self, problems: list):
        super().__init__("the course cannot be deleted")
        self.problems = problems


class PublishRefused(Exception):
    """The course is not ready for learners; `problems` says why."""

    def __init__(self, problems: list) -> None:
        super().__init__("course not ready to publish")
        self.problems = problems


def slug_available(slug: str, course: Course | None = None) -> bool:
    """Whether `course` (or a new course, when None) may use this web address."""
    if slug in RESERVED_SLUGS:
        return False
    other = course_by_slug(slug)
    return other is None or other is course


def courses_managed_by(user: User) -> Select:
    """The courses `user` may edit (administrators: all), last changed first."""
    query = (
        select(Course)
        .order_by(Course.updated_at.desc(), Course.id.desc())
        .options(
            selectinload(Course.translations),
            selectinload(Course.author),
            selectinload(Course.sections).selectinload(Section.lessons),
        )
    )
    if not user.has_role(Role.ADMIN):
        query = query.where(Course.author_id == user.id)
    return query


def learner_counts(course_ids: Sequence[int]) -> dict[int, int]:
    """Enrolled learners per course."""
    rows = db.session.execute(
        select(Enrolment.course_id, func.count())
        .where(Enrolment.course_id.in_(course_ids))
        .group_by(Enrolment.course_id)
    )
    return {course_id: count for course_id, count in rows}


def create_course(settings: dict, topic_codes: list[str], texts: dict, author: User) -> Course:
    """Store a new draft course written by `author`."""
    course = Course(status=CourseStatus.DRAFT, author=author)
    db.session.add(course)
    update_course(course, settings, topic_codes, texts)
    return course


def update_course(course: Course, settings: dict, topic_codes: list[str], texts: dict) -> None:
    """Save a course's settings, topics and texts in every language."""
    for name, value in settings.items():
        setattr(course, name, value)
    course.topics = topics_with_codes(topic_codes)
    save_texts(course, CourseTranslation, LANGUAGES, texts)
    if course.certificate:
        db.session.flush()
        issue_missing_certificates(course)
    db.session.commit()


def topics_with_codes(codes: Iterable[str]) -> list[Topic]:
    """The topics with these codes, in display order."""
    return list(
        db.session.scalars(
            select(Topic).where(Topic.code.in_(list(codes))).order_by(Topic.position)
        )
    )


def save_texts(entity, model, languages: Iterable[str], texts: dict[str, dict | None]) -> None:
    """Write the texts of `languages`: filled ones are added or updated, empty ones removed."""
    for language in languages:
        values, existing = texts.get(language), entity.translation(language)
        if values is None:
            if existing is not None:
                entity.translations.remove(existing)
        elif existing is None:
            entity.translations.append(model(language=language, **values))
        else:
            for name, value in values.items():
                setattr(existing, name, value)


def editing_languages(course: Course, *entities) -> list[str]:
    """Languages to write in: the course's and any an entity already has (all for a new course)."""
    present = set(course.languages)
    for entity in entities:
        present |= set(entity.languages)
    return [language for language in LANGUAGES if language in present] or list(LANGUAGES)


def new_key(prefix: str, siblings: Iterable) -> str:
    """A key no sibling has; random, so that a deleted row's key never comes back for a new
    row (an old export would otherwise attach the deleted row's texts to the new one)."""
    taken = {sibling.key for sibling in siblings}
    while True:
        key = f"{prefix}-{secrets.token_hex(3)}"
        if key not in taken:
            return key


def renumber(items: Iterable) -> None:
    """Give items the positions 0, 1, 2… in the order given."""
    for position, item in enumerate(items):
        item.position = position


def move_item(items: Sequence, item, offset: int) -> bool:
    """Move `item` up (-1) or down (+1) among its siblings; False when already at the end."""
    ordered = list(items)
    index = ordered.index(item)
    target = index + offset
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    renumber(ordered)
    db.session.commit()
    return True


def add_section(course: Course, texts: dict, languages: Iterable[str]) -> Section:
    """Add a section at the end of the course."""
    section = Section(key=new_key("section", course.sections), position=len(course.sections))
    course.sections.append(section)
    save_texts(section, SectionTranslation, languages, texts)
    db.session.commit()
    return section


def rename_section(section: Section, texts: dict, languages: Iterable[str]) -> None:
    """Save a section's titles."""
    save_texts(section, SectionTranslation, languages, texts)
    db.session.commit()


def delete_section(section: Section) -> bool:
    """Delete an empty section; False (and nothing done) if it still has lessons."""
    if section.lessons:
        return False
    course = section.course
    course.sections.remove(section)
    renumber(course.sections)
    db.session.commit()
    return True


def create_lesson(section: Section, kind: str, settings: dict, texts: dict, languages) -> Lesson:
    """Add a lesson of `kind` at the end of a section."""
    key = new_key("lesson", section.course.lessons)
    lesson = Lesson(key=key, kind=kind, position=len(section.lessons), course=section.course)
    section.lessons.append(lesson)
    update_lesson(lesson, settings, texts, languages)
    return lesson


def update_lesson(lesson: Lesson, settings: dict, texts: dict, languages) -> None:
    """Save a lesson's settings and texts."""
    for name, value in settings.items():
        setattr(lesson, name, value)
    save_texts(lesson, LessonTranslation, languages, texts)
    db.session.commit()


def move_lesson_to_section(lesson: Lesson, target: Section) -> None:
    """Move a lesson to the end of another section of its course."""
    source = lesson.section
    if target is source:
        return
    lesson.section = target  # also takes it out of the source's list
    renumber([item for item in source.lessons if item is not lesson])
    renumber([*(item for item in target.lessons if item is not lesson), lesson])
    db.session.commit()


def set_video(lesson: Lesson, stored: StoredFile | None) -> None:
    """Show this uploaded video in the lesson (None: no uploaded video)."""
    lesson.video_file = stored
    db.session.commit()


def attach_file(lesson: Lesson, stored: StoredFile, title: str) -> None:
    """Add a file to download at the end of the lesson's files."""
    item = LessonFile(stored_file=stored, title=title[:200], position=len(lesson.files))
    lesson.files.append(item)
    db.session.commit()


def remove_file(lesson: Lesson, item: LessonFile) -> None:
    """Take a file off the lesson (its bytes stay: copies of the course may use them)."""
    lesson.files.remove(item)
    renumber(lesson.files)
    db.session.commit()


def delete_lesson(lesson: Lesson) -> None:
    """Delete a lesson; the database deletes learners' completions and attempts of it too."""
    section = lesson.section
    section.lessons.remove(lesson)
    renumber(section.lessons)
    db.session.commit()


def lesson_completions(lesson: Lesson) -> int:
    """How many learners completed (a quiz: passed) the lesson."""
    return db.session.scalar(
        select(func.count()).select_from(LessonProgress).filter_by(lesson_id=lesson.id)
    )


def quiz_takers(lesson: Lesson) -> int:
    """How many learners submitted at least one attempt at the quiz."""
    return db.session.scalar(
        select(func.count(func.distinct(QuizAttempt.user_id))).filter_by(lesson_id=lesson.id)
    )


def publication_problems(course: Course) -> list:
    """What keeps a course from being taken: no lessons, quizzes without questions, and so on."""
    problems = [] if course.lessons else [_l("Add at least one lesson.")]
    for lesson in course.lessons:
        title = lesson.text().title if lesson.text() else lesson.key
        if lesson.kind == LessonKind.QUIZ and not lesson.questions:
            problems.append(_l("The quiz “%(title)s” has no questions.", title=title))
        if lesson.kind == LessonKind.VIDEO and not (lesson.video_file_id or lesson.video_url):
            problems.append(_l("The video lesson “%(title)s” has no video.", title=title))
    return problems


def publish(course: Course) -> None:
    """Show the course in the catalogue, or raise PublishRefused with the problems."""
    problems = publication_problems(course)
    if problems:
        raise PublishRefused(problems)
    course.status = CourseStatus.PUBLISHED
    course.published_at = course.published_at or utcnow()
    db.session.commit()


def unpublish(course: Course) -> None:
    """Take the course back to draft; learners keep their records."""
    course.status = CourseStatus.DRAFT
    db.session.commit()


def deletion_problems(course: Course) -> list:
    """Why the course may not be deleted: it is published, or learners have records in it."""
    problems = []
    if course.status == CourseStatus.PUBLISHED:
        problems.append(_l("Unpublish the course first, so that no learner is taking it."))
    learners = learner_counts([course.id]).get(course.id, 0)
    if learners:
        problems.append(
            lazy_ngettext(
                "%(num)d learner is enrolled: their progress must not be lost.",
                "%(num)d learners are enrolled: their progress must not be lost.",
                learners,
            )
        )
    certificates = db.session.scalar(
        select(func.count()).select_from(Certificate).filter_by(course_id=course.id)
    )
    if certificates:
        problems.append(
            lazy_ngettext(
                "%(num)d certificate was issued for it and must stay verifiable.",
                "%(num)d certificates were issued for it and must stay verifiable.",
                certificates,
            )
        )
    return problems


def delete_course(course: Course, by: User) -> None:
    """Delete a draft course nobody is enrolled in, with its outline; audited."""
    problems = deletion_problems(course)
    if problems:
        raise DeletionRefused(problems)
    record_audit_event(COURSE_DELETED, by, course_id=course.id, slug=course.slug)
    db.session.delete(course)
    db.session.commit()
