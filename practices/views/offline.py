"""Saving a practice for offline reading: its page, cover picture and attached files."""

from flask import url_for

from portal.i18n import current_language, pick_translation
from portal.offline import OfflineManifest
from practices.models import Practice
from practices.views import bp
from practices.views.public import visible_practice

TEXT_FIELDS = ("title", "summary", "problem", "actions", "results", "lessons", "body")


def practice_offline_manifest(practice: Practice) -> OfflineManifest:
    """The practice page as this visitor reads it, its cover, pictures and attachments."""
    translation = pick_translation(practice.translations, current_language())
    texts = [getattr(translation, name) or "" for name in TEXT_FIELDS] if translation else []
    manifest = OfflineManifest(cache=f"offline-practice-{practice.slug}")
    manifest.add_page(url_for("practices.detail", slug=practice.slug), "".join(texts))
    manifest.add_pictures(texts)
    if practice.cover is not None:
        cover = url_for("practices.cover", slug=practice.slug, v=practice.cover.sha256[:12])
        manifest.add_file(cover, practice.cover.size)
    for item in practice.attachments:
        url = url_for("practices.attachment", slug=practice.slug, attachment_id=item.id)
        manifest.add_file(url, item.stored_file.size)
    return manifest


@bp.route("/<slug>/offline.json")
def offline_manifest(slug: str):
    """What "Save for offline" downloads for this practice, with its estimated size."""
    return practice_offline_manifest(visible_practice(slug)).as_json()


@bp.app_template_global()
def practice_offline(practice: Practice) -> OfflineManifest:
    """What a saved copy of the practice holds (the practice page shows its size)."""
    return practice_offline_manifest(practice)
