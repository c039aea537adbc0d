"""Template filters shared by every feature."""

from datetime import UTC, datetime

from flask import Flask
from markupsafe import Markup

from portal.markdown import render_markdown
from portal.uploads.pictures import with_pictures


def utc_iso(moment: datetime | None) -> str:
    """Format a timestamp as RFC 3339 in UTC (Atom feeds, JSON-LD, sitemaps)."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def markdown_with_pictures(text: str) -> Markup:
    """Sanitised HTML of Markdown, stored pictures in their web sizes, sized and lazy."""
    return with_pictures(render_markdown(text))


def init_app(app: Flask) -> None:
    """Register the filters: `markdown` (sanitised HTML) and `utc_iso`."""
    app.jinja_env.filters["markdown"] = markdown_with_pictures
    app.jinja_env.filters["utc_iso"] = utc_iso
