"""Atom feed of newly published practices, per language and filterable by topic and region."""

from flask import render_template, request, url_for

from portal.extensions import db
from portal.i18n import current_language, pick_translation
from practices.queries import LibraryFilters, published_practices
from practices.views import bp

FEED_SIZE = 30


@bp.route("/feed.atom")
def feed():
    """The newest published practices as an Atom feed (?lang=, ?topic=, ?region=)."""
    filters = LibraryFilters.from_request()
    filters.sort = "newest"
    language = filters.language or current_language()
    practices = db.session.execute(published_practices(filters).limit(FEED_SIZE)).scalars().all()
    entries = [(p, pick_translation(p.translations, language)) for p in practices]
    updated = max((p.updated_at for p in practices), default=None)
    xml = render_template(
        "practices/feed.xml",
        entries=entries,
        language=language,
        updated=updated,
        self_url=request.url,
        library_url=url_for("practices.index", _external=True, **filters.as_args()),
    )
    return xml, 200, {"Content-Type": "application/atom+xml; charset=utf-8"}


def sitemap_urls():
    """Every published practice's address and last change, for /sitemap.xml."""
    rows = db.session.execute(published_practices(LibraryFilters())).scalars()
    for practice in rows:
        yield url_for("practices.detail", slug=practice.slug, _external=True), practice.updated_at
