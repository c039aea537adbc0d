"""What people look for, and what they look for and do not find, from the search log.

Queries are logged without identity (portal.search.querylog), so this section shows no person.
A query counts as a gap when it found at most FEW_RESULTS entities: those are the case
studies trainers could write next.
"""

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.extensions import db
from portal.reports import Column, ReportFilters, Section, Table
from portal.reports.filters import utc_bounds
from portal.search.models import SearchQuery

FEW_RESULTS = 2
TOP = 20
LANGUAGES = ("ky", "ru", "en")


def build_section(filters: ReportFilters) -> Section:
    """The most frequent queries and the most frequent gaps, per interface language."""
    section = Section("search", _l("Search"))
    totals = query_totals(filters)
    section.figures = [
        (_l("Searches"), totals[0]),
        (_l("Searches that found nothing"), totals[1]),
    ]
    section.tables = [frequent_table(filters), gaps_table(filters)]
    return section


def logged_queries(filters: ReportFilters):
    """The search log within the period (filters other than the period do not apply)."""
    query = select(SearchQuery)
    begin, until = utc_bounds(filters)
    if begin is not None:
        query = query.where(SearchQuery.created_at >= begin)
    if until is not None:
        query = query.where(SearchQuery.created_at < until)
    return query.subquery()


def query_totals(filters: ReportFilters) -> tuple[int, int]:
    """(searches, searches with no result) in the period."""
    log = logged_queries(filters)
    empty = func.sum(func.cast(log.c.results == 0, db.Integer))
    total, nothing = db.session.execute(select(func.count(), empty).select_from(log)).one()
    return total or 0, nothing or 0


def grouped(filters: ReportFilters, only_gaps: bool):
    """(language, text, searches, most results) per query, most searched first."""
    log = logged_queries(filters)
    query = select(
        log.c.language, log.c.text, func.count().label("searches"), func.max(log.c.results)
    ).group_by(log.c.language, log.c.text)
    if only_gaps:
        query = query.having(func.max(log.c.results) <= FEW_RESULTS)
    query = query.order_by(func.count().desc(), log.c.text).limit(TOP * len(LANGUAGES))
    return db.session.execute(query).all()


def frequent_table(filters: ReportFilters) -> Table:
    """The most frequent queries, with how many results they found."""
    rows = [
        [language, text, searches, results]
        for language, text, searches, results in grouped(filters, only_gaps=False)
    ]
    return Table(
        "frequent",
        _l("Most frequent searches"),
        [
            Column("language", _l("Language")),
            Column("query", _l("Search")),
            Column("searches", _l("Searches"), numeric=True),
            Column("results", _l("Results"), numeric=True),
        ],
        rows,
    )


def gaps_table(filters: ReportFilters) -> Table:
    """Frequent queries that found little: each links to a new practice titled like it."""
    rows, links = [], {}
    for index, (language, text, searches, results) in enumerate(grouped(filters, True)):
        rows.append([text, language, searches, results])
        links[index] = url_for("practices.create", title=text, lang=language)
    return Table(
        "gaps",
        _l("Searches that found little: practices to write next"),
        [
            Column("query", _l("Search")),
            Column("language", _l("Language")),
            Column("searches", _l("Searches"), numeric=True),
            Column("results", _l("Results"), numeric=True),
        ],
        rows,
        note=_l("Follow a search to start drafting a practice on it."),
        links=links,
    )
