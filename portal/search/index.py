"""The Whoosh index on disk: opening it, one searcher per process, and its watermark."""

import gc
import os
import shutil
import threading
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.searching import Searcher

from portal.search.schema import INDEX_VERSION, WATERMARK_DOC_ID, build_schema

T = TypeVar("T")


class IndexUnavailable(Exception):
    """The index directory is missing, unreadable or corrupt (it must be rebuilt)."""


class IndexBusy(Exception):
    """Another process holds the index's writer lock longer than we may wait."""


def guarded(action: Callable[[], T]) -> T:
    """Run `action`, turning any failure to read the index into IndexUnavailable.

    The cure for a broken index is a rebuild, whatever Whoosh raised. Whoosh leaves files open
    when a table of contents is corrupt; dropping the traceback here closes them quietly
    instead of letting them warn at some later moment.
    """
    try:
        return action()
    except (IndexUnavailable, IndexBusy):
        raise
    except Exception as error:  # noqa: BLE001 - every way a cache can break means rebuild
        failure = f"{type(error).__name__}: {error}"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            error.__traceback__ = None
            del error
            gc.collect()
    raise IndexUnavailable(failure)


class SearchIndex:
    """One index directory; readers refresh when another process committed or swapped it."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = None
        self._searcher: Searcher | None = None
        self._identity = None
        self._lock = threading.RLock()

    def exists(self) -> bool:
        """Whether the directory holds an index at all (a broken one counts as existing)."""
        if not self.directory.is_dir():
            return False
        try:
            return guarded(lambda: whoosh_index.exists_in(str(self.directory)))
        except IndexUnavailable:
            return True

    def create(self) -> None:
        """Create an empty index (the caller then applies the changelog or rebuilds)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        whoosh_index.create_in(str(self.directory), build_schema())
        self.close()

    def open(self):
        """The Whoosh index object, reopened when the directory was swapped by a rebuild."""
        identity = self._directory_identity()
        if self._index is None or identity != self._identity:
            self.close()
            self._index = guarded(lambda: whoosh_index.open_dir(str(self.directory)))
            self._identity = identity
        return self._index

    def _directory_identity(self):
        try:
            stat = os.stat(self.directory)
        except OSError as error:
            raise IndexUnavailable(str(error)) from error
        return stat.st_ino, stat.st_dev

    @contextmanager
    def reading(self):
        """This process's searcher, refreshed if the index changed, used by one thread at a time.

        Whoosh readers keep file positions, so threads of one process take turns; gunicorn's
        sync workers have one thread each and never wait here.
        """
        with self._lock:
            yield self._fresh_searcher()

    def _fresh_searcher(self) -> Searcher:
        index = self.open()
        try:
            if self._searcher is not None and not guarded(self._searcher.up_to_date):
                # Not Searcher.refresh(): its reader reuse fails on one-segment indexes and
                # can show deleted documents again.
                self._searcher.close()
                self._searcher = None
            if self._searcher is None:
                self._searcher = guarded(index.searcher)
                check_version(self._searcher)
        except IndexUnavailable:
            self.close()
            raise
        return self._searcher

    @contextmanager
    def writer(self, timeout: float, **options):
        """A writer holding the index lock, committed on success and cancelled on error;
        `options` go to Whoosh (procs, limitmb, multisegment)."""
        try:
            writer = guarded(lambda: self._locked_writer(timeout, **options))
        except IndexUnavailable:
            self.close()
            raise
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        guarded(writer.commit)

    def _locked_writer(self, timeout: float, **options):
        try:
            return self.open().writer(timeout=timeout, **options)
        except LockError as error:
            raise IndexBusy(str(self.directory)) from error

    def watermark(self) -> int:
        """The highest changelog id whose changes the index is known to hold."""
        with self.reading() as searcher:
            stored = searcher.document(doc_id=WATERMARK_DOC_ID)
        return int(stored["watermark"]) if stored else 0

    def close(self) -> None:
        """Forget the open index and searcher (files are reopened on next use)."""
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:  # noqa: BLE001, S110 - closing a broken searcher may fail again
                pass
        self._searcher = None
        self._index = None
        self._identity = None


def check_version(searcher: Searcher) -> None:
    """Refuse an index built by another version of the fields or the analysis."""
    stored = searcher.document(doc_id=WATERMARK_DOC_ID) or {}
    if stored.get("version") != INDEX_VERSION:
        raise IndexUnavailable(
            f"index version {stored.get('version')}, this portal needs {INDEX_VERSION}"
        )


def write_watermark(writer, watermark: int) -> None:
    """Store the watermark with the documents of the same commit."""
    # Every column gets a value: Whoosh's column readers end at the last document that had one.
    writer.update_document(
        doc_id=WATERMARK_DOC_ID,
        type="__meta__",
        watermark=watermark,
        version=INDEX_VERSION,
        **{"entity": "", "language": "", "region": "", "topics": "", "year": 0, "date": 0},
    )


def swap_directories(new: Path, live: Path) -> None:
    """Put a freshly built index in place of the live one by renaming directories."""
    old = live.with_name(f"{live.name}.old-{os.getpid()}")
    if live.exists():
        live.rename(old)
    new.rename(live)
    shutil.rmtree(old, ignore_errors=True)
