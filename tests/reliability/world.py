"""A furnished sample world: the route × role matrix's samples with files, a cover, a video
lesson, a quiz attempt and a certificate, so that every route has something real to show."""

import io

from PIL import Image

from tests.conftest import post_form
from tests.courses.test_certificates import complete_course
from tests.portal.test_access import make_samples

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048
COURSE = "/courses/sample-course"


def png_bytes(size=(40, 30)) -> bytes:
    """A small red PNG."""
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def upload(owner, path: str, field: str, content: bytes, name: str, token_from: str, **fields):
    """Send a file through an upload form as `owner`; the upload must be accepted."""
    data = {field: (io.BytesIO(content), name), **fields}
    response = post_form(
        owner, path, data, token_from=token_from, content_type="multipart/form-data"
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]


def build_world(app, make_practice, owner, owner_id: int) -> None:
    """The matrix's samples owned by `owner` (a logged-in test client of an admin or trainer),
    furnished with every kind of file and a completed course."""
    make_samples(app, make_practice, owner_id)
    practice_edit = "/practices/sample/edit"
    upload(owner, "/practices/sample/files", "file", PDF, "plan.pdf", practice_edit)
    upload(
        owner, "/practices/sample/files", "file", png_bytes(), "c.png", practice_edit, as_cover="y"
    )
    lesson_edit = f"{COURSE}/lessons/1/edit"
    upload(owner, f"{COURSE}/lessons/1/files", "file", PDF, "notes.pdf", lesson_edit)
    complete_course(app, 1, owner_id)  # before the video lesson, which would be required too
    add_video_lesson(owner)


def add_video_lesson(owner) -> str:
    """A video lesson at the end of section 1, with an uploaded video; returns its path."""
    created = post_form(
        owner,
        f"{COURSE}/sections/1/lessons/new?kind=video",
        {"minutes": "5", "ky-title": "Видео", "ky-body": "Көрүңүз.", "practices": ""},
        token_from=COURSE + "/edit",
    )
    assert created.status_code == 303, created.get_data(as_text=True)[:500]
    edit_path = created.location.removeprefix("http://localhost")
    lesson_path = edit_path.removesuffix("/edit")
    upload(owner, f"{lesson_path}/video/upload", "video", FAKE_MP4, "v.mp4", edit_path)
    return lesson_path
