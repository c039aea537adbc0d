"""The lesson editor: texts, settings of each kind, cited practices, video and files."""

import io

from sqlalchemy import select

from courses.models import Course, Lesson
from portal.auth.services import create_user
from portal.extensions import db
from portal.models import Role
from tests.conftest import TEST_PASSWORD, log_in, post_form
from tests.courses.conftest import build_course

FAKE_MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 2048
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def lesson_ids(app, slug: str = "private-sector") -> dict[str, int]:
    """Lesson ids by key, and the first section's id as "section"."""
    with app.app_context():
        course = db.session.execute(select(Course).filter_by(slug=slug)).scalar_one()
        return {lesson.key: lesson.id for lesson in course.lessons} | {
            "section": course.sections[0].id
        }


def stored_lesson(app, lesson_id: int) -> dict:
    """A lesson's stored settings, texts, video and files."""
    with app.app_context():
        lesson = db.session.get(Lesson, lesson_id)
        if lesson is None:
            return {}
        columns = ("minutes", "required", "video_url", "pass_mark", "max_attempts")
        facts = {name: getattr(lesson, name) for name in columns}
        return facts | {
            "policy": lesson.attempt_policy,
            "shuffle": (lesson.shuffle_questions, lesson.shuffle_choices),
            "practices": list(lesson.practice_slugs),
            "texts": {t.language: (t.title, t.body) for t in lesson.translations},
            "video": lesson.video_file.kind if lesson.video_file else None,
            "files": [(item.title, item.stored_file.extension) for item in lesson.files],
        }


def reading_form(**overrides) -> dict:
    """The editor form of the fixture's first reading lesson, with changes."""
    data = {
        "ky-title": "Эмне үчүн?",
        "ky-body": "## Себеп\n\nЖеке сектор.",
        "ru-title": "Почему?",
        "ru-body": "",
        "minutes": "20",
        "practices": "",
    }
    return data | overrides


def edit_url(lesson_id: int, slug: str = "private-sector") -> str:
    """The lesson editor's address."""
    return f"/courses/{slug}/lessons/{lesson_id}/edit"


def test_editing_a_lesson_saves_texts_settings_and_cited_practices(
    app, client, login_as, make_course, make_practice
):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    make_practice("karakol-waste")
    lesson_id = lesson_ids(app)["why"]
    page = client.get(edit_url(lesson_id)).get_data(as_text=True)
    assert 'name="ky-title"' in page and 'name="pass_mark"' not in page
    assert 'name="video_url"' not in page
    practices = "karakol-waste, no-such-practice karakol-waste"
    response = post_form(client, edit_url(lesson_id), reading_form(practices=practices))
    assert response.status_code == 303
    stored = stored_lesson(app, lesson_id)
    assert stored["minutes"] == 20 and stored["required"] is False
    assert stored["practices"] == ["karakol-waste", "no-such-practice"]
    assert stored["texts"] == {
        "ky": ("Эмне үчүн?", "## Себеп\n\nЖеке сектор."),
        "ru": ("Почему?", ""),
    }
    page = client.get(edit_url(lesson_id)).get_data(as_text=True)
    assert "published practices: no-such-practice." in page
    assert "published practices: karakol-waste" not in page


def test_lesson_preview_and_bad_input(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    lesson_id = lesson_ids(app)["why"]
    preview = post_form(client, edit_url(lesson_id), reading_form(preview="1"))
    assert preview.status_code == 200 and "<h2>Себеп</h2>" in preview.get_data(as_text=True)
    assert stored_lesson(app, lesson_id)["minutes"] == 10
    cases = [
        ({"minutes": "-5"}, "Number must be between 0 and 600."),
        ({"practices": "Not A Slug"}, "Not a web address of a practice: Not, A, Slug"),
        ({"ky-title": "", "ru-title": "", "ky-body": "", "ru-body": ""}, "at least one language"),
    ]
    for overrides, message in cases:
        response = post_form(client, edit_url(lesson_id), reading_form(**overrides))
        assert response.status_code == 422, overrides
        assert message in response.get_data(as_text=True), overrides
    assert stored_lesson(app, lesson_id)["minutes"] == 10


def test_quiz_settings_are_checked_and_saved(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    quiz_id = lesson_ids(app)["check"]
    quiz = {"ky-title": "Текшерүү", "ky-body": "", "ru-title": "", "ru-body": "", "minutes": "5"}
    wrong = post_form(client, edit_url(quiz_id), quiz | {"pass_mark": "101", "max_attempts": "0"})
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert (
        "Number must be between 0 and 100." in page and "Number must be between 1 and 100." in page
    )
    settings = {"pass_mark": "80", "max_attempts": "3", "attempt_policy": "last"}
    settings |= {"shuffle_questions": "y", "shuffle_choices": "y"}
    assert post_form(client, edit_url(quiz_id), quiz | settings).status_code == 303
    stored = stored_lesson(app, quiz_id)
    assert (stored["pass_mark"], stored["max_attempts"], stored["policy"]) == (80, 3, "last")
    assert stored["shuffle"] == (True, True)
    unlimited = quiz | settings | {"max_attempts": ""}
    post_form(client, edit_url(quiz_id), unlimited)
    assert stored_lesson(app, quiz_id)["max_attempts"] is None


def new_video_lesson(app, client, video_url: str = ""):
    """Create a video lesson in the fixture course's section; returns the response."""
    section_id = lesson_ids(app)["section"]
    path = f"/courses/private-sector/sections/{section_id}/lessons/new?kind=video"
    data = {"ky-title": "Видео", "ky-body": "", "ru-title": "", "ru-body": "", "minutes": "7"}
    return post_form(client, path, data | {"video_url": video_url, "practices": ""})


def upload_video(client, lesson_id: int, name: str, content: bytes):
    """Send a video file to the lesson's upload form."""
    return post_form(
        client,
        f"/courses/private-sector/lessons/{lesson_id}/video/upload",
        {"video": (io.BytesIO(content), name)},
        token_from=edit_url(lesson_id),
        content_type="multipart/form-data",
    )


def test_video_lessons_take_a_link_or_an_uploaded_video(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    refused = new_video_lesson(app, client, "javascript:alert(1)")
    assert refused.status_code == 422
    assert "Give a web address starting with https://." in refused.get_data(as_text=True)
    created = new_video_lesson(app, client, "https://video.example.kg/budget")
    lesson_id = int(created.location.split("/lessons/")[1].split("/")[0])
    assert stored_lesson(app, lesson_id)["video_url"] == "https://video.example.kg/budget"
    renamed = upload_video(client, lesson_id, "notes.mp4", b"These are my notes, not a video.")
    assert renamed.status_code == 422
    assert "The file is not a valid MP4 file." in renamed.get_data(as_text=True)
    accepted = upload_video(client, lesson_id, "budget.mp4", FAKE_MP4)
    assert accepted.status_code == 303
    assert stored_lesson(app, lesson_id)["video"] == "video"
    with client.get(f"/courses/private-sector/lessons/{lesson_id}/video") as served:
        assert served.status_code == 200 and served.data == FAKE_MP4
    removed = post_form(
        client,
        f"/courses/private-sector/lessons/{lesson_id}/video/delete",
        {},
        token_from=edit_url(lesson_id),
    )
    assert removed.status_code == 303 and stored_lesson(app, lesson_id)["video"] is None
    reading = lesson_ids(app)["why"]
    assert upload_video(client, reading, "budget.mp4", FAKE_MP4).status_code == 400


def test_only_the_video_upload_may_exceed_the_request_limit(make_app):
    app = make_app(
        MAX_CONTENT_LENGTH=64 * 1024,
        UPLOAD_MAX_BYTES=32 * 1024,
        UPLOAD_VIDEO_MAX_BYTES=1024 * 1024,
    )
    with app.app_context():
        trainer = create_user("video-trainer@example.kg", TEST_PASSWORD, "T", role=Role.TRAINER)
        course = build_course("private-sector", author_id=trainer.id)
        course.sections[0].lessons[0].kind = "video"
        db.session.add(course)
        db.session.commit()
        lesson_id = course.sections[0].lessons[0].id
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    log_in(client, "video-trainer@example.kg")
    large_video = FAKE_MP4 + b"\x00" * (200 * 1024)
    stranger = app.test_client()  # not logged in: the limit stays, the body is not read
    refused = post_form(
        stranger,
        f"/courses/private-sector/lessons/{lesson_id}/video/upload",
        {"video": (io.BytesIO(large_video), "long.mp4")},
        token_from="/",
        content_type="multipart/form-data",
    )
    assert refused.status_code == 413
    assert upload_video(client, lesson_id, "long.mp4", large_video).status_code == 303
    too_large = post_form(
        client,
        f"/courses/private-sector/lessons/{lesson_id}/files",
        {"title": "", "file": (io.BytesIO(PDF + b"\x00" * 200 * 1024), "big.pdf")},
        token_from=edit_url(lesson_id),
        content_type="multipart/form-data",
    )
    assert too_large.status_code == 413


def upload_file(client, lesson_id: int, name: str, content: bytes, title: str = ""):
    """Send a file to the lesson's files form."""
    return post_form(
        client,
        f"/courses/private-sector/lessons/{lesson_id}/files",
        {"title": title, "file": (io.BytesIO(content), name)},
        token_from=edit_url(lesson_id),
        content_type="multipart/form-data",
    )


def test_files_are_attached_checked_and_removed(app, client, login_as, make_course):
    trainer_id, _ = login_as(Role.TRAINER)
    make_course("private-sector", author_id=trainer_id)
    make_course("other-course", author_id=trainer_id)
    lesson_id = lesson_ids(app)["why"]
    assert upload_file(client, lesson_id, "Келишим.pdf", PDF).status_code == 303
    assert upload_file(client, lesson_id, "x.pdf", PDF, title="Үлгү").status_code == 303
    assert stored_lesson(app, lesson_id)["files"] == [("Келишим", "pdf"), ("Үлгү", "pdf")]
    refused = upload_file(client, lesson_id, "setup.exe", b"MZ\x90\x00")
    assert refused.status_code == 422
    assert "This type of file is not accepted." in refused.get_data(as_text=True)
    fake = upload_file(client, lesson_id, "report.pdf", b"<html><script>")
    assert fake.status_code == 422
    assert "The file is not a valid PDF file." in fake.get_data(as_text=True)
    page = client.get(edit_url(lesson_id)).get_data(as_text=True)
    file_id = int(page.split(f"/lessons/{lesson_id}/files/")[1].split("/")[0].split('"')[0])
    with client.get(f"/courses/private-sector/lessons/{lesson_id}/files/{file_id}") as download:
        assert download.status_code == 200 and download.data == PDF
    other_lesson = lesson_ids(app, "other-course")["why"]
    delete = f"/courses/private-sector/lessons/{other_lesson}/files/{file_id}/delete"
    assert post_form(client, delete, {}, token_from="/").status_code == 404
    delete = f"/courses/private-sector/lessons/{lesson_id}/files/{file_id}/delete"
    assert post_form(client, delete, {}, token_from="/").status_code == 303
    assert stored_lesson(app, lesson_id)["files"] == [("Үлгү", "pdf")]
