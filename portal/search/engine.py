"""The search engine of one app: its index, keeping it in step, and answering searches.

Web workers only read the index. Writing happens in three places, all through the changelog:
after a response whose transaction wrote changelog rows, at the end of a CLI command that did,
and in `flask search apply|rebuild`. A missing or broken index is rebuilt once, by whichever
process notices first; meanwhile searches answer with a clear message (SearchUnavailable).
"""

import fcntl
import logging
import os
import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app

from portal.extensions import db
from portal.search import indexing
from portal.search.index import IndexBusy, IndexUnavailable, SearchIndex
from portal.search.querying import parse_query
from portal.search.results import SearchRequest, SearchResults, run_search
from portal.search.snippets import Highlighter

EXTENSION_KEY = "portal.search"
log = logging.getLogger(__name__)

#: One query down each path of the analysis: Kyrgyz inflections and missing letters, Russian
#: and English stemming, Latin for Cyrillic, typos, hyphens and digits.
WARM_UP_QUERIES = (
    "Караколдо таштандыларды чыгаруу",
    "муниципалитеттеринин бюджети коомдук угуу",
    "уличное освещение частный сектор",
    "street lighting contracts",
    "Karakol Helvetas",
    "ташандыларды",
    "Ак-Муз COVID-19",
)


class SearchUnavailable(Exception):
    """The index cannot answer now (it is missing, broken or being rebuilt)."""


def search_index(app: Flask | None = None) -> SearchIndex:
    """The SearchIndex of `app` (default: the current app), reset after a fork."""
    app = app or current_app._get_current_object()
    state = app.extensions.get(EXTENSION_KEY)
    if state is None or state[0] != os.getpid():
        # A forked worker (gunicorn --preload) must not share the parent's open files.
        state = (os.getpid(), SearchIndex(Path(app.config["SEARCH_INDEX_DIR"])))
        app.extensions[EXTENSION_KEY] = state
    return state[1]


def search(request: SearchRequest) -> SearchResults:
    """Run a search; raises SearchUnavailable when the index cannot answer."""
    parsed = parse_query(request.text)
    if not parsed.words:
        return SearchResults()
    try:
        with search_index().reading() as searcher:
            return run_search(searcher, request, parsed)
    except IndexUnavailable as error:
        log.warning("Search index unavailable: %s", error)
        raise SearchUnavailable(str(error)) from error


def apply_changes(timeout: float | None = None) -> indexing.ApplyReport | None:
    """Bring the index up to the changelog (rebuilding it if it is missing or broken).

    Returns None when another process holds the writer lock or is rebuilding: it will see the
    same rows. Never raises for index trouble; the database keeps every change meanwhile.
    """
    timeout = current_app.config["SEARCH_WRITER_TIMEOUT"] if timeout is None else timeout
    index = search_index()
    # Never wait for the index lock inside a transaction: on SQLite (BEGIN IMMEDIATE) the
    # process holding the index lock would wait for ours, and we for it.
    db.session.rollback()
    try:
        if not index.exists():
            rebuild(wait=False)
            return None
        return indexing.apply_changelog(index, timeout)
    except IndexBusy:
        log.info("Search index busy; another process applies the changelog")
    except IndexUnavailable as error:
        log.warning("Search index broken (%s); rebuilding", error)
        rebuild(wait=False)
    finally:
        db.session.rollback()
    return None


def rebuild(progress=None, wait: bool = True) -> int | None:
    """Build a fresh index from the database and swap it in; None if another rebuild runs."""
    index = search_index()
    db.session.rollback()  # see apply_changes: no transaction while waiting for a lock
    with rebuild_lock(index.directory, wait) as acquired:
        if not acquired:
            return None
        started = time.monotonic()
        total = indexing.rebuild(index, progress)
        log.info("Search index rebuilt: %d documents in %.1f s", total, time.monotonic() - started)
    indexing.apply_changelog(index, current_app.config["SEARCH_WRITER_TIMEOUT"])
    db.session.rollback()
    return total


@contextmanager
def rebuild_lock(directory: Path, wait: bool):
    """An exclusive lock beside the index, so only one process rebuilds at a time."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    path = directory.with_name(f"{directory.name}.rebuild.lock")
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def status() -> indexing.IndexStatus:
    """The database compared with the index (raises SearchUnavailable when it cannot be read)."""
    try:
        return indexing.compare(search_index())
    except IndexUnavailable as error:
        raise SearchUnavailable(str(error)) from error


def warm_up(app: Flask) -> None:
    """Answer a few searches and read results' texts as snippets do, so that a server's master
    process forks its workers with the analysis tables and word caches ready (benchmarks/
    worker_start.py measures a cold worker's first searches).

    Leaves no open index files or database connections behind, and never fails: a server
    starts the same without an index.
    """
    started = time.perf_counter()
    try:
        with app.test_request_context("/search"):
            for text in WARM_UP_QUERIES:
                search(SearchRequest(text=text))
            with search_index().reading() as searcher:
                read = read_result_texts(searcher, app.config["SEARCH_WARM_UP_SECONDS"])
    except Exception as error:  # noqa: BLE001 - warming is an optimisation only
        log.warning("Search not warmed up: %s", error)
        return
    finally:
        state = app.extensions.pop(EXTENSION_KEY, None)
        if state is not None:
            state[1].close()
        with app.app_context():
            db.engine.dispose()
    elapsed = (time.perf_counter() - started) * 1000
    log.info("Search warmed up in %d ms (%d result texts read)", elapsed, read)


def read_result_texts(searcher, seconds: float) -> int:
    """Pass the texts results show through the snippet maker for up to `seconds`, filling
    the word analysis caches; returns how many texts were read."""
    deadline = time.monotonic() + seconds
    highlighter = Highlighter(set())
    read = 0
    for stored in searcher.all_stored_fields():
        if time.monotonic() >= deadline:
            break
        if "summary" in stored or "text" in stored:
            highlighter.snippet(f"{stored.get('summary', '')}\n{stored.get('text', '')}")
            read += 1
    return read
