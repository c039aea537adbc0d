"""manifest.json: what a backup holds (every file with size and SHA-256) and its verification."""

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from portal.backup import BackupInvalid

FORMAT = "lsg-portal-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
CHUNK = 1024 * 1024


def files_under(root: Path) -> Iterator[str]:
    """Relative POSIX paths of the regular files under `root`, refusing links and oddities."""
    for folder, subfolders, names in os.walk(root):
        for name in sorted(subfolders) + sorted(names):
            path = Path(folder) / name
            if path.is_symlink() or not (path.is_dir() or path.is_file()):
                raise BackupInvalid(f"{path} is a link or a special file")
        subfolders.sort()
        for name in sorted(names):
            yield (Path(folder) / name).relative_to(root).as_posix()


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 (hex) of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def describe_files(root: Path) -> list[dict]:
    """The manifest's file list: path, size and SHA-256 of every file but the manifest."""
    entries = []
    for relative in files_under(root):
        if relative != MANIFEST_NAME:
            size, sha256 = file_digest(root / relative)
            entries.append({"path": relative, "size": size, "sha256": sha256})
    return entries


def write_manifest(root: Path, manifest: dict) -> None:
    """Write manifest.json (UTF-8, readable by people too)."""
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (root / MANIFEST_NAME).write_text(text, encoding="utf-8")


def read_manifest(root: Path) -> dict:
    """Read manifest.json and check it is a backup manifest of a format we know."""
    path = root / MANIFEST_NAME
    if not path.is_file() or path.is_symlink():
        raise BackupInvalid(f"{path} is missing: not a backup directory")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupInvalid(f"{path} is not valid JSON: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupInvalid(f"{path} is not a portal backup manifest")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupInvalid(f"backup format version {manifest.get('version')!r} is not supported")
    return manifest


def verify_files(root: Path, manifest: dict) -> None:
    """Check that the directory holds exactly the listed files, each of the listed size and
    SHA-256; raise BackupInvalid with the first problem found."""
    listed = listed_files(manifest)
    present = set(files_under(root)) - {MANIFEST_NAME}
    if extra := sorted(present - listed.keys()):
        raise BackupInvalid(f"unexpected file in the backup: {extra[0]}")
    if missing := sorted(listed.keys() - present):
        raise BackupInvalid(f"file listed in the manifest is missing: {missing[0]}")
    for relative, entry in sorted(listed.items()):
        if file_digest(root / relative) != (entry["size"], entry["sha256"]):
            raise BackupInvalid(f"file differs from the manifest (size or SHA-256): {relative}")


def listed_files(manifest: dict) -> dict[str, dict]:
    """The manifest's file entries by path, after checking each entry's shape and path."""
    entries = manifest.get("files")
    if not isinstance(entries, list):
        raise BackupInvalid("the manifest has no file list")
    listed = {}
    for entry in entries:
        if not valid_entry(entry):
            raise BackupInvalid(f"malformed file entry in the manifest: {entry!r}"[:200])
        path = check_relative_path(entry["path"])
        if path in listed:
            raise BackupInvalid(f"file listed twice in the manifest: {path}")
        listed[path] = entry
    return listed


def valid_entry(entry) -> bool:
    """Whether a file entry has a string path, a non-negative size and a SHA-256."""
    return (
        isinstance(entry, dict)
        and isinstance(entry.get("path"), str)
        and type(entry.get("size")) is int
        and entry["size"] >= 0
        and isinstance(entry.get("sha256"), str)
        and len(entry["sha256"]) == 64
    )


def check_relative_path(text: str) -> str:
    """Refuse a path that is absolute, climbs out with '..' or is written oddly."""
    path = PurePosixPath(text)
    plain = text == path.as_posix() and "\\" not in text and "\x00" not in text
    if not plain or path.is_absolute() or any(part in ("", ".", "..") for part in text.split("/")):
        raise BackupInvalid(f"unsafe path in the manifest: {text!r}")
    return text
