"""Cards for content of other features (a lesson citing a library practice), by kind and slug.

Feature packages register a resolver; a page asks for cards without importing the feature that
owns them, so courses and practices stay independent of each other.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

CARDS_KEY = "portal.card_sources"


@dataclass
class Card:
    """What a card shows: a title and summary in some language, a link and a line of facts."""

    title: str
    summary: str
    url: str
    language: str
    meta: str = ""


def register_card_source(app: Flask, kind: str, resolver: Callable[[str, str], Card | None]):
    """Let a feature resolve (slug, language) of its `kind` to a card (None: not shown)."""
    app.extensions.setdefault(CARDS_KEY, {})[kind] = resolver


def cards(kind: str, slugs: list[str], language: str) -> list[Card]:
    """The cards of the given slugs that exist and may be shown, in the given order."""
    resolver = current_app.extensions.get(CARDS_KEY, {}).get(kind)
    if resolver is None:
        return []
    found = (resolver(slug, language) for slug in slugs)
    return [card for card in found if card is not None]
