"""Which documents a query matches, and what they are, without scoring them.

Facet counts and totals need every matching document, not just the best ten. Scoring them all
through Whoosh's matchers costs a Python step per document and term; instead the posting lists
are read a block at a time and combined as sets, and the per-document values (entity,
language, region, year, topics, date) come from tables built once per segment, which Whoosh
never changes after writing it (deletions are read per search).
"""

import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from whoosh import query as q
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher

#: Columns copied into the per-segment tables.
TABLE_COLUMNS = ("entity", "type", "language", "region", "year", "topics", "date")
#: Segment tables kept per process (segments are replaced by merges and rebuilds).
MAX_TABLES = 64
#: Document numbers kept in the posting cache (4 bytes each).
MAX_CACHED_IDS = 3_000_000


@dataclass(frozen=True)
class SegmentTable:
    """The column values of every document of one segment, by local document number."""

    entity: tuple[str, ...]
    type: tuple[str, ...]
    language: tuple[str, ...]
    region: tuple[str, ...]
    year: tuple[int, ...]
    topics: tuple[tuple[str, ...], ...]
    date: tuple[int, ...]


_tables: dict[str, SegmentTable] = {}
_tables_lock = threading.Lock()
#: Decoded posting lists of recently used terms, by (segment, field, term): common words
#: recur across different searches, and a segment's postings never change.
_term_sets: OrderedDict[tuple[str, str, str], array] = OrderedDict()
_term_set_ids = 0


def segment_table(segment_reader) -> SegmentTable:
    """The table of a segment, built on first use and kept while the segment lives."""
    key = segment_reader.segment().segment_id()
    table = _tables.get(key)
    if table is None:
        table = build_table(segment_reader)
        with _tables_lock:
            if len(_tables) >= MAX_TABLES:
                _tables.pop(next(iter(_tables)))
            _tables[key] = table
    return table


def build_table(segment_reader) -> SegmentTable:
    """Read the columns of a segment into tuples (one pass per column)."""
    values = {name: tuple(segment_reader.column_reader(name)) for name in TABLE_COLUMNS}
    topics = tuple(tuple(t for t in (value or "").split(",") if t) for value in values["topics"])
    return SegmentTable(**(values | {"topics": topics}))


def posting_ids(segment_reader, fieldname: str, text: str) -> set[int]:
    """Local document numbers with this term (deleted ones included), cached per segment.

    The cache holds arrays, which the garbage collector never scans: a cache of sets made
    every full collection walk a million objects, a pause of a tenth of a second.
    """
    global _term_set_ids
    key = (segment_reader.segment().segment_id(), fieldname, text)
    with _tables_lock:
        cached = _term_sets.get(key)
        if cached is not None:
            _term_sets.move_to_end(key)
            return set(cached)
    found = read_posting_ids(segment_reader, fieldname, text)
    with _tables_lock:
        if key not in _term_sets:
            _term_sets[key] = array("I", found)
            _term_set_ids += len(found)
        while _term_set_ids > MAX_CACHED_IDS and len(_term_sets) > 1:
            _term_set_ids -= len(_term_sets.popitem(last=False)[1])
    return found


def read_posting_ids(segment_reader, fieldname: str, text: str) -> set[int]:
    """Local document numbers with this term (deleted ones included), a block at a time."""
    if (fieldname, text) not in segment_reader:
        return set()
    matcher = segment_reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):  # the deletions filter; the caller removes those
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):
        return set(matcher.all_ids())
    found: set[int] = set()
    while matcher.is_active():
        # Whoosh's own iteration takes a Python step per posting; its block format is stable
        # (the fork is frozen at 2.7.5, pinned) and a test checks this against all_ids().
        # Ids are stored as gaps: accumulate() adds them up in C.
        matcher._read_data()
        ids = matcher._data[0]
        found.update(ids if matcher._byteids else accumulate(ids))
        matcher._next_block()
    return found


def matching_ids(segment_reader, query: q.Query) -> set[int]:
    """Local document numbers the query matches in a segment (deleted ones included).

    Phrases only add to the score of documents their words already match, so they add none.
    """
    if isinstance(query, q.Term):
        return posting_ids(segment_reader, query.fieldname, query.text)
    if isinstance(query, q.And):
        parts = [matching_ids(segment_reader, sub) for sub in query.subqueries]
        return set(parts[0]).intersection(*parts[1:]) if parts else set()
    if isinstance(query, q.Or):
        return union(matching_ids(segment_reader, sub) for sub in query.subqueries)
    if isinstance(query, q.Phrase):
        return set()
    return set(query.docs(_SegmentSearcher(segment_reader)))


def union(sets: Iterable[set[int]]) -> set[int]:
    """All members of the sets."""
    found: set[int] = set()
    for members in sets:
        found |= members
    return found


class _SegmentSearcher:
    """Just enough of a searcher for Query.docs() on one segment (other query kinds)."""

    def __init__(self, segment_reader):
        self._reader = segment_reader

    def reader(self):
        return self._reader

    def __getattr__(self, name):
        from whoosh.searching import Searcher

        return getattr(Searcher(self._reader), name)


@dataclass
class SegmentMatch:
    """What a query matched in one segment: live documents allowed by the filters, and for
    ranking, the documents each clause matched and those matched in a title or summary."""

    table: SegmentTable
    offset: int
    ids: set[int]
    clause_ids: list[set[int]]
    head_ids: set[int]


def segment_matches(searcher, clauses: list[q.Query], allowed: q.Query | None):
    """A SegmentMatch for every segment where the clauses match something."""
    for segment_reader, offset in searcher.reader().leaf_readers():
        clause_ids = [matching_ids(segment_reader, clause) for clause in clauses]
        ids = union(clause_ids)
        if ids and allowed is not None:
            ids &= matching_ids(segment_reader, allowed)
        if not ids:
            continue
        ids -= segment_reader.deleted_docs_set
        head = union(posting_ids(segment_reader, f, t) for f, t in head_terms(clauses))
        yield SegmentMatch(
            segment_table(segment_reader), offset, ids, [c & ids for c in clause_ids], head & ids
        )


def head_terms(clauses: list[q.Query]) -> set[tuple[str, str]]:
    """The (field, term) pairs of the clauses that look in titles and summaries."""
    return {
        (term.fieldname, term.text)
        for clause in clauses
        for term in clause.leaves()
        if isinstance(term, q.Term) and term.fieldname.startswith("head_")
    }


def score_documents(searcher, query: q.Query, docnums: Iterable[int]) -> dict[int, float]:
    """The query's score for each of the given documents, visiting no others."""
    matcher = query.matcher(searcher, searcher.context())
    scores: dict[int, float] = {}
    for docnum in sorted(docnums):
        if not matcher.is_active():
            break
        if matcher.id() < docnum:
            matcher.skip_to(docnum)
            if not matcher.is_active():
                break
        if matcher.id() == docnum:
            scores[docnum] = matcher.score()
    return scores
