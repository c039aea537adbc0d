"""Offline reading: the service worker, the offline page, fresh form tokens and the manifests
that list what "Save for offline" downloads.

The browser caches only what a manifest lists and only GET pages; courses and practices build
their manifests with `offline_manifest` and show the button with the
`offline/_save.html` macro.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    render_template,
    send_from_directory,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

bp = Blueprint("offline", __name__)

#: Files larger than this are left out of an offline copy (a phone's storage is small).
FILE_CAP_BYTES = 5 * 1024 * 1024
#: An offline copy stops adding files once it would pass this total.
TOTAL_CAP_BYTES = 30 * 1024 * 1024
#: A page's transfer size: the compressed layout plus its text, compressed about three times.
PAGE_BASE_BYTES = 5 * 1024
TEXT_COMPRESSION = 3
LOCAL_IMAGE = re.compile(r"!\[[^\]]*\]\((/[^)\s]+)")


#: Tells the service worker whose pages it is caching ("anonymous" or an account id).
ACCOUNT_HEADER = "X-Portal-Account"


def init_app(app: Flask) -> None:
    """Register the offline routes, the account header on pages and the size formatter."""
    app.register_blueprint(bp)
    app.add_template_filter(format_size)
    app.after_request(name_the_account)


def name_the_account(response: Response) -> Response:
    """Mark pages with the account they were made for: the service worker forgets what was
    saved for offline reading when that changes, as when a session expired without logging
    out on a shared phone."""
    if response.mimetype == "text/html":
        signed_in = current_user.is_authenticated
        response.headers[ACCOUNT_HEADER] = str(current_user.id) if signed_in else "anonymous"
    return response


@bp.route("/sw.js")
def service_worker():
    """The service worker, from the site root so that it may serve every page of the portal."""
    response = send_from_directory(current_app.static_folder, "sw.js", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.cache_control.no_cache = True
    return response


@bp.route("/offline")
def offline_page():
    """What the service worker shows when a page is neither reachable nor saved."""
    return render_template("offline/offline.html")


@bp.route("/offline/token")
@login_required
def form_token():
    """A fresh form token, for sending a queued form once the connection is back."""
    return jsonify(token=generate_csrf(), user=current_user.id)


@dataclass
class OfflineManifest:
    """What one "Save for offline" downloads: pages and files, and their estimated size."""

    cache: str
    urls: list[str] = field(default_factory=list)
    bytes: int = 0

    def add_page(self, url: str, text: str = "") -> None:
        """Add a page, counting its layout and its text as they travel compressed."""
        if url not in self.urls:
            self.urls.append(url)
            self.bytes += PAGE_BASE_BYTES + len(text.encode()) // TEXT_COMPRESSION

    def add_file(self, url: str, size: int) -> None:
        """Add a file unless it, or the copy with it, would be too large for a phone."""
        fits = size <= FILE_CAP_BYTES and self.bytes + size <= TOTAL_CAP_BYTES
        if fits and url not in self.urls:
            self.urls.append(url)
            self.bytes += size

    def add_pictures(self, markdown_texts: Iterable[str]) -> None:
        """Add the pictures Markdown texts show from this site (their size is not known)."""
        for text in markdown_texts:
            for url in LOCAL_IMAGE.findall(text or ""):
                if url not in self.urls:
                    self.urls.append(url)

    def as_json(self):
        """The manifest as the JSON response the page script reads."""
        return jsonify(
            cache=self.cache, urls=self.urls, bytes=self.bytes, size=format_size(self.bytes)
        )


def format_size(size: int) -> str:
    """A byte count for people, in the interface language: "850 KB", "1.2 MB"."""
    if size < 1024 * 1024:
        return _("%(size)s KB", size=format_decimal(max(1, round(size / 1024))))
    return _("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))
