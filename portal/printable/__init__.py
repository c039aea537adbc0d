"""A course or a practice as one file to share by messenger or USB stick: HTML or PDF.

Features render the content as a fragment of sanitised HTML (Markdown through
`portal.markdown.render_markdown`); this package embeds its pictures, wraps it in a document
with a small print stylesheet, or lays it out as a PDF, and sends it as a download.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from io import BytesIO

from flask import Response, current_app, render_template, send_file
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from portal.errors import render_error
from portal.printable.fonts import PdfFontMissing
from portal.printable.images import ImageEmbedder, ImageResolver
from portal.uploads import safe_download_name

__all__ = [
    "ImageResolver",
    "PdfFontMissing",
    "Printable",
    "download",
    "html_document",
    "pdf_document",
    "printable",
]

MIMETYPES = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
PDF_FONT_MISSING = _l(
    "The PDF cannot be made at the moment: a font is missing on the server. "
    "Please download the HTML file instead, or try again later."
)


@dataclass
class Printable:
    """What one downloadable document holds: its title, language, body and where it came from."""

    title: str
    language: str
    body: Markup
    source_url: str
    made_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def printable(title, language, body, source_url, resolve: ImageResolver) -> Printable:
    """A printable document whose portal pictures are embedded as data: URIs."""
    return Printable(title, language, ImageEmbedder(resolve).embed(body), source_url)


def html_document(document: Printable) -> bytes:
    """One self-contained HTML file: inline stylesheet, embedded pictures, no scripts."""
    return render_template("printable/document.html", document=document).encode("utf-8")


def pdf_document(document: Printable) -> bytes:
    """The document laid out as an A4 PDF; PdfFontMissing when the Unicode font is absent."""
    from portal.printable.pdf import render_pdf  # fpdf2 loads only when a PDF is asked for

    return render_pdf(document)


def download(document: Printable, extension: str) -> Response:
    """The document as an attachment named after its title (UTF-8 name, RFC 5987); a 503 page
    that offers the HTML file when the PDF font is missing on the server."""
    try:
        data = html_document(document) if extension == "html" else pdf_document(document)
    except PdfFontMissing as error:
        current_app.logger.error("PDF of %r not made: %s", document.title, error)
        return render_error(503, PDF_FONT_MISSING)
    response = send_file(
        BytesIO(data),
        mimetype=MIMETYPES[extension],
        as_attachment=True,
        download_name=safe_download_name(document.title, extension),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.private = True
    return response
