"""Keeping the index in step with the database: apply the changelog, rebuild, compare."""

import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Row, func, select

from portal.database import reading
from portal.extensions import db
from portal.models import utcnow
from portal.search.analysis import FAMILIES, analyse_text, folded_words
from portal.search.index import SearchIndex, swap_directories, write_watermark
from portal.search.models import SearchChange
from portal.search.registry import SearchDocument, searchable_type, searchable_types
from portal.search.schema import VOCABULARY_TYPE

#: Past this many entities a rebuild indexes in one process per core (Whoosh's MpWriter) and
#: keeps their segments unmerged; below it, starting processes costs more than it saves.
PARALLEL_REBUILD_FROM = 2000
#: Entities read, analysed and written per round of a rebuild; each round adds one
#: vocabulary document.
REBUILD_CHUNK = 500
#: Changelog rows read per round; each round commits once.
BATCH = 500
#: How long a gap in changelog ids may be an open transaction (PostgreSQL commits ids out of
#: order); past this the missing id is taken as rolled back and the watermark moves over it.
GAP_GRACE = timedelta(seconds=60)
#: Fields with a column (per-document values for grouping, facets and sorting).
COLUMNS = frozenset({"entity", "type", "language", "region", "topics", "year", "date"})
#: What documents without an entity (watermark, vocabulary) hold in the column fields.
EMPTY_COLUMNS = {"entity": "", "language": "", "region": "", "topics": "", "year": 0, "date": 0}
#: Stored text kept per document for snippets.
SNIPPET_SOURCE_CHARS = 4000


def whoosh_document(document: SearchDocument, vocabulary: "Vocabulary") -> dict:
    """The fields of one Whoosh document for an entity in one language; its words go into
    `vocabulary`."""
    head = vocabulary.analyse(f"{document.title}\n{document.summary}", document.language)
    body = vocabulary.analyse(document.body, document.language)
    for language, text in document.extra:
        body = merge_fields(body, vocabulary.analyse(text, language))
    fields = {
        "doc_id": f"{document.kind}:{document.entity_id}:{document.language}",
        "entity": f"{document.kind}:{document.entity_id}",
        "type": document.kind,
        "slug": document.slug,
        "language": document.language,
        "region": document.region or "",
        "topics": ",".join(document.topics),
        "year": document.year or 0,
        "date": int(document.date.timestamp() * 1000) if document.date else 0,  # ms
        "title": document.title,
        "summary": document.summary,
        "text": document.body[:SNIPPET_SOURCE_CHARS],
        "title_surface": " ".join(dict.fromkeys(folded_words(document.title))),
    }
    for family in FAMILIES:
        fields[f"head_{family}"] = head[family]
        fields[f"body_{family}"] = body[family]
    # Column fields stay even when empty: Whoosh's column readers end at the last document
    # that had a value, so a gap at a segment's end would break reading them.
    return {name: value for name, value in fields.items() if value != "" or name in COLUMNS}


class Vocabulary:
    """The distinct words of a batch of documents, stored as one vocabulary document."""

    def __init__(self):
        self.pairs: set[tuple[str, str]] = set()

    def analyse(self, text: str, language: str) -> dict[str, str]:
        """The field families of a text, its words collected on the way."""
        analysed = analyse_text(text, language)
        self.pairs |= analysed.vocabulary
        return analysed.fields

    def write(self, writer) -> None:
        """Add the vocabulary document (nothing when no word was collected)."""
        if not self.pairs:
            return
        forms = sorted({form for form, _key in self.pairs})
        keys = sorted({key for _form, key in self.pairs if key})
        mapping = sorted(f"{key}={form}" for form, key in self.pairs if key)
        writer.add_document(
            doc_id=f"vocabulary:{uuid.uuid4().hex}",
            type=VOCABULARY_TYPE,
            **EMPTY_COLUMNS,
            vocab=" ".join(forms),
            skelmap=" ".join(mapping),
            vocab_skel=" ".join(keys),
        )
        self.pairs = set()


def merge_fields(first: dict[str, str], second: dict[str, str]) -> dict[str, str]:
    """The terms of two analysed texts together, family by family."""
    return {name: f"{first[name]} {second[name]}".strip() for name in first}


def replace_entities(writer, kind: str, entity_ids: Iterable[int], fresh: bool = False) -> int:
    """Replace the documents of these entities with their current ones; return documents added.

    `fresh`: the index is being built from nothing, so there is nothing to delete first.
    """
    searchable = searchable_type(kind)
    ids = sorted(set(entity_ids))
    with reading():  # on SQLite, writers need not wait while hundreds of documents load
        documents = searchable.documents(ids) if searchable else {}
        db.session.rollback()  # the documents are plain data: hold no transaction while indexing
    vocabulary = Vocabulary()
    added = 0
    for entity_id in ids:
        if not fresh:
            writer.delete_by_term("entity", f"{kind}:{entity_id}")
        for document in documents.get(entity_id, []):
            writer.add_document(**whoosh_document(document, vocabulary))
            added += 1
    vocabulary.write(writer)
    return added


@dataclass
class ApplyReport:
    """What one catch-up did."""

    rows: int = 0
    entities: int = 0
    watermark: int = 0
    rounds: int = 0


def pending_rows(after: int) -> list[Row]:
    """Changelog rows past the watermark, oldest first, as plain rows: ORM objects would expire
    with the rollback that follows and reload one by one, each reload opening a transaction
    (on SQLite holding the write lock) for the rest of the indexing and the index commit."""
    columns = (SearchChange.id, SearchChange.kind, SearchChange.entity_id, SearchChange.created_at)
    query = select(*columns).where(SearchChange.id > after).order_by(SearchChange.id)
    return list(db.session.execute(query.limit(BATCH)).all())


def safe_watermark(watermark: int, rows: list[Row]) -> int:
    """The highest id up to which no row can still appear (see GAP_GRACE)."""
    now = utcnow()
    for row in rows:
        if row.id != watermark + 1 and now - row.created_at < GAP_GRACE:
            break
        watermark = row.id
    return watermark


def has_pending_rows(after: int) -> bool:
    """Whether the changelog has rows past the watermark."""
    query = select(SearchChange.id).where(SearchChange.id > after).limit(1)
    return db.session.scalar(query) is not None


def apply_changelog(search_index: SearchIndex, timeout: float) -> ApplyReport:
    """Bring the index up to the database's changelog; safe to run in any number of processes."""
    report = ApplyReport(watermark=search_index.watermark())
    pending = has_pending_rows(report.watermark)
    db.session.rollback()
    if not pending:
        # Committing anyway would make every worker reopen its searcher and lose its caches.
        return report
    with search_index.writer(timeout) as writer:
        watermark = search_index.watermark()
        while True:
            rows = pending_rows(watermark)
            db.session.rollback()  # end the read transaction: no locks held while indexing
            if not rows:
                break
            report.rounds += 1
            report.rows += len(rows)
            report.entities += apply_rows(writer, rows)
            advanced = safe_watermark(watermark, rows)
            blocked = advanced != rows[-1].id
            watermark = advanced
            if blocked or len(rows) < BATCH:
                break
        write_watermark(writer, watermark)
    report.watermark = watermark
    return report


def apply_rows(writer, rows: list[Row]) -> int:
    """Reindex every entity named in the rows once; return how many entities."""
    by_kind: dict[str, set[int]] = {}
    for row in rows:
        by_kind.setdefault(row.kind, set()).add(row.entity_id)
    for kind, ids in by_kind.items():
        replace_entities(writer, kind, ids)
    return sum(len(ids) for ids in by_kind.values())


def rebuild_watermark() -> int:
    """Where a rebuild starting now may set its watermark: rows after it are applied later."""
    recent = db.session.scalar(
        select(func.min(SearchChange.id)).where(SearchChange.created_at > utcnow() - GAP_GRACE)
    )
    if recent is not None:
        return recent - 1
    return db.session.scalar(select(func.max(SearchChange.id))) or 0


def rebuild(search_index: SearchIndex, progress: Callable[[int], None] | None = None) -> int:
    """Build a new index beside the live one from the database, then swap it in."""
    live = search_index.directory
    staging = live.with_name(f"{live.name}.new")
    shutil.rmtree(staging, ignore_errors=True)
    fresh = SearchIndex(staging)
    fresh.create()
    watermark = rebuild_watermark()
    ids_by_kind = {t.kind: sorted(t.indexed_ids()) for t in searchable_types()}
    db.session.rollback()
    total = 0
    with fresh.writer(timeout=0, **rebuild_options(ids_by_kind)) as writer:
        for kind, ids in ids_by_kind.items():
            for start in range(0, len(ids), REBUILD_CHUNK):
                batch = ids[start : start + REBUILD_CHUNK]
                total += replace_entities(writer, kind, batch, fresh=True)
                db.session.expunge_all()  # keep memory flat on large libraries
                if progress:
                    progress(len(batch))
        write_watermark(writer, watermark)
    fresh.close()
    search_index.close()
    swap_directories(staging, live)
    return total


def rebuild_options(ids_by_kind: dict[str, list[int]]) -> dict:
    """Whoosh writer options for a rebuild of this many entities."""
    entities = sum(len(ids) for ids in ids_by_kind.values())
    processes = min(os.cpu_count() or 1, 4)
    if entities < PARALLEL_REBUILD_FROM or processes < 2:
        return {}
    return {"procs": processes, "multisegment": True}


@dataclass
class IndexStatus:
    """Database and index compared, per searchable type."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind → (database, index)
    missing: dict[str, list[int]] = field(default_factory=dict)  # in the database, not indexed
    extra: dict[str, list[int]] = field(default_factory=dict)  # indexed, gone from the database
    watermark: int = 0
    changelog_max: int = 0

    @property
    def in_step(self) -> bool:
        """True when the index holds exactly what the database says it should."""
        return not any(self.missing.values()) and not any(self.extra.values())


def compare(search_index: SearchIndex) -> IndexStatus:
    """Compare the entities that should be indexed with those that are."""
    status = IndexStatus()
    indexed = indexed_entities(search_index)
    for searchable in searchable_types():
        expected = set(searchable.indexed_ids())
        present = indexed.get(searchable.kind, set())
        status.counts[searchable.kind] = (len(expected), len(present))
        status.missing[searchable.kind] = sorted(expected - present)
        status.extra[searchable.kind] = sorted(present - expected)
    status.watermark = search_index.watermark()
    status.changelog_max = db.session.scalar(select(func.max(SearchChange.id))) or 0
    return status


def indexed_entities(search_index: SearchIndex) -> dict[str, set[int]]:
    """The entity ids present in the index, per kind."""
    found: dict[str, set[int]] = {}
    with search_index.reading() as searcher:
        reader = searcher.reader()
        # The lexicon still lists terms of deleted documents until segments merge: read the
        # live documents instead.
        entities = reader.column_reader("entity")
        for docnum in reader.all_doc_ids():
            kind, _, entity_id = entities[docnum].partition(":")
            if entity_id:
                found.setdefault(kind, set()).add(int(entity_id))
    return found
