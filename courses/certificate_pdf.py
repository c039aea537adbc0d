"""The certificate as an A4 landscape PDF in its own language, with a QR code to check it."""

from dataclasses import dataclass
from io import BytesIO

import segno
from flask_babel import force_locale, format_date, format_decimal
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from portal.printable.fonts import REQUIRED_FONTS, PdfFontMissing, font_paths

#: Setting → (font style in the PDF, default path). DejaVu Sans has ө ү ң and Cyrillic.
FONT_SETTINGS = {setting: (style, path) for style, (setting, path) in REQUIRED_FONTS.items()}
FAMILY = "DejaVu"

# Page geometry in millimetres (A4 landscape is 297 × 210).
MARGIN = 22
CONTENT_WIDTH = 297 - 2 * MARGIN
BOTTOM_BAND_Y = 144
FACTS_WIDTH = 150
QR_SIZE = 34
URL_WIDTH = 100
LINE_HEIGHT = 1.2 * 0.3528  # millimetres per point of font size

INK = (29, 35, 48)
MUTED = (84, 93, 107)
ACCENT = (11, 95, 165)


#: The font with Kyrgyz letters is not installed (the lookup is shared with other PDFs).
CertificateFontMissing = PdfFontMissing


def render_certificate(certificate, url_root: str) -> bytes:
    """The certificate as PDF bytes, labelled in the certificate's own language."""
    fonts = font_paths()
    url = verification_url(url_root, certificate.code)
    with force_locale(certificate.language):
        pdf = new_document(fonts, certificate)
        draw_frame(pdf)
        draw_award(pdf, certificate)
        draw_facts(pdf, certificate)
        draw_verification(pdf, url)
    return bytes(pdf.output())


def verification_url(url_root: str, code: str) -> str:
    """The absolute address of the certificate's public verification page."""
    return f"{url_root.rstrip('/')}/certificates/{code}"


def new_document(fonts: dict[str, str], certificate) -> FPDF:
    """A blank A4 landscape page with the fonts embedded and the document's metadata set."""
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)  # everything is fitted to one page, never spilled onto two
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    for style, path in fonts.items():
        pdf.add_font(FAMILY, style, path)
    pdf.set_lang(certificate.language)
    pdf.set_title(f"{_('Certificate')} {certificate.code}")
    pdf.set_creator(_("LSG Portal"))
    if certificate.organisation:
        pdf.set_author(certificate.organisation)
    pdf.add_page()
    return pdf


def draw_frame(pdf: FPDF) -> None:
    """A double border around the page."""
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_line_width(0.3)
    pdf.rect(11.5, 11.5, pdf.w - 23, pdf.h - 23)


def draw_award(pdf: FPDF, certificate) -> None:
    """The portal's name at the top; the word Certificate and who completed which course
    centred in the space above the facts."""
    pdf.set_y(20)
    draw_block(pdf, fitted(pdf, _("LSG Portal"), "B", (15, 9), colour=ACCENT))
    draw_block(pdf, fitted(pdf, _("Municipal learning portal"), "", (10, 7), colour=MUTED))
    blocks = [
        fitted(pdf, _("Certificate").upper(), "B", (34, 16)),
        fitted(pdf, awarded_to(certificate), "B", (30, 10), max_lines=2, space=7),
        fitted(pdf, _("has completed the course"), "", (13, 8), colour=MUTED, space=3),
        fitted(pdf, certificate.course_title, "B", (22, 10), 3, colour=ACCENT, space=3),
    ]
    free = BOTTOM_BAND_Y - 6 - pdf.get_y() - sum(block.height for block in blocks)
    pdf.set_y(pdf.get_y() + max(free, 0) / 2)
    for block in blocks:
        draw_block(pdf, block)


def awarded_to(certificate) -> str:
    """The learner's name, or a phrase when the name went with the learner's deleted account."""
    return certificate.learner_name or _("Name not shown (account deleted)")


def draw_facts(pdf: FPDF, certificate) -> None:
    """Date, hours, organisation and code as labelled facts at the bottom left."""
    facts = [
        (_("Issued on"), format_date(certificate.issued_at, "long")),
        (_("Hours"), format_decimal(certificate.hours)),
        (_("Organisation"), certificate.organisation),
        (_("Verification code"), certificate.code),
    ]
    pdf.set_y(BOTTOM_BAND_Y)
    for label, value in facts:
        if value:
            write_fact(pdf, label, value)


def write_fact(pdf: FPDF, label: str, value: str) -> None:
    """A small grey label with its value under it."""
    draw_block(pdf, fitted(pdf, label, "", (8, 6), colour=MUTED, width=FACTS_WIDTH), "L")
    draw_block(pdf, fitted(pdf, value, "B", (12, 8), 2, width=FACTS_WIDTH), "L")
    pdf.ln(1.5)


def draw_verification(pdf: FPDF, url: str) -> None:
    """The QR code of the verification address, bottom right, with the address under it."""
    x = pdf.w - MARGIN - QR_SIZE
    pdf.image(qr_png(url), x=x, y=BOTTOM_BAND_Y, w=QR_SIZE, h=QR_SIZE, link=url, alt_text=url)
    pdf.set_y(BOTTOM_BAND_Y + QR_SIZE + 1)
    address = fitted(pdf, url, "", (8, 6), 3, colour=MUTED, width=URL_WIDTH)
    draw_block(pdf, address, "R", x=pdf.w - MARGIN - URL_WIDTH, link=url)


def qr_png(url: str) -> BytesIO:
    """The QR code of `url` as a PNG in memory (error correction M, four-module quiet zone)."""
    buffer = BytesIO()
    segno.make_qr(url, error="m").save(buffer, kind="png", scale=8, border=4)
    buffer.seek(0)
    return buffer


@dataclass
class Block:
    """Text wrapped to a width in one font, with the space to leave above it."""

    lines: list[str]
    style: str
    size: int
    colour: tuple[int, int, int]
    width: float
    space: float = 0

    @property
    def height(self) -> float:
        """Millimetres the block takes, space above included."""
        return self.space + len(self.lines) * self.size * LINE_HEIGHT


def fitted(pdf, text, style, sizes, max_lines=1, colour=INK, width=CONTENT_WIDTH, space=0):
    """`text` in the largest size from `sizes` (largest, smallest) that wraps it into at most
    `max_lines` lines of `width`; if none does, in the smallest, cut with an ellipsis."""
    largest, smallest = sizes
    for size in range(largest, smallest - 1, -1):
        pdf.set_font(FAMILY, style, size)
        lines = pdf.multi_cell(width, text=text, dry_run=True, output="LINES")
        if len(lines) <= max_lines:
            break
    else:
        lines = shortened(pdf, lines[:max_lines], width)
    return Block(lines, style, size, colour, width, space)


def shortened(pdf: FPDF, lines: list[str], width: float) -> list[str]:
    """`lines` with the last one cut so that it ends in an ellipsis within `width`."""
    last = lines[-1].rstrip()
    while last and pdf.get_string_width(last + "…") > width:
        last = last[:-1]
    return [*lines[:-1], last + "…"]


def draw_block(pdf: FPDF, block: Block, align="C", x: float = MARGIN, link="") -> None:
    """Write a block's lines one under the other, from the current height."""
    pdf.ln(block.space)
    pdf.set_font(FAMILY, block.style, block.size)
    pdf.set_text_color(*block.colour)
    for line in block.lines:
        pdf.set_x(x)
        pdf.cell(
            block.width,
            block.size * LINE_HEIGHT,
            line,
            align=align,
            link=link,
            new_x=XPos.LEFT,
            new_y=YPos.NEXT,
        )
