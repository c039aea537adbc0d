"""Video uploads (MP4, WebM): streamed to disk, checked by their header, served in ranges.

Videos are too large to hold in memory like documents, so they are written to a temporary file
while their SHA-256 is computed, then renamed to their content address.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from flask import Response, abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from portal.extensions import db
from portal.uploads.checks import (
    MIB,
    UploadNotSaved,
    UploadRejected,
    allowed_extension,
    not_valid,
)
from portal.uploads.models import StoredFile

VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}
CHUNK = 1024 * 1024
HEADER_BYTES = 64


def video_header_matches(head: bytes, extension: str) -> bool:
    """Whether the first bytes are an MP4 box ('ftyp' at offset 4) or a WebM (EBML) header."""
    if extension == "mp4":
        return head[4:8] == b"ftyp"
    return head[:4] == b"\x1a\x45\xdf\xa3"


def store_video_upload(file_storage: FileStorage) -> StoredFile:
    """Check a video upload and store it once per content; the caller commits the session."""
    from portal.uploads import add_stored_file, find_stored_file, stored_file_path

    extension = allowed_extension(file_storage.filename, set(VIDEO_TYPES))
    root = Path(current_app.config["UPLOAD_DIR"])
    try:
        root.mkdir(parents=True, exist_ok=True)
        temporary, sha256, size = stream_to_temporary(file_storage, root, extension)
    except OSError as error:
        raise not_saved(error, "a video") from error
    try:
        stored = find_stored_file(sha256) or StoredFile(
            sha256=sha256,
            size=size,
            content_type=VIDEO_TYPES[extension],
            extension=extension,
            kind="video",
            text="",
        )
        path = stored_file_path(stored)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chmod(temporary, 0o644)  # mkstemp makes 0600; a front-end server may serve it
            os.replace(temporary, path)
    except OSError as error:
        raise not_saved(error, sha256) from error
    finally:
        temporary.unlink(missing_ok=True)
    return stored if stored.id is not None else add_stored_file(stored)


def not_saved(error: OSError, what: str) -> UploadNotSaved:
    """Log a write error (a full disk, most likely) and make it the user's message."""
    current_app.logger.error("Could not store upload %s: %s", what, error)
    return UploadNotSaved(error)


def stream_to_temporary(file_storage: FileStorage, root: Path, extension: str):
    """(temporary path, SHA-256, size) of an upload written in chunks, checked as it comes."""
    limit = current_app.config["UPLOAD_VIDEO_MAX_BYTES"]
    digest, size = hashlib.sha256(), 0
    handle = tempfile.NamedTemporaryFile(dir=root, prefix=".video-", suffix=".tmp", delete=False)
    temporary = Path(handle.name)
    try:
        with handle:
            while chunk := file_storage.stream.read(CHUNK):
                if size == 0 and not video_header_matches(chunk[:HEADER_BYTES], extension):
                    raise not_valid(extension)
                size += len(chunk)
                if size > limit:
                    raise UploadRejected(
                        _l(
                            "The file is too large: the limit is %(limit)s MB.",
                            limit=f"{limit / MIB:.3g}",
                        )
                    )
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if size == 0:
            raise UploadRejected(_l("The file is empty."))
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary, digest.hexdigest(), size


def send_stored_media(stored: StoredFile, name: str, download: bool = False) -> Response:
    """Send a stored video, honouring Range requests; as an attachment when `download`."""
    from portal.uploads import ONE_YEAR_SECONDS, safe_download_name, stored_file_path

    if stored.kind != "video":
        abort(404)
    try:
        response = send_file(
            stored_file_path(stored),
            mimetype=stored.content_type,
            as_attachment=download,
            download_name=safe_download_name(name, stored.extension),
            conditional=True,
            max_age=ONE_YEAR_SECONDS,
            etag=stored.sha256,
        )
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Accept-Ranges"] = "bytes"
    # Lesson videos are for enrolled learners: browsers may keep them, shared caches may not.
    response.cache_control.public = False
    response.cache_control.private = True
    db.session.rollback()  # nothing to write; end the read transaction before streaming
    return response
