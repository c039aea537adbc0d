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

EXTENSION_KEY = "portal.search"
log = logging.getLogger(__name__)


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
