"""Uploads: a corpus of hostile files is refused, good files are stored once and served safely."""

import errno
import hashlib
import io
import os
import stat
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from flask import request
from PIL import Image, ImageFile
from werkzeug.datastructures import FileStorage

from portal import create_app
from portal.config import ConfigurationError
from portal.extensions import db
from portal.uploads import (
    StoredFile,
    UploadRejected,
    send_stored_file,
    store_upload,
    stored_file_path,
)
from portal.uploads.checks import MIB
from tests.conftest import app_settings

EVERYTHING = {"pdf", "docx", "xlsx", "jpg", "jpeg", "png", "webp"}
NOT_ACCEPTED = "This type of file is not accepted. Accepted: "
UNSAFE_ARCHIVE = (
    "The document is not accepted: it has too many parts, unpacks to too much data "
    "or contains unsafe names."
)
SAVE_FAILED = "The file could not be saved. Please try again later."
TOO_MANY_PIXELS = "The image is too large: at most 40 megapixels."
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
EXIF_ORIENTATION, EXIF_MAKE = 0x0112, 0x010F

DOCX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    ),
    "word/document.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>Салам</w:t></w:r></w:p></w:body></w:document>"
    ),
}
XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": DOCX_PARTS["_rels/.rels"].replace("word/document.xml", "xl/workbook.xml"),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/worksheet"/></Relationships>'
    ),
    "xl/worksheets/sheet1.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1"><v>42</v></c></row></sheetData></worksheet>'
    ),
}


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path):
    """Keep uploads in the test's folder and serve them through a tiny download route."""
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    app.add_url_rule("/test-files/<int:file_id>", view_func=download)
    return tmp_path / "uploads"


def download(file_id: int):
    stored = db.get_or_404(StoredFile, file_id)
    name = request.args.get("name", "download")
    return send_stored_file(stored, name, inline="inline" in request.args)


def fetch(client, path: str, **options):
    """GET `path` and close the response, so the served file is closed as a server would."""
    with client.get(path, **options) as response:
        response.get_data()
    return response


def file_storage(data: bytes, filename: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=filename, content_type="text/html")


def upload(app, data: bytes, filename: str, allowed=EVERYTHING) -> int:
    """Store `data` posted as `filename` and commit; return the row's id."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        stored = store_upload(file_storage(data, filename), allowed)
        db.session.commit()
        return stored.id


def rejection(app, data: bytes, filename: str, allowed=EVERYTHING, language="en") -> str:
    """Upload `data`, expect it refused, and return the message the user would read."""
    with app.test_request_context(headers={"Accept-Language": language}):
        with pytest.raises(UploadRejected) as caught:
            store_upload(file_storage(data, filename), allowed)
        return str(caught.value)


def files_under(folder) -> list:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def stored_paths(app) -> list:
    """Every file the database knows of: originals and the web sizes of images."""
    with app.app_context():
        rows = db.session.execute(db.select(StoredFile)).scalars().all()
        every = [stored_file_path(r) for r in rows] + [
            stored_file_path(v) for r in rows for v in r.variants
        ]
        return sorted(set(every))


def stored_rows(app) -> list[StoredFile]:
    with app.app_context():
        rows = db.session.execute(db.select(StoredFile)).scalars().all()
        db.session.expunge_all()
        return rows


def zip_bytes(parts: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in parts.items():
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A DOCX whose document part is 50 MB of zeros, compressed about a thousand times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", DOCX_PARTS["[Content_Types].xml"])
        with archive.open("word/document.xml", "w") as entry:
            for _ in range(50):
                entry.write(bytes(1_000_000))
    return buffer.getvalue()


def many_entries_zip(count: int = 10_000) -> bytes:
    parts = dict(XLSX_PARTS) | {f"xl/media/empty{n}.xml": b"" for n in range(count)}
    return zip_bytes(parts, zipfile.ZIP_STORED)


def zip_from_the_future() -> bytes:
    """A DOCX whose entries claim ZIP version 9.9, which Python's zipfile refuses to read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in DOCX_PARTS.items():
            entry = zipfile.ZipInfo(name)
            entry.extract_version = 99
            archive.writestr(entry, content)
    return buffer.getvalue()


def image_bytes(kind: str, size=(40, 30), mode="RGB", color="teal", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, kind, **options)
    return buffer.getvalue()


def noise_png() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 64).save(buffer, "PNG")
    return buffer.getvalue()


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def huge_png(width: int, height: int) -> bytes:
    """A 1-bit black PNG of width × height, written by hand: a few kilobytes, no pixels held."""
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", pixels)
        + png_chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.cookie)</script></svg>"
)
BAD_UPLOADS = [
    pytest.param(lambda: b"", "empty.pdf", "The file is empty.", id="empty"),
    pytest.param(lambda: MINIMAL_PDF, "report.pdf.exe", NOT_ACCEPTED, id="double-extension"),
    pytest.param(lambda: MINIMAL_PDF, "report", NOT_ACCEPTED, id="no-extension"),
    pytest.param(lambda: b"Deny from all", ".htaccess", NOT_ACCEPTED, id="dotfile"),
    pytest.param(lambda: MINIMAL_PDF, "..pdf", NOT_ACCEPTED, id="only-dots"),
    pytest.param(lambda: SVG_WITH_SCRIPT, "logo.svg", NOT_ACCEPTED, id="svg"),
    pytest.param(lambda: image_bytes("GIF"), "anim.gif", NOT_ACCEPTED, id="gif"),
    pytest.param(
        lambda: b"MZ\x90\x00" + bytes(200),
        "invoice.pdf",
        "The file is not a valid PDF file.",
        id="exe",
    ),
    pytest.param(
        lambda: b"%PDF-1.4\n<html><script>alert(1)</script></html>",
        "polyglot.pdf",
        "The file is not a valid PDF file.",
        id="html-pdf-polyglot",
    ),
    pytest.param(
        lambda: zip_bytes({"readme.txt": "hello"}),
        "plain-zip.docx",
        "The file is not a valid DOCX file.",
        id="zip-without-ooxml-parts",
    ),
    pytest.param(
        lambda: zip_bytes(DOCX_PARTS),
        "letter.xlsx",
        "The file is not a valid XLSX file.",
        id="docx-renamed-xlsx",
    ),
    pytest.param(
        lambda: b"MZ" + bytes(100) + zip_bytes(DOCX_PARTS),
        "self-extracting.docx",
        "The file is not a valid DOCX file.",
        id="exe-with-appended-zip",
    ),
    pytest.param(
        lambda: b"PK\x03\x04" + bytes(100),
        "broken.docx",
        "The file is not a valid DOCX file.",
        id="broken-zip",
    ),
    pytest.param(
        zip_from_the_future,
        "future.docx",
        "The file is not a valid DOCX file.",
        id="unsupported-zip-version",
    ),
    pytest.param(zip_bomb, "bomb.docx", UNSAFE_ARCHIVE, id="zip-bomb"),
    pytest.param(many_entries_zip, "entries.xlsx", UNSAFE_ARCHIVE, id="10000-entries"),
    pytest.param(
        lambda: SVG_WITH_SCRIPT, "logo.png", "The file is not a valid PNG file.", id="svg-as-png"
    ),
    pytest.param(
        lambda: image_bytes("GIF"), "anim.png", "The file is not a valid PNG file.", id="gif-as-png"
    ),
    pytest.param(
        lambda: image_bytes("PNG"),
        "photo.jpg",
        "The file is not a valid JPG file.",
        id="png-as-jpg",
    ),
    pytest.param(
        lambda: noise_png()[:300],
        "truncated.png",
        "The file is not a valid PNG file.",
        id="truncated-png",
    ),
]


@pytest.mark.parametrize("make_data, filename, message", BAD_UPLOADS)
def test_bad_uploads_are_refused_and_leave_nothing(app, upload_dir, make_data, filename, message):
    assert rejection(app, make_data(), filename).startswith(message)
    assert files_under(upload_dir) == []
    assert stored_rows(app) == []


@pytest.mark.parametrize(
    "member",
    ["../evil.xml", "word/../../evil.xml", "/etc/cron.d/evil", "..\\evil.xml", "C:/evil.xml"],
)
def test_archive_names_that_escape_are_refused(app, upload_dir, member):
    data = zip_bytes(DOCX_PARTS | {member: "<x/>"})
    assert rejection(app, data, "paths.docx") == UNSAFE_ARCHIVE
    assert files_under(upload_dir) == []


def test_archive_symlinks_are_refused(app, upload_dir):
    # Found by tests/reliability/test_upload_corpus.py: a DOCX may carry a member that an
    # unpacking tool would turn into a symbolic link to anywhere on disk.
    link = zipfile.ZipInfo("word/media/image1.png")
    link.create_system = 3  # Unix: the mode in the upper external attribute bits counts
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in DOCX_PARTS.items():
            archive.writestr(name, content)
        archive.writestr(link, "/etc/passwd")
    assert rejection(app, buffer.getvalue(), "linked.docx") == UNSAFE_ARCHIVE
    assert files_under(upload_dir) == []


def test_archive_unpacking_to_too_much_is_refused(app, upload_dir):
    app.config["UPLOAD_MAX_UNZIPPED_BYTES"] = 10_000
    data = zip_bytes(DOCX_PARTS | {"word/media/big.bin": bytes(20_000)}, zipfile.ZIP_STORED)
    assert rejection(app, data, "big.docx") == UNSAFE_ARCHIVE
    assert files_under(upload_dir) == []


def test_too_large_is_refused_without_reading_everything(app, upload_dir):
    app.config["UPLOAD_MAX_BYTES"] = MIB
    stream = io.BytesIO(MINIMAL_PDF + bytes(3 * MIB))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(UploadRejected) as caught:
            store_upload(FileStorage(stream, filename="big.pdf"), {"pdf"})
        assert str(caught.value) == "The file is too large: the limit is 1 MB."
    assert stream.tell() == MIB + 1
    assert files_under(upload_dir) == []


def test_a_file_of_exactly_the_limit_is_accepted(app):
    app.config["UPLOAD_MAX_BYTES"] = MIB
    data = MINIMAL_PDF + bytes(MIB - len(MINIMAL_PDF))
    upload(app, data, "exact.pdf")
    assert stored_rows(app)[0].size == MIB


def test_extension_must_be_among_those_the_caller_allows(app, upload_dir):
    message = rejection(app, zip_bytes(DOCX_PARTS), "letter.docx", allowed={"pdf", "png"})
    assert message == NOT_ACCEPTED + "PDF, PNG."
    assert files_under(upload_dir) == []


def test_unknown_allowed_extension_is_a_programming_error(app):
    with app.test_request_context(), pytest.raises(ValueError, match="html"):
        store_upload(file_storage(b"<html>", "page.html"), {"pdf", "html"})


def refuse_to_decode(image):
    raise AssertionError("pixels were decoded; the size must be refused from the header")


@pytest.mark.parametrize(
    "width, height",
    [(10_000, 10_000), (8_000, 6_000), (20_000, 10_000)],
    ids=["100-megapixels", "48-megapixels", "200-megapixels"],
)
def test_huge_images_are_refused_from_the_header(app, upload_dir, monkeypatch, width, height):
    data = huge_png(width, height)
    assert len(data) < 100_000
    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_decode)
    tracemalloc.start()
    try:
        message = rejection(app, data, "poster.png")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message == TOO_MANY_PIXELS
    assert peak < 50 * MIB
    assert files_under(upload_dir) == []


def photo_with_exif_and_trailing_junk() -> bytes:
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6  # the camera was turned: display rotated 90° clockwise
    exif[EXIF_MAKE] = "SecretCam"
    photo = image_bytes("JPEG", (3000, 2000), exif=exif.tobytes(), comment=b"home address")
    return photo + b"<script>alert(1)</script>JUNK"


def test_photo_is_reencoded_upright_small_and_without_metadata(app, upload_dir):
    file_id = upload(app, photo_with_exif_and_trailing_junk(), "Holiday.JPEG")
    with app.app_context():
        stored = db.session.get(StoredFile, file_id)
        saved = stored_file_path(stored).read_bytes()
        assert (stored.kind, stored.extension, stored.content_type) == (
            "image",
            "jpg",
            "image/jpeg",
        )
        assert (stored.width, stored.height, stored.size) == (1067, 1600, len(saved))
        assert stored.sha256 == hashlib.sha256(saved).hexdigest()
        assert stored.created_at.tzinfo is not None
    assert saved.endswith(b"\xff\xd9")
    for secret in (b"SecretCam", b"home address", b"Exif", b"JUNK", b"<script"):
        assert secret not in saved
    with Image.open(io.BytesIO(saved)) as image:
        assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (1067, 1600))
        assert not image.getexif()
    assert stored_file_path_in(upload_dir, stored) in files_under(upload_dir)
    assert files_under(upload_dir) == stored_paths(app)  # the original and its web sizes


def stored_file_path_in(upload_dir, stored: StoredFile):
    sha256 = stored.sha256
    return upload_dir / sha256[:2] / sha256[2:4] / f"{sha256}.{stored.extension}"


def test_png_keeps_transparency_and_loses_text_chunks(app):
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Comment", "secret text")
    data = image_bytes("PNG", (2400, 1200), "RGBA", (255, 0, 0, 0), pnginfo=text)
    file_id = upload(app, data, "logo.png")
    with app.app_context():
        stored = db.session.get(StoredFile, file_id)
        saved = stored_file_path(stored).read_bytes()
    assert b"secret text" not in saved
    with Image.open(io.BytesIO(saved)) as image:
        assert (image.format, image.mode, image.size) == ("PNG", "RGBA", (1600, 800))
        assert image.getpixel((0, 0))[3] == 0


@pytest.mark.parametrize("mode, color", [("RGBA", (0, 0, 0, 0)), ("RGB", "navy")])
def test_webp_becomes_a_jpeg_on_white(app, mode, color):
    file_id = upload(app, image_bytes("WEBP", (200, 100), mode, color), "picture.webp")
    with app.app_context():
        stored = db.session.get(StoredFile, file_id)
        assert (stored.extension, stored.width, stored.height) == ("jpg", 200, 100)
        with Image.open(stored_file_path(stored)) as image:
            assert image.format == "JPEG"
            if mode == "RGBA":
                assert image.getpixel((0, 0)) >= (250, 250, 250)


def test_palette_png_with_transparency_is_accepted(app):
    icon = Image.new("P", (50, 50), 0)
    icon.putpalette([255, 0, 0, 0, 255, 0])
    icon.paste(1, (25, 0, 50, 50))
    buffer = io.BytesIO()
    icon.save(buffer, "PNG", transparency=0)
    file_id = upload(app, buffer.getvalue(), "icon.png")
    with app.app_context():
        with Image.open(stored_file_path(db.session.get(StoredFile, file_id))) as image:
            assert image.mode == "RGBA"
            assert image.getpixel((0, 0))[3] == 0
            assert image.getpixel((49, 0)) == (0, 255, 0, 255)


@pytest.mark.parametrize(
    "data, filename, extension, content_type",
    [
        (MINIMAL_PDF, "REPORT.PDF", "pdf", "application/pdf"),
        (zip_bytes(DOCX_PARTS), "letter.docx", "docx", "wordprocessingml.document"),
        (zip_bytes(XLSX_PARTS), "budget.xlsx", "xlsx", "spreadsheetml.sheet"),
    ],
)
def test_real_documents_are_stored_unchanged(
    app, upload_dir, data, filename, extension, content_type
):
    file_id = upload(app, data, filename)
    with app.app_context():
        stored = db.session.get(StoredFile, file_id)
        assert stored_file_path(stored).read_bytes() == data
        assert (stored.kind, stored.extension) == ("document", extension)
        assert stored.content_type.endswith(content_type)
        assert (stored.width, stored.height) == (None, None)
    assert len(files_under(upload_dir)) == 1


def test_same_content_twice_is_one_row_and_one_file(app, upload_dir):
    photo = image_bytes("JPEG", (800, 600))
    first = upload(app, photo, "a.jpg")
    second = upload(app, photo, "copy of a.jpeg")
    assert first == second
    assert len(stored_rows(app)) == 1
    assert files_under(upload_dir) == stored_paths(app)  # its web sizes only once, too


def test_a_lost_file_is_written_again_for_its_existing_row(app, upload_dir):
    file_id = upload(app, MINIMAL_PDF, "a.pdf")
    (only_file,) = files_under(upload_dir)
    only_file.unlink()
    assert upload(app, MINIMAL_PDF, "again.pdf") == file_id
    assert only_file.read_bytes() == MINIMAL_PDF


def test_a_concurrent_upload_of_the_same_bytes_reuses_the_first_row(app, monkeypatch):
    first = upload(app, MINIMAL_PDF, "a.pdf")
    # As if another worker inserted the row between this upload's lookup and its insert.
    monkeypatch.setattr("portal.uploads.find_stored_file", lambda sha256: None)
    assert upload(app, MINIMAL_PDF, "b.pdf") == first
    assert len(stored_rows(app)) == 1


def no_space_left(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing_call", ["fsync", "replace"])
def test_full_disk_is_refused_and_leaves_no_partial_file(
    app, upload_dir, monkeypatch, failing_call
):
    monkeypatch.setattr(os, failing_call, no_space_left)
    assert rejection(app, MINIMAL_PDF, "report.pdf") == SAVE_FAILED
    assert files_under(upload_dir) == []
    assert stored_rows(app) == []


def test_rejection_speaks_the_users_language(app):
    assert rejection(app, b"", "empty.pdf", language="ru") == "Файл пуст."
    assert rejection(app, b"", "empty.pdf", language="ky") == "Файл бош."


def test_download_is_a_sandboxed_attachment_cached_for_a_year(app, client):
    file_id = upload(app, MINIMAL_PDF, "report.pdf")
    response = fetch(client, f"/test-files/{file_id}?name=Annual report.pdf")
    assert response.status_code == 200
    assert response.data == MINIMAL_PDF
    assert response.headers["Content-Disposition"] == 'attachment; filename="Annual report.pdf"'
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.cache_control.max_age == 31536000
    assert response.cache_control.immutable
    assert response.cache_control.private and not response.cache_control.public
    sha256 = hashlib.sha256(MINIMAL_PDF).hexdigest()
    assert response.headers["ETag"] == f'"{sha256}"'
    revisit = fetch(client, f"/test-files/{file_id}", headers={"If-None-Match": f'"{sha256}"'})
    assert revisit.status_code == 304


@pytest.mark.parametrize(
    "name, expected",
    [
        ("../../etc/passwd", "filename=etc passwd.pdf"),
        ('a"b\r\nSet-Cookie: x=1', "filename=a b Set-Cookie x=1.pdf"),
        ("invoice\u202efdp.exe", "filename=invoice fdp.exe.pdf"),
        ("photo.JPG", "filename=photo.pdf"),
        ("report.pdf.pdf", "filename=report.pdf"),
        ("...", "filename=file.pdf"),
        ("Отчёт 2024", "filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82%202024.pdf"),
    ],
)
def test_download_name_is_sanitised_and_keeps_the_real_extension(app, client, name, expected):
    file_id = upload(app, MINIMAL_PDF, "report.pdf")
    response = fetch(client, f"/test-files/{file_id}", query_string={"name": name})
    disposition = response.headers["Content-Disposition"].replace('"', "")
    assert disposition.startswith("attachment;")
    assert expected in disposition


def test_images_may_be_shown_inline_documents_never(app, client):
    image_id = upload(app, image_bytes("PNG"), "chart.png")
    pdf_id = upload(app, MINIMAL_PDF, "report.pdf")
    image = fetch(client, f"/test-files/{image_id}?inline=1&name=chart")
    assert image.headers["Content-Disposition"] == "inline; filename=chart.png"
    assert image.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert image.mimetype == "image/png"
    pdf = fetch(client, f"/test-files/{pdf_id}?inline=1")
    assert pdf.headers["Content-Disposition"].startswith("attachment;")


def test_missing_file_on_disk_is_404(app, client, upload_dir):
    file_id = upload(app, MINIMAL_PDF, "report.pdf")
    for path in files_under(upload_dir):
        path.unlink()
    assert fetch(client, f"/test-files/{file_id}").status_code == 404


def test_upload_dir_defaults_to_the_instance_folder_and_follows_the_environment(
    tmp_path, monkeypatch
):
    settings = app_settings(tmp_path)
    settings.pop("UPLOAD_DIR")
    app = create_app(settings)
    assert app.config["UPLOAD_DIR"] == os.path.join(app.instance_path, "uploads")
    monkeypatch.setenv("PORTAL_UPLOAD_DIR", str(tmp_path / "shared"))
    assert create_app(settings).config["UPLOAD_DIR"] == str(tmp_path / "shared")


def test_upload_limit_must_stay_below_the_request_limit(tmp_path):
    settings = app_settings(tmp_path) | {"UPLOAD_MAX_BYTES": 50 * MIB}
    with pytest.raises(ConfigurationError, match="MAX_CONTENT_LENGTH"):
        create_app(settings)
