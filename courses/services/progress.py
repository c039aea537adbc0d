"""Enrolment, completed lessons and course completion, safe under double submits and tabs."""

from dataclasses import dataclass, field

from sqlalchemy import delete, select, update

from courses.models import (
    AttemptPolicy,
    Course,
    CourseStatus,
    Enrolment,
    EnrolmentPolicy,
    Lesson,
    LessonProgress,
    QuizAttempt,
)
from courses.services.certificates import issue_certificate
from portal.database import insert_once
from portal.extensions import db
from portal.models import User, utcnow
from portal.signals import course_completed


class NotAllowed(Exception):
    """The learner may not do this (not enrolled, course closed, invitation only)."""


@dataclass
class QuizResult:
    """A learner's attempts at one quiz and the one that counts."""

    attempts: int = 0
    counted_percent: int | None = None
    passed: bool = False


@dataclass
class CourseState:
    """Where a learner stands in a course: what is done, what is left, what comes next."""

    enrolment: Enrolment | None
    done: set[int] = field(default_factory=set)
    quizzes: dict[int, QuizResult] = field(default_factory=dict)
    left: list[Lesson] = field(default_factory=list)
    next_lesson: Lesson | None = None
    required_count: int = 0

    @property
    def percent(self) -> int:
        """Share of the required lessons done."""
        if not self.required_count:
            return 100 if self.enrolment else 0
        return round(100 * (self.required_count - len(self.left)) / self.required_count)

    @property
    def complete(self) -> bool:
        """Every required lesson done and every required quiz passed."""
        return self.enrolment is not None and not self.left

    @property
    def started(self) -> bool:
        """Whether any lesson is done or any quiz tried."""
        return bool(self.done) or any(result.attempts for result in self.quizzes.values())


def enrolment_of(user: User, course: Course) -> Enrolment | None:
    """The learner's enrolment in the course, if any."""
    if not user.is_authenticated:
        return None
    return db.session.execute(
        select(Enrolment).filter_by(user_id=user.id, course_id=course.id)
    ).scalar_one_or_none()


def enrol(user: User, course: Course, by: User | None = None) -> Enrolment:
    """Enrol a learner (idempotent); by themselves only in open, published courses."""
    if by is None and (
        course.status != CourseStatus.PUBLISHED or course.enrolment != EnrolmentPolicy.OPEN
    ):
        raise NotAllowed("this course is not open for enrolment")
    values = {"user_id": user.id, "course_id": course.id, "enrolled_at": utcnow()}
    values |= {"last_activity_at": values["enrolled_at"], "enrolled_by_id": by.id if by else None}
    insert_once(Enrolment, values, ["user_id", "course_id"])
    db.session.commit()
    return enrolment_of(user, course)


def leave(user: User, course: Course) -> bool:
    """Take a learner out of a course they have not completed (False if they were not in it).

    Their completed lessons and quiz attempts stay, so enrolling again carries on where they
    stopped; the one statement cannot remove an enrolment completed meanwhile in another tab.
    """
    removed = db.session.execute(
        delete(Enrolment).where(
            Enrolment.user_id == user.id,
            Enrolment.course_id == course.id,
            Enrolment.completed_at.is_(None),
        )
    )
    db.session.commit()
    return removed.rowcount == 1


def course_state(user: User, course: Course) -> CourseState:
    """The learner's progress through the course, computed from their records."""
    enrolment = enrolment_of(user, course)
    state = CourseState(enrolment)
    if enrolment is None:
        state.next_lesson = next(iter(course.lessons), None)
        state.required_count = sum(lesson.required for lesson in course.lessons)
        state.left = [lesson for lesson in course.lessons if lesson.required]
        return state
    state.done = completed_lesson_ids(user.id, course.id)
    state.quizzes = quiz_results(user.id, course)
    for lesson in course.lessons:
        finished = state.quizzes[lesson.id].passed if lesson.is_quiz else lesson.id in state.done
        if lesson.required:
            state.required_count += 1
            if not finished:
                state.left.append(lesson)
        if not finished and state.next_lesson is None:
            state.next_lesson = lesson
    return state


def completed_lesson_ids(user_id: int, course_id: int) -> set[int]:
    """Lessons of the course the learner marked complete (quizzes: passed at least once)."""
    rows = db.session.execute(
        select(LessonProgress.lesson_id).filter_by(user_id=user_id, course_id=course_id)
    )
    return {lesson_id for (lesson_id,) in rows}


def quiz_results(user_id: int, course: Course) -> dict[int, QuizResult]:
    """Every quiz of the course with the learner's attempts and the result that counts."""
    quizzes = {lesson.id: lesson for lesson in course.lessons if lesson.is_quiz}
    results = {lesson_id: QuizResult() for lesson_id in quizzes}
    attempts = db.session.execute(
        select(QuizAttempt.lesson_id, QuizAttempt.percent)
        .filter_by(user_id=user_id, course_id=course.id)
        .order_by(QuizAttempt.id)
    )
    for lesson_id, percent in attempts:
        result = results.get(lesson_id)
        if result is None:
            continue
        result.attempts += 1
        best = quizzes[lesson_id].attempt_policy == AttemptPolicy.BEST
        if best and result.counted_percent is not None:
            percent = max(percent, result.counted_percent)
        result.counted_percent = percent
    for lesson_id, result in results.items():
        counted = result.counted_percent
        result.passed = counted is not None and counted >= quizzes[lesson_id].pass_mark
    return results


def mark_lesson_complete(user: User, lesson: Lesson, language: str) -> bool:
    """Record that the learner completed a lesson; True if this call recorded it.

    Safe to repeat: the row is inserted once, and the answer is only given after commit.
    `language` is the one the learner reads the course in, for a certificate issued now.
    """
    enrolment = require_enrolment(user, lesson.course)
    recorded = record_completion(user.id, lesson)
    touch(enrolment)
    db.session.commit()
    finish_course_if_complete(user, lesson.course, language)
    return recorded


def record_completion(user_id: int, lesson: Lesson) -> bool:
    """Insert the completion row unless it exists (the caller commits)."""
    values = {
        "user_id": user_id,
        "lesson_id": lesson.id,
        "course_id": lesson.course_id,
        "completed_at": utcnow(),
    }
    return insert_once(LessonProgress, values, ["user_id", "lesson_id"])


def require_enrolment(user: User, course: Course) -> Enrolment:
    """The learner's enrolment in a published course, or NotAllowed."""
    enrolment = enrolment_of(user, course)
    if enrolment is None or course.status != CourseStatus.PUBLISHED:
        raise NotAllowed("not enrolled in this course")
    return enrolment


def touch(enrolment: Enrolment) -> None:
    """Note the learner's activity (the caller commits)."""
    db.session.execute(
        update(Enrolment).where(Enrolment.id == enrolment.id).values(last_activity_at=utcnow())
    )


def finish_course_if_complete(user: User, course: Course, language: str) -> bool:
    """Record the course's completion and its certificate once, when nothing required is left.

    True if this call recorded it.
    """
    if not course_state(user, course).complete:
        return False
    completed_at = utcnow()
    finished = db.session.execute(
        update(Enrolment)
        .where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
        .where(Enrolment.completed_at.is_(None))
        .values(completed_at=completed_at)
    )
    if finished.rowcount != 1:
        db.session.rollback()
        return False  # another request (or tab) recorded it first
    issue_certificate(user, course, language, issued_at=completed_at)
    db.session.commit()
    course_completed.send("courses", user_id=user.id, course_id=course.id)
    return True
