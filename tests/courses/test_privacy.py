"""Courses and personal data: the learner's download, and what deletion leaves behind."""

import io
import json
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from courses.certificate_pdf import FONT_SETTINGS, render_certificate
from courses.dashboard import build_learning_section
from courses.models import Certificate, Course
from courses.services.certificates import CERTIFICATE_REINSTATED, CERTIFICATE_REVOKED
from courses.services.progress import enrol, mark_lesson_complete
from courses.services.quizzes import read_answers, submit_attempt
from portal.audit import AuditEvent
from portal.extensions import db
from portal.models import Region, Role, User
from portal.reports import ReportFilters
from tests.conftest import log_in, post_form
from tests.courses.conftest import course_ids, right_answers, wrong_answers
from tests.portal.privacy_helpers import columns_containing, delete_own_account, download_data

NAME_A, EMAIL_A = "Айгүл Өмүрбекова", "aigul@example.kg"
NAME_B, EMAIL_B = "Бакыт Асанов", "bakyt@example.kg"
HIDDEN = "Name not shown (account deleted)"


def take_course(app, course_id: int, user_id: int, failed_first: bool = False) -> None:
    """Take every lesson of the fixture course, passing the quiz (after a failure if asked)."""
    ids = course_ids(app, course_id)
    tries = [wrong_answers(ids)] if failed_first else []
    with app.app_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, course_id)
        enrol(user, course)
        for lesson in course.lessons:
            if not lesson.is_quiz:
                mark_lesson_complete(user, lesson, "ky")
                continue
            for answers in [*tries, right_answers(ids)]:
                submit_attempt(user, lesson, read_answers(lesson, MultiDict(answers)), "ky")


@pytest.fixture
def course_with_two_learners(app, make_course, make_user):
    """A trainer's course that learners A (Naryn, woman) and B completed: the ids."""
    trainer_id, trainer_email = make_user(Role.TRAINER)
    course_id = make_course(author_id=trainer_id)
    with app.app_context():
        naryn = db.session.scalars(select(Region).filter_by(code="naryn")).one().id
    a_id, _email = make_user(name=NAME_A, email=EMAIL_A, region_id=naryn, gender="female")
    b_id, _email = make_user(name=NAME_B, email=EMAIL_B)
    take_course(app, course_id, a_id, failed_first=True)
    take_course(app, course_id, b_id)
    return {"course": course_id, "a": a_id, "b": b_id, "trainer_email": trainer_email}


def code_of(app, user_id: int) -> str:
    """The code of the learner's certificate."""
    with app.app_context():
        return db.session.scalars(select(Certificate.code).filter_by(user_id=user_id)).one()


def test_the_download_holds_the_learners_own_learning_and_nothing_of_another(
    app, client, course_with_two_learners
):
    ids = course_with_two_learners
    log_in(client, EMAIL_A)
    learning = download_data(client)["sections"]["courses"]
    assert [e["course"] for e in learning["enrolments"]] == ["private-sector"]
    assert learning["enrolments"][0]["completed_at"] is not None
    assert len(learning["completed_lessons"]) == 3  # two readings and the passed quiz
    attempts = learning["quiz_attempts"]
    assert [(a["percent"], a["passed"]) for a in attempts] == [(25, False), (100, True)]
    assert all(a["answers"] and a["points"] and a["max_score"] == 4 for a in attempts)
    [certificate] = learning["certificates"]
    code = code_of(app, ids["a"])
    assert certificate["code"] == code and certificate["name_on_certificate"] == NAME_A
    assert certificate["verification_url"] == f"http://localhost/certificates/{code}"
    text = json.dumps(learning, ensure_ascii=False)
    assert code_of(app, ids["b"]) not in text and NAME_B not in text and EMAIL_B not in text


def test_a_trainers_download_lists_the_courses_they_wrote(app, client, course_with_two_learners):
    log_in(client, course_with_two_learners["trainer_email"])
    learning = download_data(client)["sections"]["courses"]
    assert [c["course"] for c in learning["courses_written"]] == ["private-sector"]
    assert learning["enrolments"] == [] and learning["certificates"] == []


def test_after_deletion_the_certificate_still_verifies_without_the_name(
    app, client, course_with_two_learners
):
    code = code_of(app, course_with_two_learners["a"])
    log_in(client, EMAIL_A)
    delete_own_account(client)
    page = client.get(f"/certificates/{code}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is valid." in html
    assert HIDDEN in html and NAME_A not in html
    for fact in (code, "Жеке секторду тартуу", "Helvetas"):
        assert fact in html


def test_a_learner_may_keep_their_name_on_their_certificates(app, client, course_with_two_learners):
    code = code_of(app, course_with_two_learners["a"])
    log_in(client, EMAIL_A)
    delete_own_account(client, keep_name=True)
    html = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert NAME_A in html and HIDDEN not in html
    assert columns_containing(app, NAME_A, EMAIL_A) == ["course_certificate.learner_name"]


def test_nothing_of_the_deleted_learner_is_left_in_the_database(
    app, client, course_with_two_learners
):
    assert "course_certificate.learner_name" in columns_containing(app, NAME_A)
    log_in(client, EMAIL_A)
    delete_own_account(client)
    assert columns_containing(app, NAME_A, EMAIL_A) == []
    assert "course_certificate.learner_name" in columns_containing(app, NAME_B)


def test_the_trainers_report_shows_a_deleted_account(app, client, course_with_two_learners):
    log_in(client, EMAIL_A)
    delete_own_account(client)
    log_in(client, course_with_two_learners["trainer_email"])
    for address in ("/courses/private-sector/report", "/courses/private-sector/report.csv"):
        text = client.get(address).get_data(as_text=True)
        assert "Deleted account" in text and NAME_B in text
        assert NAME_A not in text and EMAIL_A not in text
    learners = client.get("/courses/private-sector/learners").get_data(as_text=True)
    assert "Deleted account" in learners and EMAIL_A not in learners


def learning_numbers(app) -> dict:
    """The dashboard's figures and table rows over all time."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        app.preprocess_request()
        section = build_learning_section(ReportFilters())
        figures = [str(value) for _label, value in section.figures]
        return {"figures": figures} | {table.key: table.rows for table in section.tables}


def test_the_dashboard_still_counts_the_deleted_learner(app, client, course_with_two_learners):
    before = learning_numbers(app)
    naryn = next(row for row in before["regions"] if row[0] == "Naryn Region")
    women = next(row for row in before["genders"] if row[0] == "Women")
    assert naryn[1:] == [1, 1, 1] and women[1:] == [1, 1, 1]
    log_in(client, EMAIL_A)
    delete_own_account(client)
    assert learning_numbers(app) == before
    log_in(client, course_with_two_learners["trainer_email"])
    page = client.get("/reports/?period=all").get_data(as_text=True)
    assert NAME_A not in page and EMAIL_A not in page


def audit_rows(app) -> list[tuple]:
    """Every audit event as (action, actor id, subject id, details)."""
    with app.app_context():
        query = select(AuditEvent).order_by(AuditEvent.id)
        return [
            (e.action, e.actor_id, e.subject_user_id, e.details) for e in db.session.scalars(query)
        ]


def test_revoking_and_reinstating_a_certificate_is_audited(
    app, client, course_with_two_learners, login_as
):
    learner_id = course_with_two_learners["a"]
    code = code_of(app, learner_id)
    page = f"/certificates/{code}"
    admin_id, _email = login_as(Role.ADMIN)
    post_form(client, f"{page}/revoke", {"reason": "Көчүрүлгөн."}, token_from=page)
    post_form(client, f"{page}/reinstate", {}, token_from=page)
    actions = [(action, actor, subject) for action, actor, subject, _d in audit_rows(app)]
    assert actions == [
        (CERTIFICATE_REVOKED, admin_id, learner_id),
        (CERTIFICATE_REINSTATED, admin_id, learner_id),
    ]
    details = audit_rows(app)[0][3]
    assert details["code"] == code and "Көчүрүлгөн." not in json.dumps(details)
    assert "Certificate revoked" in client.get("/admin/audit").get_data(as_text=True)


def test_the_pdf_of_a_nameless_certificate_says_so(app, course_with_two_learners):
    if any(not Path(path).is_file() for _style, path in FONT_SETTINGS.values()):
        pytest.skip("DejaVu Sans is not installed (Debian: fonts-dejavu-core)")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        app.preprocess_request()
        certificate = db.session.scalars(select(Certificate)).first()
        certificate.learner_name, certificate.language = "", "en"
        pdf = render_certificate(certificate, "http://localhost/")
    text = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert HIDDEN in " ".join(text.split()) and certificate.code in text


def test_a_revocation_reason_that_names_the_learner_loses_the_name(
    app, client, course_with_two_learners, login_as
):
    code = code_of(app, course_with_two_learners["a"])
    page = f"/certificates/{code}"
    login_as(Role.ADMIN)
    reason = f"{NAME_A} тестти көчүрүп алган."
    post_form(client, f"{page}/revoke", {"reason": reason}, token_from=page)
    post_form(client, "/account/logout", {}, token_from="/")
    log_in(client, EMAIL_A)
    delete_own_account(client)
    html = client.get(page).get_data(as_text=True)
    assert "тестти көчүрүп алган." in html and NAME_A not in html
    assert columns_containing(app, NAME_A, EMAIL_A) == []


def test_a_deleted_trainers_course_stays_and_names_nobody(app, client, make_course, make_user):
    trainer_name, trainer_email = "Гүлнара Токтогулова", "gulnara@example.kg"
    trainer_id, _email = make_user(Role.TRAINER, name=trainer_name, email=trainer_email)
    make_course(author_id=trainer_id)
    learner_id, learner_email = make_user()
    log_in(client, trainer_email)
    post_form(
        client,
        "/courses/private-sector/learners",
        {"emails": learner_email},
        token_from="/courses/private-sector/learners",
    )
    assert delete_own_account(client).status_code == 302
    assert columns_containing(app, trainer_name, trainer_email) == []
    page = client.get("/courses/private-sector").get_data(as_text=True)
    assert "Trainer: Deleted account" in page and trainer_name not in page
    log_in(client, learner_email)
    learning = download_data(client)["sections"]["courses"]
    assert learning["enrolments"][0]["enrolled_by_a_trainer"] is True
    assert trainer_email not in json.dumps(learning, ensure_ascii=False)
