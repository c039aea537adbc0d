"""Markdown written by trainers, rendered to HTML that is safe to show."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
}

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def place_headings_under_title(tokens) -> None:
    """Renumber the author's heading levels to run from h2 without gaps."""
    # The page title is the only h1, and screen-reader users navigate by level: whether an
    # author starts at "#" or "###", and skips a level or not, the outline must stay h2, h3...
    headings = [token for token in tokens if token.type in {"heading_open", "heading_close"}]
    levels = sorted({int(token.tag[1]) for token in headings})
    new_level = {level: min(rank + 2, 6) for rank, level in enumerate(levels)}
    for token in headings:
        token.tag = f"h{new_level[int(token.tag[1])]}"


def render_markdown(text: str) -> Markup:
    """Render Markdown to sanitised HTML: no raw HTML, scripts or unsafe URLs survive."""
    tokens = _parser.parse(text or "")
    place_headings_under_title(tokens)
    html = _parser.renderer.render(tokens, _parser.options, {})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return Markup(clean)  # nosec B704 # nh3 kept only the allowed tags, attributes and URLs
