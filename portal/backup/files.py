"""Copying the upload tree into and out of a backup, and making a backup durable on disk."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def upload_files(root: Path) -> Iterator[Path]:
    """Relative paths of the stored uploads under `root`, in a stable order.

    Names starting with a dot are uploads still being written (portal/uploads writes
    `.upload-*.tmp` and `.video-*.tmp`, then renames them): they are not part of the content.
    Links and special files are never followed.
    """
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            path = Path(folder) / name
            if not name.startswith(".") and path.is_file() and not path.is_symlink():
                yield path.relative_to(root)


def copy_uploads(source: Path, target: Path) -> int:
    """Copy every stored upload from `source` into `target`; return how many were copied."""
    copied = 0
    for relative in upload_files(source):
        copy_whole(source / relative, target / relative)
        copied += 1
    return copied


def copy_whole(source: Path, target: Path) -> None:
    """Copy one file through a temporary name beside the target, so it is whole or absent."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".restore-", suffix=".tmp")
    os.close(handle)
    try:
        shutil.copy2(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sync_tree(root: Path) -> None:
    """Flush every file and folder under `root` to disk, so that once the backup is renamed
    into place a power cut cannot leave it looking complete with empty files."""
    for folder, _subfolders, names in os.walk(root):
        for name in names:
            sync_path(Path(folder) / name)
        sync_path(Path(folder))


def sync_path(path: Path) -> None:
    """fsync one file or folder."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def has_uploads(root: Path) -> bool:
    """Whether `root` holds any stored upload."""
    return next(upload_files(root), None) is not None
