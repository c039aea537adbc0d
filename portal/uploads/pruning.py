"""flask uploads prune: reclaim the space of files nothing uses any more.

A stored file is in use while a row of any table points at it (lesson files and videos,
practice attachments and covers, whatever a feature adds later: the foreign keys to
stored_file are read from the schema). Deleted lessons and courses, and files taken off a
lesson, leave their bytes behind on purpose, because copies of a course share them; this
command removes them, with their web sizes, once they are older than a grace period that
covers uploads still being attached. It also removes files on disk that no row names and
temporary files that interrupted uploads left.

Files are content-addressed, so the same path always holds the same bytes. A file is moved
aside before its row is deleted: an upload of the same content meanwhile writes it again,
and the foreign keys refuse the deletion of a row that became used, which puts the file back.
"""

import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import Column, select, union
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import utcnow
from portal.uploads.models import StoredFile, StoredFileVariant

TEMPORARY = re.compile(r"^\.(upload|video)-.*\.tmp$")
STORED_NAME = re.compile(r"^([0-9a-f]{64})\.[a-z0-9]+$")
ASIDE_SUFFIX = ".pruning"


@dataclass
class PruneReport:
    """What a prune removed (or, in a dry run, would remove)."""

    unused_files: int = 0
    stray_files: int = 0
    bytes: int = 0
    refused: list[int] = field(default_factory=list)


def referencing_columns() -> list[Column]:
    """Every column that points at a stored file, except the file's own web sizes."""
    return [
        key.parent
        for table in db.metadata.tables.values()
        if table.name != StoredFileVariant.__tablename__
        for key in table.foreign_keys
        if key.column.table.name == StoredFile.__tablename__
    ]


def unused_files(older_than: datetime) -> list[StoredFile]:
    """Stored files no row points at, stored before `older_than`."""
    used = union(*(select(column).where(column.is_not(None)) for column in referencing_columns()))
    query = (
        select(StoredFile)
        .where(StoredFile.id.not_in(used), StoredFile.created_at < older_than)
        .order_by(StoredFile.id)
    )
    return list(db.session.scalars(query))


def prune(grace: timedelta, dry_run: bool = False) -> PruneReport:
    """Remove unused stored files older than `grace`, then stray and temporary files."""
    report = PruneReport()
    for stored in unused_files(utcnow() - grace):
        paths = [path_of(stored), *(path_of(variant) for variant in stored.variants)]
        size = sum(path.stat().st_size for path in paths if path.is_file())
        if dry_run or remove_unused(stored, paths):
            report.unused_files += 1
            report.bytes += size
        else:
            report.refused.append(stored.id)
    remove_stray_files(report, grace, dry_run)
    return report


def path_of(stored: StoredFile | StoredFileVariant) -> Path:
    from portal.uploads import stored_file_path  # the package imports this module's command

    return stored_file_path(stored)


def remove_unused(stored: StoredFile, paths: list[Path]) -> bool:
    """Delete one unused file's row and bytes; False (nothing lost) if it came into use."""
    aside = [move_aside(path) for path in paths]
    try:
        db.session.delete(stored)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        for original, moved in zip(paths, aside, strict=True):
            if moved is not None:
                os.replace(moved, original)
        return False
    for moved in aside:
        if moved is not None:
            moved.unlink(missing_ok=True)
    return True


def move_aside(path: Path) -> Path | None:
    """Rename a file out of the way (None if it is not there)."""
    moved = path.with_name(path.name + ASIDE_SUFFIX)
    try:
        os.replace(path, moved)
    except FileNotFoundError:
        return None
    return moved


def remove_stray_files(report: PruneReport, grace: timedelta, dry_run: bool) -> None:
    """Files under UPLOAD_DIR that no row names, and temporary files, older than `grace`;
    a file an interrupted prune moved aside goes back if its row is still there."""
    root = Path(current_app.config["UPLOAD_DIR"])
    known = set(db.session.scalars(select(StoredFile.sha256))) | set(
        db.session.scalars(select(StoredFileVariant.sha256))
    )
    cutoff = (utcnow() - grace).timestamp()
    for folder, _folders, names in os.walk(root):  # symlinked folders are not followed
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            if name.endswith(ASIDE_SUFFIX) and stored_digest(name[: -len(ASIDE_SUFFIX)]) in known:
                if not dry_run:
                    os.replace(path, path.with_name(name[: -len(ASIDE_SUFFIX)]))
            elif path.stat().st_mtime < cutoff and is_stray(name, known):
                report.stray_files += 1
                report.bytes += path.stat().st_size
                if not dry_run:
                    path.unlink(missing_ok=True)


def stored_digest(name: str) -> str | None:
    """The SHA-256 a stored file's name carries, if it is one."""
    found = STORED_NAME.match(name)
    return found.group(1) if found else None


def is_stray(name: str, known: set[str]) -> bool:
    """Whether a file is left over: bytes no row names, an upload's temporary file, or a
    file moved aside whose row is gone."""
    digest = stored_digest(name)
    if digest is not None:
        return digest not in known
    return bool(TEMPORARY.match(name)) or name.endswith(ASIDE_SUFFIX)
