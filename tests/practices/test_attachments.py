"""Trainers attach files to practices; bad files are refused with a message, good ones served."""

import io
import os

from PIL import Image

from portal.models import Role
from tests.conftest import post_form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(client, slug, name, content, **fields):
    data = {"title": fields.pop("title", ""), "file": (io.BytesIO(content), name), **fields}
    return post_form(
        client,
        f"/practices/{slug}/files",
        data,
        token_from=f"/practices/{slug}/edit",
        content_type="multipart/form-data",
    )


def png_bytes(size=(40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def stored_files(app) -> list[str]:
    root = app.config["UPLOAD_DIR"]
    return [name for _dir, _subdirs, names in os.walk(root) for name in names]


def test_attach_a_pdf_and_download_it(app, client, login_as, make_practice):
    trainer_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    response = upload(client, "karakol-waste", "report.pdf", PDF, title="Келишим")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/practices/karakol-waste").get_data(as_text=True)
    assert "Келишим" in page
    anonymous = app.test_client()
    link = page.split('href="/practices/karakol-waste/files/', 1)[1].split('"', 1)[0]
    with anonymous.get(f"/practices/karakol-waste/files/{link}") as download:
        assert download.status_code == 200 and download.data == PDF
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "attachment" in download.headers["Content-Disposition"]
        assert download.cache_control.public  # a published practice's files may be cached


def test_bad_uploads_get_a_message_and_leave_nothing(app, client, login_as, make_practice):
    trainer_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    cases = [
        ("setup.pdf", b"MZ\x90\x00" + b"\x00" * 100),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("archive.zip", b"PK\x03\x04" + b"\x00" * 100),
        ("page.pdf", b"%PDF-1.4\n<html><script>alert(1)</script>"),
        ("program.exe", b"MZ"),
    ]
    for name, content in cases:
        response = upload(client, "karakol-waste", name, content)
        assert response.status_code == 422, name
        assert 'class="flash flash-error"' in response.get_data(as_text=True), name
    assert stored_files(app) == []


def test_missing_file_is_a_clear_error(client, login_as, make_practice):
    trainer_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    response = post_form(
        client,
        "/practices/karakol-waste/files",
        {"title": "x"},
        token_from="/practices/karakol-waste/edit",
    )
    assert response.status_code == 422
    assert "Choose a file to upload." in response.get_data(as_text=True)


def test_picture_becomes_the_cover(app, client, login_as, make_practice):
    trainer_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    response = upload(client, "karakol-waste", "photo.png", png_bytes(), as_cover="y")
    assert response.status_code == 302
    page = client.get("/practices/karakol-waste").get_data(as_text=True)
    assert 'class="cover"' in page and 'width="40" height="30"' in page
    with app.test_client().get("/practices/karakol-waste/cover") as cover:
        assert cover.status_code == 200 and cover.mimetype == "image/png"
        assert "inline" in cover.headers.get("Content-Disposition", "inline")


def test_removing_a_file(client, login_as, make_practice):
    trainer_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    upload(client, "karakol-waste", "report.pdf", PDF, title="Келишим")
    page = client.get("/practices/karakol-waste/edit").get_data(as_text=True)
    action = page.split('action="/practices/karakol-waste/files/', 1)[1].split('"', 1)[0]
    response = post_form(
        client,
        f"/practices/karakol-waste/files/{action}",
        {},
        token_from="/practices/karakol-waste/edit",
    )
    assert response.status_code == 302
    assert "Келишим" not in client.get("/practices/karakol-waste").get_data(as_text=True)
