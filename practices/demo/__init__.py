"""Demo case studies, loaded by `flask demo` through the same path as `flask practices import`."""

import json
from pathlib import Path

from practices import services

DEMO_FILE = Path(__file__).parent / "practices.json"


def load() -> str:
    """Create or update the demo practices; running it again changes nothing."""
    records = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    created = [services.import_record(record)[0] for record in records]
    for record in records:
        services.link_related(record)
    return f"{len(records)} demo practices ({sum(created)} new)"
