"""Stored images on pages: <picture> with WebP and fallback srcsets, sized and lazy-loaded.

A feature tells which of its addresses serve a stored image (`register_picture_source`), so
pictures in Markdown that point at them get their web sizes. The variant URLs are the image's
own address plus ?width=…&format=…, served by the same view: the same access rules apply.
This runs on the sanitiser's output, whose allowlist (portal.markdown) keeps <picture> and
<source> out of what authors write: only addresses a feature vouches for get them.
"""

import html
import re
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from flask import Flask, current_app, has_request_context, request
from markupsafe import Markup, escape
from werkzeug.exceptions import HTTPException

from portal.uploads.models import StoredFile, StoredFileVariant

PICTURE_SOURCES_KEY = "portal.picture_sources"
#: Content is at most 60rem wide (the page's 62rem less its padding), the full width below.
SIZES = "(max-width: 62rem) 100vw, 60rem"
#: The fallback <img src> for browsers without srcset: a phone-sized width.
DEFAULT_WIDTH = 960
IMAGE_TAG = re.compile(r"<img\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
VARIANT_ARGUMENTS = {"width", "format"}
LAZY = ' loading="lazy" decoding="async"'

#: URL arguments of an endpoint → the stored file that address serves, if any.
PictureResolver = Callable[[dict], StoredFile | None]


def register_picture_source(app: Flask, endpoint: str, resolver: PictureResolver) -> None:
    """Let a feature say which stored file an address of `endpoint` serves."""
    app.extensions.setdefault(PICTURE_SOURCES_KEY, {})[endpoint] = resolver


def with_pictures(fragment: str) -> Markup:
    """Sanitised HTML with every <img> of a stored image turned into a sized <picture>."""
    if not has_request_context() or "<img" not in fragment:
        return Markup(fragment)  # nosec B704 # sanitised HTML in, as documented
    html = IMAGE_TAG.sub(picture_for_tag, str(fragment))
    return Markup(html)  # nosec B704 # picture() escapes what it writes


def picture_for_tag(match: re.Match) -> str:
    """The <picture> for one sanitised <img> tag, or the tag unchanged if not ours."""
    attributes = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(match[0])}
    src = attributes.get("src", "")
    stored = stored_image_at(src) if src else None
    if stored is None:
        return match[0]
    return picture(src, stored, attributes.get("alt", ""), title=attributes.get("title"))


def stored_image_at(src: str) -> StoredFile | None:
    """The stored image that a portal address serves, if a feature says so."""
    parts = urlsplit(urljoin(request.url_root, src))
    if parts.scheme not in ("http", "https") or parts.netloc != request.host:
        return None
    adapter = current_app.url_map.bind(request.host, script_name=request.script_root or None)
    path = parts.path.removeprefix(request.script_root)
    try:
        endpoint, arguments = adapter.match(path, method="GET")
    except HTTPException:
        return None
    resolver = current_app.extensions.get(PICTURE_SOURCES_KEY, {}).get(endpoint)
    stored = resolver(arguments) if resolver else None
    return stored if stored is not None and stored.kind == "image" else None


def picture(
    src: str, stored: StoredFile, alt: str = "", title: str | None = None, css_class: str = ""
) -> Markup:
    """A lazy, sized <picture> of `stored` served at `src`; a plain <img> without variants."""
    size = sized_attributes(stored.width, stored.height)
    extra = f' class="{escape(css_class)}"' if css_class else ""
    if title:
        extra += f' title="{escape(title)}"'
    modern = [v for v in stored.variants if v.extension == "webp"]
    fallback = [v for v in stored.variants if v.extension != "webp"]
    if not modern or not fallback:
        tag = f'<img src="{escape(src)}"{size}{LAZY} alt="{escape(alt)}"{extra}>'
        return Markup(tag)  # nosec B704 # every value in it is escaped or a number
    first = min(fallback, key=lambda variant: abs(variant.width - DEFAULT_WIDTH))
    largest = max(fallback, key=lambda variant: variant.width)
    return Markup(  # nosec B704 # every value in it is escaped or a number
        f'<picture><source type="image/webp" srcset="{srcset(src, modern)}" sizes="{SIZES}">'
        f'<img src="{escape(variant_url(src, first))}" srcset="{srcset(src, fallback)}" '
        f'sizes="{SIZES}"{sized_attributes(largest.width, largest.height)}{LAZY} '
        f'alt="{escape(alt)}"{extra}></picture>'
    )


def sized_attributes(width: int | None, height: int | None) -> str:
    """width and height attributes, so the page does not jump when the picture arrives."""
    return f' width="{width}" height="{height}"' if width and height else ""


def srcset(src: str, variants: list[StoredFileVariant]) -> Markup:
    """A srcset of the given variants, narrowest first."""
    ordered = sorted(variants, key=lambda variant: variant.width)
    return escape(", ".join(f"{variant_url(src, v)} {v.width}w" for v in ordered))


def variant_url(src: str, variant: StoredFileVariant) -> str:
    """`src` with the query that asks its view for one variant."""
    parts = urlsplit(src)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in VARIANT_ARGUMENTS]
    query += [("width", str(variant.width)), ("format", variant.extension)]
    return parts._replace(query=urlencode(query)).geturl()
