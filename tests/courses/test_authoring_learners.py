"""Trainers see a course's learners and enrol accounts by e-mail (invitation-only courses)."""

from sqlalchemy import select

from courses.models import Enrolment
from portal.extensions import db
from portal.models import Role, utcnow
from tests.conftest import log_in, post_form

LEARNERS = "/courses/private-sector/learners"


def enrolments(app, course_id: int) -> dict[int, int | None]:
    """Who is enrolled in the course, and by whom."""
    with app.app_context():
        rows = db.session.scalars(select(Enrolment).filter_by(course_id=course_id))
        return {row.user_id: row.enrolled_by_id for row in rows}


def test_trainers_enrol_accounts_by_email(app, client, make_user, make_course):
    trainer_id, trainer_email = make_user(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id, enrolment="invitation")
    first_id, first_email = make_user(Role.LEARNER, municipality="Каракол шаары")
    second_id, _ = make_user(Role.LEARNER, email="aigul@example.kg", name="Айгүл Асанова")
    log_in(client, trainer_email)
    typed = f"{first_email}\n  AIGUL@example.kg \nnobody@example.kg\nnot-an-address\n"
    response = post_form(client, LEARNERS, {"emails": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "2 learners enrolled." in page
    assert "No account uses these addresses:" in page and "<li>nobody@example.kg</li>" in page
    assert "These are not e-mail addresses:" in page and "<li>not-an-address</li>" in page
    assert "nobody@example.kg\nnot-an-address</textarea>" in page
    assert enrolments(app, course_id) == {first_id: trainer_id, second_id: trainer_id}
    listing = client.get(LEARNERS).get_data(as_text=True)
    assert "Айгүл Асанова" in listing and "aigul@example.kg" in listing
    assert "Каракол шаары" in listing and "2 learners are enrolled." in listing
    again = post_form(client, LEARNERS, {"emails": first_email})
    assert again.status_code == 303
    assert "1 was already enrolled." in client.get(LEARNERS).get_data(as_text=True)
    empty = post_form(client, LEARNERS, {"emails": ""})
    assert empty.status_code == 422 and "This field is required." in empty.get_data(as_text=True)


def test_enrolled_learners_can_take_an_invitation_course(app, client, make_user, make_course):
    trainer_id, trainer_email = make_user(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id, enrolment="invitation")
    _learner_id, learner_email = make_user(Role.LEARNER)
    log_in(client, trainer_email)
    post_form(client, LEARNERS, {"emails": learner_email})
    learner = app.test_client()
    learner.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(learner, learner_email)
    page = learner.get("/courses/private-sector").get_data(as_text=True)
    assert "This course is by invitation" not in page and "Start the course" in page


def test_the_list_shows_when_learners_completed(app, client, make_user, make_course):
    trainer_id, trainer_email = make_user(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    learner_id, _ = make_user(Role.LEARNER)
    with app.app_context():
        db.session.add(Enrolment(user_id=learner_id, course_id=course_id, completed_at=utcnow()))
        db.session.commit()
    log_in(client, trainer_email)
    page = client.get(LEARNERS).get_data(as_text=True)
    assert page.count("<td>—</td>") == 1  # no municipality; the completion date is shown


def test_only_the_courses_editors_see_its_learners(client, make_user, make_course, login_as):
    owner_id, _ = make_user(Role.TRAINER)
    make_course("private-sector", author_id=owner_id)
    login_as(Role.TRAINER)
    assert client.get(LEARNERS).status_code == 403
    assert client.get("/courses/no-such-course/learners").status_code == 404
