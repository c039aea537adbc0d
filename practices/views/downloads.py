"""A practice as one file to share: self-contained HTML or PDF, in the language shown."""

from flask import current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from portal.errors import render_error
from portal.i18n import current_language, pick_translation
from portal.printable import PdfFontMissing, download, printable
from practices.forms import BUDGET_SOURCE_LABELS
from practices.models import Practice
from practices.views import bp
from practices.views.public import visible_practice

PDF_FONT_MISSING = _l(
    "The PDF cannot be made at the moment: a font is missing on the server. "
    "Please download the HTML file instead, or try again later."
)


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
    try:
        return download(document, extension)
    except PdfFontMissing as error:
        current_app.logger.error("Practice PDF not made: %s", error)
        return render_error(503, PDF_FONT_MISSING)


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
