"""Search benchmark reference: the same documents in SQLite FTS5, built and queried."""

import json
import re
import sqlite3
import time
from pathlib import Path

FTS_CHUNK = 200
FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE fts USING fts5(title, summary, body, practice_id UNINDEXED, "
    "language UNINDEXED, region UNINDEXED, topics UNINDEXED, year UNINDEXED, date UNINDEXED, "
    "tokenize='unicode61 remove_diacritics 0')"
)
FTS_PAGE = (
    "SELECT practice_id, language, title, snippet(fts, -1, '<mark>', '</mark>', '…', 24) "
    "FROM fts WHERE fts MATCH ?{where} ORDER BY {order} LIMIT 10"
)
FTS_FACETS = """
WITH m AS MATERIALIZED (
    SELECT practice_id, language, region, topics, year FROM fts WHERE fts MATCH ?{where}
)
SELECT 'total', '', count(DISTINCT practice_id) FROM m
UNION ALL SELECT 'region', region, count(DISTINCT practice_id) FROM m GROUP BY region
UNION ALL SELECT 'year', year, count(DISTINCT practice_id) FROM m GROUP BY year
UNION ALL SELECT 'language', language, count(DISTINCT practice_id) FROM m GROUP BY language
UNION ALL SELECT 'topic', j.value, count(DISTINCT m.practice_id)
    FROM m, json_each(m.topics) AS j GROUP BY j.value
"""
BM25 = "bm25(fts, 5.0, 3.0, 1.0)"


def fts_rows(documents: dict) -> list[tuple]:
    """FTS5 rows of the portal's search documents (one per practice and language)."""
    return [
        (
            document.title,
            document.summary,
            document.body,
            document.entity_id,
            document.language,
            document.region,
            json.dumps(list(document.topics)),
            document.year,
            int(document.date.timestamp()) if document.date else 0,
        )
        for documents_of in documents.values()
        for document in documents_of
    ]


def build_fts(app, path: Path) -> dict:
    """Fill an FTS5 table with the same documents the Whoosh index got, timed."""
    from portal.extensions import db
    from practices.search import indexed_practice_ids, practice_documents

    connection = sqlite3.connect(path)
    connection.execute(FTS_SCHEMA)
    loading = 0.0
    with app.app_context():
        started = time.perf_counter()
        ids = sorted(indexed_practice_ids())
        for start in range(0, len(ids), FTS_CHUNK):
            before = time.perf_counter()
            documents = practice_documents(ids[start : start + FTS_CHUNK])
            db.session.expunge_all()
            loading += time.perf_counter() - before
            connection.executemany(
                "INSERT INTO fts VALUES (?,?,?,?,?,?,?,?,?)", fts_rows(documents)
            )
        connection.execute("INSERT INTO fts(fts) VALUES ('optimize')")
        connection.commit()
        seconds = time.perf_counter() - started
    connection.close()
    return {"fts_build_s": seconds, "fts_load_s": loading, "fts_bytes": path.stat().st_size}


def fts_match(text: str) -> str:
    """The query as FTS5 MATCH syntax: quoted phrases and quoted words, OR-ed."""
    parts = []
    for phrase in re.findall(r'"([^"]+)"', text):
        tokens = re.findall(r"\w+", phrase)
        if tokens:
            parts.append('"' + " ".join(tokens) + '"')
    rest = re.sub(r'"[^"]*"', " ", text)
    # One-letter words (в, и, a) would match nearly every document: FTS5 has no stop words.
    parts += [f'"{word}"' for word in re.findall(r"\w+(?:-\w+)*", rest) if len(word) > 1]
    return " OR ".join(parts)


def fts_where(filters: dict) -> tuple[str, list]:
    """SQL conditions on the unindexed columns for the facet filters, and their values."""
    clauses, values = [], []
    for name in ("region", "language", "year"):
        if filters.get(name):
            clauses.append(f" AND {name} = ?")
            values.append(filters[name])
    if filters.get("topic"):
        clauses.append(" AND instr(topics, ?) > 0")
        values.append(f'"{filters["topic"]}"')
    return "".join(clauses), values


def fts_query(connection: sqlite3.Connection, text: str, filters: dict) -> tuple[float, int]:
    """(milliseconds, practices found) of one FTS5 search: first page, snippets and facets."""
    started = time.perf_counter()
    match = fts_match(text)
    if not match:
        return (time.perf_counter() - started) * 1000, 0
    where, values = fts_where(filters)
    order = f"date DESC, {BM25}" if filters.get("sort") == "date" else BM25
    connection.execute(FTS_PAGE.format(where=where, order=order), [match, *values]).fetchall()
    facets = connection.execute(FTS_FACETS.format(where=where), [match, *values]).fetchall()
    total = next(count for name, _value, count in facets if name == "total")
    return (time.perf_counter() - started) * 1000, total
