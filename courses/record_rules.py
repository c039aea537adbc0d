"""Rules for single values of a course record: each returns what is wrong (None if fine)."""

import math
import re
from collections.abc import Callable

from portal.extensions import db
from portal.models import Topic

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

Rule = Callable[[object], str | None]


def is_number(value) -> bool:
    """A finite JSON number (true and false are not numbers here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def flag(value) -> str | None:
    """True or false."""
    return None if isinstance(value, bool) else "must be true or false"


def one_of(allowed) -> Rule:
    """One of the allowed names."""
    names = [str(name) for name in allowed]
    return lambda value: None if value in names else f"{value!r} is not one of {', '.join(names)}"


def whole(low: int, high: int) -> Rule:
    """A whole number from `low` to `high`."""

    def rule(value) -> str | None:
        if type(value) is int and low <= value <= high:
            return None
        return f"must be a whole number from {low} to {high}"

    return rule


def text(limit: int | None = None) -> Rule:
    """Text of at most `limit` characters (leading and trailing spaces do not count)."""

    def rule(value) -> str | None:
        if not isinstance(value, str):
            return "must be text"
        return f"longer than {limit} characters" if limit and len(value.strip()) > limit else None

    return rule


def slug(value) -> str | None:
    """A slug: lower-case latin letters, digits and hyphens."""
    if isinstance(value, str) and len(value) <= 80 and SLUG_PATTERN.match(value):
        return None
    return f"{value!r} must be lower-case latin letters, digits and hyphens"


def hours(value) -> str | None:
    """The hours a certificate states."""
    fits = is_number(value) and 0 < value <= 1000
    return None if fits else "must be a number of hours above 0 (at most 1000), or null"


def web_address(value) -> str | None:
    """An http(s) address of at most 500 characters, or nothing."""
    if not isinstance(value, str) or len(value) > 500:
        return "must be a web address of at most 500 characters"
    if value and not value.startswith(("https://", "http://")):
        return "must start with https:// or http://"
    return None


def practice_slugs(value) -> str | None:
    """Slugs of library practices."""
    if isinstance(value, list) and all(slug(item) is None for item in value):
        return None
    return "must be a list of practice slugs"


def topic_codes(value) -> str | None:
    """Codes of topics this portal knows."""
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        return "must be a list of topic codes"
    known = set(db.session.scalars(db.select(Topic.code).where(Topic.code.in_(value))))
    unknown = [f"unknown code {code!r}" for code in value if code not in known]
    return ", ".join(unknown) or None


def objects_list(value) -> str | None:
    """A list of JSON objects."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return None
    return "must be a list of objects"
