"""What learners do: enrolments, completed lessons, quiz attempts and certificates.

Completions are unique per (user, lesson) and written with an idempotent insert; attempts are
append-only; a course's completion is set once, by an UPDATE that only changes an empty value.
"""

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class Enrolment(db.Model):
    """A learner taking a course: when they started, were last active and finished."""

    __tablename__ = "course_enrolment"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    enrolled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    user = relationship("User", foreign_keys=[user_id])
    course = relationship("Course")


class LessonProgress(db.Model):
    """A lesson a learner completed (a quiz: passed), recorded once."""

    __tablename__ = "course_lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lesson.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuizAttempt(db.Model):
    """One submitted attempt at a quiz, graded on the server; never changed afterwards."""

    __tablename__ = "course_quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    lesson_id: Mapped[int] = mapped_column(
        ForeignKey("course_lesson.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    percent: Mapped[int]
    passed: Mapped[bool]
    language: Mapped[str] = mapped_column(String(5), default="ky")
    #: question id (as text) → what was answered: choice ids, or the number typed.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: question id (as text) → points earned, as graded then.
    points: Mapped[dict] = mapped_column(JSON, default=dict)


class Certificate(db.Model):
    """Proof that a learner completed a course, checkable by anyone at /certificates/<code>.

    The name, title, hours and organisation are copied when it is issued, so later edits of
    the course or the profile do not change what was certified.
    """

    __tablename__ = "course_certificate"
    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    learner_name: Mapped[str] = mapped_column(String(120))
    course_title: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    hours: Mapped[float] = mapped_column(Float)
    organisation: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_reason: Mapped[str] = mapped_column(String(300), default="")
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    course = relationship("Course")
