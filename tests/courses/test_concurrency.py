"""Four processes record the same learner's lessons and quiz attempts at once: one completion
row per lesson, every attempt kept, the course completed once, one certificate."""

import multiprocessing

from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from courses.models import Certificate, Course, Enrolment, LessonProgress, QuizAttempt
from courses.services.progress import enrol
from portal import create_app
from portal.extensions import db
from portal.models import User
from tests.conftest import app_settings
from tests.courses.conftest import course_ids, right_answers

WORKERS = 4
ROUNDS = 5


def _learn(settings: dict, user_id: int, course_id: int, ids: dict) -> None:
    """Mark every reading lesson complete and submit a passing attempt, ROUNDS times."""
    from courses.services import quizzes
    from courses.services.progress import mark_lesson_complete

    app = create_app(settings)
    form = MultiDict()
    for name, value in right_answers(ids).items():
        for item in value if isinstance(value, list) else [value]:
            form.add(name, item)
    for _round in range(ROUNDS):
        with app.app_context():
            user, course = db.session.get(User, user_id), db.session.get(Course, course_id)
            for lesson in course.lessons:
                if lesson.is_quiz:
                    answers = quizzes.read_answers(lesson, form)
                    quizzes.submit_attempt(user, lesson, answers, "ky")
                else:
                    mark_lesson_complete(user, lesson, "ky")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_four_processes_record_one_learner_at_once(app, make_user, make_course, tmp_path):
    user_id, _ = make_user()
    course_id = make_course("private-sector")
    ids = course_ids(app, course_id)
    with app.app_context():
        enrol(db.session.get(User, user_id), db.session.get(Course, course_id))
    context = multiprocessing.get_context("spawn")
    settings = app_settings(tmp_path)
    workers = [
        context.Process(target=_learn, args=(settings, user_id, course_id, ids))
        for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    with app.app_context():
        assert count(LessonProgress) == 3  # two readings and the passed quiz, once each
        assert count(QuizAttempt) == WORKERS * ROUNDS  # every attempt kept
        assert count(Certificate) == 1
        enrolment = db.session.scalars(select(Enrolment)).one()
        assert enrolment.completed_at is not None
