"""flask courses import|export: bulk work and backup in JSON or JSON Lines."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from courses.models import Course, CourseStatus
from courses.records import check_record, course_to_record, import_record, unknown_fields
from portal.extensions import db
from portal.records_io import problems_of, read_records, write_records

courses_cli = AppGroup("courses", help="Import and export courses.")


def report(file: Path, position: str, message: str) -> None:
    """One line on standard error, starting with where in the file it applies."""
    click.echo(f"{file.name}, {position}: {message}", err=True)


@courses_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Write nothing if any record has a problem.")
def import_command(file: Path, strict: bool) -> None:
    """Create or update courses from FILE (JSON array or JSON Lines), matched by slug."""
    pairs = read_records(file)
    for position, record in pairs:
        for path in unknown_fields(record):
            report(file, position, f"unknown field {path!r} ignored")
    problems = problems_of(pairs, check_record)
    for position, messages in problems.items():
        report(file, position, "; ".join(messages))
    if strict and problems:
        raise click.ClickException(f"{len(problems)} record(s) with problems; nothing imported")
    good = [(position, record) for position, record in pairs if position not in problems]
    created, failed, warnings = import_records(good)
    for position, message in warnings:
        report(file, position, message)
    saved = len(good) - len(failed)
    click.echo(
        f"Imported {saved} course(s): {created} new, {saved - created} updated, "
        f"{len(problems) + len(failed)} skipped."
    )
    if failed:
        raise click.ClickException(f"{len(failed)} record(s) could not be saved")


def import_records(pairs) -> tuple[int, list[str], list[tuple[str, str]]]:
    """Save each record; return how many are new, the positions that failed, the warnings."""
    created, failed, warnings = 0, [], []
    with click.progressbar(pairs, label="Importing", show_pos=True) as progress:
        for position, record in progress:
            try:
                new, messages = import_record(record)
            except SQLAlchemyError as error:
                db.session.rollback()
                failed.append(position)
                messages = [f"not saved: {str(getattr(error, 'orig', error)).splitlines()[0]}"]
                new = False
            created += new
            warnings += [(position, message) for message in messages]
    return created, failed, warnings


@courses_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice([status.value for status in CourseStatus]),
    help="Only courses in this status (repeatable); all by default.",
)
def export_command(file: Path, statuses: tuple[str, ...]) -> None:
    """Write courses to FILE: a JSON array, or JSON Lines if FILE ends in .jsonl."""
    query = select(Course).order_by(Course.id)
    if statuses:
        query = query.where(Course.status.in_(statuses))
    records = [course_to_record(course) for course in db.session.scalars(query)]
    write_records(file, records)
    click.echo(f"Exported {len(records)} course(s) to {file}.")
