"""What people look for: every search is logged without who searched, for the reports."""

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from portal.database import writing
from portal.extensions import db
from portal.search.models import SearchQuery

#: Longest logged query; the query box accepts the same.
MAX_LOGGED_CHARS = 200


def log_search(text: str, language: str, results: int, duration_ms: int, source: str) -> None:
    """Store one search (normalised text, interface language, result count, time taken)."""
    if not text or not current_app.config["SEARCH_LOG_QUERIES"]:
        return
    try:
        with writing():
            db.session.add(
                SearchQuery(
                    text=text[:MAX_LOGGED_CHARS],
                    language=language,
                    results=results,
                    duration_ms=duration_ms,
                    source=source,
                )
            )
            db.session.commit()
    except SQLAlchemyError:
        # A lost log line must never cost the visitor their results.
        db.session.rollback()
        current_app.logger.warning("Could not log a search", exc_info=True)
