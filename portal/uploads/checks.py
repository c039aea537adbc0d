"""What an upload really is: size, extension and content checks, and image re-encoding."""

import errno
import io
import re
import stat
import struct
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps

MIB = 1024 * 1024
DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: The Pillow decoder each image extension must really be; no other decoder is tried.
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
#: Videos are checked and stored by portal.uploads.media, streamed rather than in memory.
VIDEO_EXTENSIONS = frozenset({"mp4", "webm"})
KNOWN_EXTENSIONS = frozenset(DOCUMENT_TYPES) | frozenset(IMAGE_FORMATS) | VIDEO_EXTENSIONS
OOXML_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
# A PDF that a browser could also read as HTML would run its script on our origin.
PDF_HTML_MARKERS = (b"<html", b"<script", b"<!doctype html")
MAX_ZIP_ENTRIES = 1000
MAX_COMPRESSION_RATIO = 100
# Small, repetitive XML parts of honest spreadsheets compress several hundred times; only
# entries that unpack to more than this are judged by their ratio.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
JPEG_QUALITY = 85
# Pillow resizes other modes (palette, 1-bit) with nearest-neighbour: convert those first.
RESIZABLE_MODES = frozenset({"L", "LA", "RGB", "RGBA", "CMYK"})
# What Pillow's parsers raise on malformed input (UnidentifiedImageError is an OSError).
IMAGE_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError)
# zipfile raises NotImplementedError for archives that claim a newer ZIP version.
ZIP_DECODE_ERRORS = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    EOFError,
    struct.error,
    NotImplementedError,
)

UNSAFE_ARCHIVE = _l(
    "The document is not accepted: it has too many parts, unpacks to too much data "
    "or contains unsafe names."
)
SAVE_FAILED = _l("The file could not be saved. Please try again later.")


#: Errors of a full disk or quota: the server lacks room, the file is not at fault.
NO_ROOM_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class UploadRejected(Exception):
    """An upload the portal refuses; `message` is shown to the user in their language, with
    the HTTP `status` of the page that shows it."""

    status = 422

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class UploadNotSaved(UploadRejected):
    """A good upload the server could not write: 507 when the disk or quota is full (so
    monitoring sees it), 500 for other write errors."""

    def __init__(self, error: OSError) -> None:
        super().__init__(SAVE_FAILED)
        self.status = 507 if error.errno in NO_ROOM_ERRORS else 500


@dataclass(frozen=True)
class CheckedContent:
    """Bytes that passed the checks, ready to store, and what the checks learnt about them."""

    data: bytes
    extension: str
    content_type: str
    kind: str
    width: int | None = None
    height: int | None = None


def not_valid(extension: str) -> UploadRejected:
    """The rejection for content that is not what its extension claims."""
    return UploadRejected(_l("The file is not a valid %(type)s file.", type=extension.upper()))


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """Read at most `limit` + 1 bytes; reject empty and oversized files."""
    data = stream.read(limit + 1)
    if not data:
        raise UploadRejected(_l("The file is empty."))
    if len(data) > limit:
        limit_text = f"{limit / MIB:.3g}"
        raise UploadRejected(
            _l("The file is too large: the limit is %(limit)s MB.", limit=limit_text)
        )
    return data


def allowed_extension(filename: str | None, allowed: set[str]) -> str:
    """Return the lower-case extension of `filename` if it is in `allowed`, or reject."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if dot and stem.strip(". ") and extension in allowed:
        return extension
    types = ", ".join(sorted(ext.upper() for ext in allowed))
    raise UploadRejected(_l("This type of file is not accepted. Accepted: %(types)s.", types=types))


def check_content(data: bytes, extension: str, config: Mapping) -> CheckedContent:
    """Check that `data` really is an `extension` file; images come back re-encoded."""
    if extension in IMAGE_FORMATS:
        return reencode_image(data, extension, config)
    if extension == "pdf":
        check_pdf(data)
    else:
        check_office_document(data, extension, config["UPLOAD_MAX_UNZIPPED_BYTES"])
    return CheckedContent(data, extension, DOCUMENT_TYPES[extension], "document")


def check_pdf(data: bytes) -> None:
    """Accept a PDF header, refuse HTML in the first kilobyte (polyglots)."""
    head = data[:1024].lower()
    if not data.startswith(b"%PDF-") or any(marker in head for marker in PDF_HTML_MARKERS):
        raise not_valid("pdf")


def check_office_document(data: bytes, extension: str, max_unzipped: int) -> None:
    """Accept a DOCX or XLSX by its ZIP central directory alone; nothing is extracted."""
    if not data.startswith(b"PK\x03\x04"):  # also refuses executables with a ZIP appended
        raise not_valid(extension)
    # Each central directory entry starts with this signature: counting it caps the entries
    # zipfile would parse (and hold in memory) before we can look at them.
    if data.count(b"PK\x01\x02") > MAX_ZIP_ENTRIES:
        raise UploadRejected(UNSAFE_ARCHIVE)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except ZIP_DECODE_ERRORS:
        raise not_valid(extension) from None
    check_zip_entries(entries, max_unzipped)
    names = {entry.filename for entry in entries}
    if not {"[Content_Types].xml", OOXML_MAIN_PARTS[extension]} <= names:
        raise not_valid(extension)


def check_zip_entries(entries: list[zipfile.ZipInfo], max_unzipped: int) -> None:
    """Refuse zip bombs and path tricks: entry count, total size, ratio, names, symlinks."""
    unzipped_bytes = 0
    for entry in entries:
        unzipped_bytes += entry.file_size
        if (
            unzipped_bytes > max_unzipped
            or (
                entry.file_size > RATIO_CHECK_FROM_BYTES
                and compression_ratio(entry) > MAX_COMPRESSION_RATIO
            )
            or is_unsafe_member_name(entry.filename)
            or is_symlink(entry)
        ):
            raise UploadRejected(UNSAFE_ARCHIVE)
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UploadRejected(UNSAFE_ARCHIVE)


def compression_ratio(entry: zipfile.ZipInfo) -> float:
    """How many times larger the entry claims to be once unpacked."""
    if entry.file_size == 0:
        return 0.0
    return entry.file_size / entry.compress_size if entry.compress_size else float("inf")


def is_symlink(entry: zipfile.ZipInfo) -> bool:
    """A member that unpacks to a symbolic link (Unix mode in the external attributes): it
    could point an unpacking tool, or a later member of the same name, anywhere on disk."""
    return stat.S_ISLNK(entry.external_attr >> 16)


def is_unsafe_member_name(name: str) -> bool:
    """Absolute paths, drive letters and '..' would escape wherever the archive is unpacked."""
    parts = re.split(r"[\\/]", name)
    return name.startswith(("/", "\\")) or ".." in parts or bool(re.match(r"[A-Za-z]:", name))


def reencode_image(data: bytes, extension: str, config: Mapping) -> CheckedContent:
    """Decode a JPEG, PNG or WebP within the pixel limit and re-encode it without metadata."""
    max_pixels, keep_alpha = config["UPLOAD_MAX_IMAGE_PIXELS"], extension == "png"
    with warnings.catch_warnings():
        # Pillow warns about e.g. corrupt EXIF; the re-encoding drops that data anyway.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = open_image(data, extension, max_pixels)
            image = fit_for_web(image, config["UPLOAD_IMAGE_MAX_SIDE"])
            encoded = encode_image(image, keep_alpha)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise image_too_large(max_pixels) from None
        except IMAGE_DECODE_ERRORS:
            raise not_valid(extension) from None
    content_type, extension = ("image/png", "png") if keep_alpha else ("image/jpeg", "jpg")
    return CheckedContent(encoded, extension, content_type, "image", *image.size)


def open_image(data: bytes, extension: str, max_pixels: int) -> Image.Image:
    """Open an image and check its size from the header, before any pixel is decoded."""
    image = Image.open(io.BytesIO(data), formats=[IMAGE_FORMATS[extension]])
    width, height = image.size
    if width * height > max_pixels:
        raise image_too_large(max_pixels)
    return image


def image_too_large(max_pixels: int) -> UploadRejected:
    """The rejection for images with more pixels than the portal decodes."""
    megapixels = f"{max_pixels / 1_000_000:.3g}"
    return UploadRejected(
        _l("The image is too large: at most %(megapixels)s megapixels.", megapixels=megapixels)
    )


def fit_for_web(image: Image.Image, max_side: int) -> Image.Image:
    """Shrink to fit `max_side` and apply the EXIF orientation, decoding as little as possible."""
    if image.mode not in RESIZABLE_MODES:
        image = image.convert("RGBA" if has_alpha(image) else "RGB")
    # thumbnail() lets the JPEG decoder scale down while decoding, so it comes before load().
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    ImageOps.exif_transpose(image, in_place=True)
    return image


def has_alpha(image: Image.Image) -> bool:
    """Whether the image has any transparency, as a channel or a transparent colour."""
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def encode_image(image: Image.Image, keep_alpha: bool) -> bytes:
    """Write a PNG (transparency kept) or an RGB JPEG, with no metadata."""
    # JPEG comments and PNG text, EXIF, XMP and ICC would otherwise be copied from `info`.
    image.info = {key: value for key, value in image.info.items() if key == "transparency"}
    buffer = io.BytesIO()
    if keep_alpha:
        image.save(buffer, "PNG", optimize=True)
    else:
        flatten_to_rgb(image).save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buffer.getvalue()


def flatten_to_rgb(image: Image.Image) -> Image.Image:
    """Return an RGB image, transparent areas on white rather than black."""
    if not has_alpha(image):
        return image if image.mode == "RGB" else image.convert("RGB")
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, "white")
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background
