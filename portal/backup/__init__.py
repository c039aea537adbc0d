"""Backups: `flask backup create DIR` and `flask backup restore DIR`.

A backup is a directory with a consistent database dump, a copy of the uploads and a
manifest.json listing every file with its size and SHA-256. The search index is not in it:
it is rebuilt from the database after a restore.
"""


class BackupError(Exception):
    """A backup or restore cannot go on; the message is one line for the operator."""


class BackupInvalid(BackupError):
    """The backup directory cannot be trusted: files missing, altered, unknown or unsafe."""
