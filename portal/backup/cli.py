"""flask backup create | restore: a whole instance (database and uploads) to and from a folder."""

import sqlite3
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from portal.backup import BackupError, services
from portal.search.cli import rebuild_command

backup_cli = AppGroup("backup", help="Back up this instance, or restore a backup into it.")
#: Failures shown as one line, without a traceback: ours, the disk's and the database's.
FAILURES = (BackupError, OSError, SQLAlchemyError, sqlite3.Error)


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def create_command(directory: Path) -> None:
    """Write the database, the uploads and a manifest with checksums to a new DIRECTORY."""
    try:
        summary = services.create_backup(directory)
    except FAILURES as error:
        raise click.ClickException(f"backup failed: {error}") from error
    click.echo(
        f"Backup written to {summary.directory}: {summary.tables} tables, {summary.rows} rows, "
        f"{summary.files} uploaded files, {summary.bytes} bytes."
    )


@backup_cli.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.pass_context
def restore_command(context: click.Context, directory: Path) -> None:
    """Check the backup in DIRECTORY, restore it into this empty instance, rebuild the index."""
    try:
        report = services.restore_backup(directory)
    except FAILURES as error:
        raise click.ClickException(f"restore failed: {error}") from error
    click.echo(
        f"Restored {report.tables} tables, {report.rows} rows and {report.files} uploaded files."
    )
    if report.upgraded_from:
        click.echo(
            f"Database upgraded from revision {report.upgraded_from} to {report.upgraded_to}."
        )
    try:
        context.invoke(rebuild_command)
    except Exception as error:  # noqa: BLE001 - the data is in place; say what is left to do
        raise click.ClickException(
            f"the backup is restored, but rebuilding the search index failed: {error}; "
            "run `flask search rebuild`"
        ) from error


@backup_cli.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def verify_command(directory: Path) -> None:
    """Check every file of the backup in DIRECTORY against its manifest; change nothing."""
    try:
        found = services.verify_backup(directory)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    database, created_at = found["database"], found.get("created_at", "an unknown date")
    version = found.get("portal_version", "unknown")
    click.echo(
        f"Backup of {created_at} (portal {version}) is complete: {database['kind']} database "
        f"at revision {database.get('alembic_revision')}, {len(found['files'])} files match "
        "the manifest."
    )
