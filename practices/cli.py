"""flask practices import|export: bulk work and backup in JSON or JSON Lines."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from portal.extensions import db
from practices import services
from practices.models import Practice
from practices.records import check_record, practice_to_record, unknown_fields

practices_cli = AppGroup("practices", help="Import and export case studies.")


def read_records(path: Path) -> list[tuple[str, object]]:
    """Return (position, record) pairs from a JSON array or a JSON Lines file."""
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as error:
            raise click.ClickException(f"{path}: not valid JSON ({error})") from error
        return [(f"record {index}", record) for index, record in enumerate(records, 1)]
    pairs = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            pairs.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as error:
            pairs.append((f"line {number}", InvalidLine(str(error))))
    return pairs


class InvalidLine:
    """A JSON Lines line that did not parse, kept so it is reported with its position."""

    def __init__(self, reason: str):
        self.reason = reason


def problems_of(pairs) -> dict[str, list[str]]:
    """Every problem per position, duplicate slugs within the file included."""
    found, seen = {}, set()
    for position, record in pairs:
        problems = (
            [f"not valid JSON: {record.reason}"]
            if isinstance(record, InvalidLine)
            else check_record(record)
        )
        slug = record.get("slug") if isinstance(record, dict) else None
        if slug in seen:
            problems.append(f"slug: {slug!r} appears earlier in the file")
        seen.add(slug)
        if problems:
            found[position] = problems
    return found


@practices_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Write nothing if any record has a problem.")
def import_command(file: Path, strict: bool) -> None:
    """Create or update practices from FILE (JSON array or JSON Lines), matched by slug."""
    pairs = read_records(file)
    problems = problems_of(pairs)
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
    with file.open("w", encoding="utf-8") as output:
        if file.suffix == ".jsonl":
            output.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        else:
            json.dump(records, output, ensure_ascii=False, indent=2)
            output.write("\n")
    click.echo(f"Exported {len(records)} practice(s) to {file}.")
