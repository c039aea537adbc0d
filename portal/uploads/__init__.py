"""Uploaded files: checked, re-encoded if images, stored once by SHA-256, served sandboxed."""

import contextlib
import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from flask import Flask, Response, abort, current_app, send_file
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from portal.config import ConfigurationError, DefaultConfig
from portal.extensions import db
from portal.uploads.checks import (
    KNOWN_EXTENSIONS,
    VIDEO_EXTENSIONS,
    CheckedContent,
    UploadNotSaved,
    UploadRejected,
    allowed_extension,
    check_content,
    read_limited,
)
from portal.uploads.media import send_stored_media, store_video_upload
from portal.uploads.models import StoredFile, StoredFileVariant
from portal.uploads.variants import make_variants_quietly, requested_variant

__all__ = [
    "StoredFile",
    "UploadNotSaved",
    "UploadRejected",
    "init_app",
    "send_stored_file",
    "send_stored_media",
    "store_video_upload",
    "store_upload",
    "stored_file_path",
]

LIMIT_SETTINGS = (
    "UPLOAD_MAX_BYTES",
    "UPLOAD_VIDEO_MAX_BYTES",
    "UPLOAD_MAX_UNZIPPED_BYTES",
    "UPLOAD_MAX_IMAGE_PIXELS",
    "UPLOAD_IMAGE_MAX_SIDE",
)
ONE_YEAR_SECONDS = 365 * 24 * 3600
# Even if a browser renders a stored file, it gets no scripts, no plugins and no origin.
SANDBOX_POLICY = "default-src 'none'; sandbox"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
UNSAFE_NAME_CHARACTERS = re.compile(r'[\\/:*?"<>|]+')
TRAILING_EXTENSIONS = re.compile(
    r"(?:\.(?:" + "|".join(sorted(KNOWN_EXTENSIONS)) + r"))+$", re.IGNORECASE
)
MAX_DOWNLOAD_STEM = 100


def init_app(app: Flask) -> None:
    """Fill in the upload settings and refuse a limit the request size limit would pre-empt."""
    for key in LIMIT_SETTINGS:
        app.config.setdefault(key, getattr(DefaultConfig, key))
    if not app.config.get("UPLOAD_DIR"):
        app.config["UPLOAD_DIR"] = os.path.join(app.instance_path, "uploads")
    request_limit = app.config.get("MAX_CONTENT_LENGTH")
    if request_limit and app.config["UPLOAD_MAX_BYTES"] >= request_limit:
        raise ConfigurationError(
            "UPLOAD_MAX_BYTES must be smaller than MAX_CONTENT_LENGTH, or users get a bare 413 "
            "instead of the upload size message."
        )
    register_pictures(app)


def register_pictures(app: Flask) -> None:
    """Add `flask uploads make-variants` and the `picture` template function."""
    from portal.uploads.cli import uploads_cli
    from portal.uploads.pictures import picture

    app.cli.add_command(uploads_cli)
    app.jinja_env.globals["picture"] = picture


def store_upload(file_storage: FileStorage, allowed: set[str]) -> StoredFile:
    """Check an upload and store it once per content; the caller commits the session."""
    allowed = {extension.lower() for extension in allowed}
    if not allowed <= KNOWN_EXTENSIONS - VIDEO_EXTENSIONS:
        raise ValueError(f"uploads of type {sorted(allowed - KNOWN_EXTENSIONS)} are not supported")
    config = current_app.config
    extension = allowed_extension(file_storage.filename, allowed)
    data = read_limited(file_storage.stream, config["UPLOAD_MAX_BYTES"])
    stored = save_content(check_content(data, extension, config))
    if stored.kind == "image":
        make_variants_quietly(stored)
    return stored


def save_content(content: CheckedContent) -> StoredFile:
    """Write the bytes unless already on disk, and return their (possibly existing) row."""
    sha256 = hashlib.sha256(content.data).hexdigest()
    stored = find_stored_file(sha256)
    if stored is None:
        stored = StoredFile(
            sha256=sha256,
            size=len(content.data),
            content_type=content.content_type,
            extension=content.extension,
            kind=content.kind,
            width=content.width,
            height=content.height,
        )
    path = stored_file_path(stored)
    if not path.is_file():
        write_atomically(path, content.data)
    if stored.id is not None:
        return stored
    stored.text = searchable_text(path, stored)
    return add_stored_file(stored)


def searchable_text(path: Path, stored: StoredFile) -> str:
    """Extract a new document's text once, when it arrives, for the search index."""
    from portal.uploads.text import extract_text_from_path  # it reads files through this module

    return extract_text_from_path(path, stored.extension) if stored.kind == "document" else ""


def find_stored_file(sha256: str) -> StoredFile | None:
    """The row for content with this SHA-256, if any."""
    return db.session.execute(db.select(StoredFile).filter_by(sha256=sha256)).scalar_one_or_none()


def add_stored_file(stored: StoredFile) -> StoredFile:
    """Insert the row; when a concurrent upload of the same bytes got there first, use its row."""
    try:
        with db.session.begin_nested():
            db.session.add(stored)
    except IntegrityError:
        return db.session.execute(
            db.select(StoredFile).filter_by(sha256=stored.sha256)
        ).scalar_one()
    return stored


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a synced temporary file and a rename: the file is whole or absent."""
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=".upload-", suffix=".tmp", delete=False
        ) as handle:
            temporary = Path(handle.name)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; a front-end server may serve these
        os.replace(temporary, path)
    except OSError as error:
        discard(temporary)
        current_app.logger.error("Could not store upload %s: %s", path.name, error)
        raise UploadNotSaved(error) from error
    except BaseException:
        discard(temporary)
        raise


def discard(temporary: Path | None) -> None:
    """Remove a temporary file if it exists; never fail while handling another error."""
    if temporary is not None:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def stored_file_path(stored: StoredFile | StoredFileVariant) -> Path:
    """Where the bytes of `stored` live: UPLOAD_DIR/ab/cd/<sha256>.<extension>."""
    sha256 = stored.sha256 or ""
    if not SHA256_HEX.fullmatch(sha256) or stored.extension not in KNOWN_EXTENSIONS:
        raise ValueError(f"not a valid stored file: {stored!r}")
    root = Path(current_app.config["UPLOAD_DIR"]).resolve()
    path = root / sha256[:2] / sha256[2:4] / f"{sha256}.{stored.extension}"
    # Only our digest and extension form the name; this also catches symlinked folders.
    if not path.resolve().is_relative_to(root):
        raise ValueError(f"stored file path escapes UPLOAD_DIR: {path}")
    return path


def send_stored_file(
    stored: StoredFile, download_name: str, inline: bool = False, public: bool = False
) -> Response:
    """Send a stored file as an attachment (images inline if asked), sandboxed, cached a year;
    ?width=…&format=… in the request asks for one of an image's web sizes instead.

    Only `public` files (anyone may read them) may be kept by shared caches such as proxies.
    """
    served = requested_variant(stored) or stored
    try:
        response = send_file(
            stored_file_path(served),
            mimetype=served.content_type,
            as_attachment=served is stored and not (inline and stored.kind == "image"),
            download_name=safe_download_name(download_name, served.extension),
            max_age=ONE_YEAR_SECONDS,
            etag=served.sha256,
        )
    except FileNotFoundError:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX_POLICY
    response.cache_control.immutable = True  # the URL's content never changes
    response.cache_control.public = public
    response.cache_control.private = not public
    return response


def safe_download_name(name: str, extension: str) -> str:
    """A file name safe on every system that ends in the stored file's real extension."""
    visible = "".join(" " if is_control(c) else c for c in unicodedata.normalize("NFC", name))
    stem = " ".join(UNSAFE_NAME_CHARACTERS.sub(" ", visible).split())
    stem = TRAILING_EXTENSIONS.sub("", stem)  # "report.pdf" must not become "report.pdf.pdf"
    stem = stem.strip(" .")[:MAX_DOWNLOAD_STEM].strip(" .") or "file"
    return f"{stem}.{extension}"


def is_control(character: str) -> bool:
    """Control and format characters, such as right-to-left overrides that disguise names."""
    return unicodedata.category(character).startswith("C")
