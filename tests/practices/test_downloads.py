"""A practice downloads as one self-contained HTML file or a PDF, in the language shown."""

import base64
import io
import re

import pypdf
from PIL import Image

from portal.extensions import db
from portal.models import Role
from portal.uploads import save_content
from portal.uploads.checks import check_content
from practices.models import Practice, PracticeAttachment

TITLE_KY = "Таштандыларды чогултуу Караколдо"
BODY_WITH_PICTURES = (
    "## Башы\n\nКараколдо таштандыларды жеке компания чогултат: өрөөн, үй, көң.\n\n"
    "![Сүрөт]({own})\n\n![Сырткы](https://example.org/far.png)"
)


def png_bytes(size=(40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def add_pictures(app, slug: str) -> None:
    """Give the practice a cover and a picture attachment that its Kyrgyz body shows."""
    with app.app_context():
        practice = db.session.execute(db.select(Practice).filter_by(slug=slug)).scalar_one()
        picture = save_content(check_content(png_bytes(), "png", app.config))
        practice.cover = picture
        attachment = PracticeAttachment(stored_file=picture, title="Сүрөт", position=0)
        practice.attachments.append(attachment)
        db.session.flush()
        ky = next(t for t in practice.translations if t.language == "ky")
        own = f"/practices/{slug}/files/{attachment.id}"
        ky.body = BODY_WITH_PICTURES.format(own=own)
        db.session.commit()


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_published_practice_downloads_as_self_contained_html(app, client, make_practice):
    make_practice("karakol-waste")
    add_pictures(app, "karakol-waste")
    response = client.get("/practices/karakol-waste/download.html?lang=ky")
    assert response.status_code == 200 and response.mimetype == "text/html"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''" in disposition and disposition.endswith(".html")
    html = response.get_data(as_text=True)
    assert '<html lang="ky">' in html and f"<title>{TITLE_KY}</title>" in html
    assert "<script" not in html.lower() and "<link" not in html
    assert "өрөөн, үй, көң" in html
    sources = re.findall(r'<img src="([^"]*)"', html)
    assert len(sources) == 2 and all(src.startswith("data:image/png;base64,") for src in sources)
    assert base64.b64decode(sources[0].split(",", 1)[1]).startswith(b"\x89PNG")
    assert 'href="https://example.org/far.png"' in html  # an outside picture is only a link
    assert "http://localhost/practices/karakol-waste/files/" in html
    assert "http://localhost/practices/karakol-waste?lang=ky" in html


def test_language_version_follows_lang(client, make_practice):
    make_practice("karakol-waste")
    html = client.get("/practices/karakol-waste/download.html?lang=ru").get_data(as_text=True)
    assert '<html lang="ru">' in html and "Вывоз мусора в Караколе" in html
    assert TITLE_KY not in html


def test_pdf_keeps_kyrgyz_letters_and_pictures(app, client, make_practice):
    make_practice("karakol-waste")
    add_pictures(app, "karakol-waste")
    response = client.get("/practices/karakol-waste/download.pdf?lang=ky")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith(".pdf")
    text = pdf_text(response.data)
    for words in ("Таштандыларды", "өрөөн", "үй", "көң", "karakol-waste?lang=ky"):
        assert words in text
    reader = pypdf.PdfReader(io.BytesIO(response.data))
    assert any(page.images for page in reader.pages)


def test_draft_is_hidden_from_others_but_not_its_author(app, client, login_as, make_practice):
    author_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=author_id, status="draft")
    assert client.get("/practices/karakol-waste/download.html").status_code == 200
    anonymous = app.test_client()
    for extension in ("html", "pdf"):
        assert anonymous.get(f"/practices/karakol-waste/download.{extension}").status_code == 404
    assert client.get("/practices/karakol-waste/download.txt").status_code == 404


def test_missing_font_is_a_clear_503(app, client, make_practice, monkeypatch, tmp_path):
    make_practice("karakol-waste")
    monkeypatch.setitem(app.config, "CERTIFICATE_FONT", str(tmp_path / "none.ttf"))
    response = client.get("/practices/karakol-waste/download.pdf")
    assert response.status_code == 503 and "HTML" in response.get_data(as_text=True)


def test_pictures_past_the_size_cap_become_a_note(app, client, make_practice, monkeypatch):
    make_practice("karakol-waste")
    add_pictures(app, "karakol-waste")
    monkeypatch.setitem(app.config, "PRINTABLE_IMAGE_BUDGET", 10)
    html = client.get("/practices/karakol-waste/download.html?lang=ky").get_data(as_text=True)
    assert "data:image" not in html
    assert html.count("Picture left out to keep this file small") == 2
    assert client.get("/practices/karakol-waste/download.pdf?lang=ky").status_code == 200


def test_a_picture_with_web_sizes_is_embedded_at_960_pixels(app, client, make_practice):
    from portal.uploads.variants import make_variants

    make_practice("karakol-waste")
    with app.app_context():
        practice = db.session.execute(
            db.select(Practice).filter_by(slug="karakol-waste")
        ).scalar_one()
        practice.cover = save_content(check_content(png_bytes((1400, 1050)), "png", app.config))
        make_variants(practice.cover)
        db.session.commit()
    html = client.get("/practices/karakol-waste/download.html").get_data(as_text=True)
    (source,) = re.findall(r'<img src="data:image/(?:jpeg|png);base64,([^"]*)"', html)
    assert Image.open(io.BytesIO(base64.b64decode(source))).width == 960
    assert 'width="960"' in html
