"""Pictures of a printable document, carried inside it as data: URIs.

Only pictures stored on this portal are embedded (read from disk, never fetched over the
network); any other picture becomes a link, so the file loads nothing when it is opened.
"""

import base64
import html
import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from flask import current_app, request
from flask_babel import gettext as _
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from portal.uploads import StoredFile, stored_file_path

#: Pictures embedded in one document, in bytes, before the rest are left out with a note.
DEFAULT_IMAGE_BUDGET = 4 * 1024 * 1024
#: Widest web size embedded: enough for a phone screen and an A4 page, a fraction of a photo.
EMBEDDED_WIDTH = 960
# A stored picture arrives as <picture> with web-size sources (portal.uploads.pictures); the
# whole element becomes one embedded <img>, or the file would load those sources.
IMAGE_TAG = re.compile(r"(?:<picture><source\b[^>]*>)?<img\b[^>]*>(?:</picture>)?")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')

#: (endpoint, URL arguments) of a portal address → the stored picture it serves, if allowed.
ImageResolver = Callable[[str, dict], StoredFile | None]


def portal_route(src: str) -> tuple[str, dict] | None:
    """(endpoint, arguments) when `src` is an address on this portal, else None."""
    parts = urlsplit(urljoin(request.url_root, src))
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    path = parts.path
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root) :]
    adapter = current_app.url_map.bind(request.host, script_name=request.script_root or None)
    try:
        return adapter.match(path, method="GET")
    except HTTPException:  # not a route, or a redirect to one: not a picture we serve
        return None


class ImageEmbedder:
    """Replaces portal pictures by data: URIs until the byte budget is spent."""

    def __init__(self, resolve: ImageResolver, budget: int | None = None):
        self.resolve = resolve
        if budget is None:
            budget = current_app.config.get("PRINTABLE_IMAGE_BUDGET", DEFAULT_IMAGE_BUDGET)
        self.budget_left = budget

    def embed(self, fragment: str) -> Markup:
        """`fragment` (sanitised HTML) with every <img> embedded or replaced by a note."""
        html = IMAGE_TAG.sub(self.replace, str(fragment))
        return Markup(html)  # nosec B704 # replace() escapes what it writes

    def replace(self, match: re.Match) -> str:
        """The data: URI picture for one <img> tag, or a note with a link to it."""
        attributes = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(match[0])}
        src, alt = attributes.get("src", ""), attributes.get("alt", "")
        stored = self.stored_image(src)
        if stored is None:
            return picture_note(_("Picture:"), src, alt)
        picture = web_size(stored)
        data = read_stored(picture)
        if data is None or len(data) > self.budget_left:
            return picture_note(_("Picture left out to keep this file small:"), src, alt)
        self.budget_left -= len(data)
        return embedded_tag(picture, data, alt)

    def stored_image(self, src: str) -> StoredFile | None:
        """The stored picture a portal address serves, if the feature allows it here."""
        route = portal_route(src) if src else None
        stored = self.resolve(*route) if route else None
        return stored if stored is not None and stored.kind == "image" else None


def web_size(stored: StoredFile):
    """The picture's widest web size up to EMBEDDED_WIDTH in JPEG or PNG (which every browser
    and PDF reader shows), or the stored original while it has none."""
    sizes = [
        variant
        for variant in stored.variants
        if variant.width <= EMBEDDED_WIDTH and variant.extension != "webp"
    ]
    return max(sizes, key=lambda variant: variant.width, default=stored)


def read_stored(stored) -> bytes | None:
    """The bytes of a stored file, or None when it is missing from disk."""
    try:
        return stored_file_path(stored).read_bytes()
    except (OSError, ValueError):
        return None


def embedded_tag(stored, data: bytes, alt: str) -> str:
    """An <img> carrying its picture as a data: URI, with its real size for layout."""
    uri = f"data:{stored.content_type};base64,{base64.b64encode(data).decode('ascii')}"
    size = ""
    if stored.width and stored.height:
        size = f' width="{stored.width}" height="{stored.height}"'
    return f'<img src="{uri}" alt="{escape(alt)}"{size}>'


def picture_note(label: str, src: str, alt: str) -> str:
    """A short paragraph with a link to a picture that is not in the file."""
    address = urljoin(request.url_root, src) if src else ""
    if urlsplit(address).scheme not in ("http", "https"):
        return f'<span class="note">{escape(label)} {escape(alt)}</span>'
    link = f'<a href="{escape(address)}">{escape(alt or address)}</a>'
    return f'<span class="note">{escape(label)} {link}</span>'
