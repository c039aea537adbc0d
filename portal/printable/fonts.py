"""The Unicode font that PDFs need for Kyrgyz and Russian text (fpdf2's own fonts are Latin-1)."""

from pathlib import Path

from flask import current_app
from fpdf import FPDF

DEJAVU = "/usr/share/fonts/truetype/dejavu"
FAMILY = "DejaVu"
MONO_FAMILY = "DejaVuMono"

#: Font style → (setting, default file). Regular and bold are required; the certificate settings
#: name them because certificates were the first PDFs.
REQUIRED_FONTS = {
    "": ("CERTIFICATE_FONT", f"{DEJAVU}/DejaVuSans.ttf"),
    "B": ("CERTIFICATE_FONT_BOLD", f"{DEJAVU}/DejaVuSans-Bold.ttf"),
}
#: Styles that fall back to the regular font when their file is missing.
OPTIONAL_FONTS = {
    "I": ("PDF_FONT_ITALIC", f"{DEJAVU}/DejaVuSans-Oblique.ttf"),
    "BI": ("PDF_FONT_BOLD_ITALIC", f"{DEJAVU}/DejaVuSans-BoldOblique.ttf"),
}
MONO_FONT = ("PDF_FONT_MONO", f"{DEJAVU}/DejaVuSansMono.ttf")


class PdfFontMissing(RuntimeError):
    """The font with Kyrgyz letters that PDFs need is not installed."""


def configured_path(setting: str, default: str) -> str:
    """The font file a setting names, or its default."""
    return current_app.config.get(setting, default) or default


def font_paths() -> dict[str, str]:
    """Required font style → file, from the settings; PdfFontMissing if a file is absent."""
    paths = {}
    for style, (setting, default) in REQUIRED_FONTS.items():
        path = configured_path(setting, default)
        if not Path(path).is_file():
            raise PdfFontMissing(
                f"{setting}: no font file at {path} (install the Debian package "
                f"fonts-dejavu-core, or set {setting} to a TTF font with Kyrgyz letters)"
            )
        paths[style] = path
    return paths


def add_unicode_fonts(pdf: FPDF) -> None:
    """Embed the DejaVu family (regular, bold, italics) and a monospaced font for code."""
    paths = font_paths()
    for style, (setting, default) in OPTIONAL_FONTS.items():
        path = configured_path(setting, default)
        paths[style] = path if Path(path).is_file() else paths[""]
    for style, path in paths.items():
        pdf.add_font(FAMILY, style, path)
    mono = configured_path(*MONO_FONT)
    pdf.add_font(MONO_FAMILY, "", mono if Path(mono).is_file() else paths[""])
