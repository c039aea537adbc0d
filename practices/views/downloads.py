"""A practice as one file to share: self-contained HTML or PDF, in the language shown."""

from flask import render_template, request, url_for

from portal.i18n import current_language, pick_translation
from portal.printable import download, printable
from practices.forms import BUDGET_SOURCE_LABELS
from practices.models import Practice
from practices.views import bp
from practices.views.public import visible_practice


@bp.route("/<slug>/download.<any(html, pdf):extension>")
def download_practice(slug: str, extension: str):
    """The practice as a single HTML or PDF file (drafts only for those who may see them)."""
    practice = visible_practice(slug)
    translation = shown_translation(practice)
    body = render_template(
        "practices/printable.html",
        practice=practice,
        translation=translation,
        budget_labels=BUDGET_SOURCE_LABELS,
    )
    source = url_for(
        "practices.detail", slug=practice.slug, lang=translation.language, _external=True
    )
    document = printable(
        translation.title, translation.language, body, source, picture_resolver(practice)
    )
    return download(document, extension)


def shown_translation(practice: Practice):
    """The translation the practice page shows for this request's ?lang= or interface language."""
    wanted = request.args.get("lang")
    if wanted not in practice.languages:
        wanted = current_language()
    return pick_translation(practice.translations, wanted)


def picture_resolver(practice: Practice):
    """Which portal addresses in the practice are its own pictures: its cover and attachments."""

    def resolve(endpoint: str, arguments: dict):
        if arguments.get("slug") != practice.slug:
            return None
        if endpoint == "practices.cover":
            return practice.cover
        if endpoint == "practices.attachment":
            wanted = arguments.get("attachment_id")
            found = (item for item in practice.attachments if item.id == wanted)
            return next((item.stored_file for item in found), None)
        return None

    return resolve
