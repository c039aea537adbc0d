"""Running a search: one result per entity, facet counts, sorting, paging and snippets."""

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from whoosh import query as q

from portal.search.analysis import analyse_query_word, words
from portal.search.querying import BuiltQuery, ParsedQuery, QueryBuilder
from portal.search.registry import searchable_type

FACETS = ("type", "region", "topic", "year", "language")
SORTS = ("relevance", "date")
#: A result in the visitor's language wins over another language scoring up to this much more.
PREFERRED_LANGUAGE_BONUS = 1.25
SNIPPET_CHARS = 240
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")


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
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
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


class Columns:
    """Fast per-document values (Whoosh column stores) for grouping, facets and sorting."""

    def __init__(self, reader):
        self.entity = reader.column_reader("entity")
        self.type = reader.column_reader("type")
        self.language = reader.column_reader("language")
        self.region = reader.column_reader("region")
        self.topics = reader.column_reader("topics")
        self.year = reader.column_reader("year")
        self.date = reader.column_reader("date")


def best_per_entity(scored, columns: Columns, preferred: str) -> tuple[dict, dict]:
    """(entity → (score, docnum shown), entity → languages that matched).

    An entity ranks by its best-scoring language and is shown in the visitor's language
    whenever that version matched too.
    """
    best: dict[str, tuple[float, int]] = {}
    shown: dict[str, int] = {}
    languages: dict[str, set[str]] = {}
    for score, docnum in scored:
        entity = columns.entity[docnum]
        language = columns.language[docnum]
        adjusted = score * (PREFERRED_LANGUAGE_BONUS if language == preferred else 1.0)
        languages.setdefault(entity, set()).add(language)
        if entity not in best or adjusted > best[entity][0]:
            best[entity] = (adjusted, docnum)
        if language == preferred:
            shown[entity] = docnum
    chosen = {entity: (score, shown.get(entity, doc)) for entity, (score, doc) in best.items()}
    return chosen, languages


def count_facets(best: dict, languages: dict, columns: Columns) -> dict[str, dict[str, int]]:
    """Facet counts per entity (a practice in two languages counts once, except per language)."""
    facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}

    def add(name: str, value) -> None:
        if value not in ("", 0, None):
            facets[name][str(value)] = facets[name].get(str(value), 0) + 1

    for entity, (_score, docnum) in best.items():
        add("type", columns.type[docnum])
        add("region", columns.region[docnum])
        add("year", columns.year[docnum])
        for topic in (columns.topics[docnum] or "").split(","):
            add("topic", topic)
        for language in languages[entity]:
            add("language", language)
    return {name: dict(sorted(counts.items())) for name, counts in facets.items()}


def run_search(searcher, request: SearchRequest, parsed: ParsedQuery) -> SearchResults:
    """Search, group per entity, count facets and build the requested page."""
    built = QueryBuilder(searcher.reader()).build(parsed)
    results = SearchResults(suggestion=built.suggestion)
    if built.query is None:
        return results
    found = searcher.search(built.query, limit=None, filter=filter_query(request))
    columns = Columns(searcher.reader())
    best, languages = best_per_entity(found.top_n, columns, request.preferred_language)
    results.total = len(best)
    results.facets = count_facets(best, languages, columns)
    ordered = order_entities(best, columns, request.sort)
    start = (request.page - 1) * request.per_page
    page = ordered[start : start + request.per_page]
    results.hits = [make_hit(searcher, docnum, score, built) for score, docnum in page]
    return results


def order_entities(best: dict, columns: Columns, sort: str) -> list[tuple[float, int]]:
    """Entities by relevance (ties: newer first) or by date (ties: more relevant first)."""
    entries = list(best.values())
    if sort == "date":
        return sorted(entries, key=lambda entry: (-columns.date[entry[1]], -entry[0]))
    return sorted(entries, key=lambda entry: (-entry[0], -columns.date[entry[1]]))


def make_hit(searcher, docnum: int, score: float, built: BuiltQuery) -> Hit:
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
        snippet=snippet(source, built.terms),
        score=round(score, 4),
        region=stored.get("region", ""),
        year=stored.get("year", 0),
        date=stored.get("date", 0),
    )


def normalised_word(word: str) -> str:
    """A word of a text as the analysis sees it: lower-case, hyphens unified."""
    found = words(word)
    return found[0] if found else word


def word_matches(word: str, terms: set[str]) -> bool:
    """Whether a text word stands for one of the query's terms."""
    analysed = analyse_query_word(normalised_word(word))
    for family in ("ky", "kyf", "ru", "en", "skel"):
        if any(f"{family}:{term}" in terms for term in analysed.family(family)):
            return True
    return any(
        term.startswith("prefix:") and surface.startswith(term[7:])
        for term in terms
        for surface in analysed.surface
    )


def snippet(text: str, terms: set[str]) -> Markup:
    """The passage of `text` with most query words, escaped, matches wrapped in <mark>."""
    sentences = [s.strip() for s in SENTENCE_END.split(text) if s and s.strip()]
    if not sentences:
        return Markup("")
    scored = [(sum(word_matches(w, terms) for w in set(words(s))), s) for s in sentences[:60]]
    best_score = max(score for score, _ in scored)
    chosen = next(s for score, s in scored if score == best_score)
    return highlight(shorten(chosen, terms), terms)


def shorten(sentence: str, terms: set[str]) -> str:
    """At most SNIPPET_CHARS characters of a sentence, around its first match."""
    if len(sentence) <= SNIPPET_CHARS:
        return sentence
    first = next(
        (
            m.start()
            for m in re.finditer(r"\w+(?:-\w+)*", sentence)
            if word_matches(m.group(), terms)
        ),
        0,
    )
    start = max(0, first - SNIPPET_CHARS // 3)
    piece = sentence[start : start + SNIPPET_CHARS]
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(sentence) else "")


def highlight(text: str, terms: set[str]) -> Markup:
    """Escape `text` and wrap every matching word in <mark>."""
    parts, last = [], 0
    for match in re.finditer(r"\w+(?:[-‐‑–]\w+)*", text):
        if word_matches(match.group(), terms):
            parts.append(escape(text[last : match.start()]))
            parts.append(Markup("<mark>%s</mark>") % match.group())
            last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)
