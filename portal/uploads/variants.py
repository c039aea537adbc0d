"""Web sizes of stored images: 480, 960 and 1600 px wide, as WebP with a JPEG or PNG fallback.

Each variant is stored by the SHA-256 of its bytes beside the originals and recorded in
`stored_file_variant`; pages offer them in a srcset (portal.uploads.pictures) and fall back to
the original while an image has none.
"""

import hashlib
import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from flask import abort, current_app, request
from PIL import Image
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.uploads.checks import (
    IMAGE_DECODE_ERRORS,
    UploadRejected,
    encode_image,
    has_alpha,
    open_image,
)
from portal.uploads.models import VARIANT_TYPES, StoredFile, StoredFileVariant

WEB_WIDTHS = (480, 960, 1600)
MODERN_FORMAT = "webp"
WEBP_QUALITY = 80
# Pillow's default effort: higher methods save a few per cent for several times the CPU.
WEBP_METHOD = 4


@dataclass(frozen=True)
class EncodedVariant:
    """The bytes of one web size before they are stored."""

    width: int
    height: int
    extension: str
    data: bytes


def variant_widths(original_width: int) -> list[int]:
    """The web widths below the original's, plus the original's own capped at the largest."""
    largest = min(original_width, WEB_WIDTHS[-1])
    return [width for width in WEB_WIDTHS if width < largest] + [largest]


def fallback_format(image: Image.Image) -> str:
    """JPEG for pictures without transparency, PNG for those with it."""
    return "png" if has_alpha(image) else "jpg"


def has_all_variants(stored: StoredFile) -> bool:
    """Whether every web size of the image `stored` is recorded (WebP and a fallback each)."""
    modern = {variant.width for variant in stored.variants if variant.extension == MODERN_FORMAT}
    fallbacks = {variant.width for variant in stored.variants if variant.extension != MODERN_FORMAT}
    wanted = set(variant_widths(stored.width))
    return wanted <= modern and wanted <= fallbacks


def make_variants(stored: StoredFile) -> int:
    """Store the missing web sizes of an image; return how many were added (0 when complete)."""
    if stored.kind != "image" or not stored.width or has_all_variants(stored):
        return 0
    known = {(variant.width, variant.extension) for variant in stored.variants}
    added = 0
    # Only the generator holds the decoded original, so it is freed after the first resize.
    for encoded in encode_variants(load_original(stored), stored):
        if (encoded.width, encoded.extension) not in known:
            added += add_variant(stored, encoded)
    return added


def load_original(stored: StoredFile) -> Image.Image:
    """Decode the stored original, within the same pixel limit as uploads, as RGB or RGBA."""
    from portal.uploads import stored_file_path  # the package imports this module

    data = stored_file_path(stored).read_bytes()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = open_image(data, stored.extension, current_app.config["UPLOAD_MAX_IMAGE_PIXELS"])
        if image.format == "JPEG" and image.width > WEB_WIDTHS[-1]:
            # Let the decoder scale down by 1/2, 1/4 or 1/8 (never below the largest web size)
            # rather than hold every pixel of a large original in memory.
            scale = WEB_WIDTHS[-1] / image.width
            image.draft("RGB", (WEB_WIDTHS[-1], max(1, round(image.height * scale))))
        image.load()
    if image.mode not in ("RGB", "RGBA") or "transparency" in image.info:
        image = image.convert("RGBA" if has_alpha(image) else "RGB")
    image.info = {}  # originals carry no metadata; nothing must reach the variants either
    return image


def encode_variants(image: Image.Image, stored: StoredFile) -> Iterator[EncodedVariant]:
    """Yield every web size, largest first, each resized from the previous one to save work."""
    fallback = fallback_format(image)
    for width in sorted(variant_widths(image.width), reverse=True):
        if width < image.width:
            height = max(1, round(image.height * width / image.width))
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        yield EncodedVariant(image.width, image.height, MODERN_FORMAT, encode_webp(image))
        if image.size == (stored.width, stored.height) and fallback == stored.extension:
            data = b""  # the original already is this fallback: add_variant reuses its file
        else:
            data = encode_image(image, keep_alpha=fallback == "png")
        yield EncodedVariant(image.width, image.height, fallback, data)


def encode_webp(image: Image.Image) -> bytes:
    """Lossy WebP, transparency kept, no metadata."""
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD)
    return buffer.getvalue()


def add_variant(stored: StoredFile, encoded: EncodedVariant) -> int:
    """Write the bytes (or reuse the original's) and record the variant; 1 if added, else 0."""
    from portal.uploads import stored_file_path, write_atomically

    if encoded.data:
        sha256, size = hashlib.sha256(encoded.data).hexdigest(), len(encoded.data)
    else:
        sha256, size = stored.sha256, stored.size
    variant = StoredFileVariant(
        width=encoded.width,
        height=encoded.height,
        extension=encoded.extension,
        sha256=sha256,
        size=size,
    )
    path = stored_file_path(variant)
    if encoded.data and not path.is_file():
        write_atomically(path, encoded.data)
    try:
        with db.session.begin_nested():
            stored.variants.append(variant)
    except IntegrityError:  # a concurrent request recorded it first
        db.session.refresh(stored)
        return 0
    return 1


def make_variants_quietly(stored: StoredFile) -> None:
    """Make an upload's web sizes; a failure only logs, since pages fall back to the original."""
    try:
        make_variants(stored)
    except (UploadRejected, OSError, Image.DecompressionBombWarning, *IMAGE_DECODE_ERRORS) as error:
        current_app.logger.warning("No web sizes for %r: %s", stored, error)


def requested_variant(stored: StoredFile) -> StoredFileVariant | None:
    """The variant that ?width=…&format=… asks for, None without them; 404 when there is none."""
    width, extension = request.args.get("width"), request.args.get("format")
    if width is None and extension is None:
        return None
    if extension not in VARIANT_TYPES or not (width or "").isdigit():
        abort(404)
    for variant in stored.variants:
        if variant.width == int(width) and variant.extension == extension:
            return variant
    abort(404)
