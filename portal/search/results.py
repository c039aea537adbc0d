"""Running a search: one result per entity, facet counts, sorting, paging and snippets."""

import heapq
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup
from whoosh import query as q

from portal.search.matching import score_documents, segment_matches
from portal.search.querying import BuiltQuery, ParsedQuery, QueryBuilder
from portal.search.registry import searchable_type
from portal.search.snippets import Highlighter

FACETS = ("type", "region", "topic", "year", "language")
SORTS = ("relevance", "date")
LANGUAGES = ("ky", "ru", "en")
#: Matching documents scored for ranking at most (the strongest by words matched): Whoosh
#: scores a document in tens of microseconds, and a very common word matches them all.
SCORED_CANDIDATES = 150
#: Entities beyond the page that proximity and quoted phrases may still move onto it.
PROXIMITY_CANDIDATES = 10
#: Facet values that mean "not stated".
EMPTY = {"", "0", "None"}


@dataclass
class SearchRequest:
    """What was asked: the query, the filters, the order and the page."""

    text: str
    kind: str = ""
    region: str = ""
    topic: str = ""
    year: int | None = None
    language: str = ""
    sort: str = "relevance"
    page: int = 1
    per_page: int = 10
    preferred_language: str = "ky"

    def filters(self) -> dict[str, str | int]:
        """The facet filters in use, by facet name."""
        values = {
            "type": self.kind,
            "region": self.region,
            "topic": self.topic,
            "year": self.year,
            "language": self.language,
        }
        return {name: value for name, value in values.items() if value}

    def as_args(self, **changes) -> dict[str, str | int]:
        """The query-string arguments of this search with some changed (None removes one)."""
        values = {
            "q": self.text,
            "type": self.kind,
            "region": self.region,
            "topic": self.topic,
            "year": self.year,
            "lang": self.language,
            "sort": self.sort if self.sort != "relevance" else "",
            "page": self.page if self.page > 1 else "",
        }
        values.update(changes)
        return {name: value for name, value in values.items() if value}


@dataclass
class Hit:
    """One entity found, shown in its best-matching language."""

    kind: str
    slug: str
    title: str
    language: str
    url: str
    snippet: Markup
    score: float
    region: str = ""
    year: int = 0
    date: int = 0


@dataclass
class SearchResults:
    """A page of results with everything the page and the API show around it."""

    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, dict[str, int]] = field(default_factory=lambda: {f: {} for f in FACETS})
    suggestion: str | None = None


def filter_query(request: SearchRequest) -> q.Query | None:
    """The facet filters as a Whoosh query."""
    clauses = []
    if request.kind:
        clauses.append(q.Term("type", request.kind))
    if request.region:
        clauses.append(q.Term("region", request.region))
    if request.topic:
        clauses.append(q.Term("topics", request.topic))
    if request.year:
        clauses.append(q.Term("year", request.year))
    if request.language:
        clauses.append(q.Term("language", request.language))
    return q.And(clauses) if clauses else None


@dataclass
class Matches:
    """Everything one search matched, kept in plain dicts of strings and numbers (which the
    garbage collector does not track: a search may match tens of thousands of documents).

    `docs` maps each entity to its matching document per language, `dates` to its date;
    `facets` counts entities per facet value; `entity_of` maps documents back to entities;
    `strength` orders documents for scoring.
    """

    docs: dict[str, dict[str, int]] = field(default_factory=dict)
    dates: dict[str, int] = field(default_factory=dict)
    facets: dict[str, Counter] = field(default_factory=lambda: {f: Counter() for f in FACETS})
    entity_of: dict[int, str] = field(default_factory=dict)
    strength: dict[int, int] = field(default_factory=dict)

    def facet_counts(self) -> dict[str, dict[str, int]]:
        """Facet values with their counts, "not stated" left out."""
        return {
            name: {value: count for value, count in sorted(counter.items()) if value not in EMPTY}
            for name, counter in self.facets.items()
        }


def collect_matches(searcher, built: BuiltQuery, allowed: q.Query | None) -> Matches:
    """Every entity with a document the query (and the filters) match.

    A document's strength counts the clauses it matches (words typed), twice, plus the
    clauses matched in its title or summary: the order in which candidates are scored.
    """
    matches = Matches()
    for segment in segment_matches(searcher, built.clauses, allowed):
        add_entities(matches, segment)
        strength = Counter(segment.head_ids)
        for ids in segment.clause_ids:
            strength.update(ids)
            strength.update(ids)
        if segment.offset:
            strength = {segment.offset + docnum: n for docnum, n in strength.items()}
        matches.strength.update(strength)
    return matches


def add_entities(matches: Matches, segment) -> None:
    """Record the entities of a segment's matching documents, counting facets as they come."""
    table, offset, docs, entity_of = segment.table, segment.offset, matches.docs, matches.entity_of
    facets = matches.facets
    languages = facets["language"]
    for local in segment.ids:
        entity = table.entity[local]
        if not entity:
            continue  # the watermark and vocabulary documents
        found = docs.get(entity)
        if found is None:
            found = docs[entity] = {}
            matches.dates[entity] = table.date[local]
            facets["type"][table.type[local]] += 1
            facets["region"][table.region[local]] += 1
            facets["year"][str(table.year[local])] += 1
            facets["topic"].update(table.topics[local])
        language = table.language[local]
        found[language] = offset + local
        languages[language] += 1
        entity_of[offset + local] = entity


def run_search(searcher, request: SearchRequest, parsed: ParsedQuery) -> SearchResults:
    """Search, group per entity, count facets and build the requested page."""
    built = QueryBuilder(searcher.reader()).build(parsed)
    results = SearchResults(suggestion=built.suggestion)
    if built.query is None:
        return results
    matches = collect_matches(searcher, built, filter_query(request))
    results.total = len(matches.docs)
    results.facets = matches.facet_counts()
    start = (request.page - 1) * request.per_page
    if request.sort == "date":
        page = newest_page(searcher, built.query, matches, start, request.per_page)
    else:
        page = relevance_page(searcher, built, matches, start, request.per_page)
    highlighter = Highlighter(built.terms)
    results.hits = [
        make_hit(
            searcher, shown_document(matches.docs[entity], docnum, request), score, highlighter
        )
        for entity, docnum, score in page
    ]
    return results


def relevance_page(searcher, built, matches: Matches, start: int, count: int) -> list[tuple]:
    """(entity, best document, score) of the page, entities ranked by their best document.

    Whoosh scores in Python, a step per document: only the strongest candidates are scored
    (every match when there are few), which bounds the time a very common word can take.
    Proximity and quoted phrases, costlier still, then reorder the entities near the page.
    """
    wanted = max(SCORED_CANDIDATES, (start + count) * len(LANGUAGES))
    candidates = heapq.nlargest(wanted, matches.strength, key=matches.strength.__getitem__)
    ranked = best_per_entity(score_documents(searcher, built.word_query, candidates), matches)
    if built.boosts:
        near = ranked[: start + count + PROXIMITY_CANDIDATES]
        extra = score_documents(searcher, q.Or(built.boosts), [doc for _e, doc, _s in near])
        near = [(entity, doc, score + extra.get(doc, 0.0)) for entity, doc, score in near]
        near.sort(key=lambda item: (-item[2], item[1]))
        ranked[: len(near)] = near
    return ranked[start : start + count]


def best_per_entity(scores: dict[int, float], matches: Matches) -> list[tuple[str, int, float]]:
    """(entity, best document, its score), best first."""
    ranked: dict[str, tuple[int, float]] = {}
    for docnum, score in sorted(scores.items(), key=lambda item: (-item[1], item[0])):
        ranked.setdefault(matches.entity_of[docnum], (docnum, score))
    return [(entity, doc, score) for entity, (doc, score) in ranked.items()]


def newest_page(searcher, query, matches: Matches, start: int, count: int) -> list[tuple]:
    """(entity, a document, score) of the page, newest entities first."""
    dates = matches.dates
    page = sorted(dates, key=lambda entity: (-dates[entity], entity))[start : start + count]
    scores = score_documents(searcher, query, [d for e in page for d in matches.docs[e].values()])
    found = []
    for entity in page:
        best = max(matches.docs[entity].values(), key=lambda docnum: scores.get(docnum, 0.0))
        found.append((entity, best, scores.get(best, 0.0)))
    return found


def shown_document(docs: dict[str, int], best: int, request: SearchRequest) -> int:
    """The visitor's language version when it matched too, else the best-scoring one."""
    return docs.get(request.preferred_language, best)


def make_hit(searcher, docnum: int, score: float, highlighter: Highlighter) -> Hit:
    """A result: stored fields, address and a highlighted snippet."""
    stored = searcher.stored_fields(docnum)
    searchable = searchable_type(stored["type"])
    url = searchable.url(stored["slug"], stored["language"]) if searchable else ""
    source = f"{stored.get('summary', '')}\n{stored.get('text', '')}"
    return Hit(
        kind=stored["type"],
        slug=stored["slug"],
        title=stored.get("title", ""),
        language=stored["language"],
        url=url,
        snippet=highlighter.snippet(source),
        score=round(score, 4),
        region=stored.get("region", ""),
        year=stored.get("year", 0),
        date=stored.get("date", 0),
    )
