"""Plain text of stored documents for the search index: best effort, bounded, never raising."""

import itertools
import logging
import re
import zipfile
import zlib
from collections.abc import Callable, Generator
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from flask import current_app, has_app_context
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from portal.uploads import stored_file_path
from portal.uploads.models import StoredFile

try:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse
except ImportError:  # pragma: no cover - defusedxml is optional
    # Without defusedxml: expat (2.4.1+) refuses entity amplification, ElementTree never loads
    # external entities, and every member is read through a byte budget.
    from xml.etree.ElementTree import iterparse

    XML_ERRORS: tuple[type[Exception], ...] = (ParseError,)
else:
    XML_ERRORS = (ParseError, DefusedXmlException)

MIB = 1024 * 1024
DEFAULT_MAX_CHARS = 200_000
MAX_PDF_PAGES = 200
#: Decompressed XML one DOCX or XLSX may feed the parser, all of its members together.
MAX_XML_BYTES = 64 * MIB
# pypdf's own errors (PdfReadError, FileNotDecryptedError, DependencyError for AES without a
# crypto library); zlib and EOF errors come from damaged ZIP members, NotImplementedError
# from ZIP features Python lacks.
READ_ERRORS = (
    PyPdfError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    NotImplementedError,
    OSError,
    *XML_ERRORS,
)
WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOCX_BODY = "word/document.xml"
XLSX_SHARED_STRINGS = "xl/sharedStrings.xml"
XLSX_WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
# Word elements that separate words inside a paragraph.
WORD_SPACES = frozenset({f"{WORD}tab", f"{WORD}br", f"{WORD}cr"})
# Control, format (soft hyphen, zero-width, bidi overrides) and lone surrogate characters:
# PostgreSQL cannot store NUL or surrogates, and the rest only split words for search.
# Whitespace controls are left to str.split(), which turns them into separators.
INVISIBLE = re.compile(
    "[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\xad\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    "\ufeff\ud800-\udfff]"
)


class BudgetExceeded(Exception):
    """The XML of a document is larger than the bytes an extraction may read."""


class ByteBudget:
    """Bytes an extraction may still read, shared by every member it opens."""

    def __init__(self, limit: int) -> None:
        self.remaining = limit


class CappedReader:
    """A read-only stream over `raw` that refuses to read past the shared budget."""

    def __init__(self, raw: IO[bytes], budget: ByteBudget) -> None:
        self.raw, self.budget = raw, budget

    def read(self, size: int = -1) -> bytes:
        """Up to `size` bytes; raises BudgetExceeded only if data remains beyond the budget."""
        if self.budget.remaining <= 0:
            if self.raw.read(1):
                raise BudgetExceeded
            return b""
        size = self.budget.remaining if size < 0 else min(size, self.budget.remaining)
        data = self.raw.read(size)
        self.budget.remaining -= len(data)
        return data


def stored_text(stored: StoredFile) -> str:
    """The searchable text of a stored file: kept since upload, or extracted now if older."""
    if stored.text is not None:
        return stored.text
    return extract_text(stored)


def extract_text(stored: StoredFile, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text of a stored PDF, DOCX or XLSX file; "" for images and unreadable files."""
    if stored.kind != "document":
        return ""
    return extract_text_from_path(stored_file_path(stored), stored.extension, max_chars)


def extract_text_from_path(path: Path, extension: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The text of the `extension` file at `path`, at most `max_chars`; "" if unreadable."""
    extractor = EXTRACTORS.get(extension.lower())
    if extractor is None or max_chars <= 0:
        return ""
    try:
        text = extractor(path, max_chars)
    except READ_ERRORS as error:
        logger().info("No text from %s: %s: %s", path.name, type(error).__name__, error)
        return ""
    except Exception:
        # pypdf can fail on hostile files with almost any error; a search index can do without.
        logger().warning("Text extraction failed for %s", path.name, exc_info=True)
        return ""
    return clean_text(text)[:max_chars]


def pdf_text(path: Path, max_chars: int) -> str:
    """Text of the first MAX_PDF_PAGES pages, stopping once `max_chars` are collected."""
    reader = PdfReader(path)
    pages: list[str] = []
    length = 0
    for page in itertools.islice(reader.pages, MAX_PDF_PAGES):
        text = clean_text(page.extract_text())
        pages.append(text)
        length += len(text) + 1
        if length >= max_chars:
            break
    return "\n".join(pages)


def docx_text(path: Path, max_chars: int) -> str:
    """Text of the main document part of a DOCX, one line per paragraph."""
    with zipfile.ZipFile(path) as archive:
        if DOCX_BODY not in archive.namelist():
            return ""
        with archive.open(DOCX_BODY) as member:
            budget = ByteBudget(MAX_XML_BYTES)
            return collect(docx_pieces(CappedReader(member, budget)), max_chars)


def docx_pieces(source: CappedReader) -> Generator[str, None, None]:
    """Text runs, spaces for tabs and breaks, and a newline after each paragraph."""
    for _, element in iterparse(source, events=("end",)):  # nosec B314 # see the imports
        if element.tag == f"{WORD}t":
            yield element.text or ""
        elif element.tag in WORD_SPACES:
            yield " "
        elif element.tag == f"{WORD}p":
            yield "\n"
            element.clear()  # keep memory flat on long documents


def xlsx_text(path: Path, max_chars: int) -> str:
    """Shared strings, then inline strings of every worksheet, one line per string."""
    with zipfile.ZipFile(path) as archive:
        return collect(xlsx_pieces(archive, ByteBudget(MAX_XML_BYTES)), max_chars)


def xlsx_pieces(archive: zipfile.ZipFile, budget: ByteBudget) -> Generator[str, None, None]:
    """The strings of the shared string table and of the worksheets' inline string cells."""
    names = archive.namelist()
    worksheets = sorted((n for n in names if XLSX_WORKSHEET.fullmatch(n)), key=natural_order)
    if XLSX_SHARED_STRINGS in names:
        with archive.open(XLSX_SHARED_STRINGS) as member:
            yield from spreadsheet_strings(CappedReader(member, budget), f"{SHEET}si")
    for name in worksheets:
        with archive.open(name) as member:
            yield from spreadsheet_strings(CappedReader(member, budget), f"{SHEET}is")


def spreadsheet_strings(source: CappedReader, string_tag: str) -> Generator[str, None, None]:
    """Each `string_tag` element's text (plain or rich runs) followed by a newline."""
    for _, element in iterparse(source, events=("end",)):  # nosec B314 # see the imports
        if element.tag == string_tag:
            yield string_item_text(element) + "\n"
            element.clear()
        elif element.tag == f"{SHEET}row":
            element.clear()  # worksheets are mostly numbers: drop each row once read


def string_item_text(item: Element) -> str:
    """The text of a string item: its <t>, or its rich text runs; phonetic hints are skipped."""
    runs = [item, *item.findall(f"{SHEET}r")]
    return "".join(run.findtext(f"{SHEET}t") or "" for run in runs)


def natural_order(name: str) -> tuple[int, str]:
    """Sort key putting sheet2.xml before sheet10.xml."""
    return len(name), name


def collect(pieces: Generator[str, None, None], max_chars: int) -> str:
    """Join pieces until `max_chars`; a document over the byte budget keeps its beginning."""
    text: list[str] = []
    length = 0
    try:
        for piece in pieces:
            text.append(piece)
            length += len(piece)
            if length >= max_chars:
                break
    except BudgetExceeded:
        logger().info("Document XML exceeds %d bytes; indexing its beginning only", MAX_XML_BYTES)
    finally:
        pieces.close()
    return "".join(text)


def clean_text(text: str) -> str:
    """Drop invisible characters, collapse spaces, keep one newline between non-empty lines."""
    lines = (" ".join(line.split()) for line in INVISIBLE.sub("", text).splitlines())
    return "\n".join(line for line in lines if line)


def logger() -> logging.Logger:
    """The app's logger in an app context, else this module's (scripts, benchmarks)."""
    return current_app.logger if has_app_context() else logging.getLogger(__name__)


EXTRACTORS: dict[str, Callable[[Path, int], str]] = {
    "pdf": pdf_text,
    "docx": docx_text,
    "xlsx": xlsx_text,
}
