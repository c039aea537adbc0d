"""Read-only JSON API of the library: GET /api/practices and /api/practices/<slug>."""

from flask import abort, jsonify, url_for

from portal.i18n import current_language, pick_translation
from portal.paging import api_page
from practices import services
from practices.models import Practice, Status
from practices.queries import LibraryFilters, published_practices
from practices.records import practice_to_record
from practices.views import api


@api.route("")
def list_practices():
    """Published practices, paged and filtered like the library page."""
    filters = LibraryFilters.from_request()
    page = api_page(published_practices(filters))
    language = filters.language or current_language()
    return jsonify(
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        results=[summary(practice, language) for practice in page.items],
    )


def summary(practice: Practice, language: str) -> dict:
    """The list view of a practice, in `language` or the nearest available one."""
    translation = pick_translation(practice.translations, language)
    return {
        "slug": practice.slug,
        "title": translation.title,
        "summary": translation.summary,
        "language": translation.language,
        "region": practice.region.code,
        "district": practice.district.code if practice.district else None,
        "topics": [topic.code for topic in practice.topics],
        "year": practice.year,
        "languages": practice.languages,
        "url": url_for("practices.detail", slug=practice.slug, _external=True),
    }


@api.route("/<slug>")
def get_practice(slug: str):
    """All published fields and translations of one practice."""
    practice = services.practice_by_slug(slug)
    if practice is None or practice.status != Status.PUBLISHED:
        abort(404)
    record = practice_to_record(practice)
    record.pop("author", None)  # an e-mail address is personal data
    record["url"] = url_for("practices.detail", slug=slug, _external=True)
    record["published_at"] = practice.published_at.isoformat() if practice.published_at else None
    record["attachments"] = [
        {
            "title": item.title,
            "url": url_for(
                "practices.attachment", slug=slug, attachment_id=item.id, _external=True
            ),
        }
        for item in practice.attachments
    ]
    return jsonify(record)
