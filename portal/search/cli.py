"""flask search rebuild | status | apply: look after the search index from the command line."""

import time
from datetime import timedelta

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, func, select
from sqlalchemy.exc import DBAPIError

from portal.extensions import db
from portal.health import describe_database_error, is_database_unavailable
from portal.models import utcnow
from portal.search import engine
from portal.search.models import SearchChange
from portal.search.registry import searchable_types

search_cli = AppGroup("search", help="Build, check and update the search index.")
#: Missing or extra ids listed per type by `status`.
SHOWN_IDS = 20


@search_cli.command("rebuild")
def rebuild_command() -> None:
    """Build a new index from the database beside the live one, then swap it in."""
    expected = sum(len(list(t.indexed_ids())) for t in searchable_types())
    db.session.rollback()
    with click.progressbar(length=expected, label="Indexing", show_pos=True) as bar:
        total = engine.rebuild(progress=bar.update)
    click.echo(f"Index rebuilt: {expected} entities, {total} documents.")


@search_cli.command("status")
def status_command() -> None:
    """Compare what the database says should be indexed with what the index holds."""
    try:
        report = engine.status()
    except engine.SearchUnavailable as error:
        raise click.ClickException(
            f"the index cannot be read ({error}); run `flask search rebuild`"
        ) from error
    for kind, (in_database, in_index) in report.counts.items():
        click.echo(f"{kind}: {in_database} in the database, {in_index} in the index")
        for label, ids in (("missing", report.missing[kind]), ("extra", report.extra[kind])):
            if ids:
                shown = ", ".join(map(str, ids[:SHOWN_IDS])) + (
                    " …" if len(ids) > SHOWN_IDS else ""
                )
                click.echo(f"  {label} ({len(ids)}): {shown}")
    click.echo(f"changelog: index at {report.watermark}, database at {report.changelog_max}")
    if not report.in_step:
        raise click.ClickException("the index differs from the database; run `flask search apply`")
    click.echo("The index is in step with the database.")


@search_cli.command("apply")
@click.option("--follow", is_flag=True, help="Keep applying new changes until interrupted.")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between rounds.")
def apply_command(follow: bool, interval: float) -> None:
    """Apply the changelog rows the index has not seen yet (and prune old ones)."""
    if not follow:
        apply_once(follow)
        return
    while True:
        try:
            apply_once(follow)
        except DBAPIError as error:
            # A follower outlives a database restart: the rows wait in the database.
            if not is_database_unavailable(error):
                raise
            db.session.rollback()
            click.echo(
                f"The database cannot be reached ({describe_database_error(error)}); "
                f"trying again in {interval:g} s.",
                err=True,
            )
        time.sleep(interval)


def apply_once(follow: bool) -> None:
    """One round of `search apply`: apply the changelog, prune old rows, say what was done."""
    report = engine.apply_changes()
    if report is None:
        click.echo("Another process is updating the index; it applies the same rows.")
    elif report.rows or not follow:
        click.echo(
            f"Applied {report.rows} change(s) to {report.entities} entity(ies); "
            f"index at {report.watermark}."
        )
    pruned = prune_changelog()
    if pruned:
        click.echo(f"Pruned {pruned} changelog row(s).")


def prune_changelog() -> int:
    """Delete changelog rows older than SEARCH_CHANGELOG_KEEP_DAYS (indexes that far behind
    must be rebuilt anyway)."""
    cutoff = utcnow() - timedelta(days=current_app.config["SEARCH_CHANGELOG_KEEP_DAYS"])
    newest_old = db.session.scalar(
        select(func.max(SearchChange.id)).where(SearchChange.created_at < cutoff)
    )
    if newest_old is None:
        db.session.rollback()
        return 0
    result = db.session.execute(delete(SearchChange).where(SearchChange.id <= newest_old))
    db.session.commit()
    return result.rowcount
