"""Title completions for the search box: titles whose words start with what was typed."""

from dataclasses import dataclass

from whoosh import query as q

from portal.search.analysis import folded_words
from portal.search.registry import searchable_type

MAX_SUGGESTIONS = 8
#: Matching documents read to find MAX_SUGGESTIONS distinct entities.
SCAN_LIMIT = 64
MIN_PREFIX = 2


@dataclass
class Suggestion:
    """A title that completes the typed text, and where it leads."""

    title: str
    kind: str
    language: str
    url: str


def completion_query(text: str) -> q.Query | None:
    """Every typed word but the last must be in the title; the last may be a prefix."""
    typed = folded_words(text)
    if not typed or len(typed[-1]) < MIN_PREFIX and len(typed) == 1:
        return None
    clauses: list[q.Query] = [q.Term("title_surface", word) for word in typed[:-1]]
    clauses.append(q.Prefix("title_surface", typed[-1]))
    return q.And(clauses) if len(clauses) > 1 else clauses[0]


def suggest_titles(searcher, text: str, language: str) -> list[Suggestion]:
    """Up to MAX_SUGGESTIONS titles, one per entity, in `language` where it has one."""
    query = completion_query(text)
    if query is None:
        return []
    found = searcher.search(query, limit=SCAN_LIMIT)
    chosen: dict[str, dict] = {}
    for hit in found:
        stored = hit.fields()
        current = chosen.get(stored["entity"])
        if current is None and len(chosen) >= MAX_SUGGESTIONS:
            continue
        if current is None or stored["language"] == language != current["language"]:
            chosen[stored["entity"]] = stored
    return [as_suggestion(stored) for stored in chosen.values()]


def as_suggestion(stored: dict) -> Suggestion:
    """A stored document as a completion."""
    searchable = searchable_type(stored["type"])
    url = searchable.url(stored["slug"], stored["language"]) if searchable else ""
    return Suggestion(stored.get("title", ""), stored["type"], stored["language"], url)
