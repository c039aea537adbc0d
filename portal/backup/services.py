"""Creating a backup of this instance and restoring one into an empty instance."""

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy.exc import SQLAlchemyError

from portal.backup import BackupError, BackupInvalid, databases, files, manifest
from portal.models import utcnow

UPLOADS = "uploads"
DISTRIBUTION = "municipal-portal"


@dataclass
class BackupSummary:
    """What a finished backup holds."""

    directory: Path
    tables: int
    rows: int
    files: int
    bytes: int


@dataclass
class RestoreReport:
    """What a restore put in place, and the migration it applied afterwards, if any."""

    tables: int
    rows: int
    files: int
    upgraded_from: str | None = None
    upgraded_to: str | None = None


def create_backup(directory: Path) -> BackupSummary:
    """Write a backup into `directory`, which must be absent or empty.

    Everything goes into a temporary sibling first, renamed at the end: a backup that crashed
    half-way never looks complete.
    """
    check_backup_target(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.incomplete-", dir=directory.parent))
    try:
        written = fill_backup(staging)
        files.sync_tree(staging)
        os.rename(staging, directory)  # replaces an empty directory, fails on a non-empty one
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files.sync_path(directory.parent)
    return summarise(directory, written)


def check_backup_target(directory: Path) -> None:
    """Refuse to write into anything but a new or empty directory."""
    if directory.is_symlink() or (directory.exists() and not directory.is_dir()):
        raise BackupError(f"{directory} exists and is not a directory")
    if directory.is_dir() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: choose a new directory for the backup")


def fill_backup(folder: Path) -> dict:
    """Dump the database, copy the uploads and write the manifest into `folder`."""
    # The database first: an upload is stored before the row that refers to it is committed,
    # so every file the dumped rows need is already on disk when the uploads are copied.
    dump = databases.dump_database(folder)
    (folder / UPLOADS).mkdir()
    files.copy_uploads(Path(current_app.config["UPLOAD_DIR"]), folder / UPLOADS)
    written = {
        "format": manifest.FORMAT,
        "version": manifest.FORMAT_VERSION,
        "created_at": utcnow().isoformat(timespec="seconds"),
        "portal_version": portal_version(),
        "database": {
            "kind": dump.kind,
            "file": dump.file_name,
            "alembic_revision": dump.alembic_revision,
            "server_version": dump.server_version,
            "dumped_by": dump.dumped_by,
            "tables": dump.row_counts,
        },
        "files": manifest.describe_files(folder),
    }
    manifest.write_manifest(folder, written)
    return written


def portal_version() -> str:
    """The installed portal's version (pyproject.toml), or 'unknown' when run uninstalled."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "unknown"


def summarise(directory: Path, written: dict) -> BackupSummary:
    """Counts for the operator: tables, rows, upload files and bytes in the backup."""
    tables = written["database"]["tables"]
    listed = written["files"]
    return BackupSummary(
        directory=directory,
        tables=len(tables),
        rows=sum(tables.values()),
        files=sum(1 for entry in listed if entry["path"].startswith(f"{UPLOADS}/")),
        bytes=sum(entry["size"] for entry in listed),
    )


def restore_backup(directory: Path) -> RestoreReport:
    """Restore a verified backup into this instance, which must be empty; then bring the
    schema up to the code's migrations. The caller rebuilds the search index.

    Everything that can refuse the backup or the target runs before anything is written.
    """
    found = verify_backup(directory)
    database = found["database"]
    check_database_kind(database["kind"])
    behind = revision_behind(database.get("alembic_revision"))
    databases.check_restore_client(database["kind"], database.get("dumped_by"))
    check_target_empty()
    try:
        databases.restore_database(database["kind"], directory / database["file"])
        check_row_counts(database["tables"])
        upload_dir = Path(current_app.config["UPLOAD_DIR"])
        copied = files.copy_uploads(directory / UPLOADS, upload_dir)
    except (BackupError, OSError, SQLAlchemyError, sqlite3.Error) as error:
        raise BackupError(
            f"{error}; this instance is now partly restored: empty its database and upload "
            "folder before trying again"
        ) from error
    report = RestoreReport(len(database["tables"]), sum(database["tables"].values()), copied)
    if behind:
        upgrade_restored(database["alembic_revision"])
        report.upgraded_from, report.upgraded_to = database["alembic_revision"], code_head()
    return report


def upgrade_restored(revision: str) -> None:
    """Bring a restored older schema up to this code, as `flask init` would at the next deploy:
    the code cannot run on the old schema, and the backup itself stays as it was."""
    try:
        upgrade()
    except Exception as error:  # noqa: BLE001 - one clear line instead of a traceback
        raise BackupError(
            f"the backup (revision {revision}) was restored, but upgrading it failed: {error}; "
            "fix the cause and run `flask db upgrade`, then `flask search rebuild`"
        ) from error


def verify_backup(directory: Path) -> dict:
    """Read the manifest and check every file against it; return the manifest."""
    found = manifest.read_manifest(directory)
    dump_file = described_dump(found)
    listed = manifest.listed_files(found)
    if dump_file not in listed:
        raise BackupInvalid(f"the manifest does not list the database dump {dump_file}")
    for path in listed:
        if path != dump_file and not path.startswith(f"{UPLOADS}/"):
            raise BackupInvalid(f"unknown file in the manifest: {path}")
    manifest.verify_files(directory, found)
    return found


def described_dump(found: dict) -> str:
    """The dump file the manifest's database entry names, after checking that entry."""
    database = found.get("database")
    if not isinstance(database, dict):
        raise BackupInvalid("the manifest does not describe a database")
    tables, kind = database.get("tables"), database.get("kind")
    if not isinstance(tables, dict) or not all(type(rows) is int for rows in tables.values()):
        raise BackupInvalid("the manifest does not count the database's rows")
    dump_file = databases.DUMP_FILES.get(kind) if isinstance(kind, str) else None
    if dump_file is None or database.get("file") != dump_file:
        raise BackupInvalid("the manifest names no database dump of a known kind")
    for key in ("alembic_revision", "dumped_by"):
        if database.get(key) is not None and not isinstance(database[key], str):
            raise BackupInvalid(f"the manifest's database {key} is not a string")
    return dump_file


def check_database_kind(kind: str) -> None:
    """Refuse to restore an SQLite backup into PostgreSQL, or the other way round."""
    target = databases.database_kind()
    if kind != target:
        raise BackupError(
            f"this is a backup of a {kind} database and this instance uses {target}: restore "
            f"it into an instance configured for {kind}"
        )


def check_target_empty() -> None:
    """Refuse a target that holds anything `flask init` would not have put there."""
    filled = databases.tables_with_content()
    if filled:
        raise BackupError(
            "this instance is not empty (rows in " + ", ".join(filled[:5]) + "): restore only "
            "into a new database, or one that has only been through `flask init`"
        )
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    if files.has_uploads(upload_dir):
        raise BackupError(f"the upload folder {upload_dir} is not empty")


def check_row_counts(expected: dict[str, int]) -> None:
    """Compare the restored database's rows per table with the manifest."""
    restored = databases.live_row_counts()
    if restored != expected:
        differing = sorted(set(restored.items()) ^ set(expected.items()))
        names = sorted({name for name, _rows in differing})
        raise BackupError("the restored database differs from the manifest in: " + ", ".join(names))


def revision_behind(revision: str | None) -> bool:
    """Whether the backup's schema is older than the code's; refuse revisions the code lacks."""
    if revision is None or revision == code_head():
        return False
    try:
        known = migration_scripts().get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise BackupError(
            f"the backup's database revision {revision} is unknown to this code (made by a newer "
            "version of the portal?): install that version to restore it"
        )
    return True


def migration_scripts() -> ScriptDirectory:
    """The Alembic scripts of this code."""
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


def code_head() -> str | None:
    """The newest migration of this code."""
    return migration_scripts().get_current_head()
