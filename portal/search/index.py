"""The Whoosh index on disk: opening it, one searcher per process, and its watermark."""

import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError
from whoosh.searching import Searcher

from portal.search.schema import WATERMARK_DOC_ID, build_schema


class IndexUnavailable(Exception):
    """The index directory is missing, unreadable or corrupt (it must be rebuilt)."""


class IndexBusy(Exception):
    """Another process holds the index's writer lock longer than we may wait."""


class SearchIndex:
    """One index directory; readers refresh when another process committed or swapped it."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._index = None
        self._searcher: Searcher | None = None
        self._identity = None
        self._lock = threading.RLock()

    def exists(self) -> bool:
        """Whether the directory holds an index at all."""
        return self.directory.is_dir() and whoosh_index.exists_in(str(self.directory))

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
            try:
                self._index = whoosh_index.open_dir(str(self.directory))
            except Exception as error:  # noqa: BLE001 - every way a cache can break means rebuild
                raise IndexUnavailable(str(error)) from error
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
            if self._searcher is None:
                self._searcher = index.searcher()
            elif not self._searcher.up_to_date():
                self._searcher = self._searcher.refresh()
        except Exception as error:  # noqa: BLE001 - a truncated segment file and the like
            self.close()
            raise IndexUnavailable(str(error)) from error
        return self._searcher

    @contextmanager
    def writer(self, timeout: float):
        """A writer holding the index lock, committed on success and cancelled on error."""
        try:
            writer = self.open().writer(timeout=timeout)
        except LockError as error:
            raise IndexBusy(str(self.directory)) from error
        try:
            yield writer
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

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


def write_watermark(writer, watermark: int) -> None:
    """Store the watermark with the documents of the same commit."""
    writer.update_document(doc_id=WATERMARK_DOC_ID, type="__meta__", watermark=watermark)


def swap_directories(new: Path, live: Path) -> None:
    """Put a freshly built index in place of the live one by renaming directories."""
    old = live.with_name(f"{live.name}.old-{os.getpid()}")
    if live.exists():
        live.rename(old)
    new.rename(live)
    shutil.rmtree(old, ignore_errors=True)
