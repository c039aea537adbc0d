"""A full disk while a trainer uploads: a clear message (507), the typed input kept, no partial
file and no row. The load test's fault run (benchmarks/load/run.py --faults) does the same
against a real full file system."""

import errno
import html
import io
import os

import pytest
from sqlalchemy import func, select

from courses.models import LessonFile
from portal.extensions import db
from portal.models import Role
from portal.uploads import StoredFile
from practices.models import PracticeAttachment
from tests.conftest import post_form
from tests.courses.test_authoring_lessons import FAKE_MP4, edit_url, lesson_ids, new_video_lesson

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"%" * 4096
SAVE_FAILED = {
    "en": "The file could not be saved. Please try again later.",
    "ky": "Файлды сактоо мүмкүн болгон жок. Кийинчерээк кайра аракет кылып көрүңүз.",
    "ru": "Не удалось сохранить файл. Пожалуйста, повторите попытку позже.",
}


def fail_with(number: int):
    """A stand-in for os.fsync / os.replace that fails as a full disk (or quota) would."""

    def failing(*_args, **_kwargs):
        raise OSError(number, os.strerror(number))

    return failing


def files_left(app) -> list[str]:
    """Every file under UPLOAD_DIR, temporary ones included."""
    return [name for _dir, _subdirs, names in os.walk(app.config["UPLOAD_DIR"]) for name in names]


def row_count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def post_upload(client, path: str, token_from: str, fields: dict):
    return post_form(
        client, path, fields, token_from=token_from, content_type="multipart/form-data"
    )


@pytest.mark.parametrize(
    "failing_call, number, status",
    [
        ("fsync", errno.ENOSPC, 507),  # the bytes are in the temporary file, not yet durable
        ("replace", errno.ENOSPC, 507),  # written and synced, then the rename fails
        ("fsync", errno.EDQUOT, 507),
        ("fsync", errno.EFBIG, 507),
        ("fsync", errno.EIO, 500),  # not a lack of room: still the message, but a 500
    ],
)
def test_practice_attachment_on_a_full_disk(
    app, client, login_as, make_practice, monkeypatch, failing_call, number, status
):
    trainer_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    monkeypatch.setattr(os, failing_call, fail_with(number))
    fields = {"title": "Келишим 2024", "file": (io.BytesIO(PDF), "report.pdf")}
    response = post_upload(
        client, "/practices/karakol-waste/files", "/practices/karakol-waste/edit", fields
    )
    monkeypatch.undo()
    assert response.status_code == status
    page = page_text(response)
    assert SAVE_FAILED["en"] in page
    assert 'value="Келишим 2024"' in page  # the title the trainer typed is still there
    assert "Таштандыларды чогултуу Караколдо" in page  # and the editor shows the practice
    assert files_left(app) == []
    assert row_count(app, StoredFile) == 0
    assert row_count(app, PracticeAttachment) == 0


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_the_message_is_in_the_trainers_language(
    app, client, login_as, make_practice, monkeypatch, language
):
    trainer_id, _email = login_as(Role.TRAINER, language=language)
    make_practice("karakol-waste", author_id=trainer_id)
    monkeypatch.setattr(os, "fsync", fail_with(errno.ENOSPC))
    fields = {"title": "", "file": (io.BytesIO(PDF), "report.pdf")}
    path, editor = "/practices/karakol-waste/files", "/practices/karakol-waste/edit"
    response = post_upload(client, path, editor, fields)
    assert response.status_code == 507
    assert SAVE_FAILED[language] in page_text(response)


def test_lesson_file_on_a_full_disk(app, client, login_as, make_course, monkeypatch):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    lesson_id = lesson_ids(app)["why"]
    monkeypatch.setattr(os, "replace", fail_with(errno.ENOSPC))
    fields = {"title": "Үлгү келишим", "file": (io.BytesIO(PDF), "contract.pdf")}
    path = f"/courses/private-sector/lessons/{lesson_id}/files"
    response = post_upload(client, path, edit_url(lesson_id), fields)
    monkeypatch.undo()
    assert response.status_code == 507
    page = page_text(response)
    assert SAVE_FAILED["en"] in page
    assert 'value="Үлгү келишим"' in page
    assert files_left(app) == []
    assert row_count(app, StoredFile) == 0
    assert row_count(app, LessonFile) == 0


@pytest.mark.parametrize("failing_call", ["fsync", "replace"])
def test_video_on_a_full_disk(app, client, login_as, make_course, monkeypatch, failing_call):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    created = new_video_lesson(app, client, "https://video.example.kg/budget")
    lesson_id = int(created.location.split("/lessons/")[1].split("/")[0])
    monkeypatch.setattr(os, failing_call, fail_with(errno.ENOSPC))
    fields = {"video": (io.BytesIO(FAKE_MP4), "budget.mp4")}
    path = f"/courses/private-sector/lessons/{lesson_id}/video/upload"
    response = post_upload(client, path, edit_url(lesson_id), fields)
    monkeypatch.undo()
    assert response.status_code == 507
    assert SAVE_FAILED["en"] in page_text(response)
    assert files_left(app) == []
    assert row_count(app, StoredFile) == 0


def test_the_same_upload_succeeds_once_there_is_room(
    app, client, login_as, make_practice, monkeypatch
):
    trainer_id, _email = login_as(Role.TRAINER)
    make_practice("karakol-waste", author_id=trainer_id)
    path, editor = "/practices/karakol-waste/files", "/practices/karakol-waste/edit"
    monkeypatch.setattr(os, "fsync", fail_with(errno.ENOSPC))
    full = post_upload(client, path, editor, {"title": "A", "file": (io.BytesIO(PDF), "a.pdf")})
    assert full.status_code == 507
    monkeypatch.undo()
    again = post_upload(client, path, editor, {"title": "A", "file": (io.BytesIO(PDF), "a.pdf")})
    assert again.status_code == 302
    assert row_count(app, StoredFile) == 1 and row_count(app, PracticeAttachment) == 1
    assert len(files_left(app)) == 1
