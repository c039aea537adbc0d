"""A printable document as an A4 PDF, laid out by fpdf2 from its sanitised HTML."""

import re

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF, FontFace
from fpdf.enums import ResourceAccessPolicy

from portal.printable.fonts import FAMILY, MONO_FAMILY, add_unicode_fonts

MARGIN = 18  # millimetres
#: Largest picture in points (A4 is 595 pt wide): modest, so text stays the main thing.
MAX_PICTURE_WIDTH, MAX_PICTURE_HEIGHT = 340, 260
INK, MUTED, ACCENT = (29, 35, 48), (84, 93, 107), (11, 95, 165)
IMAGE_TAG = re.compile(r"<img\b[^>]*>")
DATA_IMAGE = re.compile(r'src="data:image/[a-z]+;base64,[A-Za-z0-9+/=]+"')
IMAGE_SIZE = re.compile(r' width="(\d+)" height="(\d+)"')
#: Blocks fpdf2 does not know: their content stays, the tags go.
UNKNOWN_TAGS = re.compile(r"</?(?:main|article|section|header|footer|div|span)\b[^>]*>")


def render_pdf(document) -> bytes:
    """The document's title, body and source line as PDF bytes."""
    pdf = new_pdf(document)
    pdf.write_html(pdf_ready(str(document.body)), **html_options())
    write_source_line(pdf, document)
    return bytes(pdf.output())


def new_pdf(document) -> FPDF:
    """A portrait A4 document with the Unicode fonts, its metadata and a first page."""
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    # Pictures arrive as data: URIs; nothing may be read from disk or the network.
    pdf.resource_access_policy = ResourceAccessPolicy(0)
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, MARGIN)
    add_unicode_fonts(pdf)
    pdf.set_lang(document.language)
    pdf.set_title(document.title)
    pdf.set_creator(_("LSG Portal"))
    pdf.add_page()
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*MUTED)
    pdf.cell(text=_("LSG Portal"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    return pdf


def html_options() -> dict:
    """fpdf2's HTML settings: the Unicode font everywhere, code in its monospaced cousin."""
    return {
        "font_family": FAMILY,
        "li_prefix_color": ACCENT,
        "warn_on_tags_not_matching": False,
        "tag_styles": {
            "code": FontFace(family=MONO_FAMILY),
            "pre": FontFace(family=MONO_FAMILY),
            "a": FontFace(color=ACCENT, emphasis="UNDERLINE"),
        },
    }


def pdf_ready(body: str) -> str:
    """The body with unknown block tags dropped and pictures shrunk; an <img> without a data:
    URI is dropped too (the images step already turned those into links)."""
    return IMAGE_TAG.sub(modest_picture, UNKNOWN_TAGS.sub("", body))


def modest_picture(match: re.Match) -> str:
    """An embedded picture scaled to fit the PDF's picture box, on its own line."""
    tag = match[0]
    source = DATA_IMAGE.search(tag)
    size = IMAGE_SIZE.search(tag)
    if source is None or size is None:
        return ""
    width, height = int(size[1]), int(size[2])
    scale = min(1, MAX_PICTURE_WIDTH / width, MAX_PICTURE_HEIGHT / height)
    return f'<img {source[0]} width="{int(width * scale)}" height="{int(height * scale)}">'


def write_source_line(pdf: FPDF, document) -> None:
    """Where the document came from and when, small and grey, after the content."""
    pdf.ln(6)
    pdf.set_font(FAMILY, "", 8)
    pdf.set_text_color(*MUTED)
    made = format_date(document.made_at, "long")
    lines = [(f"{_('Source:')} {document.source_url}", document.source_url)]
    lines.append((_("Downloaded on %(date)s", date=made), ""))
    for text, link in lines:
        pdf.multi_cell(0, 4, text=text, link=link, new_x="LMARGIN", new_y="NEXT")
