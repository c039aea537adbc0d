"""A course downloads as one HTML or PDF file for those who may read its lessons; quizzes
come without their answers."""

import io
import re

import pypdf

from portal.models import Role
from tests.courses.conftest import add_lesson_picture, enrolled_learner

HTML_URL = "/courses/private-sector/download.html"
PDF_URL = "/courses/private-sector/download.pdf"
#: Texts only the answer key, explanations and feedback hold.
ANSWERS = ("108", "Түшүндүрмө", "Пикир", "is_correct", "checked")


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_enrolled_learner_downloads_every_lesson_in_order(app, client, login_as, make_course):
    make_course()
    enrolled_learner(app, login_as)
    add_lesson_picture(app)
    response = client.get(f"{HTML_URL}?lang=ky")
    assert response.status_code == 200 and response.mimetype == "text/html"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "filename*=UTF-8''" in disposition
    html = response.get_data(as_text=True)
    assert '<html lang="ky">' in html and "<script" not in html.lower()
    order = [html.index(title) for title in ("Эмне үчүн?", "Кайсы кызматтар?", "Текшерүү")]
    assert order == sorted(order)
    assert "<strong>кызматтарды</strong>" in html  # Markdown rendered as on the lesson page
    assert re.search(r'<img src="data:image/png;base64,[^"]+"', html)
    assert "Ким таштанды чогултат?" in html and "Жеке ишкана" in html and "Эч ким" in html
    for secret in ANSWERS:
        assert secret not in html


def test_pdf_has_kyrgyz_text_and_no_answers(app, client, login_as, make_course):
    make_course()
    enrolled_learner(app, login_as)
    response = client.get(f"{PDF_URL}?lang=ky")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for words in ("Жеке секторду тартуу", "Эмне үчүн?", "Кайсы кызматтар?", "Кайсылар кызмат?"):
        assert words in text
    for secret in ANSWERS:
        assert secret not in text


def test_language_version(app, client, login_as, make_course):
    make_course()
    enrolled_learner(app, login_as)
    html = client.get(f"{HTML_URL}?lang=ru").get_data(as_text=True)
    assert '<html lang="ru">' in html and "Привлечение частного сектора" in html
    assert "Эмне үчүн? (ru)" in html


def test_only_those_who_may_read_the_lessons(app, client, login_as, make_course):
    make_course()
    for url in (HTML_URL, PDF_URL):
        assert client.get(url).status_code == 302  # anonymous: log in first
    login_as(Role.LEARNER)
    for url in (HTML_URL, PDF_URL):
        assert client.get(url).status_code == 403  # not enrolled


def test_author_may_download_a_draft(app, client, login_as, make_course):
    author_id, _email = login_as(Role.TRAINER)
    make_course(status="draft", author_id=author_id)
    assert client.get(HTML_URL).status_code == 200
    other = app.test_client()
    assert other.get(HTML_URL).status_code == 302
