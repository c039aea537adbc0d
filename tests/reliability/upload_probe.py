"""Send the upload corpus to every upload form, in a process of its own, like a web worker.

Run by tests/reliability/test_upload_corpus.py as
`python -m tests.reliability.upload_probe CONFIG.json`: the config names the folder the app
keeps everything in (database, uploads, search index, temporary files), the corpus files and
where to write the results. For each (file, form) it records the status, the page's message,
the expected message in Kyrgyz and English, the peak memory of the process while the request
ran (VmHWM, reset before each request through /proc/self/clear_refs) and the files that
appeared or changed anywhere under the folder.
"""

import json
import re
import sys
from pathlib import Path

from flask_babel import force_locale
from markupsafe import escape

from portal import create_app
from portal.auth.services import create_user
from portal.extensions import db
from portal.models import Role
from portal.uploads.checks import (
    IMAGE_FORMATS,
    UNSAFE_ARCHIVE,
    UploadRejected,
    allowed_extension,
    image_too_large,
    not_valid,
)
from tests.conftest import (
    TEST_PASSWORD,
    ClosingClient,
    app_settings,
    csrf_token,
    log_in,
    practice_record,
    reset_database,
)
from tests.portal.test_access import make_samples
from tests.reliability.world import PDF, add_video_lesson, png_bytes, upload

COURSE = "/courses/sample-course"


def peak_kib() -> int:
    """The process's peak resident memory since the last reset, in KiB."""
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+)", status).group(1))


def reset_peak() -> None:
    """Start measuring the peak again from the current resident memory."""
    Path("/proc/self/clear_refs").write_text("5")


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file and link under `root`: (size, modification time)."""
    found = {}
    for path in root.rglob("*"):
        if path.is_file() or path.is_symlink():
            info = path.lstat()
            found[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns)
    return found


def changes(before: dict, after: dict) -> list[str]:
    """Paths added or changed between two trees."""
    return sorted(path for path, info in after.items() if before.get(path) != info)


def build(root: Path):
    """The app on a fresh database, an admin (reading Kyrgyz) logged in, the sample world."""
    settings = app_settings(root) | {"UPLOAD_DIR": str(root / "uploads")}
    app = create_app(settings)
    app.test_client_class = ClosingClient
    with app.app_context():
        reset_database()
        admin = create_user("admin@example.kg", TEST_PASSWORD, "Admin", role=Role.ADMIN)
        admin.language = "ky"
        db.session.commit()
        admin_id = admin.id

    def make_practice(slug, author_id=None, **overrides):
        from practices.models import Practice
        from practices.services import save_practice

        with app.app_context():
            practice = Practice(author_id=author_id)
            save_practice(practice, practice_record(slug, **overrides), None, "imported")
            return practice.id

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ky"
    log_in(client, "admin@example.kg")
    make_samples(app, make_practice, admin_id)
    # One good file through every form first: what is imported or cached on first use is
    # part of the baseline, not of the first hostile file's peak.
    upload(client, "/practices/sample/files", "file", PDF, "plan.pdf", "/practices/sample/edit")
    upload(
        client,
        "/practices/sample/files",
        "file",
        png_bytes(),
        "c.png",
        "/practices/sample/edit",
        as_cover="y",
    )
    upload(client, f"{COURSE}/lessons/1/files", "file", PDF, "n.pdf", f"{COURSE}/lessons/1/edit")
    video_lesson = add_video_lesson(client)
    return app, client, video_lesson


def forms(video_lesson: str) -> dict[str, dict]:
    """Every upload form: where it posts, its file field, extra fields, accepted types."""
    from courses.views.authoring_lessons import LESSON_FILE_TYPES
    from portal.uploads.media import VIDEO_TYPES
    from practices.views.editing import ATTACHMENT_TYPES

    practice = {"path": "/practices/sample/files", "token_from": "/practices/sample/edit"}
    return {
        "practice file": practice | {"field": "file", "allowed": ATTACHMENT_TYPES, "extra": {}},
        "practice cover": practice
        | {"field": "file", "allowed": ATTACHMENT_TYPES, "extra": {"as_cover": "y"}},
        "lesson file": {
            "path": f"{COURSE}/lessons/1/files",
            "token_from": f"{COURSE}/lessons/1/edit",
            "field": "file",
            "allowed": LESSON_FILE_TYPES,
            "extra": {},
        },
        "lesson video": {
            "path": f"{video_lesson}/video/upload",
            "token_from": f"{video_lesson}/edit",
            "field": "video",
            "allowed": set(VIDEO_TYPES),
            "extra": {},
        },
    }


def expected_rejection(case: dict, allowed: set[str], config: dict) -> UploadRejected | None:
    """The refusal the portal owes this file on a form that accepts `allowed` (None: the
    file is good, whatever its name says)."""
    try:
        extension = allowed_extension(case["filename"], allowed)
    except UploadRejected as refusal:
        return refusal
    if case["kind"] == "accepted":
        return None
    if case["kind"] == "archive":
        return UploadRejected(UNSAFE_ARCHIVE)
    if case["kind"] == "too many pixels":
        return image_too_large(config["UPLOAD_MAX_IMAGE_PIXELS"])
    assert case["kind"] == "not what it claims" or extension in IMAGE_FORMATS, case
    return not_valid(extension)


def in_language(app, message, language: str) -> str:
    """`message` as the page shows it in `language` (HTML-escaped)."""
    with app.test_request_context(), force_locale(language):
        return str(escape(str(message)))


def send(client, form: dict, case: dict) -> tuple[int, str]:
    """Post the case's file through the form; (status, page)."""
    token = csrf_token(client, form["token_from"])
    with open(case["path"], "rb") as handle:
        data = {"csrf_token": token, form["field"]: (handle, case["filename"]), **form["extra"]}
        with client.post(form["path"], data=data, content_type="multipart/form-data") as response:
            return response.status_code, response.get_data(as_text=True)


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    root = Path(config["root"])
    app, client, video_lesson = build(root)
    results = []
    for case in config["cases"]:
        for form_name, form in forms(video_lesson).items():
            before = tree(root)
            reset_peak()
            status, page = send(client, form, case)
            peak = peak_kib()
            refusal = expected_rejection(case, form["allowed"], app.config)
            result = {
                "case": case["name"],
                "form": form_name,
                "status": status,
                "peak_kib": peak,
                "changed": changes(before, tree(root)),
                "refused": refusal is not None,
            }
            if refusal is not None:
                result["message_ky"] = in_language(app, refusal.message, "ky")
                result["message_en"] = in_language(app, refusal.message, "en")
                result["shown"] = result["message_ky"] in page
            results.append(result)
    Path(config["results"]).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
