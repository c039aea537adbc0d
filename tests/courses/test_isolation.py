"""Learner B can never read or change learner A's progress, attempts or certificates."""

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from courses.models import Certificate, Course, LessonProgress, QuizAttempt
from courses.services.progress import enrol, mark_lesson_complete
from courses.services.quizzes import read_answers, submit_attempt
from portal.extensions import db
from portal.models import User
from tests.conftest import log_in, post_form
from tests.courses.conftest import course_ids, right_answers, wrong_answers

COURSE = "/courses/private-sector"
NAME_A = "Гүлнара Асанова"


@pytest.fixture
def records(app, make_course, make_user):
    """Learner A completed the course (a failed and a passed attempt, a certificate); learner B
    is enrolled with nothing done. Returns the ids and A's identifying texts."""
    course_id = make_course()
    ids = course_ids(app, course_id)
    a_id, a_email = make_user(name=NAME_A)
    b_id, b_email = make_user(name="Бакыт Бекович")
    with app.app_context():
        a, b = db.session.get(User, a_id), db.session.get(User, b_id)
        course = db.session.get(Course, course_id)
        enrol(a, course)
        enrol(b, course)
        for lesson in course.lessons:
            if lesson.is_quiz:
                for form in (wrong_answers(ids), right_answers(ids)):
                    submit_attempt(a, lesson, read_answers(lesson, MultiDict(form)), "ky")
            else:
                mark_lesson_complete(a, lesson, "ky")
        code = db.session.execute(select(Certificate.code)).scalar_one()
    lessons = {key: ids[key] for key in ("why", "services", "check")}
    people = {"a": a_id, "b": b_id, "a_email": a_email, "b_email": b_email}
    return people | {"code": code, "lessons": lessons, "ids": ids}


def learner_records(app, user_id: int) -> tuple:
    """Everything stored about one learner's progress in the course."""
    with app.app_context():
        progress = db.session.scalars(select(LessonProgress).filter_by(user_id=user_id)).all()
        attempts = db.session.scalars(select(QuizAttempt).filter_by(user_id=user_id)).all()
        certificates = db.session.scalars(select(Certificate).filter_by(user_id=user_id)).all()
        return (
            sorted((row.lesson_id, row.completed_at) for row in progress),
            sorted((row.id, row.percent, repr(row.answers)) for row in attempts),
            sorted((row.code, row.learner_name, row.revoked_at) for row in certificates),
        )


def a_attempt_ids(app, user_id: int) -> list[int]:
    """The ids of learner A's quiz attempts."""
    with app.app_context():
        return list(db.session.scalars(select(QuizAttempt.id).filter_by(user_id=user_id)))


def test_b_cannot_open_a_s_attempts(app, client, records):
    log_in(client, records["b_email"])
    quiz = records["lessons"]["check"]
    for attempt_id in a_attempt_ids(app, records["a"]):
        response = client.get(f"{COURSE}/lessons/{quiz}/attempts/{attempt_id}")
        assert response.status_code == 404
        assert NAME_A not in response.get_data(as_text=True)


def test_b_gets_no_certificate_of_a_s(app, client, records):
    log_in(client, records["b_email"])
    assert client.get(f"{COURSE}/certificate.pdf").status_code == 404
    assert learner_records(app, records["b"]) == ([], [], [])


def test_b_s_pages_never_show_a_s_records(app, client, records):
    log_in(client, records["b_email"])
    lessons = records["lessons"]
    pages = ["/courses/mine", COURSE, "/account/profile", "/"]
    pages += [f"{COURSE}/lessons/{lesson_id}" for lesson_id in lessons.values()]
    for page in pages:
        text = client.get(page).get_data(as_text=True)
        for secret in (NAME_A, records["a_email"], records["code"]):
            assert secret not in text, (page, secret)


def test_tampered_forms_change_only_b_s_own_records(app, client, records):
    before = learner_records(app, records["a"])
    log_in(client, records["b_email"])
    lessons, a_id = records["lessons"], str(records["a"])
    tampered = {"user_id": a_id, "learner_id": a_id, "user": a_id}
    post_form(client, f"{COURSE}/lessons/{lessons['why']}/complete", tampered)
    answers = right_answers(records["ids"]) | tampered
    post_form(client, f"{COURSE}/lessons/{lessons['check']}/attempts", answers)
    assert learner_records(app, records["a"]) == before
    progress, attempts, _certificates = learner_records(app, records["b"])
    assert [lesson for lesson, _at in progress] == sorted([lessons["why"], lessons["check"]])
    assert len(attempts) == 1
