"""The search page, the search API and title completion for the search box."""

import time

from flask import Blueprint, after_this_request, current_app, jsonify, render_template, request
from flask_babel import gettext as _

from portal.errors import render_error
from portal.extensions import limiter
from portal.i18n import current_language, supported_languages
from portal.reference_data import all_regions, all_topics
from portal.search import engine, rebuild_after_response
from portal.search.querying import parse_query
from portal.search.querylog import log_search
from portal.search.registry import searchable_types
from portal.search.results import SORTS, SearchRequest, SearchResults
from portal.search.suggest import suggest_titles

bp = Blueprint("search", __name__)
api = Blueprint("search_api", __name__, url_prefix="/api/search")

PAGE_SIZE = 10
MAX_PER_PAGE = 50
#: Results beyond this rank are never shown: scoring deep pages costs more than it helps.
MAX_DEPTH = 500
#: The nothing-found page tries at most this many words on their own.
RELAXED_WORDS = 5


def _rate(name: str):
    return lambda: current_app.config[name]


class BadSearchRequest(Exception):
    """A parameter no search can honour, with the message to show."""


def read_search_request(args, per_page_default: int) -> SearchRequest:
    """The search asked for in the query string; nonsense filters are dropped, pages bounded."""
    page = max(args.get("page", 1, type=int) or 1, 1)
    per_page = min(max(args.get("per_page", per_page_default, type=int) or 1, 1), MAX_PER_PAGE)
    if (page - 1) * per_page >= MAX_DEPTH:
        raise BadSearchRequest(
            _("Only the first %(count)d results can be shown. Please make the search narrower.")
            % {"count": MAX_DEPTH}
        )
    year = args.get("year", type=int)
    return SearchRequest(
        text=args.get("q", ""),
        kind=_known(args.get("type", ""), {t.kind for t in searchable_types()}),
        region=_known(args.get("region", ""), {r.code for r in all_regions()}),
        topic=_known(args.get("topic", ""), {t.code for t in all_topics()}),
        year=year if year and 1900 <= year <= 2100 else None,
        language=_known(args.get("lang", ""), set(supported_languages())),
        sort=_known(args.get("sort", ""), set(SORTS)) or "relevance",
        page=page,
        per_page=per_page,
        preferred_language=current_language(),
    )


def _known(value: str, allowed: set[str]) -> str:
    return value if value in allowed else ""


def timed_search(search_request: SearchRequest, source: str) -> SearchResults:
    """Run the search and log it (first pages only: paging is not a new search)."""
    started = time.perf_counter()
    results = engine.search(search_request)
    duration_ms = round((time.perf_counter() - started) * 1000)
    if search_request.page == 1:
        normalised = parse_query(search_request.text).normalised
        log_search(normalised, current_language(), results.total, duration_ms, source)
    return results


def requested_search(source: str):
    """(request, results, None) of the search in the query string, or (None, None, the error
    response to give)."""
    try:
        search_request = read_search_request(request.args, PAGE_SIZE)
        return search_request, timed_search(search_request, source), None
    except BadSearchRequest as error:
        return None, None, render_error(400, str(error))
    except engine.SearchUnavailable:
        return None, None, unavailable()


@bp.route("/search")
@limiter.shared_limit(_rate("SEARCH_RATE_LIMIT"), scope="search")
def search():
    """Search every searchable type, with facets, sorting, paging and help when nothing is found."""
    search_request, results, refusal = requested_search("web")
    if refusal is not None:
        return refusal
    relaxed = relaxed_searches(search_request) if not results.total else []
    return render_template(
        "search/results.html",
        search=search_request,
        query=parse_query(search_request.text).text,
        results=results,
        relaxed=relaxed,
        labels=facet_labels(),
        topics=all_topics() if not results.total else [],
        max_depth=MAX_DEPTH,
    )


def unavailable():
    """The answer while the index is being rebuilt: a clear message, not an error page."""
    after_this_request(rebuild_after_response)  # applying to a missing index rebuilds it
    message = _("Search is being prepared and will be back in a minute. Please try again soon.")
    body, code = render_error(503, message)
    return body, code, {"Retry-After": "60"}


def relaxed_searches(search_request: SearchRequest) -> list[tuple[str, int]]:
    """Single words of a query that found nothing, with what each finds on its own."""
    words = parse_query(search_request.text).words
    if len(words) < 2:
        return []
    found = []
    for word in list(dict.fromkeys(words))[:RELAXED_WORDS]:
        single = SearchRequest(text=word, preferred_language=search_request.preferred_language)
        total = engine.search(single).total
        if total:
            found.append((word, total))
    return found


def facet_labels() -> dict[str, dict[str, str]]:
    """Display names of facet values, by facet, in the visitor's language."""
    from portal.i18n import LANGUAGE_NAMES

    return {
        "type": {t.kind: str(t.label) for t in searchable_types()},
        "region": {r.code: r.name for r in all_regions()},
        "topic": {t.code: t.name for t in all_topics()},
        "language": dict(LANGUAGE_NAMES),
    }


@api.route("")
@limiter.shared_limit(_rate("SEARCH_RATE_LIMIT"), scope="search")
def search_api():
    """Search results as JSON: hits, facet counts and a spelling suggestion."""
    search_request, results, refusal = requested_search("api")
    if refusal is not None:
        return refusal
    return jsonify(
        query=parse_query(search_request.text).text,
        total=results.total,
        page=search_request.page,
        per_page=search_request.per_page,
        results=[hit_json(hit) for hit in results.hits],
        facets=results.facets,
        suggestion=results.suggestion,
    )


def hit_json(hit) -> dict:
    """One result as the API gives it (the snippet is escaped HTML with <mark> around matches)."""
    return {
        "type": hit.kind,
        "slug": hit.slug,
        "title": hit.title,
        "language": hit.language,
        "url": hit.url,
        "snippet": str(hit.snippet),
        "score": hit.score,
    }


@api.route("/suggest")
@limiter.limit(_rate("SEARCH_SUGGEST_RATE_LIMIT"))
def suggest_api():
    """Up to eight titles completing what was typed, for the search box."""
    text = parse_query(request.args.get("q", "")).text
    try:
        with engine.search_index().reading() as searcher:
            found = suggest_titles(searcher, text, current_language())
    except engine.IndexUnavailable:
        found = []
    return jsonify(
        query=text,
        suggestions=[
            {"title": s.title, "type": s.kind, "language": s.language, "url": s.url} for s in found
        ],
    )
