"""Trainers delete a draft course nobody has taken; a course with learners' records stays."""

from sqlalchemy import func, select

from courses.models import Certificate, Course, Enrolment, Lesson, Section
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.models import Role, utcnow
from tests.conftest import log_in, post_form

COURSE = "/courses/private-sector"


def count(app, model, **where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def found(client, query: str) -> list[str]:
    data = client.get("/api/search", query_string={"q": query}).get_json()
    return [result["slug"] for result in data["results"]]


def test_a_trainer_unpublishes_then_deletes_their_course(app, client, make_user, make_course):
    trainer_id, trainer_email = make_user(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id)
    assert "private-sector" in found(client, "Жеке секторду тартуу")
    log_in(client, trainer_email)
    assert "Delete this course" in client.get(f"{COURSE}/edit").get_data(as_text=True)
    published = client.get(f"{COURSE}/delete").get_data(as_text=True)
    assert "cannot be deleted" in published and "Unpublish the course first" in published
    refused = post_form(client, f"{COURSE}/delete", {}, token_from=f"{COURSE}/edit")
    assert refused.status_code == 409 and count(app, Course) == 1
    post_form(client, f"{COURSE}/publish", {"action": "unpublish"}, token_from=f"{COURSE}/edit")
    question = client.get(f"{COURSE}/delete").get_data(as_text=True)
    assert "Its 3 lessons are deleted with it" in question
    deleted = post_form(client, f"{COURSE}/delete", {})
    assert deleted.status_code == 303 and deleted.location.endswith("/courses/manage")
    assert "The course has been deleted." in client.get("/courses/manage").get_data(as_text=True)
    assert (count(app, Course), count(app, Section), count(app, Lesson)) == (0, 0, 0)
    assert client.get(COURSE).status_code == 404
    assert found(client, "Жеке секторду тартуу") == [] and found(client, "кызматтарды") == []
    with app.app_context():
        event = db.session.scalars(select(AuditEvent)).one()
        assert (event.action, event.actor_id) == ("course.deleted", trainer_id)
        assert event.details == {"course_id": course_id, "slug": "private-sector"}
    assert "Course deleted" in admin_view_of_the_trail(app, make_user)


def admin_view_of_the_trail(app, make_user) -> str:
    admin = app.test_client()
    admin.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(admin, make_user(Role.ADMIN)[1])
    return admin.get("/admin/audit").get_data(as_text=True)


def test_a_course_with_learners_or_certificates_stays(app, client, make_user, make_course):
    trainer_id, trainer_email = make_user(Role.TRAINER)
    course_id = make_course("private-sector", author_id=trainer_id, status="draft")
    learner_id, _ = make_user(Role.LEARNER)
    with app.app_context():
        db.session.add(Enrolment(user_id=learner_id, course_id=course_id, completed_at=utcnow()))
        db.session.add(
            Certificate(
                code="ABCD-1234",
                user_id=learner_id,
                course_id=course_id,
                learner_name="A",
                course_title="T",
                language="ky",
                hours=2,
            )
        )
        db.session.commit()
    log_in(client, trainer_email)
    page = client.get(f"{COURSE}/delete").get_data(as_text=True)
    assert "1 learner is enrolled: their progress must not be lost." in page
    assert "1 certificate was issued for it and must stay verifiable." in page
    assert 'class="danger"' not in page
    refused = post_form(client, f"{COURSE}/delete", {}, token_from=f"{COURSE}/edit")
    assert refused.status_code == 409
    assert count(app, Course) == 1 and count(app, Enrolment) == 1 and count(app, AuditEvent) == 0


def test_only_the_courses_trainer_or_an_admin_deletes_it(app, client, make_user, make_course):
    owner_id, _ = make_user(Role.TRAINER)
    make_course("private-sector", author_id=owner_id, status="draft")
    _other_id, other_email = make_user(Role.TRAINER)
    log_in(client, other_email)
    assert client.get(f"{COURSE}/delete").status_code == 403
    assert (
        post_form(client, f"{COURSE}/delete", {}, token_from="/courses/manage").status_code == 403
    )
    assert client.post(f"{COURSE}/delete", data={}).status_code == 400
    admin = app.test_client()
    log_in(admin, make_user(Role.ADMIN)[1])
    assert (
        post_form(admin, f"{COURSE}/delete", {}, token_from=f"{COURSE}/delete").status_code == 303
    )
    assert count(app, Course) == 0
