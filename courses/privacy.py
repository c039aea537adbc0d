"""What courses hold about a person, for the download and for deleting the account.

Progress is the programme's evidence of learning, so on deletion it stays, tied to an account
that no longer says who it was; quiz answers are choice ids and numbers, never free text.
Certificates lose the learner's name unless the learner asked to keep it.
"""

from typing import Any

from flask import url_for
from sqlalchemy import select, update

from courses.models import Certificate, Course, Enrolment, Lesson, LessonProgress, QuizAttempt
from portal.extensions import db
from portal.models import User

COVERS = (
    ("course", "author_id"),
    ("course_enrolment", "user_id"),
    ("course_enrolment", "enrolled_by_id"),
    ("course_lesson_progress", "user_id"),
    ("course_quiz_attempt", "user_id"),
    ("course_certificate", "user_id"),
    ("course_certificate", "revoked_by_id"),
)


def export_learning(user: User) -> dict[str, Any]:
    """The person's enrolments, completed lessons, quiz attempts and certificates, and for
    trainers the courses they wrote, learners they enrolled and certificates they revoked."""
    return {
        "enrolments": enrolments_of(user),
        "completed_lessons": completed_lessons_of(user),
        "quiz_attempts": quiz_attempts_of(user),
        "certificates": certificates_of(user),
        "courses_written": courses_written_by(user),
        "enrolments_made": enrolments_made_by(user),
        "certificates_revoked": certificates_revoked_by(user),
    }


def course_title(course: Course) -> str:
    """The course's title in the current language (or the nearest one written)."""
    text = course.text()
    return text.title if text is not None else course.slug


def lesson_title(lesson: Lesson) -> str:
    """The lesson's title in the current language (or the nearest one written)."""
    text = lesson.text()
    return text.title if text is not None else lesson.key


def enrolments_of(user: User) -> list[dict[str, Any]]:
    """Courses the person took: when they started, were last active and finished."""
    query = select(Enrolment).filter_by(user_id=user.id).order_by(Enrolment.enrolled_at)
    return [
        {
            "course": enrolment.course.slug,
            "course_title": course_title(enrolment.course),
            "enrolled_at": enrolment.enrolled_at,
            "enrolled_by_a_trainer": enrolment.enrolled_by_id is not None,
            "last_activity_at": enrolment.last_activity_at,
            "completed_at": enrolment.completed_at,
        }
        for enrolment in db.session.scalars(query)
    ]


def lessons_by_id(lesson_ids: set[int]) -> dict[int, Lesson]:
    """The lessons with these ids, in one query."""
    if not lesson_ids:
        return {}
    lessons = db.session.scalars(select(Lesson).where(Lesson.id.in_(lesson_ids)))
    return {lesson.id: lesson for lesson in lessons}


def completed_lessons_of(user: User) -> list[dict[str, Any]]:
    """Every lesson the person completed, and when."""
    rows = db.session.scalars(
        select(LessonProgress).filter_by(user_id=user.id).order_by(LessonProgress.completed_at)
    ).all()
    lessons = lessons_by_id({row.lesson_id for row in rows})
    return [
        {
            "course": lessons[row.lesson_id].course.slug,
            "lesson": lesson_title(lessons[row.lesson_id]),
            "completed_at": row.completed_at,
        }
        for row in rows
    ]


def quiz_attempts_of(user: User) -> list[dict[str, Any]]:
    """Every quiz attempt with what was answered (question id → choice ids or number) and
    the points earned."""
    rows = db.session.scalars(
        select(QuizAttempt).filter_by(user_id=user.id).order_by(QuizAttempt.submitted_at)
    ).all()
    lessons = lessons_by_id({row.lesson_id for row in rows})
    return [
        {
            "course": lessons[row.lesson_id].course.slug,
            "quiz": lesson_title(lessons[row.lesson_id]),
            "submitted_at": row.submitted_at,
            "score": row.score,
            "max_score": row.max_score,
            "percent": row.percent,
            "passed": row.passed,
            "language": row.language,
            "answers": row.answers,
            "points": row.points,
        }
        for row in rows
    ]


def certificates_of(user: User) -> list[dict[str, Any]]:
    """The person's certificates, with the address where anyone can check each."""
    query = select(Certificate).filter_by(user_id=user.id).order_by(Certificate.issued_at)
    return [
        {
            "code": certificate.code,
            "course": certificate.course.slug,
            "course_title": certificate.course_title,
            "name_on_certificate": certificate.learner_name,
            "issued_at": certificate.issued_at,
            "hours": certificate.hours,
            "organisation": certificate.organisation,
            "revoked_at": certificate.revoked_at,
            "verification_url": url_for(
                "certificates.verify", code=certificate.code, _external=True
            ),
        }
        for certificate in db.session.scalars(query)
    ]


def courses_written_by(user: User) -> list[dict[str, Any]]:
    """Courses the person is the author of."""
    query = select(Course).filter_by(author_id=user.id).order_by(Course.created_at)
    return [
        {"course": course.slug, "title": course_title(course), "created_at": course.created_at}
        for course in db.session.scalars(query)
    ]


def enrolments_made_by(user: User) -> list[dict[str, Any]]:
    """When the person enrolled someone in a course (without saying whom: that is theirs)."""
    query = select(Course.slug, Enrolment.enrolled_at).join(Course)
    query = query.where(Enrolment.enrolled_by_id == user.id).order_by(Enrolment.enrolled_at)
    return [{"course": slug, "enrolled_at": at} for slug, at in db.session.execute(query)]


def certificates_revoked_by(user: User) -> list[dict[str, Any]]:
    """Certificates the person revoked, by their public code."""
    query = select(Certificate.code, Certificate.revoked_at).where(
        Certificate.revoked_by_id == user.id
    )
    return [{"code": code, "revoked_at": at} for code, at in db.session.execute(query)]


def erase_learning(user: User, keep_name_on_certificates: bool) -> None:
    """Keep progress as anonymous statistics; take the name off certificates unless kept.

    A revocation's reason is shown on the public page too, so the name leaves it as well.
    """
    if keep_name_on_certificates:
        return
    db.session.execute(
        update(Certificate).where(Certificate.user_id == user.id).values(learner_name="")
    )
    if not user.name:
        return
    named = select(Certificate).where(
        Certificate.user_id == user.id,
        Certificate.revoked_reason.contains(user.name, autoescape=True),
    )
    for certificate in db.session.scalars(named):
        certificate.revoked_reason = certificate.revoked_reason.replace(user.name, "…")
