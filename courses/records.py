"""The course record: one dict shape for import and export, and the code between it and the models.

Sections, lessons and questions are found by key and updated in place, because learners'
progress and attempts hang on their ids; choices are matched by position and rewritten.
"""

from sqlalchemy import func, select, union

from courses.models import (
    Choice,
    ChoiceTranslation,
    Course,
    CourseStatus,
    CourseTranslation,
    Lesson,
    LessonKind,
    LessonProgress,
    LessonTranslation,
    Question,
    QuestionKind,
    QuestionTranslation,
    QuizAttempt,
    Section,
    SectionTranslation,
)
from courses.record_checks import (
    LANGUAGES,
    TEXTS,
    check_record,
    lesson_key,
    question_key,
    section_key,
    unknown_fields,
)
from portal.extensions import db
from portal.models import Topic, User, utcnow

__all__ = ["RecordError", "check_record", "course_to_record", "import_record", "unknown_fields"]


class RecordError(ValueError):
    """A record that cannot be imported, with every problem found in it."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def course_to_record(course: Course) -> dict:
    """Everything a course says, in every language, as plain data (uploaded files excepted)."""
    return {
        "slug": course.slug,
        "status": course.status,
        "enrolment": course.enrolment,
        "topics": [topic.code for topic in course.topics],
        "organisation": course.organisation,
        "hours": plain_number(course.hours),
        "certificate": course.certificate,
        "author": course.author.email if course.author and not course.author.is_deleted else None,
        "translations": texts_of(course, "course"),
        "sections": [section_to_record(section) for section in course.sections],
    }


def section_to_record(section: Section) -> dict:
    """A section with its titles and lessons."""
    return {
        "key": section.key,
        "translations": texts_of(section, "section"),
        "lessons": [lesson_to_record(lesson) for lesson in section.lessons],
    }


def lesson_to_record(lesson: Lesson) -> dict:
    """A lesson with its texts; a quiz also with its settings and questions."""
    record = {
        "key": lesson.key,
        "kind": lesson.kind,
        "required": lesson.required,
        "minutes": lesson.minutes,
        "video_url": lesson.video_url,
        "practices": list(lesson.practice_slugs or []),
        "translations": texts_of(lesson, "lesson"),
    }
    if lesson.kind == LessonKind.QUIZ:
        record |= {
            "pass_mark": lesson.pass_mark,
            "max_attempts": lesson.max_attempts,
            "attempt_policy": lesson.attempt_policy,
            "shuffle_questions": lesson.shuffle_questions,
            "shuffle_choices": lesson.shuffle_choices,
            "questions": [question_to_record(question) for question in lesson.questions],
        }
    return record


def question_to_record(question: Question) -> dict:
    """A question with its texts and, by kind, its choices or its answer."""
    record = {
        "key": question.key,
        "kind": question.kind,
        "points": question.points,
        "translations": texts_of(question, "question"),
    }
    if question.kind == QuestionKind.TRUE_FALSE:
        first = question.choices[0] if question.choices else None
        record["answer"] = bool(first and first.is_correct)
    elif question.kind == QuestionKind.NUMERIC:
        record["answer"] = plain_number(question.numeric_answer)
        record["tolerance"] = plain_number(question.numeric_tolerance or 0.0)
    else:
        record["choices"] = [
            {"correct": choice.is_correct, "translations": texts_of(choice, "choice")}
            for choice in question.choices
        ]
    return record


def texts_of(entity, kind: str) -> dict:
    """An entity's translations by language, in portal order."""
    written = {t.language: t for t in entity.translations}
    return {
        language: {field: getattr(written[language], field) for field in TEXTS[kind]}
        for language in LANGUAGES
        if language in written
    }


def plain_number(value: float | None):
    """A stored number as JSON shows it best: 108, not 108.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def import_record(record: dict) -> tuple[bool, list[str]]:
    """Create or update the course `record` describes; return (created, warnings)."""
    course = db.session.execute(
        select(Course).filter_by(slug=record.get("slug"))
    ).scalar_one_or_none()
    created = course is None
    course = course or Course()
    warnings = apply_record(course, record)
    db.session.add(course)
    if course.status == CourseStatus.PUBLISHED and course.published_at is None:
        course.published_at = utcnow()
    db.session.commit()
    return created, warnings


def apply_record(course: Course, record: dict) -> list[str]:
    """Make `course` say exactly what `record` says; return warnings about removed lessons."""
    problems = check_record(record)
    if problems:
        raise RecordError(problems)
    with db.session.no_autoflush:
        apply_course_fields(course, record)
        apply_texts(course, record["translations"], CourseTranslation, "course")
        return apply_sections(course, record.get("sections") or [])


def apply_course_fields(course: Course, record: dict) -> None:
    """The course's language-independent fields; an unknown author leaves the author as is."""
    course.slug, course.status = record["slug"], record["status"]
    course.enrolment = record.get("enrolment") or "open"
    codes = list(dict.fromkeys(record.get("topics") or []))
    topics = db.session.scalars(select(Topic).where(Topic.code.in_(codes))).all()
    course.topics = sorted(topics, key=lambda topic: topic.position)  # as the list reloads
    course.organisation = (record.get("organisation") or "").strip()
    course.hours = record.get("hours")
    course.certificate = record.get("certificate") is not False
    if record.get("author"):
        email = record["author"].strip().lower()
        author = db.session.execute(select(User).filter_by(email=email)).scalar_one_or_none()
        course.author = author or course.author


def given(record: dict, field: str, default):
    """The record's value of a field, or the default when it is missing or null."""
    value = record.get(field)
    return default if value is None else value


def apply_texts(entity, translations: dict, model, kind: str) -> None:
    """Update each language in place, add new ones, drop the ones the record leaves out."""
    existing = {t.language: t for t in entity.translations}
    kept = []
    for language in LANGUAGES:
        if language not in translations:
            continue
        translation = existing.get(language) or model(language=language)
        for field in TEXTS[kind]:
            setattr(translation, field, (translations[language].get(field) or "").strip())
        kept.append(translation)
    entity.translations = kept


def apply_sections(course: Course, records: list[dict]) -> list[str]:
    """Sections and lessons by key, in the record's order; warn about lessons removed."""
    sections = {section.key: section for section in course.sections}
    lessons = {lesson.key: lesson for lesson in course.lessons}
    kept = []
    for i, record in enumerate(records):
        key = section_key(record, i)
        section = sections.get(key) or Section(key=key)
        section.position = i
        apply_texts(section, record["translations"], SectionTranslation, "section")
        section.lessons = [
            apply_lesson(lessons.pop(lesson_key(item, i, j), None), course, item, (i, j))
            for j, item in enumerate(record.get("lessons") or [])
        ]
        kept.append(section)
    warnings = [removal_warning(lesson) for lesson in lessons.values()]
    for lesson in lessons.values():
        db.session.delete(lesson)
    course.sections = kept
    return warnings


def removal_warning(lesson: Lesson) -> str:
    """What removing a lesson costs: its learners' completions and attempts go with it."""
    learners = union(
        select(LessonProgress.user_id).where(LessonProgress.lesson_id == lesson.id),
        select(QuizAttempt.user_id).where(QuizAttempt.lesson_id == lesson.id),
    ).subquery()
    count = db.session.scalar(select(func.count()).select_from(learners))
    return f"lesson {lesson.key!r} removed: {count} learners' records of it are deleted"


def apply_lesson(lesson: Lesson | None, course: Course, record: dict, place) -> Lesson:
    """A lesson's settings and texts; quizzes also their settings and questions."""
    lesson = lesson or Lesson(key=lesson_key(record, *place))
    lesson.course, lesson.position = course, place[1]
    lesson.kind = record.get("kind") or LessonKind.TEXT
    lesson.required = record.get("required") is not False
    lesson.minutes = given(record, "minutes", 10)
    lesson.video_url = (record.get("video_url") or "").strip()
    lesson.practice_slugs = list(dict.fromkeys(record.get("practices") or []))
    apply_texts(lesson, record["translations"], LessonTranslation, "lesson")
    if lesson.kind == LessonKind.QUIZ:
        apply_quiz(lesson, record)
    return lesson


def apply_quiz(lesson: Lesson, record: dict) -> None:
    """A quiz's settings, and its questions by key in the record's order."""
    lesson.pass_mark = given(record, "pass_mark", 70)
    lesson.max_attempts = record.get("max_attempts")
    lesson.attempt_policy = record.get("attempt_policy") or "best"
    lesson.shuffle_questions = record.get("shuffle_questions") is True
    lesson.shuffle_choices = record.get("shuffle_choices") is True
    existing = {question.key: question for question in lesson.questions}
    questions = []
    for k, item in enumerate(record.get("questions") or []):
        key = question_key(item, k)
        question = existing.get(key) or Question(key=key)
        question.position = k
        apply_question(question, item)
        questions.append(question)
    lesson.questions = questions


def apply_question(question: Question, record: dict) -> None:
    """A question's kind, points, texts and answer."""
    question.kind = record.get("kind") or QuestionKind.SINGLE
    question.points = given(record, "points", 1)
    apply_texts(question, record["translations"], QuestionTranslation, "question")
    numeric = question.kind == QuestionKind.NUMERIC
    question.numeric_answer = float(record["answer"]) if numeric else None
    question.numeric_tolerance = float(record.get("tolerance") or 0) if numeric else 0.0
    if question.kind == QuestionKind.TRUE_FALSE:
        answer = record["answer"]
        choices = [{"correct": answer}, {"correct": not answer}]
    else:
        choices = record.get("choices") or []
    apply_choices(question, choices)


def apply_choices(question: Question, records: list[dict]) -> None:
    """Rewrite the choices by position (attempts keep the points they earned)."""
    existing = list(question.choices)
    choices = []
    for position, item in enumerate(records):
        choice = existing[position] if position < len(existing) else Choice()
        choice.position, choice.is_correct = position, item.get("correct") is True
        apply_texts(choice, item.get("translations") or {}, ChoiceTranslation, "choice")
        choices.append(choice)
    question.choices = choices
