"""Reading page numbers from query strings safely."""

from flask import abort, request

MAX_PAGE = 10_000


def requested_page() -> int:
    """The ?page= number: 1 when absent or malformed, 404 past what any list can hold."""
    page = request.args.get("page", 1, type=int)
    if page is None or page < 1:
        return 1
    if page > MAX_PAGE:
        abort(404)
    return page
