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


#: Page size of the JSON API lists: default and most.
API_PER_PAGE = 20
API_MAX_PER_PAGE = 50


def api_page(query):
    """The requested page of `query` for a JSON list: ?page= and ?per_page= (at most 50)."""
    from portal.extensions import db

    per_page = request.args.get("per_page", API_PER_PAGE, type=int) or API_PER_PAGE
    per_page = min(max(per_page, 1), API_MAX_PER_PAGE)
    return db.paginate(
        query,
        page=requested_page(),
        per_page=per_page,
        max_per_page=API_MAX_PER_PAGE,
        error_out=False,
    )
