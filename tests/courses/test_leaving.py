"""Learners leave a course they have not finished, and trainers take learners out of one;
completed lessons and quiz attempts stay, so enrolling again carries on where they stopped."""

from sqlalchemy import func, select

from courses.models import Enrolment, LessonProgress, QuizAttempt
from portal.extensions import db
from portal.models import Role, utcnow
from tests.conftest import log_in, post_form
from tests.courses.conftest import course_ids, wrong_answers

COURSE = "/courses/private-sector"


def enrolled(app, user_id: int) -> bool:
    with app.app_context():
        query = select(Enrolment).filter_by(user_id=user_id)
        return db.session.scalars(query).first() is not None


def records(app, user_id: int) -> tuple[int, int]:
    """(completed lessons, quiz attempts) of a learner."""
    with app.app_context():
        lessons = select(func.count()).select_from(LessonProgress).filter_by(user_id=user_id)
        attempts = select(func.count()).select_from(QuizAttempt).filter_by(user_id=user_id)
        return db.session.scalar(lessons), db.session.scalar(attempts)


def start_course(app, client, ids) -> None:
    """Enrol, complete the first lesson and fail the quiz once."""
    post_form(client, f"{COURSE}/enrol", {}, token_from=COURSE)
    lesson = f"{COURSE}/lessons/{ids['why']}"
    assert post_form(client, f"{lesson}/complete", {}, token_from=lesson).status_code in {302, 303}
    quiz = f"{COURSE}/lessons/{ids['check']}"
    failed = post_form(client, f"{quiz}/attempts", wrong_answers(ids), token_from=lesson)
    assert failed.status_code in {200, 303}


def test_a_learner_leaves_and_comes_back_to_their_progress(app, client, make_course, login_as):
    ids = course_ids(app, make_course("private-sector"))
    learner_id, _ = login_as(Role.LEARNER)
    start_course(app, client, ids)
    assert "Leave the course" in client.get(COURSE).get_data(as_text=True)
    question = client.get(f"{COURSE}/leave").get_data(as_text=True)
    assert "The lessons you completed and your quiz attempts are kept" in question
    left = post_form(client, f"{COURSE}/leave", {})
    assert left.status_code == 303 and left.location.endswith("/courses/mine")
    assert "You have left the course." in client.get("/courses/mine").get_data(as_text=True)
    assert not enrolled(app, learner_id)
    assert records(app, learner_id) == (1, 1)
    assert "Enrol and start" in client.get(COURSE).get_data(as_text=True)
    again = post_form(client, f"{COURSE}/leave", {}, token_from=COURSE)  # a second submit
    assert again.status_code == 303 and not enrolled(app, learner_id)
    post_form(client, f"{COURSE}/enrol", {}, token_from=COURSE)
    page = client.get(COURSE).get_data(as_text=True)
    assert "Continue where you left off" in page and "33% done" in page


def test_a_completed_course_cannot_be_left(app, client, make_course, login_as):
    course_id = make_course("private-sector")
    learner_id, _ = login_as(Role.LEARNER)
    with app.app_context():
        db.session.add(Enrolment(user_id=learner_id, course_id=course_id, completed_at=utcnow()))
        db.session.commit()
    assert "Leave the course" not in client.get(COURSE).get_data(as_text=True)
    question = client.get(f"{COURSE}/leave")
    assert question.status_code == 200
    assert "it stays in your records" in question.get_data(as_text=True)
    refused = post_form(client, f"{COURSE}/leave", {})
    assert refused.status_code == 409 and enrolled(app, learner_id)


def test_the_invitation_warning_and_the_csrf_check(app, client, make_course, login_as):
    course_id = make_course("private-sector", enrolment="invitation")
    learner_id, _ = login_as(Role.LEARNER)
    with app.app_context():
        db.session.add(Enrolment(user_id=learner_id, course_id=course_id))
        db.session.commit()
    page = client.get(f"{COURSE}/leave").get_data(as_text=True)
    assert "you will need its trainer to enrol you again" in page
    assert client.post(f"{COURSE}/leave", data={}).status_code == 400
    assert enrolled(app, learner_id)
    assert client.get("/courses/no-such-course/leave").status_code == 404


def test_leaving_is_in_the_learners_language(app, client, make_course, login_as):
    make_course("private-sector")
    login_as(Role.LEARNER, language="ky")
    post_form(client, f"{COURSE}/enrol", {}, token_from=COURSE)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ky"
    page = client.get(f"{COURSE}/leave").get_data(as_text=True)
    assert "курсунан чыгасызбы?" in page and "Leave the course" not in page


def trainer_and_learner(app, client, make_user, make_course, **course):
    """A trainer logged in on `client`, their course and an enrolled learner's id."""
    trainer_id, trainer_email = make_user(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id, **course)
    learner_id, _ = make_user(Role.LEARNER, name="Нурлан Садыков")
    with app.app_context():
        db.session.add(Enrolment(user_id=learner_id, course_id=course_id))
        db.session.add(
            LessonProgress(
                user_id=learner_id, course_id=course_id, lesson_id=course_ids(app, course_id)["why"]
            )
        )
        db.session.commit()
    log_in(client, trainer_email)
    return course_id, learner_id


def test_a_trainer_removes_a_learner_who_keeps_their_records(app, client, make_user, make_course):
    _course_id, learner_id = trainer_and_learner(app, client, make_user, make_course)
    listing = client.get(f"{COURSE}/learners").get_data(as_text=True)
    assert f"/learners/{learner_id}/remove" in listing
    removed = post_form(
        client, f"{COURSE}/learners/{learner_id}/remove", {}, token_from=f"{COURSE}/learners"
    )
    assert removed.status_code == 303
    page = client.get(f"{COURSE}/learners").get_data(as_text=True)
    assert "Нурлан Садыков is no longer enrolled." in page and "No learners yet." in page
    assert not enrolled(app, learner_id) and records(app, learner_id) == (1, 0)
    gone = post_form(
        client, f"{COURSE}/learners/{learner_id}/remove", {}, token_from=f"{COURSE}/learners"
    )
    assert gone.status_code == 404


def test_completed_learners_are_not_removed(app, client, make_user, make_course):
    course_id, learner_id = trainer_and_learner(app, client, make_user, make_course)
    with app.app_context():
        enrolment = db.session.scalars(select(Enrolment).filter_by(user_id=learner_id)).one()
        enrolment.completed_at = utcnow()
        db.session.commit()
    assert f"/learners/{learner_id}/remove" not in client.get(f"{COURSE}/learners").get_data(
        as_text=True
    )
    refused = post_form(
        client, f"{COURSE}/learners/{learner_id}/remove", {}, token_from=f"{COURSE}/learners"
    )
    assert refused.status_code == 409
    assert "Learners who completed the course" in refused.get_data(as_text=True)
    assert enrolled(app, learner_id)


def test_only_the_courses_trainer_removes_its_learners(app, client, make_user, make_course):
    _course_id, learner_id = trainer_and_learner(app, client, make_user, make_course)
    other = app.test_client()
    _other_id, other_email = make_user(Role.TRAINER)
    log_in(other, other_email)
    path = f"{COURSE}/learners/{learner_id}/remove"
    token_page = post_form(other, path, {}, token_from="/courses/manage")
    assert token_page.status_code == 403 and enrolled(app, learner_id)
