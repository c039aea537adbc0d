"""Where the portal's routes are: sample URLs for every rule and the endpoint behind a URL."""

from urllib.parse import urlsplit

from flask import url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from tests.portal.test_access import ACCESS


def sample_url(rule: Rule) -> str:
    """The rule's URL with the route × role matrix's sample arguments, or plain guesses."""
    arguments = ACCESS.get(rule.endpoint, (None, None))[1]
    if arguments is None:
        arguments = {name: guess(rule, name) for name in sorted(rule.arguments)}
    return url_for(rule.endpoint, **arguments)


def guess(rule: Rule, name: str) -> object:
    """A plausible value for a URL argument of a route the access matrix does not know yet."""
    converter = rule._converters.get(name)
    items = getattr(converter, "items", None)
    if items:  # any(a, b)
        return sorted(items)[0]
    return 1 if type(converter).__name__ in ("IntegerConverter", "NumberConverter") else "sample"


def endpoint_of(app, url: str, method: str = "GET") -> str | None:
    """The endpoint that serves `url`, or None for other hosts and unknown paths."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    try:
        return app.url_map.bind("localhost").match(parts.path, method)[0]
    except HTTPException:
        return None
