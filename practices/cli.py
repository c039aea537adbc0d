"""flask practices import|export: bulk work and backup in JSON or JSON Lines."""

from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.records_io import problems_of, read_records, write_records
from practices import services
from practices.models import Practice
from practices.records import check_record, practice_to_record, unknown_fields

practices_cli = AppGroup("practices", help="Import and export case studies.")


@practices_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Write nothing if any record has a problem.")
def import_command(file: Path, strict: bool) -> None:
    """Create or update practices from FILE (JSON array or JSON Lines), matched by slug."""
    pairs = read_records(file)
    problems = problems_of(pairs, check_record)
    for position, messages in problems.items():
        click.echo(f"{file.name}, {position}: " + "; ".join(messages), err=True)
    if strict and problems:
        raise click.ClickException(f"{len(problems)} record(s) with problems; nothing imported")
    good = [(pos, record) for pos, record in pairs if pos not in problems]
    created, updated, unlinked = _import_records(good)
    _link_related(file, unlinked)
    click.echo(
        f"Imported {created + updated} practice(s): {created} new, {updated} updated, "
        f"{len(problems)} skipped."
    )


def _import_records(pairs) -> tuple[int, int, list]:
    """Save each record; return counts and the records whose related practices came later."""
    created = updated = 0
    unlinked = []
    with click.progressbar(pairs, label="Importing", show_pos=True) as progress:
        for position, record in progress:
            for field in unknown_fields(record):
                click.echo(f"\n{position}: unknown field {field!r} ignored", err=True)
            practice = services.practice_by_slug(record["slug"])
            created, updated = (
                (created + 1, updated) if practice is None else (created, updated + 1)
            )
            missing = services.save_practice(practice or Practice(), record, None, "imported")
            if missing:
                unlinked.append((position, record))
    return created, updated, unlinked


def _link_related(file: Path, pairs) -> None:
    """Second pass: link practices to those that appeared later in the file."""
    for position, record in pairs:
        for slug in services.link_related(record):
            click.echo(f"{file.name}, {position}: related practice {slug!r} not found", err=True)


@practices_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["draft", "review", "published", "archived"]),
    help="Only practices in this status (repeatable); all by default.",
)
def export_command(file: Path, statuses: tuple[str, ...]) -> None:
    """Write practices to FILE: a JSON array, or JSON Lines if FILE ends in .jsonl."""
    query = db.select(Practice).order_by(Practice.id)
    if statuses:
        query = query.where(Practice.status.in_(statuses))
    records = [practice_to_record(p) for p in db.session.execute(query).scalars()]
    write_records(file, records)
    click.echo(f"Exported {len(records)} practice(s) to {file}.")
