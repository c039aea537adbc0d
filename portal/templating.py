"""Template filters shared by every feature."""

from datetime import UTC, datetime

from flask import Flask

from portal.markdown import render_markdown


def utc_iso(moment: datetime | None) -> str:
    """Format a timestamp as RFC 3339 in UTC (Atom feeds, JSON-LD, sitemaps)."""
    if moment is None:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def init_app(app: Flask) -> None:
    """Register the filters: `markdown` (sanitised HTML) and `utc_iso`."""
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["utc_iso"] = utc_iso
