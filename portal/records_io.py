"""Reading and writing record files (JSON array or JSON Lines) for the features' import and
export commands, with positions to report problems by."""

import json
from collections.abc import Callable
from pathlib import Path

import click


class InvalidLine:
    """A JSON Lines line that did not parse, kept so it is reported with its position."""

    def __init__(self, reason: str):
        self.reason = reason


def read_records(path: Path) -> list[tuple[str, object]]:
    """(position, record) pairs from a JSON array ("record 3") or JSON Lines ("line 7")."""
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


def problems_of(pairs, check_record: Callable[[object], list[str]]) -> dict[str, list[str]]:
    """Every problem per position, slugs repeated within the file included."""
    found, seen = {}, set()
    for position, record in pairs:
        if isinstance(record, InvalidLine):
            found[position] = [f"not valid JSON: {record.reason}"]
            continue
        problems = check_record(record)
        slug = record.get("slug") if isinstance(record, dict) else None
        if isinstance(slug, str) and slug in seen:
            problems.append(f"slug: {slug!r} appears earlier in the file")
        seen.add(slug)
        if problems:
            found[position] = problems
    return found


def write_records(path: Path, records: list[dict]) -> None:
    """Write records as a JSON array, or as JSON Lines when the file name ends in .jsonl."""
    with path.open("w", encoding="utf-8") as output:
        if path.suffix == ".jsonl":
            output.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        else:
            json.dump(records, output, ensure_ascii=False, indent=2)
            output.write("\n")
