"""Reference data shipped as files and loaded into tables: regions, districts, topics."""

import json
from pathlib import Path

from portal.extensions import db
from portal.models import District, Region, Topic

DATA_DIR = Path(__file__).parent / "data"
REGIONS_FILE = DATA_DIR / "regions.json"
TOPICS_FILE = DATA_DIR / "topics.json"


def read_regions_file(path: Path = REGIONS_FILE) -> list[dict]:
    """Return the regions data file as a list of region records."""
    return json.loads(path.read_text(encoding="utf-8"))


def load_regions(path: Path = REGIONS_FILE) -> tuple[int, int]:
    """Insert or update regions and districts from the data file; return how many of each."""
    records = read_regions_file(path)
    district_count = 0
    for position, record in enumerate(records):
        region = _upsert(Region, {"code": record["code"]}, record["names"], position)
        db.session.flush()
        for district_position, district in enumerate(record["districts"]):
            keys = {"region_id": region.id, "code": district["code"]}
            _upsert(District, keys, district["names"], district_position)
            district_count += 1
    db.session.commit()
    return len(records), district_count


def load_topics(path: Path = TOPICS_FILE) -> int:
    """Insert or update topics from the data file; return how many there are."""
    records = json.loads(path.read_text(encoding="utf-8"))
    for position, record in enumerate(records):
        _upsert(Topic, {"code": record["code"]}, record["names"], position)
    db.session.commit()
    return len(records)


def load_reference_data() -> str:
    """Load regions, districts and topics; return a one-line summary."""
    regions, districts = load_regions()
    topics = load_topics()
    return f"{regions} regions, {districts} districts and {topics} topics"


def _upsert(model, keys: dict, names: dict, position: int):
    row = db.session.execute(db.select(model).filter_by(**keys)).scalar_one_or_none()
    if row is None:
        row = model(**keys)
        db.session.add(row)
    row.position = position
    for language in ("ky", "ru", "en"):
        setattr(row, f"name_{language}", names[language])
    return row


def region_by_code(code: str) -> Region | None:
    """Return the region with the stable `code` (e.g. 'issyk-kul')."""
    return db.session.execute(db.select(Region).filter_by(code=code)).scalar_one_or_none()


def topic_by_code(code: str) -> Topic | None:
    """Return the topic with the stable `code` (e.g. 'waste-management')."""
    return db.session.execute(db.select(Topic).filter_by(code=code)).scalar_one_or_none()


def all_regions() -> list[Region]:
    """Regions in their display order."""
    return list(db.session.execute(db.select(Region).order_by(Region.position)).scalars())


def all_topics() -> list[Topic]:
    """Topics in their display order."""
    return list(db.session.execute(db.select(Topic).order_by(Topic.position)).scalars())
