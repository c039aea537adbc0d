"""Quizzes: the questions a learner sees (never the answers), grading, and attempts.

Answers are graded on the server only. An attempt is appended once per submission; the result
that counts (best or last attempt) is computed from all of them, so nothing is overwritten.
"""

import random
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select

from courses.models import Enrolment, Lesson, Question, QuestionKind, QuizAttempt
from courses.services.progress import (
    NotAllowed,
    finish_course_if_complete,
    record_completion,
    require_enrolment,
    touch,
)
from portal.extensions import db
from portal.models import User, utcnow

NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)?$")
MAX_NUMBER_CHARS = 30


class InvalidAnswers(ValueError):
    """Answers that no honest form can send: choices of other questions, and the like."""


class NoAttemptsLeft(Exception):
    """The learner has used every attempt this quiz allows."""


@dataclass
class Answers:
    """What a learner submitted, per question id: chosen choice ids, or the number typed."""

    choices: dict[int, list[int]] = field(default_factory=dict)
    numbers: dict[int, str] = field(default_factory=dict)
    problems: dict[int, str] = field(default_factory=dict)


def presented_questions(lesson: Lesson, user: User, attempt_number: int) -> list[Question]:
    """The questions in the order this learner sees them in this attempt."""
    questions = list(lesson.questions)
    if lesson.shuffle_questions:
        random.Random(f"{user.id}:{lesson.id}:{attempt_number}:q").shuffle(questions)
    return questions


def presented_choices(lesson: Lesson, question: Question, user: User, attempt_number: int):
    """A question's choices in the order this learner sees them (true/false never shuffled)."""
    choices = list(question.choices)
    if lesson.shuffle_choices and question.kind != QuestionKind.TRUE_FALSE:
        seed = f"{user.id}:{lesson.id}:{attempt_number}:{question.id}"
        random.Random(seed).shuffle(choices)
    return choices


def attempts_used(user: User, lesson: Lesson) -> int:
    """How many attempts the learner has submitted."""
    return db.session.scalar(
        select(func.count())
        .select_from(QuizAttempt)
        .filter_by(user_id=user.id, lesson_id=lesson.id)
    )


def attempts_left(user: User, lesson: Lesson) -> int | None:
    """Attempts the learner may still make; None when unlimited."""
    if lesson.max_attempts is None:
        return None
    return max(0, lesson.max_attempts - attempts_used(user, lesson))


def read_answers(lesson: Lesson, form) -> Answers:
    """The answers in a submitted form (fields q<question id>), checked against the quiz."""
    answers = Answers()
    for question in lesson.questions:
        name = f"q{question.id}"
        if question.kind == QuestionKind.NUMERIC:
            typed = (form.get(name) or "").strip()[:MAX_NUMBER_CHARS]
            if typed and not NUMBER.match(typed):
                answers.problems[question.id] = typed
            answers.numbers[question.id] = typed
        else:
            answers.choices[question.id] = chosen_choices(question, form.getlist(name))
    return answers


def chosen_choices(question: Question, values: list[str]) -> list[int]:
    """The choice ids picked for a question; anything else means a tampered form."""
    valid = {choice.id for choice in question.choices}
    try:
        chosen = sorted({int(value) for value in values})
    except ValueError as error:
        raise InvalidAnswers(f"question {question.id}: not a choice") from error
    if not set(chosen) <= valid:
        raise InvalidAnswers(f"question {question.id}: a choice of another question")
    if question.kind != QuestionKind.MULTIPLE and len(chosen) > 1:
        raise InvalidAnswers(f"question {question.id}: one answer only")
    return chosen


def points_for(question: Question, answers: Answers) -> float:
    """Points earned: all or nothing, except multiple choice (right picks minus wrong ones)."""
    if question.kind == QuestionKind.NUMERIC:
        typed = answers.numbers.get(question.id, "")
        if not typed or question.numeric_answer is None:
            return 0.0
        value = float(typed.replace(",", "."))
        close = abs(value - question.numeric_answer) <= (question.numeric_tolerance or 0) + 1e-9
        return float(question.points) if close else 0.0
    chosen = set(answers.choices.get(question.id, []))
    correct = {choice.id for choice in question.choices if choice.is_correct}
    if question.kind != QuestionKind.MULTIPLE:
        return float(question.points) if chosen and chosen == correct else 0.0
    if not correct:
        return 0.0
    share = (len(chosen & correct) - len(chosen - correct)) / len(correct)
    return round(max(0.0, share) * question.points, 2)


def submit_attempt(user: User, lesson: Lesson, answers: Answers, language: str) -> QuizAttempt:
    """Grade and store an attempt; a pass completes the quiz lesson once."""
    enrolment = require_enrolment(user, lesson.course)
    if not lesson.is_quiz or not lesson.questions:
        raise NotAllowed("not a quiz")
    lock_enrolment(enrolment)
    if lesson.max_attempts is not None and attempts_used(user, lesson) >= lesson.max_attempts:
        db.session.rollback()
        raise NoAttemptsLeft
    attempt = graded_attempt(user, lesson, answers, language)
    db.session.add(attempt)
    if attempt.passed:
        record_completion(user.id, lesson)
    touch(enrolment)
    db.session.commit()
    finish_course_if_complete(user, lesson.course, language)
    return attempt


def lock_enrolment(enrolment: Enrolment) -> None:
    """Serialise a learner's submissions in one course, so an attempts limit holds exactly.

    PostgreSQL locks the row; SQLite transactions already start with BEGIN IMMEDIATE.
    """
    db.session.execute(select(Enrolment.id).where(Enrolment.id == enrolment.id).with_for_update())


def graded_attempt(user: User, lesson: Lesson, answers: Answers, language: str) -> QuizAttempt:
    """A new attempt with its points per question, score, percentage and pass."""
    points = {str(q.id): points_for(q, answers) for q in lesson.questions}
    score, max_score = sum(points.values()), lesson.max_score
    percent = round(100 * score / max_score) if max_score else 0
    stored = {str(qid): ids for qid, ids in answers.choices.items()}
    stored |= {str(qid): typed for qid, typed in answers.numbers.items()}
    return QuizAttempt(
        user_id=user.id,
        lesson_id=lesson.id,
        course_id=lesson.course_id,
        submitted_at=utcnow(),
        score=score,
        max_score=max_score,
        percent=percent,
        passed=percent >= lesson.pass_mark,
        language=language,
        answers=stored,
        points=points,
    )


def learner_attempts(user: User, lesson: Lesson) -> list[QuizAttempt]:
    """The learner's attempts at a quiz, oldest first."""
    return list(
        db.session.scalars(
            select(QuizAttempt)
            .filter_by(user_id=user.id, lesson_id=lesson.id)
            .order_by(QuizAttempt.id)
        )
    )
