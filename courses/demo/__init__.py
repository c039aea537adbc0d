"""Demo courses, loaded by `flask demo` through the same path as `flask courses import`."""

import json
from pathlib import Path

from courses.records import import_record

DEMO_FILE = Path(__file__).parent / "courses.json"


def load() -> str:
    """Create or update the demo courses; running it again changes nothing."""
    records = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    created = [import_record(record)[0] for record in records]
    return f"{len(records)} demo courses ({sum(created)} new)"
