"""Static files named by their content, cached for a year, and compressed responses.

Every `url_for('static', ...)` gets `?v=<content hash>`, so a browser may keep the file for a
year and still sees a new stylesheet the moment it changes: a repeat visit over a weak
connection then downloads only the page itself.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, Response, current_app, request
from flask_compress import Compress

VERSION_ARG = "v"
ONE_YEAR = 365 * 24 * 3600
#: Unversioned or outdated static URLs (old cached pages, hand-typed links): revalidate soon.
SHORT_CACHE = 300

compress = Compress()


def init_app(app: Flask) -> None:
    """Version static URLs, cache versioned files for a year and compress text responses."""
    # Level 4 Brotli and level 6 gzip: nearly the best ratio at a cost of about a millisecond
    # per page, measured in benchmarks/pages.py.
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    # Streamed responses (stored files, exports) pass through untouched: Flask-Compress's
    # streaming mode never closes the file it reads. Static files are buffered below instead.
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)
    app.url_defaults(add_static_version)
    app.after_request(cache_static_files)


def add_static_version(endpoint: str, values: dict) -> None:
    """Append the file's content hash to every static URL the app builds."""
    if endpoint != "static" or VERSION_ARG in values or "filename" not in values:
        return
    version = static_version(values["filename"])
    if version:
        values[VERSION_ARG] = version


def static_version(filename: str) -> str | None:
    """A short hash of a static file's content, or None if there is no such file."""
    folder = Path(current_app.static_folder or "")
    path = (folder / filename).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        return None
    stat = path.stat()
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _content_hash(path: Path, _mtime_ns: int, _size: int) -> str:
    # mtime and size are part of the cache key, so an edited file gets a new hash at once.
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def cache_static_files(response: Response) -> Response:
    """Let browsers keep a versioned static file for a year; anything else only briefly."""
    if request.endpoint != "static" or response.status_code not in (200, 206, 304):
        return response
    if response.status_code == 200 and response.is_streamed:
        # The stylesheet and scripts are a few kilobytes: buffered, they can be compressed.
        response.direct_passthrough = False
        response.make_sequence()
    filename = (request.view_args or {}).get("filename", "")
    asked = request.args.get(VERSION_ARG)
    if asked and asked == static_version(filename):
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
    else:
        response.cache_control.max_age = SHORT_CACHE
    return response
