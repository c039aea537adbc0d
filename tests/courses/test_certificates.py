"""Certificates: the PDF of a completed course, its QR code, the public page and revocation."""

import io
import os
from datetime import UTC, datetime
from pathlib import Path

import pypdf
import pytest
import segno
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from courses.certificate_pdf import (
    FONT_SETTINGS,
    CertificateFontMissing,
    render_certificate,
)
from courses.models import Certificate, Course, Enrolment
from courses.services.certificates import revoke
from courses.services.progress import enrol, mark_lesson_complete
from courses.services.quizzes import read_answers, submit_attempt
from portal.extensions import db
from portal.models import Role, User
from tests.conftest import csrf_token, log_in, post_form
from tests.courses.conftest import course_ids, right_answers

LEARNER_NAME = "Айгүл Өмүрбекова Жаңылова"
COURSE_TITLE_KY = "Жеке секторду тартуу"
PDF_URL = "/courses/private-sector/certificate.pdf"


@pytest.fixture
def fonts():
    """Skip PDF tests where DejaVu Sans is missing, except in CI, where that is a failure."""
    missing = [path for _style, path in FONT_SETTINGS.values() if not Path(path).is_file()]
    if missing and not os.environ.get("CI"):
        pytest.skip(f"DejaVu Sans is not installed at {missing[0]} (Debian: fonts-dejavu-core)")


def complete_course(app, course_id: int, user_id: int, language: str = "ky") -> None:
    """Take every lesson of the fixture course as the learner would, passing the quiz."""
    answers = MultiDict(right_answers(course_ids(app, course_id)))
    with app.app_context():
        user, course = db.session.get(User, user_id), db.session.get(Course, course_id)
        enrol(user, course)
        for lesson in course.lessons:
            if lesson.is_quiz:
                submit_attempt(user, lesson, read_answers(lesson, answers), language)
            else:
                mark_lesson_complete(user, lesson, language)


@pytest.fixture
def learner(app, make_course, make_user):
    """A learner (name with ө ү ң) who completed the course, which issued the certificate:
    (user id, e-mail)."""
    course_id = make_course()
    user_id, email = make_user(name=LEARNER_NAME, language="ky")
    complete_course(app, course_id, user_id)
    return user_id, email


def test_completion_issues_the_certificate_in_the_language_read(app, make_course, make_user):
    course_id = make_course()
    user_id, _email = make_user(name=LEARNER_NAME, language="ky")
    complete_course(app, course_id, user_id, language="ru")
    with app.app_context():
        certificate = db.session.execute(select(Certificate)).scalar_one()
        enrolment = db.session.execute(select(Enrolment)).scalar_one()
        assert (certificate.user_id, certificate.language) == (user_id, "ru")
        assert certificate.course_title == "Привлечение частного сектора"
        assert certificate.learner_name == LEARNER_NAME
        assert certificate.issued_at == enrolment.completed_at is not None


def test_turning_certificates_on_issues_them_for_earlier_completions(
    app, client, make_course, make_user, login_as
):
    course_id = make_course(certificate=False)
    learner_id, _email = make_user(language="ru")
    complete_course(app, course_id, learner_id)
    assert certificate_code(app, learner_id) is None
    trainer_id = login_as(Role.TRAINER)[0]
    with app.app_context():
        db.session.get(Course, course_id).author_id = trainer_id
        db.session.commit()
    edited = {
        "slug": "private-sector",
        "enrolment": "open",
        "organisation": "Helvetas",
        "hours": "",
        "certificate": "y",
        "ky-title": COURSE_TITLE_KY,
        "ky-summary": "Кыска курс.",
        "ru-title": "Привлечение частного сектора",
        "ru-summary": "Курс.",
    }
    assert post_form(client, "/courses/private-sector/edit", edited).status_code == 303
    with app.app_context():
        certificate = db.session.execute(select(Certificate)).scalar_one()
        assert (certificate.user_id, certificate.language) == (learner_id, "ru")


def certificate_code(app, user_id: int) -> str | None:
    """The code of the learner's certificate, if one was issued."""
    with app.app_context():
        query = select(Certificate.code).filter_by(user_id=user_id)
        return db.session.execute(query).scalar_one_or_none()


def pdf_page(response):
    """The one page of a PDF response."""
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    return reader.pages[0]


def test_the_pdf_shows_who_completed_what_in_kyrgyz(app, client, learner, fonts):
    log_in(client, learner[1])
    response = client.get(PDF_URL)
    page = pdf_page(response)
    code = certificate_code(app, learner[0])
    assert f"certificate-{code}.pdf" in response.headers["Content-Disposition"]
    text = page.extract_text()
    for expected in (LEARNER_NAME, COURSE_TITLE_KY, code, f"http://localhost/certificates/{code}"):
        assert expected in text
    assert "ЖӨБ порталы" in text  # the labels speak the certificate's language, not English
    assert page.mediabox.width > page.mediabox.height  # landscape


def test_the_qr_code_encodes_the_verification_address(app, client, learner, fonts):
    log_in(client, learner[1])
    (image,) = pdf_page(client.get(PDF_URL)).images
    url = f"http://localhost/certificates/{certificate_code(app, learner[0])}"
    expected = [list(row) for row in segno.make_qr(url, error="m").matrix]
    assert qr_modules(image.image, len(expected)) == expected


def qr_modules(image, count: int, border: int = 4) -> list[list[int]]:
    """The dark (1) and light (0) modules of a QR image of `count` modules and a quiet zone."""
    grey = image.convert("L")
    scale = grey.width / (count + 2 * border)
    centre = [round((border + index + 0.5) * scale) for index in range(count)]
    return [[int(grey.getpixel((x, y)) < 128) for x in centre] for y in centre]


def test_long_names_and_titles_stay_on_one_page(app, fonts):
    name = " ".join(["Гүлнара-Өмүрбүбү Жаңыбаева"] * 5)[:120]
    title = " ".join(["Жергиликтүү өз алдынча башкаруу органдарынын кызматтары"] * 4)[:200]
    certificate = Certificate(
        code="7KQM-3XRT-HW9P",
        learner_name=name,
        course_title=title,
        language="ru",
        hours=12.5,
        organisation="Ассоциация городов Кыргызской Республики и Helvetas " * 3,
        issued_at=datetime(2025, 3, 4, 20, 0, tzinfo=UTC),
    )
    with app.test_request_context("/"):
        pdf = render_certificate(certificate, "https://portal.example.kg/")
    page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
    origins = []
    text = page.extract_text(visitor_text=lambda *args: origins.append(args[2][4:6]))
    assert all(word in text for word in name.split()[:-1] + title.split()[:-1])
    assert "5 марта 2025" in text and "12,5" in text  # Bishkek's date, Russian number format
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert all(0 <= x < width and 0 <= y < height for x, y in origins)


def test_only_the_learner_who_completed_the_course_gets_a_pdf(
    app, client, learner, make_course, make_user, fonts
):
    make_course("second-course")
    assert client.get(PDF_URL).status_code == 302  # anonymous: asked to log in
    other_id, other_email = make_user()
    other = app.test_client()
    log_in(other, other_email)
    assert other.get(PDF_URL).status_code == 404  # not theirs: each learner gets only their own
    assert certificate_code(app, other_id) is None
    log_in(client, learner[1])
    assert client.get("/courses/second-course/certificate.pdf").status_code == 404
    assert client.get("/courses/no-such-course/certificate.pdf").status_code == 404
    assert client.get(PDF_URL).status_code == 200


def test_the_public_page_accepts_codes_as_typed(app, client, learner):
    code = certificate_code(app, learner[0])
    page = client.get(f"/certificates/{code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert LEARNER_NAME in html and COURSE_TITLE_KY in html and "This certificate is valid" in html
    assert "Revoke certificate" not in html
    for typed in (code.lower(), code.replace("-", ""), code.replace("-", "").lower()):
        response = client.get(f"/certificates/{typed}")
        assert response.status_code == 301
        assert response.location.endswith(f"/certificates/{code}")
    assert client.get("/certificates/AAAA-BBBB-CCCC").status_code == 404
    assert client.get("/certificates/nonsense").status_code == 404


def revoke_learners_certificate(app, user_id: int, reason: str) -> None:
    """Revoke through the service, as the admin form does."""
    with app.app_context():
        certificate = db.session.execute(select(Certificate).filter_by(user_id=user_id)).scalar()
        revoke(certificate, reason)


def in_kyrgyz(app, fragment: str) -> str:
    """The Kyrgyz translation of the catalog message that contains `fragment` (the learner
    of these tests reads the portal in Kyrgyz)."""
    from babel.messages.pofile import read_po

    from portal.config import PROJECT_ROOT

    path = PROJECT_ROOT / "translations/ky/LC_MESSAGES/messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    return next(m.string for m in catalog if isinstance(m.id, str) and fragment in m.id)


def test_a_revoked_certificate_says_so_and_its_pdf_is_gone(app, client, learner):
    code = certificate_code(app, learner[0])
    revoke_learners_certificate(app, learner[0], "Тест башка адам тарабынан тапшырылган.")
    html = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "was revoked on" in html and "Тест башка адам тарабынан тапшырылган." in html
    assert "This certificate is valid" not in html
    log_in(client, learner[1])
    response = client.get(PDF_URL)
    assert response.status_code == 410 and response.mimetype == "text/html"
    assert "Тест башка адам тарабынан тапшырылган." in response.get_data(as_text=True)
    assert in_kyrgyz(app, "is no longer valid")[-25:] in response.get_data(as_text=True)


def test_an_admin_revokes_with_a_reason_and_can_reinstate(app, client, learner, login_as):
    code = certificate_code(app, learner[0])
    page = f"/certificates/{code}"
    login_as(Role.ADMIN)
    assert "Revoke certificate" in client.get(page).get_data(as_text=True)
    refused = post_form(client, f"{page}/revoke", {"reason": "  "}, token_from=page)
    assert refused.status_code == 422 and "This certificate is valid" in refused.get_data(
        as_text=True
    )
    revoked = post_form(client, f"{page}/revoke", {"reason": "Көчүрүлгөн тест."}, token_from=page)
    assert revoked.status_code == 302 and revoked.location.endswith(page)
    html = client.get(page).get_data(as_text=True)
    assert "Көчүрүлгөн тест." in html and "Reinstate certificate" in html
    again = post_form(client, f"{page}/revoke", {"reason": "Дагы."}, token_from=page)
    assert again.status_code == 409
    assert post_form(client, f"{page}/reinstate", {}, token_from=page).status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "This certificate is valid" in html and "Көчүрүлгөн" not in html
    assert post_form(client, f"{page}/reinstate", {}, token_from=page).status_code == 409


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER])
def test_only_admins_may_revoke_or_reinstate(app, client, learner, login_as, role):
    code = certificate_code(app, learner[0])
    page = f"/certificates/{code}"
    token = csrf_token(client, page)
    anonymous = client.post(f"{page}/revoke", data={"csrf_token": token, "reason": "x"})
    assert anonymous.status_code == 302 and "/account/login" in anonymous.location
    assert client.post(f"{page}/revoke", data={"reason": "x"}).status_code == 400  # no token
    login_as(role)
    assert "Revoke certificate" not in client.get(page).get_data(as_text=True)
    for action in ("revoke", "reinstate"):
        response = post_form(client, f"{page}/{action}", {"reason": "x"}, token_from=page)
        assert response.status_code == 403
    assert "This certificate is valid" in client.get(page).get_data(as_text=True)


def test_a_missing_font_answers_503_with_a_clear_message(
    app, client, learner, monkeypatch, tmp_path, caplog
):
    missing = tmp_path / "no-such-font.ttf"
    monkeypatch.setitem(app.config, "CERTIFICATE_FONT_BOLD", str(missing))
    log_in(client, learner[1])
    response = client.get(PDF_URL)
    assert response.status_code == 503
    assert in_kyrgyz(app, "a font is missing")[:40] in response.get_data(as_text=True)
    assert str(missing) in caplog.text and "fonts-dejavu-core" in caplog.text
    with app.test_request_context("/"), pytest.raises(CertificateFontMissing, match="fonts-dej"):
        render_certificate(Certificate(code="7KQM-3XRT-HW9P"), "http://localhost/")
