"""/sitemap.xml, assembled from the address lists that feature packages register."""

from collections.abc import Callable, Iterable
from datetime import datetime

from flask import Flask, current_app, render_template, url_for

SOURCES_KEY = "portal.sitemap_sources"

UrlSource = Callable[[], Iterable[tuple[str, datetime | None]]]


def register_sitemap_source(app: Flask, source: UrlSource) -> None:
    """Add a function yielding (absolute URL, last change) pairs to the sitemap."""
    app.extensions.setdefault(SOURCES_KEY, []).append(source)


def sitemap_response():
    """Render the sitemap of the home page and every registered source."""
    urls = [(url_for("main.home", _external=True), None)]
    for source in current_app.extensions.get(SOURCES_KEY, []):
        urls.extend(source())
    xml = render_template("sitemap.xml", urls=urls)
    return xml, 200, {"Content-Type": "application/xml; charset=utf-8"}
